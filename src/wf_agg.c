/**
 * collectd-workforce - src/wf_agg.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_agg.h"
#include "wf_time.h"

#include <stdbool.h>
#include <string.h>

/* empLeaveRecords leaveReason values (doc/platform-notes.md, Enumerations). */
static const char *const departure_reasons[] = {"leave", "delete", "oapi",
                                                "cancel", "unknown"};

int wf_departures_init(wf_departures_t *d, time_t now, int utc_offset) {
  memset(d, 0, sizeof(*d));
  d->day_start = wf_day_start(now, utc_offset);
  d->day_end = d->day_start + WF_SECONDS_PER_DAY;
  d->window_start = d->day_start -
                    (time_t)(WF_DEPARTURE_WINDOW_DAYS - 1) * WF_SECONDS_PER_DAY;
  for (size_t i = 0; i < WF_ARRAY_SIZE(departure_reasons); i++) {
    if (wf_counts_declare(&d->today, departure_reasons[i]) != 0 ||
        wf_counts_declare(&d->window, departure_reasons[i]) != 0)
      return -1;
  }
  return 0;
}

time_t wf_departures_window_start(const wf_departures_t *d) {
  return d->window_start;
}

int wf_departures_add(wf_departures_t *d, const char *leave_time,
                      const char *reason) {
  time_t t;
  if (wf_rfc3339_parse(leave_time, &t) != 0) {
    d->skipped++;
    return 0;
  }
  if (t < d->window_start || t >= d->day_end)
    return 0;

  char instance[WF_NAME_LEN];
  wf_instance_name(reason, instance, sizeof(instance));
  if (wf_counts_add(&d->window, instance, 1) != 0)
    return -1;
  if (t >= d->day_start && wf_counts_add(&d->today, instance, 1) != 0)
    return -1;
  return 0;
}

int wf_departures_metrics(const wf_departures_t *d, wf_metrics_t *m) {
  /* An unexpected reason seen in the window reads 0 today, not absent. */
  for (size_t i = 0; i < d->window.count; i++) {
    if (wf_metrics_add_gauge(
            m, "departures_today", d->window.items[i].name,
            (double)wf_counts_get(&d->today, d->window.items[i].name)) != 0)
      return -1;
  }
  return wf_counts_to_metrics(&d->window, "departures_30d", m);
}

void wf_departures_free(wf_departures_t *d) {
  wf_counts_free(&d->today);
  wf_counts_free(&d->window);
}

static const struct {
  const char *name;
  const char *code;
} hr_statuses[WF_HR_COUNT] = {
    [WF_HR_PROBATION] = {"probation", "2"},
    [WF_HR_REGULAR] = {"regular", "3"},
    [WF_HR_LEAVING] = {"leaving", "5"},
    [WF_HR_NOSTATUS] = {"nostatus", "-1"},
    [WF_HR_PREENTRY] = {"preentry", NULL},
};

const char *wf_hr_status_name(wf_hr_status_t status) {
  return (status < WF_HR_COUNT) ? hr_statuses[status].name : NULL;
}

const char *wf_hr_status_code(wf_hr_status_t status) {
  return (status < WF_HR_COUNT) ? hr_statuses[status].code : NULL;
}

int wf_headcount_metrics(const int64_t counts[WF_HR_COUNT], wf_metrics_t *m) {
  for (int i = 0; i < WF_HR_COUNT; i++)
    if (wf_metrics_add_gauge(m, "headcount", hr_statuses[i].name,
                             (double)counts[i]) != 0)
      return -1;
  return 0;
}

/* Documented results (doc/platform-notes.md, Enumerations), as type instances.
 */
static const char *const dingtalk_time_results[] = {
    "normal", "early", "late", "seriouslate", "absenteeism", "notsigned"};
static const char *const dingtalk_location_results[] = {"normal", "outside",
                                                        "notsigned"};
static const char *const feishu_results[] = {"normal", "early", "late",
                                             "lack",   "todo",  "noneedcheck"};
/* Feishu results that are not an anomaly: no check needed, not yet due,
 * or checked by the system. */
static const char *const feishu_normal_results[] = {"normal", "noneedcheck",
                                                    "todo", "systemcheck"};

/* True when `name` is one of `n` names. */
static bool agg_one_of(const char *name, const char *const *names, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(name, names[i]) == 0)
      return true;
  return false;
}

/* Declares every name of a list in `counts`. */
static int agg_declare_all(wf_counts_t *counts, const char *const *names,
                           size_t n) {
  for (size_t i = 0; i < n; i++)
    if (wf_counts_declare(counts, names[i]) != 0)
      return -1;
  return 0;
}

int wf_checkins_init(wf_checkins_t *checkins, wf_checkins_platform_t platform) {
  memset(checkins, 0, sizeof(*checkins));
  checkins->platform = platform;
  if (platform == WF_CHECKINS_FEISHU)
    return agg_declare_all(&checkins->results, feishu_results,
                           WF_ARRAY_SIZE(feishu_results));
  if (agg_declare_all(&checkins->results, dingtalk_time_results,
                      WF_ARRAY_SIZE(dingtalk_time_results)) != 0)
    return -1;
  return agg_declare_all(&checkins->locations, dingtalk_location_results,
                         WF_ARRAY_SIZE(dingtalk_location_results));
}

/* Counts an abnormal check-in of `user_id`. */
static int agg_add_abnormal(wf_checkins_t *checkins, const char *user_id) {
  checkins->abnormal++;
  if (user_id == NULL || user_id[0] == '\0')
    return 0;
  return wf_strlist_add(&checkins->abnormal_users, user_id);
}

int wf_checkins_add_dingtalk(wf_checkins_t *checkins, const char *user_id,
                             const char *time_result,
                             const char *location_result) {
  char time_name[WF_NAME_LEN];
  char location_name[WF_NAME_LEN];
  wf_instance_name(time_result, time_name, sizeof(time_name));
  wf_instance_name(location_result, location_name, sizeof(location_name));

  if (wf_counts_add(&checkins->results, time_name, 1) != 0 ||
      wf_counts_add(&checkins->locations, location_name, 1) != 0)
    return -1;
  bool location_known = agg_one_of(location_name, dingtalk_location_results,
                                   WF_ARRAY_SIZE(dingtalk_location_results));
  if (strcmp(time_name, "normal") != 0 ||
      strcmp(location_name, "outside") == 0 || !location_known)
    return agg_add_abnormal(checkins, user_id);
  return 0;
}

int wf_checkins_add_feishu(wf_checkins_t *checkins, const char *user_id,
                           const char *result) {
  if (result == NULL || result[0] == '\0')
    return 0;
  char name[WF_NAME_LEN];
  wf_instance_name(result, name, sizeof(name));
  if (wf_counts_add(&checkins->results, name, 1) != 0)
    return -1;
  if (!agg_one_of(name, feishu_normal_results,
                  WF_ARRAY_SIZE(feishu_normal_results)))
    return agg_add_abnormal(checkins, user_id);
  return 0;
}

int wf_checkins_metrics(wf_checkins_t *checkins, wf_metrics_t *m) {
  wf_strlist_sort_unique(&checkins->abnormal_users);
  if (wf_counts_to_metrics(&checkins->results, "checkins", m) != 0)
    return -1;
  if (checkins->platform == WF_CHECKINS_DINGTALK &&
      wf_counts_to_metrics(&checkins->locations, "checkin_locations", m) != 0)
    return -1;
  if (wf_metrics_add_gauge(m, "abnormal_checkins", NULL,
                           (double)checkins->abnormal) != 0 ||
      wf_metrics_add_gauge(m, "abnormal_employees", NULL,
                           (double)checkins->abnormal_users.count) != 0)
    return -1;
  return 0;
}

void wf_checkins_free(wf_checkins_t *checkins) {
  wf_counts_free(&checkins->results);
  wf_counts_free(&checkins->locations);
  wf_strlist_free(&checkins->abnormal_users);
}

int wf_leave_add(wf_leave_t *l, time_t now, const char *user_id,
                 const char *record_type, const char *status, int64_t start_ms,
                 int64_t end_ms) {
  if (record_type == NULL || strcmp(record_type, "leave") != 0 ||
      status == NULL)
    return 0;
  if (strcmp(status, "init") == 0) {
    l->pending++;
    return 0;
  }
  int64_t now_ms = (int64_t)now * 1000;
  if (strcmp(status, "success") == 0 && user_id != NULL && user_id[0] != '\0' &&
      start_ms <= now_ms && now_ms <= end_ms)
    return wf_strlist_add(&l->on_leave_users, user_id);
  return 0;
}

int64_t wf_leave_on_leave(wf_leave_t *l) {
  wf_strlist_sort_unique(&l->on_leave_users);
  return (int64_t)l->on_leave_users.count;
}

void wf_leave_free(wf_leave_t *l) { wf_strlist_free(&l->on_leave_users); }

int wf_decimal_parse(const char *text, int64_t *millionths) {
  if (text == NULL)
    return -1;
  const char *p = text;
  int sign = 1;
  if (*p == '-' || *p == '+') {
    sign = (*p == '-') ? -1 : 1;
    p++;
  }
  int64_t whole = 0;
  int digits = 0;
  while (*p >= '0' && *p <= '9') {
    if (whole > 1000000000000LL)
      return -1;
    whole = whole * 10 + (*p - '0');
    p++;
    digits++;
  }
  int64_t fraction = 0;
  int decimals = 0;
  if (*p == '.') {
    p++;
    while (*p >= '0' && *p <= '9') {
      if (++decimals > 6)
        return -1;
      fraction = fraction * 10 + (*p - '0');
      p++;
    }
    if (decimals == 0)
      return -1;
  }
  if (*p != '\0' || (digits == 0 && decimals == 0) || whole > 1000000000000LL)
    return -1;
  for (int i = decimals; i < 6; i++)
    fraction *= 10;
  *millionths = sign * (whole * WF_DECIMAL_SCALE + fraction);
  return 0;
}

int wf_sum_add(int64_t *sum, int64_t n) {
  int64_t result;
  if (__builtin_add_overflow(*sum, n, &result))
    return -1;
  *sum = result;
  return 0;
}
