/**
 * collectd-workforce - tests/bench/bench_parse.c
 * SPDX-License-Identifier: MIT
 *
 * How fast the plugin turns platform answers into metric rows, and how much
 * memory that takes: parses synthetic listRecord, empLeaveRecords and
 * vacation answers of realistic size many times and prints records per
 * second and the peak resident size. Run by `make bench`; figures, not
 * pass/fail.
 **/
#include "wf_agg.h"
#include "wf_dingtalk_private.h"
#include "wf_json.h"
#include "wf_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define NOW 1710014400 /* 2024-03-10T04:00:00+08:00 */

/* Seconds on a monotonic clock. */
static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A listRecord answer of `n` records, personal fields included. */
static char *list_record_answer(int n) {
  static const char *const results[] = {"Normal", "Late", "Early", "NotSigned"};
  size_t size = (size_t)n * 400 + 64;
  char *text = malloc(size);
  size_t used =
      (size_t)snprintf(text, size, "{\"errcode\":0,\"recordresult\":[");
  for (int i = 0; i < n; i++)
    used += (size_t)snprintf(
        text + used, size - used,
        "%s{\"userId\":\"u%05d\",\"timeResult\":\"%s\",\"locationResult\":"
        "\"%s\",\"checkType\":\"OnDuty\",\"workDate\":%lld000,"
        "\"userCheckTime\":%lld000,\"userAddress\":\"杭州市余杭区五常街道\","
        "\"deviceId\":\"dev%d\",\"sourceType\":\"USER\"}",
        i ? "," : "", i / 2, results[i % 4], (i % 9) ? "Normal" : "Outside",
        (long long)wf_day_start(NOW, 28800), (long long)NOW - i, i);
  snprintf(text + used, size - used, "]}");
  return text;
}

/* An empLeaveRecords page of `n` records. */
static char *leave_records_answer(int n) {
  static const char *const reasons[] = {"leave", "delete", "oapi", "cancel"};
  size_t size = (size_t)n * 200 + 64;
  char *text = malloc(size);
  size_t used = (size_t)snprintf(text, size, "{\"records\":[");
  for (int i = 0; i < n; i++) {
    char when[32];
    wf_rfc3339_format(NOW - (time_t)i * 3600, when, sizeof(when));
    used += (size_t)snprintf(
        text + used, size - used,
        "%s{\"userId\":\"d%05d\",\"name\":\"张三\",\"stateCode\":\"86\","
        "\"mobile\":\"13800000000\",\"leaveTime\":\"%s\",\"leaveReason\":"
        "\"%s\"}",
        i ? "," : "", i, when, reasons[i % 4]);
  }
  snprintf(text + used, size - used, "]}");
  return text;
}

/* Parses `text` `rounds` times with `parse` and prints the rate. */
static void run(const char *name, const char *text, int records, int rounds,
                int (*parse)(json_object *)) {
  double start = seconds();
  for (int r = 0; r < rounds; r++) {
    char error[128];
    json_object *answer =
        wf_json_parse(text, strlen(text), error, sizeof(error));
    if (answer == NULL || parse(answer) != 0) {
      fprintf(stderr, "%s: parse failed: %s\n", name, error);
      exit(1);
    }
    json_object_put(answer);
  }
  double elapsed = seconds() - start;
  printf("%-34s %8d records/answer %10.0f records/s %8.1f us/answer\n", name,
         records, (double)records * rounds / elapsed, elapsed / rounds * 1e6);
}

static int parse_list_record(json_object *answer) {
  wf_checkins_t c;
  wf_error_t err;
  time_t day = wf_day_start(NOW, 28800);
  int status = wf_checkins_init(&c, WF_CHECKINS_DINGTALK);
  status |= dt_parse_records(answer, day, day + WF_SECONDS_PER_DAY, &c, &err);
  wf_metrics_t m = {0};
  status |= wf_checkins_metrics(&c, &m);
  wf_metrics_free(&m);
  wf_checkins_free(&c);
  return status;
}

static int parse_leave_records(json_object *answer) {
  wf_departures_t d;
  wf_error_t err;
  char next[64];
  int status = wf_departures_init(&d, NOW, 28800);
  status |= dt_parse_leave_records(answer, &d, next, sizeof(next), &err);
  wf_departures_free(&d);
  return status;
}

int main(void) {
  /* 50 users a call, two checks a day each. */
  char *list_record = list_record_answer(100);
  /* A page of 50 departures. */
  char *leave_records = leave_records_answer(50);
  /* A hostile answer size: 20,000 records in one listRecord answer. */
  char *big = list_record_answer(20000);

  printf("collectd-workforce parse benchmark\n");
  run("listRecord (50 users)", list_record, 100, 20000, parse_list_record);
  run("empLeaveRecords page (50)", leave_records, 50, 20000,
      parse_leave_records);
  run("listRecord, 20,000 records", big, 20000, 20, parse_list_record);
  printf("%-34s %8zu bytes\n", "size of the 20,000-record answer", strlen(big));

  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  printf("%-34s %8ld KiB\n", "peak resident size", usage.ru_maxrss);
  free(list_record);
  free(leave_records);
  free(big);
  return 0;
}
