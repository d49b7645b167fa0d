/**
 * collectd-workforce - src/wf_config.h
 * SPDX-License-Identifier: MIT
 *
 * The configuration of one account (one <DingTalk> or <Feishu> block), as
 * plain data. wf_config.c fills it from collectd's oconfig tree; nothing
 * else in the plugin reads oconfig.
 **/
#ifndef WF_CONFIG_H
#define WF_CONFIG_H

#include "wf_strlist.h"
#include "wf_threshold.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  WF_PLATFORM_DINGTALK,
  WF_PLATFORM_FEISHU,
} wf_platform_t;

/* Collectors, as bits of wf_account_config_t.collect. */
typedef enum {
  WF_COLLECT_DEPARTURES = 1u << 0,
  WF_COLLECT_HEADCOUNT = 1u << 1,
  WF_COLLECT_ATTENDANCE = 1u << 2,
  WF_COLLECT_LEAVE = 1u << 3,
  WF_COLLECT_REPORTS = 1u << 4,
  WF_COLLECT_ANNOUNCEMENTS = 1u << 5,
  WF_COLLECT_SIGNINS = 1u << 6,
  WF_COLLECT_LEAVE_EXPIRY = 1u << 7,
} wf_collector_t;

#define WF_COLLECTOR_COUNT 8

typedef struct {
  char *name; /* the block's name: the account, collectd's plugin instance */
  wf_platform_t platform;

  char *app_key;    /* DingTalk AppKey, Feishu AppID */
  char *app_secret; /* from AppSecret or AppSecretFile */
  char *oapi_url;   /* DingTalk OapiURL; Feishu URL */
  char *api_url;    /* DingTalk ApiURL */

  double interval;  /* seconds between polls */
  int utc_offset;   /* seconds east of UTC */
  long timeout_ms;  /* one HTTP request */
  unsigned collect; /* wf_collector_t bits */

  wf_strlist_t user_ids;
  wf_strlist_t employment_ids;
  char *operator_user_id;
  wf_pairs_t leave_types;
  wf_pairs_t report_readers;
  int expiry_window_days;

  /* DingTalk's monthly call quota: MonthlyQuota, the counted calls this
   * account may spend a calendar month (0: no planning), and WorkHours,
   * in minutes after local midnight (equal: all day). */
  long long monthly_quota;
  int work_start;
  int work_end;

  wf_threshold_config_t *thresholds;
  size_t threshold_count;

  /* Transport. */
  char *ca_file;
  char *proxy;
  bool verify_peer;
  bool verify_host;
  size_t max_response_size;
  size_t max_pages;
  double max_requests_per_second;
} wf_account_config_t;

/* Defaults of the options that have one. */
#define WF_DEFAULT_INTERVAL 300.0
#define WF_DEFAULT_UTC_OFFSET (8 * 3600)
#define WF_DEFAULT_TIMEOUT_MS 10000L
#define WF_DEFAULT_MAX_PAGES 1000
/* No cap of the user's: the platforms' own per-API limits alone. */
#define WF_DEFAULT_REQUESTS_PER_SECOND 0.0
#define WF_DEFAULT_EXPIRY_WINDOW_DAYS 30
/* The counted calls of DingTalk's standard edition a month. */
#define WF_DEFAULT_MONTHLY_QUOTA 5000LL

/* The name of a collector ("departures"), or NULL. */
const char *wf_collector_name(wf_collector_t collector);

/* Releases everything the configuration holds, secrets wiped first. */
void wf_account_config_free(wf_account_config_t *cfg);

#endif /* WF_CONFIG_H */
