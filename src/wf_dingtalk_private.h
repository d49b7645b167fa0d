/**
 * collectd-workforce - src/wf_dingtalk_private.h
 * SPDX-License-Identifier: MIT
 *
 * What wf_dingtalk.c shares with its unit tests and nobody else: the
 * classification of answers and the parsers of pages.
 **/
#ifndef WF_DINGTALK_PRIVATE_H
#define WF_DINGTALK_PRIVATE_H

#include "wf_agg.h"
#include "wf_client.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_strlist.h"

#include <stdbool.h>
#include <stddef.h>

#ifdef WF_UNIT_TEST
wf_verdict_t dt_classify(wf_host_t host, const char *endpoint, long http_status,
                         json_object *answer, wf_error_t *err);
int dt_parse_leave_records(json_object *answer, wf_departures_t *d, char *next,
                           size_t next_size, wf_error_t *err);
int dt_parse_records(json_object *answer, time_t day_start, time_t day_end,
                     wf_checkins_t *checkins, wf_error_t *err);
int dt_parse_signins(json_object *answer, time_t from, time_t to,
                     int64_t *signins, char *next, size_t next_size,
                     wf_error_t *err);
int dt_parse_leave_page(json_object *answer, time_t now, wf_leave_t *leave,
                        size_t *records, bool *has_more, wf_error_t *err);
int dt_parse_report_page(json_object *answer, wf_counts_t *templates,
                         char *next, size_t next_size, wf_error_t *err);
int dt_parse_template_page(json_object *answer, wf_strlist_t *names, char *next,
                           size_t next_size, wf_error_t *err);
int dt_parse_id_page(json_object *answer, const char *endpoint,
                     wf_strlist_t *ids, char *next, size_t next_size,
                     wf_error_t *err);
int dt_parse_unread_count(json_object *answer, int64_t *count, wf_error_t *err);
int dt_parse_announcement_ids(json_object *answer, wf_strlist_t *ids,
                              size_t *count, bool *repeated, wf_error_t *err);
int dt_parse_announcement(json_object *answer, int64_t *unread,
                          wf_error_t *err);
#endif

#endif /* WF_DINGTALK_PRIVATE_H */
