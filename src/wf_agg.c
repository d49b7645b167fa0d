/**
 * collectd-workforce - src/wf_agg.c
 **/
#include "wf_agg.h"
#include "wf_time.h"

#include <string.h>

/* empLeaveRecords leaveReason values (api/NOTES.md). */
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
