/**
 * collectd-workforce - src/wf_feishu.h
 * SPDX-License-Identifier: MIT
 *
 * The Feishu client, on top of wf_client: tenant access token, answers of
 * the form {"code": 0, "msg": ..., "data": ...}, and the attendance
 * endpoint. Names in answers are never read.
 **/
#ifndef WF_FEISHU_H
#define WF_FEISHU_H

#include "wf_client.h"
#include "wf_error.h"
#include "wf_metrics.h"
#include "wf_strlist.h"

#include <time.h>

/* Feishu's conventions for wf_client. */
extern const wf_client_ops_t wf_feishu_ops;

/* User ids the platform named as invalid or unauthorized in an answer;
 * the caller logs each once. */
typedef struct {
  wf_strlist_t invalid;
  wf_strlist_t unauthorized;
} wf_feishu_rejects_t;

void wf_feishu_rejects_free(wf_feishu_rejects_t *rejects);

/* attendance: reads today's results of `users` with user_tasks/query, 50
 * users a call, and appends checkins, abnormal_checkins and
 * abnormal_employees. Ids the platform rejects are added to `rejects`.
 * Returns 0 or -1 with `err` filled. */
int wf_feishu_attendance(wf_client_t *client, time_t now,
                         const wf_strlist_t *users, wf_metrics_t *out,
                         wf_feishu_rejects_t *rejects, wf_error_t *err);

/* leave_expiry: for every leave type of `types` (leave_type_id, name),
 * sums over `employments` the left quantity of grants expiring within
 * `window_days` from today, and appends leave_expiring "<name>-days" and
 * "<name>-hours". Returns 0, or -1 with `err` filled and nothing
 * appended. */
int wf_feishu_leave_expiry(wf_client_t *client, time_t now,
                           const wf_strlist_t *employments,
                           const wf_pairs_t *types, int window_days,
                           wf_metrics_t *out, wf_error_t *err);

#endif /* WF_FEISHU_H */
