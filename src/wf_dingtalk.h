/**
 * collectd-workforce - src/wf_dingtalk.h
 * SPDX-License-Identifier: MIT
 *
 * The DingTalk client: endpoints, paging and the reading of answers, on
 * top of wf_client. It turns answers into aggregation input and never
 * logs personal data: names, mobile numbers and addresses in answers are
 * not even read.
 **/
#ifndef WF_DINGTALK_H
#define WF_DINGTALK_H

#include "wf_agg.h"
#include "wf_client.h"
#include "wf_error.h"
#include "wf_metrics.h"
#include "wf_roster.h"
#include "wf_strlist.h"

#include <time.h>

/* DingTalk's conventions for wf_client. */
extern const wf_client_ops_t wf_dingtalk_ops;

/* departures: reads empLeaveRecords over the last 30 days at the
 * account's UTC offset and appends departures_today and departures_30d.
 * Returns 0, or -1 with `err` filled and nothing appended. */
int wf_dingtalk_departures(wf_client_t *client, time_t now, wf_metrics_t *out,
                           wf_error_t *err);

/* Reads the employee lists: on-job employees by status (queryonjob 2, 3, 5,
 * -1) and pre-entry employees (querypreentry), and fills `counts`. When
 * `onjob` is not NULL, it receives the on-job user ids page by page, and
 * is finished with the counts or the failure. Returns 0 or -1 with `err`
 * filled. */
int wf_dingtalk_employees(wf_client_t *client, int64_t counts[WF_HR_COUNT],
                          wf_roster_t *onjob, wf_error_t *err);

/* attendance: reads today's check records of the users of `users` with
 * listRecord, 50 users a call, each call going out as soon as its users
 * are known, and appends checkins, checkin_locations, abnormal_checkins
 * and abnormal_employees. Returns 0 or -1 with `err` filled. */
int wf_dingtalk_attendance(wf_client_t *client, time_t now, wf_roster_t *users,
                           wf_metrics_t *out, wf_error_t *err);

/* signins: counts today's field sign-ins of the users of `users` with
 * checkin/record/get, 10 users a call, every page, and appends
 * signins_today. Returns 0 or -1 with `err` filled. */
int wf_dingtalk_signins(wf_client_t *client, time_t now, wf_roster_t *users,
                        wf_metrics_t *out, wf_error_t *err);

/* Reads the organisation's leave types with vacation/type/list (as
 * OperatorUserID): (leave_code, leave_name as a type instance). Returns 0
 * or -1 with `err` filled. */
int wf_dingtalk_leave_types(wf_client_t *client, wf_pairs_t *types,
                            wf_error_t *err);

/* leave: reads the vacation records of the users of `users` for every
 * leave type of `types` (50 users a call, every page) and appends on_leave
 * and leave_pending per type name. Returns 0, or -1 with `err` filled and
 * nothing appended. */
int wf_dingtalk_leave(wf_client_t *client, time_t now, const wf_pairs_t *types,
                      wf_roster_t *users, wf_metrics_t *out, wf_error_t *err);

/* Appends unread_reports for each (userid, name) of `readers`. */
int wf_dingtalk_unread_reports(wf_client_t *client, const wf_pairs_t *readers,
                               wf_metrics_t *out, wf_error_t *err);

/* Counts today's reports by template name (as type instances) with
 * report/simplelist, every page. Returns 0 or -1 with `err` filled. */
int wf_dingtalk_reports_today(wf_client_t *client, time_t now,
                              wf_counts_t *templates, wf_error_t *err);

/* Reads the names (as type instances) of every report template with
 * report/template/listbyuserid. Returns 0 or -1 with `err` filled. */
int wf_dingtalk_report_templates(wf_client_t *client, wf_strlist_t *names,
                                 wf_error_t *err);

/* announcements: sums unread_count over the announcements of the last
 * seven days (blackboard/listids, then blackboard/get for each) and
 * appends announcement_unread. Returns 0 or -1 with `err` filled. */
int wf_dingtalk_announcements(wf_client_t *client, time_t now,
                              wf_metrics_t *out, wf_error_t *err);

#endif /* WF_DINGTALK_H */
