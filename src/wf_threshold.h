/**
 * collectd-workforce - src/wf_threshold.h
 * SPDX-License-Identifier: MIT
 *
 * Thresholds on the values of one account, after collectd's threshold
 * plugin (collectd-threshold(5)): warning and failure bounds, hysteresis,
 * persist. Pure logic: the caller hands in each poll's metric rows and
 * gets back the notifications to send, so the state machine is testable
 * without collectd.
 *
 * A threshold watches one (type, instance), or the sum over every
 * instance of a type when it has no Instance. Its state (okay, warning,
 * failure) changes only when a value is there: a poll whose collector
 * failed leaves it as it was.
 **/
#ifndef WF_THRESHOLD_H
#define WF_THRESHOLD_H

#include "wf_common.h"
#include "wf_metrics.h"

#include <stdbool.h>

typedef enum {
  WF_STATE_OKAY,
  WF_STATE_WARNING,
  WF_STATE_FAILURE,
} wf_state_t;

typedef struct {
  char type[WF_NAME_LEN];
  char instance[WF_NAME_LEN]; /* "" with has_instance false: the sum */
  bool has_instance;
  double warning_min; /* NAN when not set */
  double warning_max;
  double failure_min;
  double failure_max;
  double hysteresis; /* >= 0 */
  bool persist;
} wf_threshold_config_t;

typedef struct {
  wf_threshold_config_t cfg;
  wf_state_t state;
} wf_threshold_t;

/* One notification a poll asks for. */
typedef struct {
  const wf_threshold_t *threshold;
  wf_state_t state;
  wf_state_t previous;
  double value;
  double bound; /* the bound crossed; NAN on the return to okay */
  bool above;   /* the value is above (true) or below the bound */
} wf_threshold_event_t;

/* Sets every bound to NAN and the rest to 0. */
void wf_threshold_config_init(wf_threshold_config_t *cfg);

/* True when at least one bound is set. */
bool wf_threshold_config_has_bounds(const wf_threshold_config_t *cfg);

/* The state `value` is in, given the state it was in: entering a warning
 * or failure takes crossing the bound; leaving it takes coming back by
 * the hysteresis. Values equal to a bound are within it. Fills `bound` and
 * `above` with the bound crossed (NAN for okay). */
wf_state_t wf_threshold_state(const wf_threshold_config_t *cfg, double value,
                              wf_state_t previous, double *bound, bool *above);

/* The value a threshold watches in `rows`: its instance's, or the sum over
 * every instance of its type. Returns false when no row is there. */
bool wf_threshold_value(const wf_threshold_config_t *cfg,
                        const wf_metrics_t *rows, double *value);

/* Evaluates `t` on a poll's rows. Returns true, with `event` filled, when
 * a notification is due: on every change of state, and on every poll
 * while not okay when persist is set. */
bool wf_threshold_check(wf_threshold_t *t, const wf_metrics_t *rows,
                        wf_threshold_event_t *event);

/* Writes the message of an event for people, e.g. "acme: 12 departures
 * today (all reasons), above the failure bound 10". */
void wf_threshold_message(const char *account,
                          const wf_threshold_event_t *event, char *buffer,
                          size_t size);

/* "okay", "warning" or "failure". */
const char *wf_state_name(wf_state_t state);

#endif /* WF_THRESHOLD_H */
