/**
 * collectd-workforce - src/wf_account.c
 *
 * A poll runs each configured collector of the account in turn. A
 * collector either succeeds, and its rows join the poll's metric list, or
 * fails, and dispatches nothing for this poll (never a wrong zero): its
 * failure is logged once per failure streak and its recovery once. The
 * account's own health (requests, errors, durations, data age) is
 * dispatched after every poll.
 **/
#include "wf_account.h"

#include "wf_common.h"
#include "wf_dispatch.h"
#include "wf_time.h"

#include <time.h>

/* The wall clock of the platform clients. */
static time_t wall_clock(void) { return CDTIME_T_TO_TIME_T(cdtime()); }

/* Pauses between retries; short, as it holds one of collectd's read
 * threads. */
static void pause_ms(long ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
  while (nanosleep(&ts, &ts) != 0)
    ;
}

wf_account_t *wf_account_create(wf_account_config_t *cfg) {
  wf_account_t *a = calloc(1, sizeof(*a));
  if (a == NULL)
    return NULL;
  a->cfg = *cfg;
  memset(cfg, 0, sizeof(*cfg));
  a->started = cdtime();
  for (int i = 0; i < WF_COLLECTOR_COUNT; i++)
    C_COMPLAIN_INIT(&a->collectors[i].complaint);
  wf_dingtalk_init(&a->dingtalk, &a->cfg, NULL, &a->stats, wall_clock,
                   pause_ms);
  return a;
}

/* Creates the HTTP client on the first poll, after libcurl's global
 * initialisation in the init callback. */
static int ensure_http(wf_account_t *a) {
  if (a->http != NULL)
    return 0;
  wf_http_options_t options = {
      .timeout_ms = a->cfg.timeout_ms,
      .max_response_size = a->cfg.max_response_size,
      .ca_file = a->cfg.ca_file,
      .verify_peer = a->cfg.verify_peer,
      .verify_host = a->cfg.verify_host,
      .proxy = a->cfg.proxy,
      .min_interval_ms = (long)(1000.0 / a->cfg.max_requests_per_second),
  };
  a->http = wf_http_create(&options);
  if (a->http == NULL) {
    ERROR(WF_LOG_PREFIX "%s: cannot create an HTTP client", a->cfg.name);
    return -1;
  }
  a->dingtalk.http = a->http;
  return 0;
}

/* Runs one DingTalk collector, appending its rows to `out`. */
static int run_dingtalk(wf_account_t *a, wf_collector_t collector, time_t now,
                        wf_metrics_t *out, wf_error_t *err) {
  switch (collector) {
  case WF_COLLECT_DEPARTURES:
    return wf_dingtalk_departures(&a->dingtalk, now, out, err);
  case WF_COLLECT_HEADCOUNT: {
    int64_t counts[WF_HR_COUNT] = {0};
    if (wf_dingtalk_employees(&a->dingtalk, counts, NULL, err) != 0)
      return -1;
    if (wf_headcount_metrics(counts, out) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, "headcount", "out of memory");
      return -1;
    }
    return 0;
  }
  default:
    wf_error_set(err, WF_ERR_PLATFORM, wf_collector_name(collector),
                 "collector not available");
    return -1;
  }
}

/* When to try again after a failure, or 0 for the next poll. */
static time_t pause_after(const wf_account_t *a, const wf_error_t *err,
                          time_t now) {
  if (err->kind == WF_ERR_QUOTA)
    return wf_next_month_start(now, a->cfg.utc_offset);
  if (err->kind == WF_ERR_THROTTLED && err->retry_after > 0)
    return now + err->retry_after;
  return 0;
}

/* Runs one collector and keeps its health. `token_error` carries a failure
 * to obtain the access token from one collector of this poll to the next:
 * they would fail the same way, so they are not tried again. */
static void poll_collector(wf_account_t *a, int index, time_t now,
                           wf_metrics_t *out, wf_error_t *token_error) {
  wf_collector_t collector = (wf_collector_t)(1u << index);
  wf_collector_state_t *state = &a->collectors[index];
  const char *name = wf_collector_name(collector);
  wf_metrics_t rows = {0};
  wf_error_t err;

  if (state->paused_until > now)
    return;

  wf_error_clear(&err);
  int status;
  if (token_error->kind != WF_ERR_NONE) {
    err = *token_error;
    status = -1;
  } else {
    cdtime_t begin = cdtime();
    status = run_dingtalk(a, collector, now, &rows, &err);
    state->last_duration = cdtime() - begin;
    state->ran = true;
    if (status != 0 && strcmp(err.endpoint, "gettoken") == 0)
      *token_error = err;
  }

  if (status == 0) {
    for (size_t i = 0; i < rows.count; i++) {
      const wf_metric_t *r = &rows.rows[i];
      if (r->kind == WF_GAUGE)
        wf_metrics_add_gauge(out, r->type, r->instance, r->value.gauge);
      else
        wf_metrics_add_derive(out, r->type, r->instance, r->value.derive);
    }
    state->last_success = cdtime();
    state->paused_until = 0;
    c_release(LOG_INFO, &state->complaint,
              WF_LOG_PREFIX "%s: collector %s works again", a->cfg.name, name);
  } else {
    char text[512];
    wf_error_format(&err, text, sizeof(text));
    state->paused_until = pause_after(a, &err, now);
    c_complain_once(LOG_ERR, &state->complaint,
                    WF_LOG_PREFIX "%s: collector %s failed: %s", a->cfg.name,
                    name, text);
  }
  wf_metrics_free(&rows);
}

/* Appends the account's own health rows. */
static void self_metrics(wf_account_t *a, cdtime_t now, wf_metrics_t *out) {
  wf_stats_to_metrics(&a->stats, out);
  for (int i = 0; i < WF_COLLECTOR_COUNT; i++) {
    wf_collector_t collector = (wf_collector_t)(1u << i);
    const wf_collector_state_t *state = &a->collectors[i];
    if (!(a->cfg.collect & collector))
      continue;
    const char *name = wf_collector_name(collector);
    if (state->ran)
      wf_metrics_add_gauge(out, "poll_duration", name,
                           CDTIME_T_TO_DOUBLE(state->last_duration));
    /* A collector that never succeeded is as old as the plugin. */
    cdtime_t since =
        (state->last_success != 0) ? state->last_success : a->started;
    wf_metrics_add_gauge(out, "data_age", name,
                         CDTIME_T_TO_DOUBLE(now - since));
  }
}

int wf_account_poll(wf_account_t *a) {
  if (ensure_http(a) != 0)
    return -1;

  cdtime_t poll_time = cdtime();
  time_t now = CDTIME_T_TO_TIME_T(poll_time);
  wf_error_t token_error;
  wf_error_clear(&token_error);
  wf_metrics_clear(&a->metrics);

  for (int i = 0; i < WF_COLLECTOR_COUNT; i++)
    if (a->cfg.collect & (1u << i))
      poll_collector(a, i, now, &a->metrics, &token_error);

  self_metrics(a, cdtime(), &a->metrics);
  wf_dispatch_metrics(a->cfg.name, &a->metrics, poll_time,
                      DOUBLE_TO_CDTIME_T(a->cfg.interval));
  return 0;
}

void wf_account_destroy(void *arg) {
  wf_account_t *a = arg;
  if (a == NULL)
    return;
  wf_dingtalk_destroy(&a->dingtalk);
  wf_http_destroy(a->http);
  wf_stats_free(&a->stats);
  wf_metrics_free(&a->metrics);
  wf_account_config_free(&a->cfg);
  free(a);
}
