/**
 * collectd-workforce - src/wf_account.c
 *
 * A poll runs each configured collector of the account in turn. A
 * collector either succeeds, and its rows join the poll's metric list, or
 * fails, and dispatches nothing for this poll (never a wrong zero): its
 * failure is logged once per failure streak and its recovery once. The
 * account's own health (requests, errors, quota, durations, data age) is
 * dispatched after every poll.
 *
 * Several DingTalk collectors need the on-job employees (headcount, and
 * attendance and sign-ins without a UserID list). A poll reads that list
 * at most once and shares it, so queryonjob is never paged twice.
 **/
#include "wf_account.h"

#include "wf_common.h"
#include "wf_dingtalk.h"
#include "wf_dispatch.h"
#include "wf_feishu.h"
#include "wf_time.h"

#include <time.h>

/* What one poll shares between its collectors. */
typedef struct {
  time_t now;
  /* The employee lists, read on first need. */
  bool employees_read;
  int employees_status;
  wf_error_t employees_error;
  int64_t headcount[WF_HR_COUNT];
  wf_strlist_t onjob;
  /* A failure to obtain the token: the next collectors would fail the
   * same way, so they are not tried again in this poll. */
  wf_error_t token_error;
} poll_t;

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
  C_COMPLAIN_INIT(&a->quota_complaint);
  a->thresholds = calloc(a->cfg.threshold_count + 1, sizeof(*a->thresholds));
  if (a->thresholds == NULL) {
    wf_account_config_free(&a->cfg);
    free(a);
    return NULL;
  }
  for (size_t i = 0; i < a->cfg.threshold_count; i++)
    a->thresholds[i].cfg = a->cfg.thresholds[i];
  wf_client_init(&a->client,
                 (a->cfg.platform == WF_PLATFORM_DINGTALK) ? &wf_dingtalk_ops
                                                           : &wf_feishu_ops,
                 &a->cfg, NULL, &a->stats, wall_clock, pause_ms);
  a->client.limiter = wf_limiter_create();
  if (a->client.limiter == NULL) {
    free(a->thresholds);
    wf_account_config_free(&a->cfg);
    free(a);
    return NULL;
  }
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
      /* MaxRequestsPerSecond: a cap of the user's over every API, beyond
       * the platforms' own limits, which the client's limiter keeps. */
      .min_interval_ms = (a->cfg.max_requests_per_second > 0)
                             ? (long)(1000.0 / a->cfg.max_requests_per_second)
                             : 0,
  };
  a->http = wf_http_create(&options);
  if (a->http == NULL) {
    ERROR(WF_LOG_PREFIX "%s: cannot create an HTTP client", a->cfg.name);
    return -1;
  }
  a->client.http = a->http;
  return 0;
}

/* Reads the employee lists once per poll. */
static int poll_employees(wf_account_t *a, poll_t *p, wf_error_t *err) {
  if (!p->employees_read) {
    p->employees_read = true;
    wf_error_clear(&p->employees_error);
    p->employees_status = wf_dingtalk_employees(&a->client, p->headcount,
                                                &p->onjob, &p->employees_error);
  }
  if (p->employees_status != 0)
    *err = p->employees_error;
  return p->employees_status;
}

/* Whose attendance and sign-ins to read: the UserID list, or every on-job
 * employee. */
static const wf_strlist_t *watched_users(wf_account_t *a, poll_t *p,
                                         wf_error_t *err) {
  if (a->cfg.user_ids.count > 0)
    return &a->cfg.user_ids;
  return (poll_employees(a, p, err) == 0) ? &p->onjob : NULL;
}

/* Logs, once per id, the user ids Feishu rejected. User ids are the ones
 * the configuration names, not personal data. */
static void report_rejects(wf_account_t *a, const wf_strlist_t *ids,
                           const char *why) {
  for (size_t i = 0; i < ids->count; i++) {
    bool seen = false;
    for (size_t j = 0; j < a->reported_ids.count && !seen; j++)
      seen = strcmp(a->reported_ids.items[j], ids->items[i]) == 0;
    if (seen)
      continue;
    WARNING(WF_LOG_PREFIX "%s: UserID \"%s\" is %s; it is left out",
            a->cfg.name, ids->items[i], why);
    wf_strlist_add(&a->reported_ids, ids->items[i]);
  }
}

/* Lists that change rarely (leave types, report templates) are read again
 * after this long. */
#define WF_DAILY_REFRESH WF_SECONDS_PER_DAY
/* A report template seen within this many days reads 0 on a day without
 * reports rather than being absent. */
#define WF_TEMPLATE_MEMORY_DAYS 30

/* The leave types to read: LeaveType, or the platform's list, read again
 * once a day. */
static const wf_pairs_t *leave_types(wf_account_t *a, time_t now,
                                     wf_error_t *err) {
  if (a->cfg.leave_types.count > 0)
    return &a->cfg.leave_types;
  if (a->leave_types_read == 0 ||
      now - a->leave_types_read >= WF_DAILY_REFRESH) {
    wf_pairs_t types = {0};
    if (wf_dingtalk_leave_types(&a->client, &types, err) != 0) {
      wf_pairs_free(&types);
      return NULL;
    }
    wf_pairs_free(&a->leave_types);
    a->leave_types = types;
    a->leave_types_read = now;
  }
  return &a->leave_types;
}

/* reports: unread_reports of each ReportReader, and reports_today of every
 * template seen in the last 30 days or listed by the platform. */
static int run_reports(wf_account_t *a, time_t now, wf_metrics_t *out,
                       wf_error_t *err) {
  wf_counts_t today = {0};
  int status = -1;

  if (wf_dingtalk_unread_reports(&a->client, &a->cfg.report_readers, out,
                                 err) != 0)
    goto out;
  if (a->report_templates_read == 0 ||
      now - a->report_templates_read >= WF_DAILY_REFRESH) {
    wf_strlist_t names = {0};
    int listed = wf_dingtalk_report_templates(&a->client, &names, err);
    for (size_t i = 0; listed == 0 && i < names.count; i++)
      wf_seen_touch(&a->report_templates, names.items[i], now);
    wf_strlist_free(&names);
    if (listed != 0)
      goto out;
    a->report_templates_read = now;
  }
  if (wf_dingtalk_reports_today(&a->client, now, &today, err) != 0)
    goto out;
  for (size_t i = 0; i < today.count; i++)
    wf_seen_touch(&a->report_templates, today.items[i].name, now);
  wf_seen_forget_before(&a->report_templates,
                        now - (time_t)WF_TEMPLATE_MEMORY_DAYS *
                                  WF_SECONDS_PER_DAY);
  for (size_t i = 0; i < a->report_templates.names.count; i++) {
    const char *name = a->report_templates.names.items[i];
    if (wf_metrics_add_gauge(out, "reports_today", name,
                             (double)wf_counts_get(&today, name)) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, "reportList", "out of memory");
      goto out;
    }
  }
  status = 0;
out:
  wf_counts_free(&today);
  return status;
}

/* Runs one DingTalk collector, appending its rows to `out`. */
static int run_dingtalk(wf_account_t *a, wf_collector_t collector, poll_t *p,
                        wf_metrics_t *out, wf_error_t *err) {
  const wf_strlist_t *users;

  switch (collector) {
  case WF_COLLECT_DEPARTURES:
    return wf_dingtalk_departures(&a->client, p->now, out, err);
  case WF_COLLECT_HEADCOUNT:
    if (poll_employees(a, p, err) != 0)
      return -1;
    if (wf_headcount_metrics(p->headcount, out) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, "headcount", "out of memory");
      return -1;
    }
    return 0;
  case WF_COLLECT_ATTENDANCE:
    users = watched_users(a, p, err);
    return (users != NULL)
               ? wf_dingtalk_attendance(&a->client, p->now, users, out, err)
               : -1;
  case WF_COLLECT_SIGNINS:
    users = watched_users(a, p, err);
    return (users != NULL)
               ? wf_dingtalk_signins(&a->client, p->now, users, out, err)
               : -1;
  case WF_COLLECT_LEAVE: {
    const wf_pairs_t *types = leave_types(a, p->now, err);
    if (types == NULL)
      return -1;
    users = watched_users(a, p, err);
    return (users != NULL)
               ? wf_dingtalk_leave(&a->client, p->now, types, users, out, err)
               : -1;
  }
  case WF_COLLECT_REPORTS:
    return run_reports(a, p->now, out, err);
  case WF_COLLECT_ANNOUNCEMENTS:
    return wf_dingtalk_announcements(&a->client, p->now, out, err);
  default:
    break;
  }
  wf_error_set(err, WF_ERR_PLATFORM, wf_collector_name(collector),
               "collector not available");
  return -1;
}

/* Runs one Feishu collector, appending its rows to `out`. */
static int run_feishu(wf_account_t *a, wf_collector_t collector, poll_t *p,
                      wf_metrics_t *out, wf_error_t *err) {
  if (collector == WF_COLLECT_ATTENDANCE) {
    wf_feishu_rejects_t rejects = {0};
    int status = wf_feishu_attendance(&a->client, p->now, &a->cfg.user_ids, out,
                                      &rejects, err);
    report_rejects(a, &rejects.invalid, "not known to Feishu (invalid)");
    report_rejects(a, &rejects.unauthorized,
                   "outside the app's data permission (unauthorized)");
    wf_feishu_rejects_free(&rejects);
    return status;
  }
  if (collector == WF_COLLECT_LEAVE_EXPIRY)
    return wf_feishu_leave_expiry(&a->client, p->now, &a->cfg.employment_ids,
                                  &a->cfg.leave_types,
                                  a->cfg.expiry_window_days, out, err);
  wf_error_set(err, WF_ERR_PLATFORM, wf_collector_name(collector),
               "collector not available");
  return -1;
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

/* True when the error came from fetching the token. */
static bool token_failure(const wf_error_t *err) {
  return strcmp(err->endpoint, "gettoken") == 0 ||
         strcmp(err->endpoint, "tenantToken") == 0;
}

/* Failures in a row after which a collector that cannot reach its
 * platform is reported; refused credentials and a used-up quota are
 * reported at once. */
#define WF_FAILURES_BEFORE_WARNING 3

/* Sends the WARNING when a collector starts failing and the OKAY when it
 * recovers, once each. */
static void collector_health(wf_account_t *a, wf_collector_state_t *state,
                             const char *name, const wf_error_t *err) {
  /* Longer than a notification's message: collectd cuts it to fit. */
  char message[2 * NOTIF_MAX_MSG_LEN + WF_NAME_LEN];
  if (err == NULL) {
    state->failures = 0;
    if (!state->notified)
      return;
    state->notified = false;
    snprintf(message, sizeof(message), "%s: collector %s works again",
             a->cfg.name, name);
    wf_dispatch_notification(a->cfg.name, NOTIF_OKAY, "data_age", name, message,
                             NULL, 0, cdtime());
    return;
  }
  state->failures++;
  bool at_once = err->kind == WF_ERR_AUTH || err->kind == WF_ERR_QUOTA;
  if (state->notified ||
      (!at_once && state->failures < WF_FAILURES_BEFORE_WARNING))
    return;
  state->notified = true;
  char cause[256];
  wf_error_format(err, cause, sizeof(cause));
  snprintf(message, sizeof(message), "%s: collector %s is failing: %s",
           a->cfg.name, name, cause);
  wf_dispatch_notification(a->cfg.name, NOTIF_WARNING, "data_age", name,
                           message, NULL, 0, cdtime());
}

/* Runs one collector and keeps its health. */
static void poll_collector(wf_account_t *a, int index, poll_t *p,
                           wf_metrics_t *out) {
  wf_collector_t collector = (wf_collector_t)(1u << index);
  wf_collector_state_t *state = &a->collectors[index];
  const char *name = wf_collector_name(collector);
  wf_metrics_t rows = {0};
  wf_error_t err;

  if (state->paused_until > p->now)
    return;

  wf_error_clear(&err);
  int status;
  if (p->token_error.kind != WF_ERR_NONE) {
    err = p->token_error;
    status = -1;
  } else {
    cdtime_t begin = cdtime();
    status = (a->cfg.platform == WF_PLATFORM_DINGTALK)
                 ? run_dingtalk(a, collector, p, &rows, &err)
                 : run_feishu(a, collector, p, &rows, &err);
    state->last_duration = cdtime() - begin;
    state->ran = true;
    if (status != 0 && token_failure(&err))
      p->token_error = err;
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
    collector_health(a, state, name, NULL);
  } else {
    char text[512];
    wf_error_format(&err, text, sizeof(text));
    state->paused_until = pause_after(a, &err, p->now);
    c_complain_once(LOG_ERR, &state->complaint,
                    WF_LOG_PREFIX "%s: collector %s failed: %s", a->cfg.name,
                    name, text);
    if (state->paused_until > p->now)
      INFO(WF_LOG_PREFIX "%s: collector %s rests for %lld s", a->cfg.name, name,
           (long long)(state->paused_until - p->now));
    collector_health(a, state, name, &err);
  }
  wf_metrics_free(&rows);
}

/* Appends the account's own health rows. */
static void self_metrics(wf_account_t *a, cdtime_t now, wf_metrics_t *out) {
  wf_stats_to_metrics(&a->stats, out);
  /* Only DingTalk has a monthly call quota. */
  if (a->cfg.platform == WF_PLATFORM_DINGTALK) {
    time_t month = wf_month_start(CDTIME_T_TO_TIME_T(now), a->cfg.utc_offset);
    wf_metrics_add_gauge(out, "api_quota_used", NULL,
                         (double)wf_stats_quota_used(&a->stats, month));
  }
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

/* Maps a threshold state to a collectd severity. */
static int severity_of(wf_state_t state) {
  switch (state) {
  case WF_STATE_FAILURE:
    return NOTIF_FAILURE;
  case WF_STATE_WARNING:
    return NOTIF_WARNING;
  case WF_STATE_OKAY:
    break;
  }
  return NOTIF_OKAY;
}

/* Evaluates every threshold on the values this poll dispatched. */
static void check_thresholds(wf_account_t *a, cdtime_t time) {
  for (size_t i = 0; i < a->cfg.threshold_count; i++) {
    wf_threshold_t *t = &a->thresholds[i];
    wf_threshold_event_t event;
    if (!wf_threshold_check(t, &a->metrics, &event))
      continue;
    char message[NOTIF_MAX_MSG_LEN];
    wf_threshold_message(a->cfg.name, &event, message, sizeof(message));
    wf_notification_meta_t meta[] = {
        {"CurrentValue", event.value},      {"WarningMin", t->cfg.warning_min},
        {"WarningMax", t->cfg.warning_max}, {"FailureMin", t->cfg.failure_min},
        {"FailureMax", t->cfg.failure_max},
    };
    wf_dispatch_notification(a->cfg.name, severity_of(event.state), t->cfg.type,
                             t->cfg.instance, message, meta,
                             WF_ARRAY_SIZE(meta), time);
  }
}

/* The monthly quota count is kept in "workforce-<account>.quota" in
 * collectd's BaseDir, so that api_quota_used still counts the calls of
 * this month after a restart. */
static void quota_load(wf_account_t *a) {
  const char *base = global_option_get("BaseDir");
  size_t size = strlen((base != NULL) ? base : ".") + strlen(a->cfg.name) + 32;
  a->quota_file = malloc(size);
  if (a->quota_file == NULL)
    return;
  snprintf(a->quota_file, size, "%s/workforce-%s.quota",
           (base != NULL) ? base : ".", a->cfg.name);

  FILE *fh = fopen(a->quota_file, "r");
  if (fh == NULL)
    return; /* no count yet */
  char line[128] = "";
  if (fgets(line, sizeof(line), fh) == NULL ||
      wf_stats_quota_parse(&a->stats, line) != 0)
    WARNING(WF_LOG_PREFIX "%s: ignoring %s: not a quota count", a->cfg.name,
            a->quota_file);
  fclose(fh);
  a->quota_saved = a->stats.quota_used;
}

/* Writes the quota count when it changed: a temporary file, then rename,
 * so that a crash never leaves half a line. */
static void quota_save(wf_account_t *a) {
  if (a->quota_file == NULL || a->stats.quota_used == a->quota_saved)
    return;
  char line[128];
  size_t size = strlen(a->quota_file) + 8;
  char *tmp = malloc(size);
  if (tmp == NULL ||
      wf_stats_quota_format(&a->stats, line, sizeof(line)) != 0) {
    free(tmp);
    return;
  }
  snprintf(tmp, size, "%s.tmp", a->quota_file);
  FILE *fh = fopen(tmp, "w");
  bool ok = fh != NULL && fputs(line, fh) >= 0;
  if (fh != NULL && fclose(fh) != 0)
    ok = false;
  if (ok && rename(tmp, a->quota_file) != 0)
    ok = false;
  if (ok) {
    a->quota_saved = a->stats.quota_used;
    c_release(LOG_INFO, &a->quota_complaint,
              WF_LOG_PREFIX "%s: the quota count is saved again in %s",
              a->cfg.name, a->quota_file);
  } else {
    char errbuf[256];
    c_complain_once(LOG_WARNING, &a->quota_complaint,
                    WF_LOG_PREFIX "%s: cannot save the quota count in %s: %s; "
                                  "after a restart api_quota_used starts "
                                  "from 0",
                    a->cfg.name, a->quota_file,
                    sstrerror(errno, errbuf, sizeof(errbuf)));
    unlink(tmp);
  }
  free(tmp);
}

int wf_account_poll(wf_account_t *a) {
  if (ensure_http(a) != 0)
    return -1;
  if (a->quota_file == NULL && a->cfg.platform == WF_PLATFORM_DINGTALK)
    quota_load(a);

  cdtime_t poll_time = cdtime();
  poll_t p = {.now = CDTIME_T_TO_TIME_T(poll_time)};
  wf_error_clear(&p.token_error);
  wf_metrics_clear(&a->metrics);

  for (int i = 0; i < WF_COLLECTOR_COUNT; i++)
    if (a->cfg.collect & (1u << i))
      poll_collector(a, i, &p, &a->metrics);

  self_metrics(a, cdtime(), &a->metrics);
  wf_dispatch_metrics(a->cfg.name, &a->metrics, poll_time,
                      DOUBLE_TO_CDTIME_T(a->cfg.interval));
  check_thresholds(a, poll_time);
  quota_save(a);
  wf_strlist_free(&p.onjob);
  return 0;
}

void wf_account_destroy(void *arg) {
  wf_account_t *a = arg;
  if (a == NULL)
    return;
  wf_client_destroy(&a->client);
  wf_limiter_destroy(a->client.limiter);
  wf_http_destroy(a->http);
  wf_stats_free(&a->stats);
  wf_strlist_free(&a->reported_ids);
  wf_pairs_free(&a->leave_types);
  wf_seen_free(&a->report_templates);
  free(a->thresholds);
  free(a->quota_file);
  wf_metrics_free(&a->metrics);
  wf_account_config_free(&a->cfg);
  free(a);
}
