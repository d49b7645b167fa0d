/**
 * collectd-workforce - tests/unit/test_threshold.c
 * SPDX-License-Identifier: MIT
 *
 * The threshold state machine (src/wf_threshold.c), after collectd's
 * threshold plugin (collectd-threshold(5)): which poll sends a
 * notification, with which state and bound, under hysteresis and persist;
 * the value watched (one instance, or the sum over a type); a failed
 * collector that leaves the state alone; and the messages people read.
 **/
#include "unittest.h"

#include "wf_common.h"
#include "wf_metrics.h"
#include "wf_threshold.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Everything a test may hold; the teardown releases it whether the test
 * passed or not. */
typedef struct {
  wf_threshold_t threshold;
  wf_metrics_t rows;
  wf_threshold_event_t event;
  char message[256];
} fixture_t;

static int setup(void **state) {
  fixture_t *f = calloc(1, sizeof(*f));
  if (f == NULL)
    return -1;
  wf_threshold_config_init(&f->threshold.cfg);
  f->threshold.state = WF_STATE_OKAY;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture_t *f = *state;
  wf_metrics_free(&f->rows);
  free(f);
  return 0;
}

/* Makes `t` watch `type`, one `instance` of it or, with NULL, the sum
 * over its instances. Bounds are set by the test afterwards. */
static wf_threshold_config_t *threshold_on(wf_threshold_t *t, const char *type,
                                           const char *instance) {
  wf_threshold_config_t *cfg = &t->cfg;
  snprintf(cfg->type, sizeof(cfg->type), "%s", type);
  if (instance != NULL) {
    snprintf(cfg->instance, sizeof(cfg->instance), "%s", instance);
    cfg->has_instance = true;
  }
  return cfg;
}

/* Makes f->threshold watch `type`, as threshold_on does. */
static wf_threshold_config_t *watch(fixture_t *f, const char *type,
                                    const char *instance) {
  return threshold_on(&f->threshold, type, instance);
}

/* The usual threshold of these tests: departures_today of reason "leave"
 * with WarningMax 5 and FailureMax 10. */
static wf_threshold_config_t *leave_5_10(fixture_t *f) {
  wf_threshold_config_t *cfg = watch(f, "departures_today", "leave");
  cfg->warning_max = 5;
  cfg->failure_max = 10;
  return cfg;
}

/* One poll that read `value` for the watched type and instance ("leave"
 * for a sum), next to rows the threshold must not see: a row of another
 * type and, for a threshold on one instance, another instance of its
 * type. Returns whether a notification is due; the event is in f->event. */
static bool poll_value(fixture_t *f, double value) {
  const wf_threshold_config_t *cfg = &f->threshold.cfg;
  wf_metrics_clear(&f->rows);
  assert_int_equal(wf_metrics_add_gauge(&f->rows, "poll_duration", "all", 1000),
                   0);
  if (cfg->has_instance)
    assert_int_equal(
        wf_metrics_add_gauge(&f->rows, cfg->type, "another-instance", 1000), 0);
  assert_int_equal(
      wf_metrics_add_gauge(&f->rows, cfg->type,
                           cfg->has_instance ? cfg->instance : "leave", value),
      0);
  memset(&f->event, 0xA5, sizeof(f->event));
  return wf_threshold_check(&f->threshold, &f->rows, &f->event);
}

/* Polls `value` and fails when a notification is due. */
static void expect_silence(fixture_t *f, double value) {
  wf_state_t before = f->threshold.state;
  if (poll_value(f, value))
    fail_msg("value %g sent a notification (%s after %s)", value,
             wf_state_name(f->event.state), wf_state_name(f->event.previous));
  assert_int_equal(f->threshold.state, before);
}

/* Checks that `event` is of threshold `t`, reads `value` and says `state`
 * after `previous`, naming `bound` (NAN for none) crossed from `above`;
 * and that `t` is now in `state`. */
static void assert_event(const wf_threshold_event_t *event,
                         const wf_threshold_t *t, double value,
                         wf_state_t state, wf_state_t previous, double bound,
                         bool above) {
  if (event->state != state || event->previous != previous)
    fail_msg("value %g: %s after %s, expected %s after %s", value,
             wf_state_name(event->state), wf_state_name(event->previous),
             wf_state_name(state), wf_state_name(previous));
  if (event->threshold == NULL)
    fail_msg("value %g: the event names no threshold", value);
  if (event->threshold != t)
    fail_msg("value %g: event of the threshold on %s \"%s\", expected the "
             "one on %s \"%s\"",
             value, event->threshold->cfg.type, event->threshold->cfg.instance,
             t->cfg.type, t->cfg.instance);
  assert_float_equal(event->value, value, 0.0);
  if (isnan(bound)) {
    if (!isnan(event->bound))
      fail_msg("event names bound %g, expected none", event->bound);
  } else {
    assert_float_equal(event->bound, bound, 0.0);
    assert_int_equal(event->above, above);
  }
  assert_int_equal(t->state, state);
}

/* Polls `value` and checks that it sends the notification assert_event
 * describes, of f->threshold. */
static void expect_event(fixture_t *f, double value, wf_state_t state,
                         wf_state_t previous, double bound, bool above) {
  if (!poll_value(f, value))
    fail_msg("value %g sent no notification (state stays %s)", value,
             wf_state_name(f->threshold.state));
  assert_event(&f->event, &f->threshold, value, state, previous, bound, above);
}

/* ---------------------------------------------------------------------
 * Configuration helpers and state names.
 * --------------------------------------------------------------------- */

static void test_config_init_and_has_bounds(void **state) {
  (void)state;
  wf_threshold_config_t cfg;
  memset(&cfg, 0x5A, sizeof(cfg));
  wf_threshold_config_init(&cfg);
  assert_true(isnan(cfg.warning_min));
  assert_true(isnan(cfg.warning_max));
  assert_true(isnan(cfg.failure_min));
  assert_true(isnan(cfg.failure_max));
  assert_float_equal(cfg.hysteresis, 0.0, 0.0);
  assert_false(cfg.persist);
  assert_false(cfg.has_instance);
  assert_string_equal(cfg.type, "");
  assert_string_equal(cfg.instance, "");
  assert_false(wf_threshold_config_has_bounds(&cfg));

  /* Any one bound is enough, 0 included. */
  double *bounds[] = {&cfg.warning_min, &cfg.warning_max, &cfg.failure_min,
                      &cfg.failure_max};
  for (size_t i = 0; i < WF_ARRAY_SIZE(bounds); i++) {
    wf_threshold_config_init(&cfg);
    *bounds[i] = 0;
    assert_true(wf_threshold_config_has_bounds(&cfg));
  }
  /* Hysteresis and persist are no bounds. */
  wf_threshold_config_init(&cfg);
  cfg.hysteresis = 1;
  cfg.persist = true;
  assert_false(wf_threshold_config_has_bounds(&cfg));
}

static void test_state_names(void **state) {
  (void)state;
  assert_string_equal(wf_state_name(WF_STATE_OKAY), "okay");
  assert_string_equal(wf_state_name(WF_STATE_WARNING), "warning");
  assert_string_equal(wf_state_name(WF_STATE_FAILURE), "failure");
  assert_string_equal(wf_state_name((wf_state_t)42), "unknown");
}

/* ---------------------------------------------------------------------
 * Changes of state.
 * --------------------------------------------------------------------- */

static void test_steady_okay_sends_nothing(void **state) {
  fixture_t *f = *state;
  leave_5_10(f);
  static const double values[] = {0, 1, 4, 4.5, 5, 2, 0, -3};
  for (size_t i = 0; i < WF_ARRAY_SIZE(values); i++)
    expect_silence(f, values[i]);
  assert_int_equal(f->threshold.state, WF_STATE_OKAY);
}

static void test_warning_max_crossed_once(void **state) {
  fixture_t *f = *state;
  leave_5_10(f);
  expect_silence(f, 3);
  expect_event(f, 6, WF_STATE_WARNING, WF_STATE_OKAY, 5, true);
  /* Staying in warning is no news. */
  expect_silence(f, 6);
  expect_silence(f, 7);
  expect_silence(f, 10);
}

static void test_failure_max_crossed_once_then_okay(void **state) {
  fixture_t *f = *state;
  leave_5_10(f);
  expect_event(f, 6, WF_STATE_WARNING, WF_STATE_OKAY, 5, true);
  expect_event(f, 11, WF_STATE_FAILURE, WF_STATE_WARNING, 10, true);
  expect_silence(f, 11);
  expect_silence(f, 40);
  /* Back below both bounds: one OKAY that says what it was. */
  expect_event(f, 2, WF_STATE_OKAY, WF_STATE_FAILURE, NAN, false);
  expect_silence(f, 2);
}

static void test_okay_straight_to_failure_and_down_to_warning(void **state) {
  fixture_t *f = *state;
  leave_5_10(f);
  expect_event(f, 12, WF_STATE_FAILURE, WF_STATE_OKAY, 10, true);
  expect_event(f, 8, WF_STATE_WARNING, WF_STATE_FAILURE, 5, true);
  expect_event(f, 5, WF_STATE_OKAY, WF_STATE_WARNING, NAN, false);
}

/* A value equal to a bound is within it (collectd: "greater than
 * FailureMax"). */
static void test_value_equal_to_a_bound_is_within(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = leave_5_10(f);
  cfg->warning_min = 2;
  cfg->failure_min = 1;
  expect_silence(f, 5);
  expect_silence(f, 2);
  expect_event(f, 10, WF_STATE_WARNING, WF_STATE_OKAY, 5, true);
  /* Equal to FailureMin: a warning still, below WarningMin. */
  expect_silence(f, 1);
  expect_event(f, 0.5, WF_STATE_FAILURE, WF_STATE_WARNING, 1, false);
}

static void test_min_bounds_are_crossed_below(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = watch(f, "headcount", "regular");
  cfg->warning_min = 3;
  cfg->failure_min = 1;
  expect_silence(f, 3);
  expect_event(f, 2, WF_STATE_WARNING, WF_STATE_OKAY, 3, false);
  expect_event(f, 0.5, WF_STATE_FAILURE, WF_STATE_WARNING, 1, false);
  expect_silence(f, 0);
  expect_event(f, 1, WF_STATE_WARNING, WF_STATE_FAILURE, 3, false);
  expect_event(f, 3, WF_STATE_OKAY, WF_STATE_WARNING, NAN, false);
}

/* wf_threshold_state on its own: the state and the bound it names. */
static void test_state_function_names_the_bound(void **state) {
  (void)state;
  wf_threshold_config_t cfg;
  wf_threshold_config_init(&cfg);
  cfg.warning_min = 2;
  cfg.warning_max = 5;
  cfg.failure_min = 1;
  cfg.failure_max = 10;
  double bound = 0;
  bool above = false;

  assert_int_equal(wf_threshold_state(&cfg, 3, WF_STATE_OKAY, &bound, &above),
                   WF_STATE_OKAY);
  assert_true(isnan(bound));
  assert_int_equal(wf_threshold_state(&cfg, 6, WF_STATE_OKAY, &bound, &above),
                   WF_STATE_WARNING);
  assert_float_equal(bound, 5, 0.0);
  assert_true(above);
  assert_int_equal(
      wf_threshold_state(&cfg, 10.5, WF_STATE_OKAY, &bound, &above),
      WF_STATE_FAILURE);
  assert_float_equal(bound, 10, 0.0);
  assert_true(above);
  assert_int_equal(wf_threshold_state(&cfg, 1.5, WF_STATE_OKAY, &bound, &above),
                   WF_STATE_WARNING);
  assert_float_equal(bound, 2, 0.0);
  assert_false(above);
  above = true;
  assert_int_equal(
      wf_threshold_state(&cfg, -4, WF_STATE_FAILURE, &bound, &above),
      WF_STATE_FAILURE);
  assert_float_equal(bound, 1, 0.0);
  assert_false(above);
}

/* ---------------------------------------------------------------------
 * Hysteresis.
 * --------------------------------------------------------------------- */

/* FailureMax 10, Hysteresis 2: entering takes > 10, leaving takes <= 8. */
static void test_hysteresis_on_failure_max(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = watch(f, "departures_today", "leave");
  cfg->failure_max = 10;
  cfg->hysteresis = 2;
  expect_silence(f, 10);
  expect_event(f, 11, WF_STATE_FAILURE, WF_STATE_OKAY, 10, true);
  expect_silence(f, 9);
  expect_silence(f, 8.5);
  /* No warning bound: leaving failure is okay. */
  expect_event(f, 8, WF_STATE_OKAY, WF_STATE_FAILURE, NAN, false);
  /* Re-entering needs more than 10 again, not more than 8. */
  expect_silence(f, 9);
  expect_silence(f, 10);
  expect_event(f, 10.5, WF_STATE_FAILURE, WF_STATE_OKAY, 10, true);
}

/* Leaving failure by the hysteresis lands in warning when the value is
 * still above WarningMax. */
static void test_hysteresis_failure_to_warning(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = leave_5_10(f);
  cfg->hysteresis = 2;
  expect_event(f, 11, WF_STATE_FAILURE, WF_STATE_OKAY, 10, true);
  expect_silence(f, 9);
  expect_event(f, 8, WF_STATE_WARNING, WF_STATE_FAILURE, 5, true);
  expect_silence(f, 9);
  expect_silence(f, 10);
  expect_event(f, 10.5, WF_STATE_FAILURE, WF_STATE_WARNING, 10, true);
}

/* Leaving failure, the value lands where the bounds say: the hysteresis
 * keeps a state (collectd-threshold(5): "the failure (respectively
 * warning) state will be keep"), it does not widen the warning range on
 * the way down from failure. (This fails while wf_threshold_state applies
 * the warning hysteresis whenever the previous state is not okay: 7.5 then
 * reads as "above the warning bound 8", 2.5 as "below the warning bound
 * 2".) */
static void
test_hysteresis_leaving_failure_lands_where_bounds_say(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = watch(f, "departures_today", "leave");
  cfg->warning_min = 2;
  cfg->warning_max = 8;
  cfg->failure_max = 10;
  cfg->hysteresis = 1;
  expect_event(f, 11, WF_STATE_FAILURE, WF_STATE_OKAY, 10, true);
  expect_silence(f, 9.5);
  expect_event(f, 8.5, WF_STATE_WARNING, WF_STATE_FAILURE, 8, true);

  f->threshold.state = WF_STATE_OKAY;
  expect_event(f, 11, WF_STATE_FAILURE, WF_STATE_OKAY, 10, true);
  expect_event(f, 7.5, WF_STATE_OKAY, WF_STATE_FAILURE, NAN, false);

  expect_event(f, 11, WF_STATE_FAILURE, WF_STATE_OKAY, 10, true);
  expect_event(f, 2.5, WF_STATE_OKAY, WF_STATE_FAILURE, NAN, false);
}

static void test_hysteresis_on_warning_max(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = watch(f, "departures_today", "leave");
  cfg->warning_max = 5;
  cfg->hysteresis = 2;
  expect_event(f, 6, WF_STATE_WARNING, WF_STATE_OKAY, 5, true);
  expect_silence(f, 4);
  expect_event(f, 3, WF_STATE_OKAY, WF_STATE_WARNING, NAN, false);
  expect_silence(f, 5);
  expect_event(f, 5.5, WF_STATE_WARNING, WF_STATE_OKAY, 5, true);
}

/* Below a minimum, leaving takes coming back above it by the hysteresis. */
static void test_hysteresis_on_failure_min(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = watch(f, "headcount", "regular");
  cfg->failure_min = 10;
  cfg->hysteresis = 2;
  expect_silence(f, 10);
  expect_event(f, 9, WF_STATE_FAILURE, WF_STATE_OKAY, 10, false);
  expect_silence(f, 11);
  expect_silence(f, 11.5);
  expect_event(f, 12, WF_STATE_OKAY, WF_STATE_FAILURE, NAN, false);
  expect_silence(f, 10);
  expect_event(f, 9.5, WF_STATE_FAILURE, WF_STATE_OKAY, 10, false);
}

/* ---------------------------------------------------------------------
 * Persist.
 * --------------------------------------------------------------------- */

static void test_persist_resends_while_not_okay(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = leave_5_10(f);
  cfg->persist = true;
  expect_silence(f, 3);
  expect_silence(f, 4);
  expect_event(f, 6, WF_STATE_WARNING, WF_STATE_OKAY, 5, true);
  expect_event(f, 6, WF_STATE_WARNING, WF_STATE_WARNING, 5, true);
  expect_event(f, 11, WF_STATE_FAILURE, WF_STATE_WARNING, 10, true);
  expect_event(f, 11, WF_STATE_FAILURE, WF_STATE_FAILURE, 10, true);
  expect_event(f, 12, WF_STATE_FAILURE, WF_STATE_FAILURE, 10, true);
  /* The return to okay is sent once, then nothing while okay. */
  expect_event(f, 1, WF_STATE_OKAY, WF_STATE_FAILURE, NAN, false);
  expect_silence(f, 1);
  expect_silence(f, 5);
}

/* okay -> warning -> failure -> warning -> okay: four notifications, each
 * at the poll that changes the state, and none in between. */
static void test_without_persist_each_change_is_sent_once(void **state) {
  fixture_t *f = *state;
  leave_5_10(f);
  expect_silence(f, 1);
  expect_event(f, 6, WF_STATE_WARNING, WF_STATE_OKAY, 5, true);
  expect_silence(f, 6);
  expect_event(f, 11, WF_STATE_FAILURE, WF_STATE_WARNING, 10, true);
  expect_silence(f, 11);
  expect_silence(f, 11);
  expect_event(f, 6, WF_STATE_WARNING, WF_STATE_FAILURE, 5, true);
  expect_silence(f, 6);
  expect_event(f, 1, WF_STATE_OKAY, WF_STATE_WARNING, NAN, false);
  expect_silence(f, 1);
}

/* ---------------------------------------------------------------------
 * The value watched.
 * --------------------------------------------------------------------- */

/* Without Instance, the threshold watches the sum over every instance of
 * its type; rows of other types do not count. */
static void test_sum_over_instances_without_instance(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = watch(f, "departures_today", NULL);
  cfg->failure_max = 10;
  assert_int_equal(
      wf_metrics_add_gauge(&f->rows, "departures_today", "leave", 4), 0);
  assert_int_equal(
      wf_metrics_add_gauge(&f->rows, "departures_today", "delete", 3), 0);
  assert_int_equal(
      wf_metrics_add_gauge(&f->rows, "departures_30d", "leave", 100), 0);
  assert_int_equal(wf_metrics_add_gauge(&f->rows, "headcount", "regular", 50),
                   0);
  double value = -1;
  assert_true(wf_threshold_value(cfg, &f->rows, &value));
  assert_float_equal(value, 7, 0.0);
  assert_false(wf_threshold_check(&f->threshold, &f->rows, &f->event));
  assert_int_equal(f->threshold.state, WF_STATE_OKAY);

  assert_int_equal(
      wf_metrics_add_gauge(&f->rows, "departures_today", "oapi", 4), 0);
  assert_true(wf_threshold_check(&f->threshold, &f->rows, &f->event));
  assert_event(&f->event, &f->threshold, 11, WF_STATE_FAILURE, WF_STATE_OKAY,
               10, true);
}

/* With Instance, only that row counts. */
static void test_instance_value_ignores_other_rows(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = watch(f, "departures_today", "leave");
  assert_int_equal(
      wf_metrics_add_gauge(&f->rows, "departures_30d", "leave", 100), 0);
  assert_int_equal(
      wf_metrics_add_gauge(&f->rows, "departures_today", "delete", 3), 0);
  assert_int_equal(
      wf_metrics_add_gauge(&f->rows, "departures_today", "leave", 2), 0);
  double value = -1;
  assert_true(wf_threshold_value(cfg, &f->rows, &value));
  assert_float_equal(value, 2, 0.0);
}

/* Two thresholds of one account on one poll's rows, each on its own
 * instance of a type: each reads its own row, and its event and message
 * name it. */
static void test_each_threshold_watches_its_own_instance(void **state) {
  fixture_t *f = *state;
  leave_5_10(f);
  wf_threshold_t deletes = {.state = WF_STATE_OKAY};
  wf_threshold_config_init(&deletes.cfg);
  threshold_on(&deletes, "departures_today", "delete")->failure_max = 2;
  assert_int_equal(
      wf_metrics_add_gauge(&f->rows, "departures_today", "leave", 6), 0);
  assert_int_equal(
      wf_metrics_add_gauge(&f->rows, "departures_today", "delete", 3), 0);
  assert_int_equal(
      wf_metrics_add_gauge(&f->rows, "departures_today", "oapi", 100), 0);

  wf_threshold_event_t delete_event;
  assert_true(wf_threshold_check(&f->threshold, &f->rows, &f->event));
  assert_true(wf_threshold_check(&deletes, &f->rows, &delete_event));
  assert_event(&f->event, &f->threshold, 6, WF_STATE_WARNING, WF_STATE_OKAY, 5,
               true);
  assert_event(&delete_event, &deletes, 3, WF_STATE_FAILURE, WF_STATE_OKAY, 2,
               true);

  char text[256];
  wf_threshold_message("acme", &f->event, text, sizeof(text));
  assert_string_equal(
      text, "acme: 6 departures today (leave), above the warning bound 5");
  wf_threshold_message("acme", &delete_event, text, sizeof(text));
  assert_string_equal(
      text, "acme: 3 departures today (delete), above the failure bound 2");
}

/* A poll without the watched value (its collector failed) sends nothing
 * and keeps the state: the next real value is compared with it. */
static void test_absent_value_keeps_the_state(void **state) {
  fixture_t *f = *state;
  leave_5_10(f);
  expect_event(f, 11, WF_STATE_FAILURE, WF_STATE_OKAY, 10, true);

  /* Rows of the type, but not of the instance; then no rows at all. */
  wf_metrics_clear(&f->rows);
  assert_int_equal(
      wf_metrics_add_gauge(&f->rows, "departures_today", "delete", 0), 0);
  double value = -1;
  assert_false(wf_threshold_value(&f->threshold.cfg, &f->rows, &value));
  assert_float_equal(value, -1, 0.0);
  assert_false(wf_threshold_check(&f->threshold, &f->rows, &f->event));
  assert_int_equal(f->threshold.state, WF_STATE_FAILURE);
  wf_metrics_clear(&f->rows);
  assert_false(wf_threshold_check(&f->threshold, &f->rows, &f->event));
  assert_int_equal(f->threshold.state, WF_STATE_FAILURE);

  /* Still failing when the value is back: nothing new. */
  expect_silence(f, 12);
  expect_event(f, 0, WF_STATE_OKAY, WF_STATE_FAILURE, NAN, false);
}

/* The sum of a type that has no row this poll is absent too, not 0. */
static void test_absent_type_is_not_a_zero_sum(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = watch(f, "headcount", NULL);
  cfg->failure_min = 1;
  assert_int_equal(
      wf_metrics_add_gauge(&f->rows, "departures_today", "leave", 0), 0);
  double value = -1;
  assert_false(wf_threshold_value(cfg, &f->rows, &value));
  assert_false(wf_threshold_check(&f->threshold, &f->rows, &f->event));
  assert_int_equal(f->threshold.state, WF_STATE_OKAY);
}

/* A today-metric falls back to 0 at local midnight: the failure it was in
 * ends with an OKAY. */
static void test_midnight_drop_returns_to_okay(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = watch(f, "departures_today", NULL);
  cfg->warning_max = 5;
  cfg->failure_max = 10;
  cfg->hysteresis = 1;
  expect_event(f, 12, WF_STATE_FAILURE, WF_STATE_OKAY, 10, true);
  expect_silence(f, 12);
  expect_event(f, 0, WF_STATE_OKAY, WF_STATE_FAILURE, NAN, false);
  expect_silence(f, 0);
}

/* ---------------------------------------------------------------------
 * Messages.
 * --------------------------------------------------------------------- */

/* Writes the message of f->event for account "acme" into f->message. */
static const char *message(fixture_t *f) {
  wf_threshold_message("acme", &f->event, f->message, sizeof(f->message));
  return f->message;
}

static void test_message_failure_of_a_sum(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = watch(f, "departures_today", NULL);
  cfg->failure_max = 10;
  expect_event(f, 12, WF_STATE_FAILURE, WF_STATE_OKAY, 10, true);
  assert_string_equal(
      message(f),
      "acme: 12 departures today (all reasons), above the failure bound 10");
}

static void test_message_warning_of_an_instance(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = watch(f, "departures_today", "leave");
  cfg->warning_min = 2;
  expect_event(f, 1, WF_STATE_WARNING, WF_STATE_OKAY, 2, false);
  assert_string_equal(
      message(f),
      "acme: 1 departures today (leave), below the warning bound 2");
}

static void test_message_back_within_bounds(void **state) {
  fixture_t *f = *state;
  leave_5_10(f);
  expect_event(f, 11, WF_STATE_FAILURE, WF_STATE_OKAY, 10, true);
  expect_event(f, 3, WF_STATE_OKAY, WF_STATE_FAILURE, NAN, false);
  assert_string_equal(
      message(f),
      "acme: 3 departures today (leave), back within bounds after failure");
  expect_event(f, 6, WF_STATE_WARNING, WF_STATE_OKAY, 5, true);
  expect_event(f, 0, WF_STATE_OKAY, WF_STATE_WARNING, NAN, false);
  assert_string_equal(
      message(f),
      "acme: 0 departures today (leave), back within bounds after warning");
}

/* Whole numbers read without ".000000"; fractions keep their digits. */
static void test_message_numbers(void **state) {
  fixture_t *f = *state;
  wf_threshold_config_t *cfg = watch(f, "leave_expiring", "annual-days");
  cfg->warning_max = 1.5;
  cfg->failure_max = 100;
  expect_event(f, 2.5, WF_STATE_WARNING, WF_STATE_OKAY, 1.5, true);
  assert_string_equal(message(f), "acme: 2.5 of granted leave expiring soon "
                                  "(annual-days), above the warning bound 1.5");

  expect_event(f, 250, WF_STATE_FAILURE, WF_STATE_WARNING, 100, true);
  assert_string_equal(message(f), "acme: 250 of granted leave expiring soon "
                                  "(annual-days), above the failure bound 100");

  f->threshold.state = WF_STATE_OKAY;
  cfg->warning_max = NAN;
  cfg->failure_max = -3;
  expect_event(f, -2, WF_STATE_FAILURE, WF_STATE_OKAY, -3, true);
  assert_string_equal(message(f), "acme: -2 of granted leave expiring soon "
                                  "(annual-days), above the failure bound -3");
}

/* Each type reads as a phrase and names its instances in a sum. */
static void test_message_phrases(void **state) {
  fixture_t *f = *state;
  static const struct {
    const char *type;
    const char *expected;
  } cases[] = {
      {"headcount", "acme: 7 employees (all statuses), above the failure "
                    "bound 5"},
      {"on_leave", "acme: 7 employees on leave (all leave types), above the "
                   "failure bound 5"},
      {"abnormal_checkins", "acme: 7 abnormal check-ins today, above the "
                            "failure bound 5"},
      {"api_requests", "acme: 7 api_requests, above the failure bound 5"},
  };
  for (size_t i = 0; i < WF_ARRAY_SIZE(cases); i++) {
    wf_threshold_config_init(&f->threshold.cfg);
    f->threshold.state = WF_STATE_OKAY;
    wf_threshold_config_t *cfg = watch(f, cases[i].type, NULL);
    cfg->failure_max = 5;
    expect_event(f, 7, WF_STATE_FAILURE, WF_STATE_OKAY, 5, true);
    assert_string_equal(message(f), cases[i].expected);
  }
}

/* The longest account and instance names collectd allows do not overflow
 * a 256-byte buffer, nor a tiny one. */
static void test_message_long_names_are_cut(void **state) {
  fixture_t *f = *state;
  char instance[WF_NAME_LEN];
  memset(instance, 'i', sizeof(instance) - 1);
  instance[sizeof(instance) - 1] = '\0';
  char account[WF_NAME_LEN];
  memset(account, 'a', sizeof(account) - 1);
  account[sizeof(account) - 1] = '\0';
  wf_threshold_config_t *cfg = watch(f, "departures_today", instance);
  assert_string_equal(cfg->instance, instance);
  cfg->failure_max = 10;
  expect_event(f, 123456789, WF_STATE_FAILURE, WF_STATE_OKAY, 10, true);

  char buffer[256 + 16];
  memset(buffer, '#', sizeof(buffer));
  wf_threshold_message(account, &f->event, buffer, 256);
  assert_int_equal(strlen(buffer), 255);
  assert_memory_equal(buffer, account, strlen(account));
  for (size_t i = 256; i < sizeof(buffer); i++)
    assert_int_equal(buffer[i], '#');

  memset(buffer, '#', sizeof(buffer));
  wf_threshold_message(account, &f->event, buffer, 8);
  assert_string_equal(buffer, "aaaaaaa");
  for (size_t i = 8; i < sizeof(buffer); i++)
    assert_int_equal(buffer[i], '#');
}

#define THRESHOLD_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_config_init_and_has_bounds),
      cmocka_unit_test(test_state_names),
      THRESHOLD_TEST(test_steady_okay_sends_nothing),
      THRESHOLD_TEST(test_warning_max_crossed_once),
      THRESHOLD_TEST(test_failure_max_crossed_once_then_okay),
      THRESHOLD_TEST(test_okay_straight_to_failure_and_down_to_warning),
      THRESHOLD_TEST(test_value_equal_to_a_bound_is_within),
      THRESHOLD_TEST(test_min_bounds_are_crossed_below),
      cmocka_unit_test(test_state_function_names_the_bound),
      THRESHOLD_TEST(test_hysteresis_on_failure_max),
      THRESHOLD_TEST(test_hysteresis_failure_to_warning),
      THRESHOLD_TEST(test_hysteresis_leaving_failure_lands_where_bounds_say),
      THRESHOLD_TEST(test_hysteresis_on_warning_max),
      THRESHOLD_TEST(test_hysteresis_on_failure_min),
      THRESHOLD_TEST(test_persist_resends_while_not_okay),
      THRESHOLD_TEST(test_without_persist_each_change_is_sent_once),
      THRESHOLD_TEST(test_sum_over_instances_without_instance),
      THRESHOLD_TEST(test_instance_value_ignores_other_rows),
      THRESHOLD_TEST(test_each_threshold_watches_its_own_instance),
      THRESHOLD_TEST(test_absent_value_keeps_the_state),
      THRESHOLD_TEST(test_absent_type_is_not_a_zero_sum),
      THRESHOLD_TEST(test_midnight_drop_returns_to_okay),
      THRESHOLD_TEST(test_message_failure_of_a_sum),
      THRESHOLD_TEST(test_message_warning_of_an_instance),
      THRESHOLD_TEST(test_message_back_within_bounds),
      THRESHOLD_TEST(test_message_numbers),
      THRESHOLD_TEST(test_message_phrases),
      THRESHOLD_TEST(test_message_long_names_are_cut),
  };
  return cmocka_run_group_tests_name("wf_threshold", tests, NULL, NULL);
}
