/**
 * collectd-workforce - src/wf_endpoint.h
 * SPDX-License-Identifier: MIT
 *
 * Every platform endpoint the plugin calls, once: its platform, method and
 * path, the name it has in metrics and logs (api_requests-<name>), whether
 * its calls count against DingTalk's monthly quota, the platform's limit
 * of calls a second for one app on it, and its batch and page limits and
 * kind of paging (doc/platform-notes.md: Hosts and endpoints, Paging).
 **/
#ifndef WF_ENDPOINT_H
#define WF_ENDPOINT_H

#include "wf_pager.h"

#include <stdbool.h>

/* Where an endpoint lives, which decides how its token travels. */
typedef enum {
  WF_HOST_DINGTALK_OAPI, /* {OapiURL}: access_token in the query string */
  WF_HOST_DINGTALK_API,  /* {ApiURL}/v1.0: x-acs-dingtalk-access-token */
  WF_HOST_FEISHU,        /* {URL}/open-apis: Authorization: Bearer */
} wf_host_t;

typedef struct {
  const char *name; /* in metrics and logs */
  wf_host_t host;
  const char *method;
  const char *path;
  bool counted;  /* counts against DingTalk's monthly call quota */
  double rate;   /* calls a second one app may make */
  int batch;     /* users one call takes at most; 0: none */
  int page_size; /* items asked a page; 0: not paged */
  wf_paging_t paging;
} wf_endpoint_t;

/* Every endpoint, by name in the code. */
typedef enum {
  WF_EP_GETTOKEN,
  WF_EP_EMP_LEAVE_RECORDS,
  WF_EP_QUERYONJOB,
  WF_EP_QUERYPREENTRY,
  WF_EP_LIST_RECORD,
  WF_EP_CHECKIN_RECORD,
  WF_EP_VACATION_TYPES,
  WF_EP_VACATION_RECORDS,
  WF_EP_REPORT_UNREAD,
  WF_EP_REPORT_LIST,
  WF_EP_REPORT_TEMPLATES,
  WF_EP_BLACKBOARD_LIST,
  WF_EP_BLACKBOARD_GET,
  WF_EP_TENANT_TOKEN,
  WF_EP_USER_TASKS,
  WF_EP_LEAVE_EXPIRY,
  WF_EP_COUNT,
} wf_endpoint_id_t;

/* The endpoint `id`. */
const wf_endpoint_t *wf_endpoint(wf_endpoint_id_t id);

/* Calls a second for endpoints whose limit no document states. */
#define WF_DEFAULT_RATE 5.0

/* Calls a second from one address to DingTalk over every app: 10,000 in
 * 20 s, then the address is blocked for five minutes. */
#define WF_DINGTALK_IP_RATE (10000.0 / 20.0)

/* The endpoint called `name`, or NULL. */
const wf_endpoint_t *wf_endpoint_find(const char *name);

/* The calls a second one app may make to `name`. */
double wf_endpoint_rate(const char *name);

/* True when calls to `name` count against DingTalk's monthly quota. */
bool wf_endpoint_counted(const char *name);

#endif /* WF_ENDPOINT_H */
