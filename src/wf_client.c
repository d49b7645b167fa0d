/**
 * collectd-workforce - src/wf_client.c
 **/
#include "wf_client.h"
#include "wf_endpoint.h"
#include "wf_time.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Retries within one call, and the pauses before them. */
#define WF_MAX_BUSY_RETRIES 3
#define WF_MAX_TRANSPORT_RETRIES 2
#define WF_BUSY_PAUSE_MS 500
/* A platform that asks for a longer pause than this ends the call; the
 * collector then waits the pause out between polls. */
#define WF_MAX_INLINE_PAUSE_S 5
/* How long a collector rests after throttling that outlasted its retries,
 * when the platform did not say: DingTalk asks for a second. */
#define WF_DEFAULT_THROTTLE_REST_S 1

/* The limits every account of this process shares: DingTalk's per-IP
 * ceiling and its block, one bucket per platform host. */
static wf_limiter_t *client_hosts;
static pthread_once_t client_hosts_once = PTHREAD_ONCE_INIT;

static void client_hosts_create(void) { client_hosts = wf_limiter_create(); }

/* Milliseconds of the monotonic clock, for the limiter. */
static int64_t client_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The per-IP bucket of the DingTalk host behind API family `family`
 * ("ip oapi.dingtalk.com"), or "" on Feishu, which documents no such
 * limit. */
static void client_host_key(const wf_client_t *c, int family, char *key,
                            size_t size) {
  key[0] = '\0';
  if (c->cfg->platform != WF_PLATFORM_DINGTALK)
    return;
  /* Family 0 is oapi (DT_OAPI), 1 the v1.0 API (DT_API). */
  const char *url = (family == 0) ? c->cfg->oapi_url : c->cfg->api_url;
  const char *host = (url != NULL) ? strstr(url, "://") : NULL;
  host = (host != NULL) ? host + 3 : "";
  size_t length = strcspn(host, "/");
  snprintf(key, size, "ip %.*s", (int)length, host);
}

/* Waits for this call's slot in its API's limit and its host's; returns 0,
 * or -1 with `err` filled when the slot is further away than a call may
 * wait (the host blocked this address, or the platform asked for a long
 * pause): the collector then rests until the slot. */
static int client_pace(wf_client_t *c, int family, const char *endpoint,
                       wf_error_t *err) {
  if (c->limiter == NULL)
    return 0;
  char host[128];
  client_host_key(c, family, host, sizeof(host));
  int64_t now = client_now_ms();
  int64_t at =
      wf_limiter_reserve(c->limiter, endpoint, wf_endpoint_rate(endpoint), now);
  pthread_once(&client_hosts_once, client_hosts_create);
  if (host[0] != '\0' && client_hosts != NULL) {
    int64_t host_at =
        wf_limiter_reserve(client_hosts, host, WF_DINGTALK_IP_RATE, now);
    if (host_at > at)
      at = host_at;
  }
  long wait_ms = (at > now) ? (long)(at - now) : 0;
  if (wait_ms > WF_MAX_INLINE_PAUSE_S * 1000L) {
    wf_error_set(err, WF_ERR_THROTTLED, endpoint,
                 "calls are paused for %ld s as the platform asked",
                 (wait_ms + 999) / 1000);
    err->retry_after = (wait_ms + 999) / 1000;
    return -1;
  }
  if (wait_ms > 0)
    c->sleep(wait_ms);
  return 0;
}

/* Holds calls of `endpoint`, or every call to its host when the platform
 * blocked this address, for `seconds`. */
static void client_pause(wf_client_t *c, int family, const char *endpoint,
                         bool host_block, long seconds) {
  int64_t until = client_now_ms() + (int64_t)seconds * 1000;
  if (!host_block) {
    if (c->limiter != NULL)
      wf_limiter_pause(c->limiter, endpoint, until);
    return;
  }
  char host[128];
  client_host_key(c, family, host, sizeof(host));
  pthread_once(&client_hosts_once, client_hosts_create);
  if (host[0] != '\0' && client_hosts != NULL)
    wf_limiter_pause(client_hosts, host, until);
}

void wf_client_init(wf_client_t *client, const wf_client_ops_t *ops,
                    const wf_account_config_t *cfg, wf_http_t *http,
                    wf_stats_t *stats, wf_clock_fn clock, wf_sleep_fn sleep) {
  memset(client, 0, sizeof(*client));
  client->ops = ops;
  client->cfg = cfg;
  client->http = http;
  client->stats = stats;
  client->clock = clock;
  client->sleep = sleep;
  pthread_mutex_init(&client->own.lock, NULL);
  client->tokens = &client->own;
}

void wf_client_destroy(wf_client_t *client) {
  wf_token_drop(&client->own.token);
  pthread_mutex_destroy(&client->own.lock);
}

char *wf_client_join(const char *base, const char *a, const char *b) {
  size_t size = strlen(base) + strlen(a) + strlen(b) + 1;
  char *s = malloc(size);
  if (s != NULL)
    snprintf(s, size, "%s%s%s", base, a, b);
  return s;
}

/* Counts one request sent, and its quota call when the endpoint has one. */
static void count_request(wf_client_t *c, const char *endpoint) {
  wf_stats_request(c->stats, endpoint);
  if (c->cfg->platform == WF_PLATFORM_DINGTALK && wf_endpoint_counted(endpoint))
    wf_stats_quota_call(c->stats,
                        wf_month_start(c->clock(), c->cfg->utc_offset));
}

wf_verdict_t wf_client_exchange(wf_client_t *c, int family,
                                const char *endpoint, const char *method,
                                const char *url, const char *const *headers,
                                const char *body, json_object **answer,
                                wf_error_t *err) {
  int busy = 0;
  int throttled = 0;
  int transport = 0;

  for (;;) {
    wf_http_response_t response;
    if (client_pace(c, family, endpoint, err) != 0)
      return WF_VERDICT_FAIL;
    count_request(c, endpoint);
    wf_http_result_t result =
        wf_http_perform(c->http, method, url, headers, body, &response);

    if (result != WF_HTTP_OK) {
      wf_error_kind_t kind = (result == WF_HTTP_TOO_LARGE) ? WF_ERR_BAD_ANSWER
                             : (result == WF_HTTP_NOMEM)   ? WF_ERR_NOMEM
                                                           : WF_ERR_TRANSPORT;
      wf_error_clear(err);
      wf_error_set(err, kind, endpoint, "%s: %s", wf_http_result_text(result),
                   response.error);
      wf_http_response_free(&response);
      /* A cancelled request means collectd is stopping: no retry. */
      if (kind == WF_ERR_TRANSPORT && result != WF_HTTP_CANCELLED &&
          transport++ < WF_MAX_TRANSPORT_RETRIES) {
        c->sleep((long)WF_BUSY_PAUSE_MS * transport);
        continue;
      }
      return WF_VERDICT_FAIL;
    }

    char parse_error[128] = "";
    json_object *parsed = wf_json_parse(response.body, response.size,
                                        parse_error, sizeof(parse_error));
    wf_verdict_t verdict =
        c->ops->classify(family, endpoint, response.status, parsed, err);
    long retry_after = response.retry_after;
    wf_http_response_free(&response);

    if (verdict == WF_VERDICT_OK) {
      *answer = parsed;
      return WF_VERDICT_OK;
    }
    json_object_put(parsed);
    if (err->kind == WF_ERR_BAD_ANSWER && parse_error[0] != '\0')
      snprintf(err->detail, sizeof(err->detail), "%s", parse_error);

    if (verdict == WF_VERDICT_RETRY) {
      if (busy++ < WF_MAX_BUSY_RETRIES) {
        c->sleep(WF_BUSY_PAUSE_MS);
        continue;
      }
      err->kind = WF_ERR_PLATFORM;
      snprintf(err->detail, sizeof(err->detail),
               "the platform stayed busy after %d retries",
               WF_MAX_BUSY_RETRIES);
      return WF_VERDICT_FAIL;
    }
    if (verdict == WF_VERDICT_THROTTLE) {
      long pause_s = (retry_after > 0) ? retry_after : 1;
      /* The whole API waits, not only this call: the next slot of any
       * collector of the account comes after the pause. */
      client_pause(c, family, endpoint, false, pause_s);
      if (pause_s <= WF_MAX_INLINE_PAUSE_S &&
          throttled++ < c->ops->max_throttle_retries) {
        if (c->limiter == NULL)
          c->sleep(pause_s * 1000);
        continue;
      }
      err->kind = WF_ERR_THROTTLED;
      snprintf(err->detail, sizeof(err->detail),
               "the platform asked to slow down%s",
               (retry_after > 0) ? "" : " (no pause given)");
      err->retry_after =
          (retry_after > 0) ? retry_after : WF_DEFAULT_THROTTLE_REST_S;
      return WF_VERDICT_FAIL;
    }
    /* A throttling failure with a pause is DingTalk's per-IP block: every
     * call to the host waits it out, whichever account or API. */
    if (verdict == WF_VERDICT_FAIL && err->kind == WF_ERR_THROTTLED &&
        err->retry_after > 0)
      client_pause(c, family, endpoint, true, err->retry_after);
    return verdict; /* WF_VERDICT_TOKEN or WF_VERDICT_FAIL */
  }
}

/* Makes sure the account has a usable token, fetching one when it has
 * none, and builds the URL and token header of `path` with it. Returns 0,
 * or -1 with `err` filled. `used` receives a copy of the token, to free(). */
static int client_authorize(wf_client_t *c, int family, const char *endpoint,
                            const char *path, char **url, char **header,
                            char **used, wf_error_t *err) {
  int status = 0;
  pthread_mutex_lock(&c->tokens->lock);
  if (!wf_token_usable(&c->tokens->token, c->clock()) &&
      c->ops->fetch_token(c, err) != 0) {
    status = -1; /* fetch_token counted its own failure */
  } else if (c->ops->authorize(c, family, path, url, header) != 0 ||
             (*used = strdup(c->tokens->token.value)) == NULL) {
    wf_error_set(err, WF_ERR_NOMEM, endpoint, "out of memory");
    status = -2;
  }
  pthread_mutex_unlock(&c->tokens->lock);
  return status;
}

/* Drops the account's token after the platform refused it, unless another
 * call has replaced it since. */
static void client_refused(wf_client_t *c, const char *used) {
  pthread_mutex_lock(&c->tokens->lock);
  if (c->tokens->token.value != NULL &&
      strcmp(c->tokens->token.value, used) == 0)
    wf_token_drop(&c->tokens->token);
  pthread_mutex_unlock(&c->tokens->lock);
}

/* Wipes and frees a string that holds a token. */
static void client_wipe(char *secret) {
  if (secret == NULL)
    return;
  explicit_bzero(secret, strlen(secret));
  free(secret);
}

int wf_client_call(wf_client_t *c, int family, const char *endpoint,
                   const char *method, const char *path, const char *body,
                   json_object **answer, wf_error_t *err) {
  for (int attempt = 0; attempt < 2; attempt++) {
    char *url = NULL;
    char *token_header = NULL;
    char *used = NULL;
    int authorized = client_authorize(c, family, endpoint, path, &url,
                                      &token_header, &used, err);
    if (authorized == -1)
      return -1;
    if (authorized != 0) {
      client_wipe(url);
      client_wipe(token_header);
      break;
    }
    const char *headers[] = {"Content-Type: application/json; charset=utf-8",
                             token_header, NULL};
    wf_verdict_t verdict = wf_client_exchange(c, family, endpoint, method, url,
                                              headers, body, answer, err);
    client_wipe(url);
    client_wipe(token_header);

    if (verdict == WF_VERDICT_OK) {
      client_wipe(used);
      return 0;
    }
    if (verdict != WF_VERDICT_TOKEN) {
      client_wipe(used);
      break;
    }
    /* The platform refused a token we thought valid: drop it and try once
     * more with a new one. */
    client_refused(c, used);
    client_wipe(used);
    if (attempt == 1) {
      err->kind = WF_ERR_AUTH;
      snprintf(err->detail, sizeof(err->detail),
               "a freshly fetched access token was refused");
    }
  }
  wf_stats_error(c->stats, endpoint);
  return -1;
}
