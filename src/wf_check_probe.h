/**
 * collectd-workforce - src/wf_check_probe.h
 * SPDX-License-Identifier: MIT
 *
 * collectd-workforce-check --probe: asks an account's platform what the
 * cost of its collectors depends on, without spending any of the monthly
 * quota. It fetches the access token (never counted) and, on DingTalk,
 * the employee lists (queryonjob and querypreentry, smart-HR calls that
 * are not counted), with the plugin's own client code.
 **/
#ifndef WF_CHECK_PROBE_H
#define WF_CHECK_PROBE_H

#include "wf_agg.h"
#include "wf_config.h"
#include "wf_error.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  bool token;     /* the platform issued a token */
  bool employees; /* the employee lists were read (DingTalk) */
  int64_t counts[WF_HR_COUNT];
  long long requests;      /* HTTP requests sent */
  long long counted_calls; /* of which count against the quota: 0 */
  wf_error_t error;        /* why the probe failed */
} wf_probe_t;

/* Probes one account. Call wf_http_global_init first. Returns 0, or -1
 * with `out->error` filled. */
int wf_check_probe(const wf_account_config_t *cfg, wf_probe_t *out);

#endif /* WF_CHECK_PROBE_H */
