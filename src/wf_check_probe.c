/**
 * collectd-workforce - src/wf_check_probe.c
 * SPDX-License-Identifier: MIT
 *
 * The client is set up as wf_account.c sets it up for a poll: the
 * account's HTTP options, its platform's operations, a wall clock and a
 * real pause between retries. Only two things are asked: the token, and
 * on DingTalk the employee lists. The client counts the calls it sends
 * against the quota as it always does; the probe reports that count, and
 * it must stay 0.
 **/
#include "wf_check_probe.h"

#include "wf_client.h"
#include "wf_dingtalk.h"
#include "wf_feishu.h"
#include "wf_http.h"
#include "wf_stats.h"
#include "wf_time.h"

#include <string.h>
#include <time.h>

/* The wall clock of the client. */
static time_t probe_clock(void) { return time(NULL); }

int wf_check_probe(const wf_account_config_t *cfg, wf_probe_t *out) {
  memset(out, 0, sizeof(*out));
  wf_error_clear(&out->error);

  wf_http_options_t options = {
      .timeout_ms = cfg->timeout_ms,
      .max_response_size = cfg->max_response_size,
      .ca_file = cfg->ca_file,
      .verify_peer = cfg->verify_peer,
      .verify_host = cfg->verify_host,
      .proxy = cfg->proxy,
      /* MaxRequestsPerSecond: the user's cap over every API, if any. */
      .min_interval_ms = (cfg->max_requests_per_second > 0)
                             ? (long)(1000.0 / cfg->max_requests_per_second)
                             : 0,
  };
  wf_http_t *http = wf_http_create(&options);
  if (http == NULL) {
    wf_error_set(&out->error, WF_ERR_NOMEM, "probe",
                 "cannot create an HTTP client");
    return -1;
  }
  bool dingtalk = cfg->platform == WF_PLATFORM_DINGTALK;
  wf_stats_t stats = {0};
  wf_client_t client;
  wf_client_init(&client, dingtalk ? &wf_dingtalk_ops : &wf_feishu_ops, cfg,
                 http, &stats, probe_clock, wf_sleep_ms);
  /* The platforms' per-API limits, kept as in a poll. */
  client.limiter = wf_limiter_create();

  int status = client.ops->fetch_token(&client, &out->error);
  out->token = (status == 0);
  if (status == 0 && dingtalk) {
    status = wf_dingtalk_employees(&client, out->counts, NULL, &out->error);
    out->employees = (status == 0);
  }
  out->requests = (long long)wf_counts_total(&stats.requests);
  out->counted_calls = (long long)stats.quota_used;

  wf_client_destroy(&client);
  wf_limiter_destroy(client.limiter);
  wf_stats_free(&stats);
  wf_http_destroy(http);
  return status;
}
