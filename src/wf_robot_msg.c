/**
 * collectd-workforce - src/wf_robot_msg.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_robot_msg.h"
#include "wf_json.h"
#include "wf_sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *wf_robot_severity_name(int severity) {
  switch (severity) {
  case 1:
    return "FAILURE";
  case 2:
    return "WARNING";
  case 4:
    return "OKAY";
  }
  return "UNKNOWN";
}

/* Writes the identifier "plugin-instance/type-instance" of a note. */
static void msg_note_identifier(const wf_robot_note_t *n, char *buffer,
                                size_t size) {
  snprintf(buffer, size, "%s%s%s/%s%s%s", n->plugin,
           n->plugin_instance[0] ? "-" : "", n->plugin_instance, n->type,
           n->type_instance[0] ? "-" : "", n->type_instance);
}

/* The time of a note in UTC, for people. */
static void msg_note_time(const wf_robot_note_t *n, char *buffer, size_t size) {
  struct tm tm;
  if (gmtime_r(&n->time, &tm) == NULL ||
      strftime(buffer, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
    snprintf(buffer, size, "%lld", (long long)n->time);
}

char *wf_robot_body(wf_robot_platform_t platform, const wf_robot_note_t *note,
                    const char *secret, long long now_ms) {
  char ident[4 * WF_NAME_LEN + 8];
  char when[64];
  char text[2048];
  const char *severity = wf_robot_severity_name(note->severity);
  msg_note_identifier(note, ident, sizeof(ident));
  msg_note_time(note, when, sizeof(when));

  json_object *body = json_object_new_object();
  if (body == NULL)
    return NULL;
  if (platform == WF_ROBOT_DINGTALK) {
    char title[WF_NAME_LEN + 32];
    snprintf(title, sizeof(title), "[%s] %s", severity, note->plugin_instance);
    snprintf(text, sizeof(text),
             "### %s: %s\n\n%s\n\n- host: %s\n- metric: %s\n- time: %s\n",
             severity, note->plugin_instance, note->message, note->host, ident,
             when);
    json_object *markdown = json_object_new_object();
    json_object_object_add(markdown, "title", json_object_new_string(title));
    json_object_object_add(markdown, "text", json_object_new_string(text));
    json_object_object_add(body, "msgtype", json_object_new_string("markdown"));
    json_object_object_add(body, "markdown", markdown);
  } else {
    snprintf(text, sizeof(text), "[%s] %s\nhost: %s\nmetric: %s\ntime: %s",
             severity, note->message, note->host, ident, when);
    json_object *content = json_object_new_object();
    json_object_object_add(content, "text", json_object_new_string(text));
    if (secret != NULL && secret[0] != '\0') {
      char stamp[32];
      char sign[64];
      snprintf(stamp, sizeof(stamp), "%lld", now_ms / 1000);
      if (wf_sign_feishu(secret, now_ms / 1000, sign, sizeof(sign)) != 0) {
        json_object_put(content);
        json_object_put(body);
        return NULL;
      }
      json_object_object_add(body, "timestamp", json_object_new_string(stamp));
      json_object_object_add(body, "sign", json_object_new_string(sign));
    }
    json_object_object_add(body, "msg_type", json_object_new_string("text"));
    json_object_object_add(body, "content", content);
  }
  char *result =
      strdup(json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN));
  json_object_put(body);
  return result;
}

/* Percent-encodes a base64 signature ('+', '/', '=' are the only
 * characters that need it). */
static void msg_encode_signature(const char *sign, char *out, size_t size) {
  size_t used = 0;
  for (const char *p = sign; *p != '\0' && used + 4 < size; p++) {
    if (*p == '+' || *p == '/' || *p == '=')
      used += (size_t)snprintf(out + used, size - used, "%%%02X",
                               (unsigned char)*p);
    else
      out[used++] = *p;
  }
  out[used] = '\0';
}

char *wf_robot_url(wf_robot_platform_t platform, const char *url,
                   const char *secret, long long now_ms) {
  if (platform != WF_ROBOT_DINGTALK || secret == NULL || secret[0] == '\0')
    return strdup(url);
  char sign[64];
  char encoded[192];
  if (wf_sign_dingtalk(secret, now_ms, sign, sizeof(sign)) != 0)
    return NULL;
  msg_encode_signature(sign, encoded, sizeof(encoded));
  size_t size = strlen(url) + strlen(encoded) + 64;
  char *result = malloc(size);
  if (result != NULL)
    snprintf(result, size, "%s%ctimestamp=%lld&sign=%s", url,
             (strchr(url, '?') != NULL) ? '&' : '?', now_ms, encoded);
  return result;
}

bool wf_robot_answer_ok(const char *body, size_t size) {
  char error[64];
  json_object *answer = wf_json_parse(body, size, error, sizeof(error));
  int64_t code = -1;
  bool ok = wf_json_int64(answer, "errcode", &code) ||
            wf_json_int64(answer, "code", &code) ||
            wf_json_int64(answer, "StatusCode", &code);
  json_object_put(answer);
  return ok && code == 0;
}

void wf_rate_init(wf_rate_t *rate, size_t limit, double window) {
  memset(rate, 0, sizeof(*rate));
  rate->limit =
      (limit > 0 && limit <= WF_ROBOT_RATE_MAX) ? limit : WF_ROBOT_RATE_MAX;
  rate->window = window;
}

double wf_rate_wait(const wf_rate_t *rate, double now) {
  if (rate->count < rate->limit)
    return 0;
  /* The oldest of the last `limit` sends leaves the window first. */
  double oldest = rate->sent[rate->next];
  double wait = oldest + rate->window - now;
  return (wait > 0) ? wait : 0;
}

void wf_rate_sent(wf_rate_t *rate, double now) {
  rate->sent[rate->next] = now;
  rate->next = (rate->next + 1) % rate->limit;
  if (rate->count < rate->limit)
    rate->count++;
}
