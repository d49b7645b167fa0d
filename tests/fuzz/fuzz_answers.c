/**
 * collectd-workforce - tests/fuzz/fuzz_answers.c
 * SPDX-License-Identifier: MIT
 *
 * libFuzzer target for everything the plugin reads from a platform: the
 * first byte of an input chooses a reader, the rest is the answer's body.
 * Each body goes through the JSON parser, the error classifier of its
 * platform and one answer reader, exactly as a poll would, so that
 * AddressSanitizer and UndefinedBehaviorSanitizer see every path a hostile
 * or broken answer can take. Built and run by `make fuzz`.
 **/
#include "wf_agg.h"
#include "wf_dingtalk_private.h"
#include "wf_feishu_private.h"
#include "wf_json.h"
#include "wf_metrics.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1710014400 /* 2024-03-10T04:00:00+08:00 */
#define PLUS_0800 28800

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef enum {
  READ_DT_LEAVE_RECORDS,
  READ_DT_RECORDS,
  READ_DT_SIGNINS,
  READ_DT_LEAVE_PAGE,
  READ_DT_REPORT_PAGE,
  READ_DT_TEMPLATE_PAGE,
  READ_DT_ID_PAGE,
  READ_DT_UNREAD_COUNT,
  READ_DT_ANNOUNCEMENT_IDS,
  READ_DT_ANNOUNCEMENT,
  READ_FS_USER_TASKS,
  READ_FS_EXPIRY,
  READ_COUNT
} reader_t;

static void read_dingtalk(reader_t reader, json_object *answer) {
  wf_error_t err = {0};
  char next[256];
  bool has_more = false;
  int64_t signins = 0;

  (void)dt_classify(reader == READ_DT_LEAVE_RECORDS ? WF_HOST_DINGTALK_API
                                                    : WF_HOST_DINGTALK_OAPI,
                    "queryonjob", 200, answer, &err);
  wf_error_clear(&err);

  switch (reader) {
  case READ_DT_LEAVE_RECORDS: {
    wf_departures_t d;
    if (wf_departures_init(&d, NOW, PLUS_0800) != 0)
      return;
    if (dt_parse_leave_records(answer, &d, next, sizeof(next), &err) == 0) {
      wf_metrics_t m = {0};
      (void)wf_departures_metrics(&d, &m);
      wf_metrics_free(&m);
    }
    wf_departures_free(&d);
    break;
  }
  case READ_DT_RECORDS: {
    wf_checkins_t checkins;
    if (wf_checkins_init(&checkins, WF_CHECKINS_DINGTALK) != 0)
      return;
    if (dt_parse_records(answer, NOW - 4 * 3600, NOW + 20 * 3600, &checkins,
                         &err) == 0) {
      wf_metrics_t m = {0};
      (void)wf_checkins_metrics(&checkins, &m);
      wf_metrics_free(&m);
    }
    wf_checkins_free(&checkins);
    break;
  }
  case READ_DT_SIGNINS:
    (void)dt_parse_signins(answer, NOW - 4 * 3600, NOW, &signins, next,
                           sizeof(next), &err);
    break;
  case READ_DT_LEAVE_PAGE: {
    wf_leave_t leave = {0};
    size_t records = 0;
    (void)dt_parse_leave_page(answer, NOW, &leave, &records, &has_more, &err);
    (void)wf_leave_on_leave(&leave);
    wf_leave_free(&leave);
    break;
  }
  case READ_DT_REPORT_PAGE: {
    wf_counts_t templates = {0};
    (void)dt_parse_report_page(answer, &templates, next, sizeof(next), &err);
    wf_counts_free(&templates);
    break;
  }
  case READ_DT_TEMPLATE_PAGE: {
    wf_strlist_t names = {0};
    (void)dt_parse_template_page(answer, &names, next, sizeof(next), &err);
    wf_strlist_free(&names);
    break;
  }
  case READ_DT_ID_PAGE: {
    wf_strlist_t ids = {0};
    (void)dt_parse_id_page(answer, "queryonjob", &ids, next, sizeof(next),
                           &err);
    wf_strlist_sort_unique(&ids);
    wf_strlist_free(&ids);
    break;
  }
  case READ_DT_UNREAD_COUNT: {
    int64_t count = 0;
    (void)dt_parse_unread_count(answer, &count, &err);
    break;
  }
  case READ_DT_ANNOUNCEMENT_IDS: {
    wf_strlist_t ids = {0};
    size_t count = 0;
    bool repeated = false;
    /* Twice, as two pages: the second repeats every id of the first. */
    if (dt_parse_announcement_ids(answer, &ids, &count, &repeated, &err) == 0)
      (void)dt_parse_announcement_ids(answer, &ids, &count, &repeated, &err);
    wf_strlist_free(&ids);
    break;
  }
  case READ_DT_ANNOUNCEMENT: {
    int64_t unread = INT64_MAX / 2;
    (void)dt_parse_announcement(answer, &unread, &err);
    (void)dt_parse_announcement(answer, &unread, &err);
    break;
  }
  default:
    break;
  }
}

static void read_feishu(reader_t reader, json_object *answer) {
  wf_error_t err = {0};

  (void)fs_classify(WF_HOST_FEISHU, "userTasks", 200, answer, &err);
  wf_error_clear(&err);

  if (reader == READ_FS_USER_TASKS) {
    wf_checkins_t checkins;
    wf_feishu_rejects_t rejects = {0};
    if (wf_checkins_init(&checkins, WF_CHECKINS_FEISHU) != 0)
      return;
    if (fs_parse_user_tasks(answer, 20240310, &checkins, &rejects, &err) == 0) {
      wf_metrics_t m = {0};
      (void)wf_checkins_metrics(&checkins, &m);
      wf_metrics_free(&m);
    }
    wf_feishu_rejects_free(&rejects);
    wf_checkins_free(&checkins);
  } else {
    int64_t days = 0;
    int64_t hours = 0;
    (void)fs_parse_expiry(answer, &days, &hours, &err);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  reader_t reader = (reader_t)(data[0] % READ_COUNT);
  char error[128];
  json_object *answer =
      wf_json_parse((const char *)data + 1, size - 1, error, sizeof(error));
  if (answer == NULL)
    return 0;
  if (reader >= READ_FS_USER_TASKS)
    read_feishu(reader, answer);
  else
    read_dingtalk(reader, answer);
  json_object_put(answer);
  return 0;
}
