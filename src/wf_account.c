/**
 * collectd-workforce - src/wf_account.c
 * SPDX-License-Identifier: MIT
 *
 * A job polls its collector, then waits for its next time. A collector
 * either succeeds, and its values are dispatched at once with the
 * account's interval, or fails, and dispatches nothing for this poll
 * (never a wrong zero): its failure is logged once per failure streak and
 * its recovery once, and a WARNING and an OKAY notification go out.
 *
 * The waits (between polls, before retries, for a rate-limit slot) end at
 * once when the account stops; the engine cancels the requests in flight,
 * so stopping collectd never waits for a poll.
 **/
#include "wf_account.h"

#include "wf_common.h"
#include "wf_dingtalk.h"
#include "wf_dispatch.h"
#include "wf_feishu.h"
#include "wf_job.h"
#include "wf_quota_file.h"
#include "wf_time.h"

#include <time.h>

/* The account of the job running in this thread, for its waits. */
static _Thread_local wf_account_t *account_of_thread;

/* The wall clock of the platform clients. */
static time_t account_wall_clock(void) { return CDTIME_T_TO_TIME_T(cdtime()); }

/* Waits until `deadline` (cdtime) or until the account stops. Returns
 * true when it stops. */
static bool account_wait_until(wf_account_t *a, cdtime_t deadline) {
  struct timespec until = CDTIME_T_TO_TIMESPEC(deadline);
  pthread_mutex_lock(&a->lock);
  while (!a->stopping && cdtime() < deadline)
    pthread_cond_timedwait(&a->wake, &a->lock, &until);
  bool stopping = a->stopping;
  pthread_mutex_unlock(&a->lock);
  return stopping;
}

/* The pause of a job's client between retries and before a rate-limit
 * slot: ends early when the account stops. */
static void account_pause_ms(long ms) {
  wf_account_t *a = account_of_thread;
  if (a != NULL)
    account_wait_until(a, cdtime() + MS_TO_CDTIME_T(ms));
  else
    wf_sleep_ms(ms);
}

/* Calls counted against the monthly quota, as last counted. */
static int64_t account_quota_used(const wf_account_t *a) {
  time_t month;
  int64_t used;
  wf_stats_quota(&a->stats, &month, &used);
  return used;
}

wf_account_t *wf_account_create(wf_account_config_t *cfg) {
  wf_account_t *a = calloc(1, sizeof(*a));
  if (a == NULL)
    return NULL;
  a->cfg = *cfg;
  memset(cfg, 0, sizeof(*cfg));
  a->started = cdtime();
  a->onjob_count = -1;
  pthread_mutex_init(&a->lock, NULL);
  pthread_mutex_init(&a->tokens.lock, NULL);
  pthread_cond_init(&a->wake, NULL);
  C_COMPLAIN_INIT(&a->quota_complaint);
  a->thresholds = calloc(a->cfg.threshold_count + 1, sizeof(*a->thresholds));
  a->limiter = wf_limiter_create();
  if (a->thresholds == NULL || a->limiter == NULL) {
    wf_account_destroy(a);
    return NULL;
  }
  /* UserID: the users are known from the start. */
  if (a->cfg.user_ids.count > 0) {
    a->user_roster = wf_roster_create();
    for (size_t i = 0; a->user_roster != NULL && i < a->cfg.user_ids.count; i++)
      if (wf_roster_add(a->user_roster, a->cfg.user_ids.items[i]) != 0) {
        wf_roster_unref(a->user_roster);
        a->user_roster = NULL;
      }
    if (a->user_roster == NULL) {
      wf_account_destroy(a);
      return NULL;
    }
    int64_t none[WF_HR_COUNT] = {0};
    wf_roster_finish(a->user_roster, NULL, none);
  }
  for (size_t i = 0; i < a->cfg.threshold_count; i++)
    a->thresholds[i].cfg = a->cfg.thresholds[i];
  for (int i = 0; i < WF_COLLECTOR_COUNT; i++) {
    if (!(a->cfg.collect & (1u << i)))
      continue;
    wf_job_t *job = &a->jobs[a->job_count++];
    job->account = a;
    job->collector = (wf_collector_t)(1u << i);
    job->plan.slot = -1;
    C_COMPLAIN_INIT(&job->complaint);
  }
  return a;
}

/* The employee lists of a read started less than one Interval ago, or of
 * a read asked for now from the roster thread, which the jobs that need
 * them share: a reference to wf_roster_unref, or NULL with `err` filled. */
static wf_roster_t *account_roster(wf_account_t *a, wf_error_t *err) {
  wf_roster_t *roster = NULL;
  pthread_mutex_lock(&a->lock);
  cdtime_t now = cdtime();
  bool stale = a->roster == NULL ||
               (wf_roster_finished(a->roster) &&
                now - a->roster_started >= DOUBLE_TO_CDTIME_T(a->cfg.interval));
  const char *why = NULL;
  if (stale) {
    if (a->stopping || !a->roster_running) {
      why = "the roster thread is not running";
    } else {
      wf_roster_t *fresh = wf_roster_create();
      if (fresh != NULL) {
        wf_roster_unref(a->roster);
        a->roster = fresh;
        a->roster_started = now;
        a->roster_wanted = wf_roster_ref(fresh);
        pthread_cond_broadcast(&a->wake);
      } else {
        why = "out of memory";
      }
    }
  }
  if (why == NULL)
    roster = wf_roster_ref(a->roster);
  pthread_mutex_unlock(&a->lock);
  if (why != NULL)
    wf_error_set(err, WF_ERR_NOMEM, "queryonjob", "%s", why);
  return roster;
}

/* Whose attendance, sign-ins and leave to read: the UserID list, or every
 * on-job employee. A reference to wf_roster_unref, or NULL with `err`
 * filled. */
static wf_roster_t *account_users(wf_account_t *a, wf_error_t *err) {
  if (a->user_roster != NULL)
    return wf_roster_ref(a->user_roster);
  return account_roster(a, err);
}

/* The roster thread: reads the employee lists each time a job asks for a
 * read, until the account stops. */
static void *account_roster_main(void *arg) {
  wf_account_t *a = arg;
  account_of_thread = a;
  pthread_mutex_lock(&a->lock);
  for (;;) {
    while (!a->stopping && a->roster_wanted == NULL)
      pthread_cond_wait(&a->wake, &a->lock);
    if (a->stopping)
      break;
    wf_roster_t *roster = a->roster_wanted;
    a->roster_wanted = NULL;
    pthread_mutex_unlock(&a->lock);
    int64_t counts[WF_HR_COUNT];
    wf_error_t err;
    wf_error_clear(&err);
    size_t ids = 0;
    bool read =
        wf_dingtalk_employees(&a->roster_client, counts, roster, &err) == 0 &&
        wf_roster_wait(roster, NULL, &ids, &err) == 0;
    wf_roster_unref(roster);
    pthread_mutex_lock(&a->lock);
    if (read)
      a->onjob_count = (long long)ids;
  }
  pthread_mutex_unlock(&a->lock);
  return NULL;
}

/* Logs, once per id, the user ids Feishu rejected. User ids are the ones
 * the configuration names, not personal data. */
static void account_report_rejects(wf_account_t *a, const wf_strlist_t *ids,
                                   const char *why) {
  wf_strlist_t fresh = {0};
  wf_cache_unreported(&a->cache, ids, &fresh);
  for (size_t i = 0; i < fresh.count; i++)
    WARNING(WF_LOG_PREFIX "%s: UserID \"%s\" is %s; it is left out",
            a->cfg.name, fresh.items[i], why);
  wf_strlist_free(&fresh);
}

/* The leave types to read: LeaveType, or the platform's list, read again
 * once a day. */
static const wf_pairs_t *account_leave_types(wf_account_t *a,
                                             wf_client_t *client, time_t now,
                                             wf_error_t *err) {
  if (a->cfg.leave_types.count > 0)
    return &a->cfg.leave_types;
  if (wf_cache_due(a->cache.leave_types_read, now)) {
    wf_pairs_t types = {0};
    if (wf_dingtalk_leave_types(client, &types, err) != 0) {
      wf_pairs_free(&types);
      return NULL;
    }
    wf_cache_set_leave_types(&a->cache, &types, now);
  }
  return &a->cache.leave_types;
}

/* reports: unread_reports of each ReportReader, and reports_today of every
 * template seen in the last 30 days or listed by the platform. */
static int account_reports(wf_account_t *a, wf_client_t *client, time_t now,
                           wf_metrics_t *out, wf_error_t *err) {
  wf_counts_t today = {0};
  int status = -1;

  if (wf_dingtalk_unread_reports(client, &a->cfg.report_readers, out, err) != 0)
    goto out;
  if (wf_cache_due(a->cache.templates_read, now)) {
    wf_strlist_t names = {0};
    int listed = wf_dingtalk_report_templates(client, &names, err);
    if (listed == 0 && wf_cache_list_templates(&a->cache, &names, now) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, "reportTemplates", "out of memory");
      listed = -1;
    }
    wf_strlist_free(&names);
    if (listed != 0)
      goto out;
  }
  if (wf_dingtalk_reports_today(client, now, &today, err) != 0)
    goto out;
  if (wf_cache_reports_today(&a->cache, &today, now, out) != 0) {
    wf_error_set(err, WF_ERR_NOMEM, "reportList", "out of memory");
    goto out;
  }
  status = 0;
out:
  wf_counts_free(&today);
  return status;
}

/* Loads the monthly quota count kept in collectd's BaseDir
 * (wf_quota_file), so that api_quota_used still counts the calls of this
 * month after a restart. */
static void account_quota_load(wf_account_t *a) {
  a->quota_file = wf_quota_file_path(global_option_get("BaseDir"), a->cfg.name);
  if (a->quota_file == NULL)
    return;
  if (wf_quota_file_load(a->quota_file, &a->stats) == WF_QUOTA_FILE_INVALID)
    WARNING(WF_LOG_PREFIX "%s: ignoring %s: not a quota count", a->cfg.name,
            a->quota_file);
  a->quota_saved = account_quota_used(a);
}

/* Writes the quota count when it changed. */
static void account_quota_save(wf_account_t *a) {
  if (a->quota_file == NULL || account_quota_used(a) == a->quota_saved)
    return;
  int status = wf_quota_file_save(a->quota_file, &a->stats);
  if (status == 0) {
    a->quota_saved = account_quota_used(a);
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
                    sstrerror(status, errbuf, sizeof(errbuf)));
  }
}

/* The client's question before each counted call: does the budget line
 * allow it now? */
static bool account_spend(void *arg) {
  wf_job_t *job = arg;
  wf_account_t *a = job->account;
  pthread_mutex_lock(&a->lock);
  bool ok = wf_planner_spend(&a->planner, job->plan.slot, account_wall_clock());
  pthread_mutex_unlock(&a->lock);
  return ok;
}

/* The users whose attendance, sign-ins or leave a job reads: the UserID
 * list, or the on-job employees of the last complete read, waiting for a
 * first read when there was none. -1 when unknown. */
static long long account_plan_users(wf_account_t *a) {
  if (a->user_roster != NULL)
    return (long long)a->cfg.user_ids.count;
  pthread_mutex_lock(&a->lock);
  long long users = a->onjob_count;
  pthread_mutex_unlock(&a->lock);
  if (users >= 0)
    return users;
  wf_error_t err;
  wf_roster_t *roster = account_roster(a, &err);
  size_t ids = 0;
  if (roster != NULL && wf_roster_wait(roster, NULL, &ids, &err) == 0)
    users = (long long)ids;
  wf_roster_unref(roster);
  return users;
}

/* The cost model's estimate of the counted calls of one poll of `job` for
 * `users` users. */
static int64_t account_plan_model(wf_account_t *a, wf_job_t *job,
                                  long long users) {
  /* Leave costs as many lists as there are leave types: know them first
   * (one counted call a day, as a poll of leave reads them anyway). */
  if (job->collector == WF_COLLECT_LEAVE && a->cfg.leave_types.count == 0) {
    wf_error_t err;
    account_leave_types(a, &job->client, account_wall_clock(), &err);
  }
  return wf_job_model_cost(&a->cfg, job->collector, users,
                           a->cache.leave_types.count);
}

/* The users a poll of `job` reads now, or 0 for a collector that reads
 * none. */
static long long account_plan_job_users(wf_account_t *a, const wf_job_t *job) {
  return wf_job_reads_users(job->collector) ? account_plan_users(a) : 0;
}

/* Logs what MonthlyQuota buys, once at start and again whenever the costs
 * of the collectors changed by a tenth since the last time. Called with
 * the lock. */
static void account_plan_describe(wf_account_t *a, time_t now) {
  for (size_t i = 0; i < a->job_count; i++)
    if (a->jobs[i].plan.slot >= 0 && !a->jobs[i].plan_estimated)
      return; /* not every cost is known yet */
  int64_t total = 0;
  for (size_t i = 0; i < a->planner.count; i++)
    total += a->planner.collectors[i].cost;
  if (!wf_job_plan_news(a->described_cost, total))
    return;
  a->described_cost = total;
  char line[1024];
  wf_planner_describe(&a->planner, now, line, sizeof(line));
  INFO(WF_LOG_PREFIX "%s: %s", a->cfg.name, line);
}

/* Sets up MonthlyQuota's planner, once the quota count is loaded. */
static void account_plan_start(wf_account_t *a) {
  if (a->cfg.platform != WF_PLATFORM_DINGTALK || a->cfg.monthly_quota <= 0)
    return;
  time_t now = account_wall_clock();
  wf_plan_config_t plan = {.quota = a->cfg.monthly_quota,
                           .utc_offset = a->cfg.utc_offset,
                           .work_start = a->cfg.work_start,
                           .work_end = a->cfg.work_end};
  wf_planner_init(&a->planner, &plan, now);
  time_t month;
  int64_t used;
  wf_stats_quota(&a->stats, &month, &used);
  wf_planner_set_used(&a->planner, now, month, used);
  for (size_t i = 0; i < a->job_count; i++) {
    wf_job_t *job = &a->jobs[i];
    double weight = wf_job_plan_weight(a->cfg.platform, job->collector);
    if (weight > 0)
      job->plan.slot =
          wf_planner_add(&a->planner, wf_collector_name(job->collector), weight,
                         a->cfg.interval, 1);
  }
  a->planning = true;
}

/* Asks the planner whether `job` may poll now. Returns 0 when it may, or
 * the time to ask again. */
static cdtime_t account_plan_admit(wf_account_t *a, wf_job_t *job) {
  int slot = job->plan.slot;
  if (!a->planning || slot < 0)
    return 0;
  long long users = account_plan_job_users(a, job);
  int64_t model = (job->plan.calls > 0) ? 0 : account_plan_model(a, job, users);
  pthread_mutex_lock(&a->lock);
  int64_t known = job->plan_estimated ? a->planner.collectors[slot].cost : 0;
  pthread_mutex_unlock(&a->lock);
  int64_t cost =
      wf_job_cost(job->plan.calls, job->plan.users, users, model, known);
  time_t now = account_wall_clock();
  const char *name = wf_collector_name(job->collector);

  switch (wf_job_plan_fit(&job->plan, cost, a->cfg.monthly_quota)) {
  case WF_JOB_REFUSED:
    ERROR(WF_LOG_PREFIX "%s: collector %s costs %lld counted calls a poll, "
                        "more than MonthlyQuota %lld allows a month: it "
                        "does not run",
          a->cfg.name, name, (long long)cost, a->cfg.monthly_quota);
    /* fall through */
  case WF_JOB_STILL_REFUSED:
    return cdtime() + DOUBLE_TO_CDTIME_T(a->cfg.interval);
  case WF_JOB_FITS_AGAIN:
    INFO(WF_LOG_PREFIX "%s: collector %s costs %lld counted calls a poll "
                       "now, within MonthlyQuota %lld: it runs again",
         a->cfg.name, name, (long long)cost, a->cfg.monthly_quota);
    break;
  case WF_JOB_FITS:
    break;
  }

  pthread_mutex_lock(&a->lock);
  wf_planner_set_cost(&a->planner, slot, cost);
  job->plan_estimated = true;
  account_plan_describe(a, now);
  time_t at = wf_planner_next(&a->planner, slot, now);
  bool admitted = at <= now && wf_planner_admit(&a->planner, slot, now);
  pthread_mutex_unlock(&a->lock);
  if (admitted)
    return 0;
  return TIME_T_TO_CDTIME_T((at > now) ? at : now + 1);
}

/* Tells the planner how the poll of `job` went: `calls` counted calls. */
static void account_plan_done(wf_account_t *a, wf_job_t *job, bool ok,
                              int64_t calls) {
  if (!a->planning || job->plan.slot < 0)
    return;
  pthread_mutex_lock(&a->lock);
  wf_planner_done(&a->planner, job->plan.slot, account_wall_clock(), ok, calls);
  pthread_mutex_unlock(&a->lock);
  /* The users it read, asked for only when they are the cost to go by. */
  long long users = (ok && calls > 0) ? account_plan_job_users(a, job) : 0;
  wf_job_plan_learn(&job->plan, ok, calls, users);
}

/* Runs one DingTalk collector, appending its rows to `out`. */
static int account_run_dingtalk(wf_account_t *a, wf_job_t *job, time_t now,
                                wf_metrics_t *out, wf_error_t *err) {
  wf_client_t *client = &job->client;
  wf_roster_t *users = NULL;
  int status = -1;

  switch (job->collector) {
  case WF_COLLECT_DEPARTURES:
    status = wf_dingtalk_departures(client, now, out, err);
    break;
  case WF_COLLECT_HEADCOUNT: {
    int64_t headcount[WF_HR_COUNT];
    users = account_roster(a, err);
    if (users != NULL)
      status = wf_roster_wait(users, headcount, NULL, err);
    if (status == 0 && wf_headcount_metrics(headcount, out) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, "headcount", "out of memory");
      status = -1;
    }
    break;
  }
  case WF_COLLECT_ATTENDANCE:
    users = account_users(a, err);
    if (users != NULL)
      status = wf_dingtalk_attendance(client, now, users, out, err);
    break;
  case WF_COLLECT_SIGNINS:
    users = account_users(a, err);
    if (users != NULL)
      status = wf_dingtalk_signins(client, now, users, out, err);
    break;
  case WF_COLLECT_LEAVE: {
    const wf_pairs_t *types = account_leave_types(a, client, now, err);
    users = (types != NULL) ? account_users(a, err) : NULL;
    if (users != NULL)
      status = wf_dingtalk_leave(client, now, types, users, out, err);
    break;
  }
  case WF_COLLECT_REPORTS:
    status = account_reports(a, client, now, out, err);
    break;
  case WF_COLLECT_ANNOUNCEMENTS:
    status = wf_dingtalk_announcements(client, now, out, err);
    break;
  default:
    wf_error_set(err, WF_ERR_PLATFORM, wf_collector_name(job->collector),
                 "collector not available");
    break;
  }
  wf_roster_unref(users);
  return status;
}

/* Runs one Feishu collector, appending its rows to `out`. */
static int account_run_feishu(wf_account_t *a, wf_job_t *job, time_t now,
                              wf_metrics_t *out, wf_error_t *err) {
  if (job->collector == WF_COLLECT_ATTENDANCE) {
    wf_feishu_rejects_t rejects = {0};
    int status = wf_feishu_attendance(&job->client, now, &a->cfg.user_ids, out,
                                      &rejects, err);
    account_report_rejects(a, &rejects.invalid,
                           "not known to Feishu (invalid)");
    account_report_rejects(a, &rejects.unauthorized,
                           "outside the app's data permission (unauthorized)");
    wf_feishu_rejects_free(&rejects);
    return status;
  }
  if (job->collector == WF_COLLECT_LEAVE_EXPIRY)
    return wf_feishu_leave_expiry(&job->client, now, &a->cfg.employment_ids,
                                  &a->cfg.leave_types,
                                  a->cfg.expiry_window_days, out, err);
  wf_error_set(err, WF_ERR_PLATFORM, wf_collector_name(job->collector),
               "collector not available");
  return -1;
}

/* Sends the WARNING when a collector starts failing and the OKAY when it
 * recovers, once each (wf_health_update decides). */
static void account_health(wf_account_t *a, wf_job_t *job,
                           const wf_error_t *err) {
  const char *name = wf_collector_name(job->collector);
  /* Longer than a notification's message: collectd cuts it to fit. */
  char message[2 * NOTIF_MAX_MSG_LEN + WF_NAME_LEN];
  switch (wf_health_update(&job->health, err)) {
  case WF_HEALTH_QUIET:
    return;
  case WF_HEALTH_OKAY:
    snprintf(message, sizeof(message), "%s: collector %s works again",
             a->cfg.name, name);
    wf_dispatch_notification(a->cfg.name, NOTIF_OKAY, "data_age", name, message,
                             NULL, 0, cdtime());
    return;
  case WF_HEALTH_WARNING: {
    char cause[256];
    wf_error_format(err, cause, sizeof(cause));
    snprintf(message, sizeof(message), "%s: collector %s is failing: %s",
             a->cfg.name, name, cause);
    wf_dispatch_notification(a->cfg.name, NOTIF_WARNING, "data_age", name,
                             message, NULL, 0, cdtime());
    return;
  }
  }
}

/* Maps a threshold state to a collectd severity. */
static int account_severity(wf_state_t state) {
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

/* Evaluates every threshold on the values just dispatched; a threshold
 * whose type is not among them keeps its state. Called with the lock. */
static void account_thresholds(wf_account_t *a, const wf_metrics_t *rows,
                               cdtime_t time) {
  for (size_t i = 0; i < a->cfg.threshold_count; i++) {
    wf_threshold_t *t = &a->thresholds[i];
    wf_threshold_event_t event;
    if (!wf_threshold_check(t, rows, &event))
      continue;
    char message[NOTIF_MAX_MSG_LEN];
    wf_threshold_message(a->cfg.name, &event, message, sizeof(message));
    wf_notification_meta_t meta[] = {
        {"CurrentValue", event.value},      {"WarningMin", t->cfg.warning_min},
        {"WarningMax", t->cfg.warning_max}, {"FailureMin", t->cfg.failure_min},
        {"FailureMax", t->cfg.failure_max},
    };
    wf_dispatch_notification(a->cfg.name, account_severity(event.state),
                             t->cfg.type, t->cfg.instance, message, meta,
                             WF_ARRAY_SIZE(meta), time);
  }
}

/* True once the account is told to stop. */
static bool account_stopping(wf_account_t *a) {
  pthread_mutex_lock(&a->lock);
  bool stopping = a->stopping;
  pthread_mutex_unlock(&a->lock);
  return stopping;
}

/* One poll of a job's collector: its values, or its failure. Returns
 * true when it succeeded. */
static bool account_poll(wf_account_t *a, wf_job_t *job) {
  const char *name = wf_collector_name(job->collector);
  cdtime_t begin = cdtime();
  time_t now = CDTIME_T_TO_TIME_T(begin);
  if (job->paused_until > now)
    return false;

  wf_metrics_t rows = {0};
  wf_error_t err;
  wf_error_clear(&err);
  int status = (a->cfg.platform == WF_PLATFORM_DINGTALK)
                   ? account_run_dingtalk(a, job, now, &rows, &err)
                   : account_run_feishu(a, job, now, &rows, &err);
  cdtime_t end = cdtime();

  /* A poll cut short because collectd stops is no failure to report. */
  if (status != 0 && account_stopping(a)) {
    wf_metrics_free(&rows);
    return false;
  }
  /* A poll the budget line cut short waits for the line, as one that was
   * never admitted does: no failure either. */
  if (status != 0 && err.kind == WF_ERR_BUDGET) {
    INFO(WF_LOG_PREFIX "%s: collector %s stopped at MonthlyQuota's budget "
                       "line; it polls again when the line allows",
         a->cfg.name, name);
    wf_metrics_free(&rows);
    return false;
  }
  if (status == 0) {
    wf_metrics_add_gauge(&rows, "poll_duration", name,
                         CDTIME_T_TO_DOUBLE(end - begin));
    wf_dispatch_metrics(a->cfg.name, &rows, begin,
                        DOUBLE_TO_CDTIME_T(a->cfg.interval));
    job->paused_until = 0;
    c_release(LOG_INFO, &job->complaint,
              WF_LOG_PREFIX "%s: collector %s works again", a->cfg.name, name);
    account_health(a, job, NULL);
  } else {
    char text[512];
    wf_error_format(&err, text, sizeof(text));
    job->paused_until = wf_job_pause_after(&err, now, a->cfg.utc_offset);
    c_complain_once(LOG_ERR, &job->complaint,
                    WF_LOG_PREFIX "%s: collector %s failed: %s", a->cfg.name,
                    name, text);
    if (job->paused_until > now)
      INFO(WF_LOG_PREFIX "%s: collector %s rests for %lld s", a->cfg.name, name,
           (long long)(job->paused_until - now));
    account_health(a, job, &err);
  }

  pthread_mutex_lock(&a->lock);
  if (status == 0) {
    job->last_success = end;
    account_thresholds(a, &rows, begin);
  }
  account_quota_save(a);
  pthread_mutex_unlock(&a->lock);
  wf_metrics_free(&rows);
  return status == 0;
}

/* A job's thread: polls at once, then every Interval, until the account
 * stops. A poll that outlasts its interval is followed by the next at
 * once, and the missed ones are skipped. */
static void *account_job_main(void *arg) {
  wf_job_t *job = arg;
  wf_account_t *a = job->account;
  cdtime_t interval = DOUBLE_TO_CDTIME_T(a->cfg.interval);
  cdtime_t next = cdtime();

  account_of_thread = a;
  while (!account_wait_until(a, next)) {
    /* MonthlyQuota: a counted collector polls when its budget allows. */
    cdtime_t later = account_plan_admit(a, job);
    if (later != 0) {
      next = later;
      continue;
    }
    int64_t counted = job->client.counted;
    bool ok = account_poll(a, job);
    account_plan_done(a, job, ok, job->client.counted - counted);
    next += interval;
    cdtime_t now = cdtime();
    if (next < now)
      next = now;
  }
  return NULL;
}

/* Creates the HTTP client `*http` and the platform client `client` of one
 * thread of the account. Returns 0, or -1 when it cannot. */
static int account_client(wf_account_t *a, wf_engine_t *engine,
                          wf_http_t **http, wf_client_t *client) {
  wf_http_options_t options = {
      .timeout_ms = a->cfg.timeout_ms,
      .max_response_size = a->cfg.max_response_size,
      .ca_file = a->cfg.ca_file,
      .verify_peer = a->cfg.verify_peer,
      .verify_host = a->cfg.verify_host,
      .proxy = a->cfg.proxy,
      /* MaxRequestsPerSecond: a cap of the user's beyond the platforms'
       * own limits, which the client's limiter keeps. */
      .min_interval_ms = (a->cfg.max_requests_per_second > 0)
                             ? (long)(1000.0 / a->cfg.max_requests_per_second)
                             : 0,
      .engine = engine,
  };
  *http = wf_http_create(&options);
  if (*http == NULL)
    return -1;
  wf_client_init(client,
                 (a->cfg.platform == WF_PLATFORM_DINGTALK) ? &wf_dingtalk_ops
                                                           : &wf_feishu_ops,
                 &a->cfg, *http, &a->stats, account_wall_clock,
                 account_pause_ms);
  client->tokens = &a->tokens;
  client->limiter = a->limiter;
  return 0;
}

int wf_account_start(wf_account_t *a, wf_engine_t *engine) {
  if (a->cfg.platform == WF_PLATFORM_DINGTALK)
    account_quota_load(a);
  account_plan_start(a);
  if (wf_job_needs_roster(a->cfg.platform, a->cfg.collect,
                          a->user_roster != NULL)) {
    if (account_client(a, engine, &a->roster_http, &a->roster_client) != 0)
      ERROR(WF_LOG_PREFIX "%s: cannot create an HTTP client for the "
                          "employee lists",
            a->cfg.name);
    else if (plugin_thread_create(&a->roster_thread, account_roster_main, a,
                                  "wf employees") != 0)
      ERROR(WF_LOG_PREFIX "%s: cannot start the thread of the employee lists",
            a->cfg.name);
    else
      a->roster_running = true;
  }
  size_t started = 0;
  for (size_t i = 0; i < a->job_count; i++) {
    wf_job_t *job = &a->jobs[i];
    const char *name = wf_collector_name(job->collector);
    if (account_client(a, engine, &job->http, &job->client) != 0) {
      ERROR(WF_LOG_PREFIX "%s: cannot create an HTTP client for %s",
            a->cfg.name, name);
      continue;
    }
    if (job->plan.slot >= 0) {
      job->client.spend = account_spend;
      job->client.spend_arg = job;
    }
    char thread_name[16]; /* what Linux keeps of a thread name */
    snprintf(thread_name, sizeof(thread_name), "wf %s", name);
    if (plugin_thread_create(&job->thread, account_job_main, job,
                             thread_name) != 0) {
      ERROR(WF_LOG_PREFIX "%s: cannot start the thread of %s", a->cfg.name,
            name);
      continue;
    }
    job->started = true;
    started++;
  }
  return (started > 0 || a->job_count == 0) ? 0 : -1;
}

void wf_account_signal_stop(wf_account_t *a) {
  pthread_mutex_lock(&a->lock);
  a->stopping = true;
  pthread_cond_broadcast(&a->wake);
  /* Jobs waiting for employee ids stop waiting. */
  if (a->roster != NULL) {
    wf_error_t err;
    wf_error_set(&err, WF_ERR_TRANSPORT, "queryonjob", "collectd stops");
    wf_roster_finish(a->roster, &err, NULL);
  }
  pthread_mutex_unlock(&a->lock);
}

void wf_account_stop(wf_account_t *a) {
  wf_account_signal_stop(a);
  if (a->roster_running)
    pthread_join(a->roster_thread, NULL);
  a->roster_running = false;
  for (size_t i = 0; i < a->job_count; i++) {
    if (a->jobs[i].started)
      pthread_join(a->jobs[i].thread, NULL);
    a->jobs[i].started = false;
  }
}

int wf_account_read(wf_account_t *a) {
  cdtime_t now = cdtime();
  wf_metrics_t rows = {0};
  wf_stats_to_metrics(&a->stats, &rows);
  /* Only DingTalk has a monthly call quota. */
  if (a->cfg.platform == WF_PLATFORM_DINGTALK) {
    time_t month = wf_month_start(CDTIME_T_TO_TIME_T(now), a->cfg.utc_offset);
    wf_metrics_add_gauge(&rows, "api_quota_used", NULL,
                         (double)wf_stats_quota_used(&a->stats, month));
  }
  if (a->planning) {
    pthread_mutex_lock(&a->lock);
    int64_t line = wf_planner_line(&a->planner, CDTIME_T_TO_TIME_T(now));
    pthread_mutex_unlock(&a->lock);
    wf_metrics_add_gauge(&rows, "api_quota_budget", NULL, (double)line);
    wf_metrics_add_gauge(&rows, "api_quota_limit", NULL,
                         (double)a->cfg.monthly_quota);
  }
  pthread_mutex_lock(&a->lock);
  for (size_t i = 0; i < a->job_count; i++) {
    const wf_job_t *job = &a->jobs[i];
    /* A collector that never succeeded is as old as the plugin. */
    cdtime_t since = (job->last_success != 0) ? job->last_success : a->started;
    wf_metrics_add_gauge(&rows, "data_age", wf_collector_name(job->collector),
                         CDTIME_T_TO_DOUBLE(now - since));
  }
  pthread_mutex_unlock(&a->lock);

  wf_dispatch_metrics(a->cfg.name, &rows, now,
                      DOUBLE_TO_CDTIME_T(a->cfg.interval));
  pthread_mutex_lock(&a->lock);
  account_thresholds(a, &rows, now);
  pthread_mutex_unlock(&a->lock);
  wf_metrics_free(&rows);
  return 0;
}

void wf_account_destroy(void *arg) {
  wf_account_t *a = arg;
  if (a == NULL)
    return;
  wf_account_stop(a);
  for (size_t i = 0; i < a->job_count; i++) {
    if (a->jobs[i].http != NULL) {
      wf_client_destroy(&a->jobs[i].client);
      wf_http_destroy(a->jobs[i].http);
    }
  }
  if (a->roster_http != NULL) {
    wf_client_destroy(&a->roster_client);
    wf_http_destroy(a->roster_http);
  }
  wf_roster_unref(a->roster_wanted);
  wf_roster_unref(a->roster);
  wf_roster_unref(a->user_roster);
  wf_token_drop(&a->tokens.token);
  wf_limiter_destroy(a->limiter);
  wf_stats_free(&a->stats);
  wf_cache_free(&a->cache);
  free(a->thresholds);
  free(a->quota_file);
  wf_account_config_free(&a->cfg);
  pthread_cond_destroy(&a->wake);
  pthread_mutex_destroy(&a->tokens.lock);
  pthread_mutex_destroy(&a->lock);
  free(a);
}
