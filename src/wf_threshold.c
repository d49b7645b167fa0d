/**
 * collectd-workforce - src/wf_threshold.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_threshold.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void wf_threshold_config_init(wf_threshold_config_t *cfg) {
  memset(cfg, 0, sizeof(*cfg));
  cfg->warning_min = NAN;
  cfg->warning_max = NAN;
  cfg->failure_min = NAN;
  cfg->failure_max = NAN;
}

bool wf_threshold_config_has_bounds(const wf_threshold_config_t *cfg) {
  return !isnan(cfg->warning_min) || !isnan(cfg->warning_max) ||
         !isnan(cfg->failure_min) || !isnan(cfg->failure_max);
}

/* True when `value` is outside [min, max], each relaxed by `slack` (the
 * hysteresis of a state being left). Sets the bound crossed. */
static bool threshold_outside(double value, double min, double max,
                              double slack, double *bound, bool *above) {
  if (!isnan(max) && value > max - slack) {
    *bound = max;
    *above = true;
    return true;
  }
  if (!isnan(min) && value < min + slack) {
    *bound = min;
    *above = false;
    return true;
  }
  return false;
}

wf_state_t wf_threshold_state(const wf_threshold_config_t *cfg, double value,
                              wf_state_t previous, double *bound, bool *above) {
  /* Staying in a state is easier than entering it by the hysteresis. */
  double failure_slack = (previous == WF_STATE_FAILURE) ? cfg->hysteresis : 0;
  double warning_slack = (previous == WF_STATE_WARNING) ? cfg->hysteresis : 0;

  *bound = NAN;
  *above = false;
  if (threshold_outside(value, cfg->failure_min, cfg->failure_max,
                        failure_slack, bound, above))
    return WF_STATE_FAILURE;
  if (threshold_outside(value, cfg->warning_min, cfg->warning_max,
                        warning_slack, bound, above))
    return WF_STATE_WARNING;
  *bound = NAN;
  return WF_STATE_OKAY;
}

bool wf_threshold_value(const wf_threshold_config_t *cfg,
                        const wf_metrics_t *rows, double *value) {
  if (cfg->has_instance) {
    const wf_metric_t *row = wf_metrics_find(rows, cfg->type, cfg->instance);
    if (row == NULL)
      return false;
    *value =
        (row->kind == WF_GAUGE) ? row->value.gauge : (double)row->value.derive;
    return true;
  }
  bool found = false;
  double sum = 0;
  for (size_t i = 0; i < rows->count; i++) {
    const wf_metric_t *row = &rows->rows[i];
    if (strcmp(row->type, cfg->type) != 0)
      continue;
    sum +=
        (row->kind == WF_GAUGE) ? row->value.gauge : (double)row->value.derive;
    found = true;
  }
  if (found)
    *value = sum;
  return found;
}

bool wf_threshold_check(wf_threshold_t *t, const wf_metrics_t *rows,
                        wf_threshold_event_t *event) {
  double value;
  if (!wf_threshold_value(&t->cfg, rows, &value))
    return false;

  double bound;
  bool above;
  wf_state_t state =
      wf_threshold_state(&t->cfg, value, t->state, &bound, &above);
  bool due = (state != t->state) || (t->cfg.persist && state != WF_STATE_OKAY);
  *event = (wf_threshold_event_t){.threshold = t,
                                  .state = state,
                                  .previous = t->state,
                                  .value = value,
                                  .bound = bound,
                                  .above = above};
  t->state = state;
  return due;
}

const char *wf_state_name(wf_state_t state) {
  switch (state) {
  case WF_STATE_OKAY:
    return "okay";
  case WF_STATE_WARNING:
    return "warning";
  case WF_STATE_FAILURE:
    return "failure";
  }
  return "unknown";
}

/* Formats a number without a needless ".000000". */
static void threshold_format_number(double v, char *buffer, size_t size) {
  if (v == floor(v) && fabs(v) < 1e15)
    snprintf(buffer, size, "%.0f", v);
  else
    snprintf(buffer, size, "%g", v);
}

void wf_threshold_message(const char *account,
                          const wf_threshold_event_t *event, char *buffer,
                          size_t size) {
  const wf_threshold_config_t *cfg = &event->threshold->cfg;
  const wf_metric_type_t *type = wf_metric_type(cfg->type);
  const char *phrase =
      (type != NULL && type->phrase != NULL) ? type->phrase : cfg->type;
  const char *instances = (type != NULL) ? type->instances : NULL;

  char which[WF_NAME_LEN + 32] = "";
  if (cfg->has_instance && cfg->instance[0] != '\0')
    snprintf(which, sizeof(which), " (%s)", cfg->instance);
  else if (instances != NULL)
    snprintf(which, sizeof(which), " (all %s)", instances);

  char value[32];
  threshold_format_number(event->value, value, sizeof(value));

  if (event->state == WF_STATE_OKAY) {
    snprintf(buffer, size, "%s: %s %s%s, back within bounds after %s", account,
             value, phrase, which, wf_state_name(event->previous));
    return;
  }
  char bound[32];
  threshold_format_number(event->bound, bound, sizeof(bound));
  /* Within the bound but held by the hysteresis: say so, not "above". */
  bool crossed =
      event->above ? event->value > event->bound : event->value < event->bound;
  if (!crossed) {
    snprintf(buffer, size,
             "%s: %s %s%s, still %s: not yet back from the %s bound %s by "
             "the hysteresis",
             account, value, phrase, which, wf_state_name(event->state),
             wf_state_name(event->state), bound);
    return;
  }
  snprintf(buffer, size, "%s: %s %s%s, %s the %s bound %s", account, value,
           phrase, which, event->above ? "above" : "below",
           wf_state_name(event->state), bound);
}
