/**
 * collectd-workforce - src/wf_robot_msg.h
 * SPDX-License-Identifier: MIT
 *
 * What a group robot posts: a collectd notification written for people,
 * as a DingTalk markdown message or a Feishu text message, signed when a
 * secret is set; and the limit of 20 messages a minute per robot. Pure
 * logic on json-c and libcrypto, testable without collectd.
 **/
#ifndef WF_ROBOT_MSG_H
#define WF_ROBOT_MSG_H

#include "wf_common.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef enum {
  WF_ROBOT_DINGTALK,
  WF_ROBOT_FEISHU,
} wf_robot_platform_t;

/* The parts of a collectd notification a message shows. */
typedef struct {
  int severity; /* 1 failure, 2 warning, 4 okay (collectd's NOTIF_*) */
  time_t time;
  char host[WF_NAME_LEN];
  char plugin[WF_NAME_LEN];
  char plugin_instance[WF_NAME_LEN];
  char type[WF_NAME_LEN];
  char type_instance[WF_NAME_LEN];
  char message[256];
} wf_robot_note_t;

/* "FAILURE", "WARNING" or "OKAY". */
const char *wf_robot_severity_name(int severity);

/* The JSON body to post for `note`. With a `secret`, Feishu's body gets
 * "timestamp" and "sign" (DingTalk signs in the URL instead, see
 * wf_robot_url). `now_ms` is the time of signing. Returns a string to
 * free(), or NULL without memory. */
char *wf_robot_body(wf_robot_platform_t platform, const wf_robot_note_t *note,
                    const char *secret, long long now_ms);

/* The URL to post to: `url` itself, or for a signed DingTalk robot with
 * "&timestamp=<ms>&sign=<urlencoded signature>" appended. Returns a
 * string to free(), or NULL. */
char *wf_robot_url(wf_robot_platform_t platform, const char *url,
                   const char *secret, long long now_ms);

/* True when a robot's answer says the message was taken: DingTalk
 * {"errcode":0}, Feishu {"code":0} or {"StatusCode":0}. */
bool wf_robot_answer_ok(const char *body, size_t size);

/* A sliding window of the last sends: at most `limit` in any `window`
 * seconds. */
#define WF_ROBOT_RATE_MAX 20
typedef struct {
  double sent[WF_ROBOT_RATE_MAX];
  size_t count;
  size_t next;
  size_t limit;
  double window;
} wf_rate_t;

/* Prepares a limit of `limit` (at most WF_ROBOT_RATE_MAX) sends per
 * `window` seconds. */
void wf_rate_init(wf_rate_t *rate, size_t limit, double window);

/* Seconds to wait at `now` before the next send may go (0: now). */
double wf_rate_wait(const wf_rate_t *rate, double now);

/* Records a send at `now`. */
void wf_rate_sent(wf_rate_t *rate, double now);

#endif /* WF_ROBOT_MSG_H */
