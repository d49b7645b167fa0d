/**
 * collectd-workforce - src/wf_feishu_private.h
 * SPDX-License-Identifier: MIT
 *
 * What wf_feishu.c shares with its unit tests: the classification of
 * answers and the parser of attendance results.
 **/
#ifndef WF_FEISHU_PRIVATE_H
#define WF_FEISHU_PRIVATE_H

#include "wf_agg.h"
#include "wf_client.h"
#include "wf_feishu.h"

#ifdef WF_UNIT_TEST
wf_verdict_t fs_classify(wf_host_t host, const char *endpoint, long http_status,
                         json_object *answer, wf_error_t *err);
int fs_parse_user_tasks(json_object *answer, long today,
                        wf_checkins_t *checkins, wf_feishu_rejects_t *rejects,
                        wf_error_t *err);
int fs_parse_expiry(json_object *answer, int64_t *days, int64_t *hours,
                    wf_error_t *err);
#endif

#endif /* WF_FEISHU_PRIVATE_H */
