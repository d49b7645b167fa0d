/**
 * collectd-workforce - src/wf_client.c
 * SPDX-License-Identifier: MIT
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

/* Milliseconds of the monotonic clock: the limiter's and the engine's. */
static int64_t client_now_ms(void) { return wf_http_now_ms(); }

/* The per-IP bucket of a DingTalk deployment ("ip oapi.dingtalk.com"),
 * or "" on Feishu, which documents no such limit. The limit counts every
 * call from this address, to oapi and to the v1.0 API alike
 * (doc/platform-notes.md, Rate limits and the per-IP block: "shared by
 * everything"), so both families go into the bucket named after the oapi host.
 */
static void client_host_key(const wf_client_t *client, char *key, size_t size) {
  key[0] = '\0';
  if (client->cfg->platform != WF_PLATFORM_DINGTALK)
    return;
  const char *url = client->cfg->oapi_url;
  const char *host = (url != NULL) ? strstr(url, "://") : NULL;
  host = (host != NULL) ? host + 3 : "";
  size_t length = strcspn(host, "/");
  snprintf(key, size, "ip %.*s", (int)length, host);
}

/* Reserves this call's slot in its API's limit and its host's, and sets
 * `*at` to its time (wf_http_now_ms). Returns 0, or -1 with `err` filled
 * when the slot is further away than a call may wait (the host blocked
 * this address, or the platform asked for a long pause): the collector
 * then rests until the slot. */
static int client_slot(wf_client_t *client, const char *endpoint, int64_t *at,
                       wf_error_t *err) {
  int64_t now = client_now_ms();
  *at = now;
  if (client->limiter == NULL)
    return 0;
  char host[128];
  client_host_key(client, host, sizeof(host));
  *at = wf_limiter_reserve(client->limiter, endpoint,
                           wf_endpoint_rate(endpoint), now);
  pthread_once(&client_hosts_once, client_hosts_create);
  if (host[0] != '\0' && client_hosts != NULL) {
    int64_t host_at =
        wf_limiter_reserve(client_hosts, host, WF_DINGTALK_IP_RATE, now);
    if (host_at > *at)
      *at = host_at;
  }
  long wait_ms = (*at > now) ? (long)(*at - now) : 0;
  if (wait_ms > WF_MAX_INLINE_PAUSE_S * 1000L) {
    wf_error_set(err, WF_ERR_THROTTLED, endpoint,
                 "calls are paused for %ld s as the platform asked",
                 (wait_ms + 999) / 1000);
    err->retry_after = (wait_ms + 999) / 1000;
    return -1;
  }
  return 0;
}

/* Holds calls of `endpoint`, or every call to its host when the platform
 * blocked this address, for `seconds`. */
static void client_pause(wf_client_t *client, const char *endpoint,
                         bool host_block, long seconds) {
  int64_t until = client_now_ms() + (int64_t)seconds * 1000;
  if (!host_block) {
    if (client->limiter != NULL)
      wf_limiter_pause(client->limiter, endpoint, until);
    return;
  }
  char host[128];
  client_host_key(client, host, sizeof(host));
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

/* True when a call of `endpoint` counts against the monthly quota. */
static bool client_counted(const wf_client_t *client, const char *endpoint) {
  return client->cfg->platform == WF_PLATFORM_DINGTALK &&
         wf_endpoint_counted(endpoint);
}

/* Counts one request sent, and its quota call when the endpoint has one. */
static void client_count_request(wf_client_t *client, const char *endpoint) {
  wf_stats_request(client->stats, endpoint);
  if (client_counted(client, endpoint)) {
    client->counted++;
    wf_stats_quota_call(client->stats, wf_month_start(client->clock(),
                                                      client->cfg->utc_offset));
  }
}

/* Makes sure the account has a usable token, fetching one when it has
 * none, and builds the URL and token header of `path` with it. Returns 0;
 * -1 with `err` filled when no token could be had (the fetch counted its
 * own failure); -2 without memory. `used` receives a copy of the token, to
 * free(). */
static int client_authorize(wf_client_t *client, wf_host_t host,
                            const char *endpoint, const char *path, char **url,
                            char **header, char **used, wf_error_t *err) {
  int status = 0;
  pthread_mutex_lock(&client->tokens->lock);
  if (!wf_token_usable(&client->tokens->token, client->clock()) &&
      client->ops->fetch_token(client, err) != 0) {
    status = -1;
  } else if (client->ops->authorize(client, host, path, url, header) != 0 ||
             (*used = strdup(client->tokens->token.value)) == NULL) {
    wf_error_set(err, WF_ERR_NOMEM, endpoint, "out of memory");
    status = -2;
  }
  pthread_mutex_unlock(&client->tokens->lock);
  return status;
}

/* Drops the account's token after the platform refused it, unless another
 * call has replaced it since. */
static void client_refused(wf_client_t *client, const char *used) {
  pthread_mutex_lock(&client->tokens->lock);
  if (used != NULL && client->tokens->token.value != NULL &&
      strcmp(client->tokens->token.value, used) == 0)
    wf_token_drop(&client->tokens->token);
  pthread_mutex_unlock(&client->tokens->lock);
}

/* Wipes and frees a string that may hold a token or a secret. */
static void client_wipe(char *secret) {
  if (secret == NULL)
    return;
  explicit_bzero(secret, strlen(secret));
  free(secret);
}

void wf_call_free(wf_call_t *call) {
  if (call == NULL)
    return;
  json_object_put(call->answer);
  free(call->endpoint);
  free(call->method);
  client_wipe(call->path);
  free(call->body);
  for (size_t i = 0; call->headers != NULL && call->headers[i] != NULL; i++)
    free(call->headers[i]);
  free(call->headers);
  client_wipe(call->used);
  free(call);
}

int wf_batch_init(wf_batch_t *b, wf_client_t *client, size_t window) {
  memset(b, 0, sizeof(*b));
  b->client = client;
  b->window = (window > 0) ? window : 1;
  b->http = wf_http_clone(client->http);
  return (b->http != NULL) ? 0 : -1;
}

/* Files a call that ended without an answer still to come. */
static void batch_finished(wf_batch_t *b, wf_call_t *call) {
  call->next = NULL;
  wf_call_t **tail = &b->finished;
  while (*tail != NULL)
    tail = &(*tail)->next;
  *tail = call;
}

/* Ends a call with `verdict`; a failed call of the account's own is
 * counted in api_errors. Returns the call. */
static wf_call_t *batch_end(wf_batch_t *b, wf_call_t *call,
                            wf_verdict_t verdict) {
  call->verdict = verdict;
  if (verdict == WF_VERDICT_FAIL && !call->raw && call->count_failure)
    wf_stats_error(b->client->stats, call->endpoint);
  return call;
}

/* Queues a call (again) to go out at `not_before` or later; retries go
 * before the calls not yet sent. */
static void batch_requeue(wf_batch_t *b, wf_call_t *call, int64_t not_before) {
  call->not_before = not_before;
  call->next = b->queued;
  b->queued = call;
}

wf_call_t *wf_batch_add(wf_batch_t *b, wf_host_t host, const char *endpoint,
                        const char *method, const char *path, const char *body,
                        void *ctx) {
  wf_call_t *call = calloc(1, sizeof(*call));
  if (call == NULL)
    return NULL;
  call->host = host;
  call->endpoint = strdup(endpoint);
  call->method = strdup(method);
  call->path = strdup(path);
  call->body = (body != NULL) ? strdup(body) : NULL;
  call->ctx = ctx;
  call->count_failure = true;
  if (call->endpoint == NULL || call->method == NULL || call->path == NULL ||
      (body != NULL && call->body == NULL)) {
    wf_call_free(call);
    return NULL;
  }
  /* Calls go out in the order they were added. */
  wf_call_t **tail = &b->queued;
  while (*tail != NULL)
    tail = &(*tail)->next;
  *tail = call;
  return call;
}

/* The time before which the limits `call` passes through give out no
 * slot: a throttling answer or a block that came after its slot was
 * reserved. */
static int64_t client_paused_until(wf_client_t *client, const wf_call_t *call) {
  int64_t until = 0;
  if (client->limiter != NULL)
    until = wf_limiter_paused_until(client->limiter, call->endpoint);
  char host[128];
  client_host_key(client, host, sizeof(host));
  pthread_once(&client_hosts_once, client_hosts_create);
  if (host[0] != '\0' && client_hosts != NULL) {
    int64_t host_until = wf_limiter_paused_until(client_hosts, host);
    if (host_until > until)
      until = host_until;
  }
  return until;
}

/* Puts a call among those waiting for their slot, earliest first. */
static void batch_schedule(wf_batch_t *b, wf_call_t *call) {
  wf_call_t **at = &b->scheduled;
  while (*at != NULL && (*at)->not_before <= call->not_before)
    at = &(*at)->next;
  call->next = *at;
  *at = call;
}

/* Sends a call whose slot has come: its token, then the engine. A call
 * that cannot go out ends at once, filed as finished. One that came late
 * to its slot, right after calls that went out on time, waits while its
 * API's last second is full. */
static void batch_send(wf_batch_t *b, wf_call_t *call) {
  wf_client_t *client = b->client;
  char *url = NULL;
  char *token_header = NULL;

  if (client->limiter != NULL) {
    int64_t later =
        wf_limiter_send(client->limiter, call->endpoint,
                        wf_endpoint_rate(call->endpoint), client_now_ms());
    if (later != 0) {
      call->not_before = later;
      batch_schedule(b, call);
      return;
    }
  }
  if (!call->raw) {
    client_wipe(call->used);
    call->used = NULL;
    int authorized =
        client_authorize(client, call->host, call->endpoint, call->path, &url,
                         &token_header, &call->used, &call->err);
    if (authorized != 0) {
      client_wipe(url);
      client_wipe(token_header);
      call->count_failure = (authorized != -1);
      b->running--;
      batch_finished(b, batch_end(b, call, WF_VERDICT_FAIL));
      return;
    }
  }
  if (client->spend != NULL && client_counted(client, call->endpoint) &&
      !client->spend(client->spend_arg)) {
    client_wipe(url);
    client_wipe(token_header);
    wf_error_set(&call->err, WF_ERR_BUDGET, call->endpoint,
                 "the month's budget line allows no more calls yet");
    call->count_failure = false;
    b->running--;
    batch_finished(b, batch_end(b, call, WF_VERDICT_FAIL));
    return;
  }
  const char *headers[] = {"Content-Type: application/json; charset=utf-8",
                           token_header, NULL};
  client_count_request(client, call->endpoint);
  int started =
      wf_http_start(b->http, call->method, call->raw ? call->path : url,
                    call->raw ? (const char *const *)call->headers : headers,
                    call->body, client_now_ms(), call);
  client_wipe(url);
  client_wipe(token_header);
  if (started != 0) {
    wf_error_set(&call->err, WF_ERR_NOMEM, call->endpoint, "out of memory");
    b->running--;
    batch_finished(b, batch_end(b, call, WF_VERDICT_FAIL));
  }
}

/* Takes a call's slot in the rate limits: sends it when the slot has
 * come, or keeps it until then. A call whose slot is too far away ends at
 * once, filed as finished. */
static void batch_start(wf_batch_t *b, wf_call_t *call) {
  int64_t at;
  wf_error_clear(&call->err);
  if (client_slot(b->client, call->endpoint, &at, &call->err) != 0) {
    batch_finished(b, batch_end(b, call, WF_VERDICT_FAIL));
    return;
  }
  if (at < call->not_before)
    at = call->not_before;
  call->not_before = at;
  b->running++;
  if (at <= client_now_ms())
    batch_send(b, call);
  else
    batch_schedule(b, call);
}

/* Sends the calls whose slot has come; a call whose limits were paused
 * after it took its slot takes a new one after the pause. */
static void batch_send_due(wf_batch_t *b) {
  int64_t now = client_now_ms();
  while (b->scheduled != NULL && b->scheduled->not_before <= now) {
    wf_call_t *call = b->scheduled;
    b->scheduled = call->next;
    call->next = NULL;
    if (client_paused_until(b->client, call) > call->not_before) {
      b->running--;
      batch_start(b, call);
    } else {
      batch_send(b, call);
    }
  }
}

/* Judges the answer of a call: returns the call when it ended (answer or
 * failure), NULL when it was queued again to retry. */
static wf_call_t *batch_answer(wf_batch_t *b, wf_call_t *call,
                               wf_http_response_t *response) {
  wf_client_t *client = b->client;
  wf_error_t *err = &call->err;
  int64_t now = client_now_ms();

  if (response->result != WF_HTTP_OK) {
    wf_http_result_t result = response->result;
    wf_error_kind_t kind = (result == WF_HTTP_TOO_LARGE) ? WF_ERR_BAD_ANSWER
                           : (result == WF_HTTP_NOMEM)   ? WF_ERR_NOMEM
                                                         : WF_ERR_TRANSPORT;
    wf_error_clear(err);
    wf_error_set(err, kind, call->endpoint, "%s: %s",
                 wf_http_result_text(result), response->error);
    wf_http_response_free(response);
    /* A cancelled request means collectd is stopping: no retry. */
    if (kind == WF_ERR_TRANSPORT && result != WF_HTTP_CANCELLED &&
        call->transport++ < WF_MAX_TRANSPORT_RETRIES) {
      batch_requeue(b, call, now + (int64_t)WF_BUSY_PAUSE_MS * call->transport);
      return NULL;
    }
    return batch_end(b, call, WF_VERDICT_FAIL);
  }

  char parse_error[128] = "";
  json_object *parsed = wf_json_parse(response->body, response->size,
                                      parse_error, sizeof(parse_error));
  wf_verdict_t verdict = client->ops->classify(call->host, call->endpoint,
                                               response->status, parsed, err);
  long retry_after = response->retry_after;
  wf_http_response_free(response);

  if (verdict == WF_VERDICT_OK) {
    call->answer = parsed;
    return batch_end(b, call, WF_VERDICT_OK);
  }
  json_object_put(parsed);
  if (err->kind == WF_ERR_BAD_ANSWER && parse_error[0] != '\0')
    snprintf(err->detail, sizeof(err->detail), "%s", parse_error);

  switch (verdict) {
  case WF_VERDICT_RETRY:
    if (call->busy++ < WF_MAX_BUSY_RETRIES) {
      batch_requeue(b, call, now + WF_BUSY_PAUSE_MS);
      return NULL;
    }
    err->kind = WF_ERR_PLATFORM;
    snprintf(err->detail, sizeof(err->detail),
             "the platform stayed busy after %d retries", WF_MAX_BUSY_RETRIES);
    return batch_end(b, call, WF_VERDICT_FAIL);
  case WF_VERDICT_THROTTLE: {
    long pause_s = (retry_after > 0) ? retry_after : 1;
    /* The whole API waits, not only this call: the next slot of any
     * collector of the account comes after the pause. */
    client_pause(client, call->endpoint, false, pause_s);
    if (pause_s <= WF_MAX_INLINE_PAUSE_S &&
        call->throttled++ < client->ops->max_throttle_retries) {
      batch_requeue(b, call,
                    now + ((client->limiter == NULL) ? pause_s * 1000 : 0));
      return NULL;
    }
    err->kind = WF_ERR_THROTTLED;
    snprintf(err->detail, sizeof(err->detail),
             "the platform asked to slow down%s",
             (retry_after > 0) ? "" : " (no pause given)");
    err->retry_after =
        (retry_after > 0) ? retry_after : WF_DEFAULT_THROTTLE_REST_S;
    return batch_end(b, call, WF_VERDICT_FAIL);
  }
  case WF_VERDICT_TOKEN:
    if (call->raw)
      return batch_end(b, call, WF_VERDICT_TOKEN);
    /* The platform refused a token we thought valid: drop it and try once
     * more with a new one. */
    client_refused(client, call->used);
    if (call->refusals++ < 1) {
      batch_requeue(b, call, now);
      return NULL;
    }
    err->kind = WF_ERR_AUTH;
    snprintf(err->detail, sizeof(err->detail),
             "a freshly fetched access token was refused");
    return batch_end(b, call, WF_VERDICT_FAIL);
  default:
    break;
  }
  /* A throttling failure with a pause is DingTalk's per-IP block: every
   * call to the host waits it out, whichever account or API. */
  if (err->kind == WF_ERR_THROTTLED && err->retry_after > 0)
    client_pause(client, call->endpoint, true, err->retry_after);
  return batch_end(b, call, WF_VERDICT_FAIL);
}

wf_call_t *wf_batch_next_until(wf_batch_t *b, int64_t until) {
  for (;;) {
    /* Calls whose slot has come go out first, whatever answers wait: sent
     * late, they would go out in a burst. */
    batch_send_due(b);
    while (b->finished == NULL && b->queued != NULL && b->running < b->window) {
      wf_call_t *call = b->queued;
      b->queued = call->next;
      call->next = NULL;
      batch_start(b, call);
    }
    if (b->finished != NULL) {
      wf_call_t *call = b->finished;
      b->finished = call->next;
      call->next = NULL;
      return call;
    }
    if (b->running == 0 || (until >= 0 && client_now_ms() >= until))
      return NULL;

    /* Wait for an answer, for the slot of the next call kept back, or for
     * the caller's deadline. */
    int64_t deadline = (b->scheduled != NULL) ? b->scheduled->not_before : -1;
    if (until >= 0 && (deadline < 0 || until < deadline))
      deadline = until;
    wf_call_t *call = NULL;
    wf_http_response_t response;
    if (wf_http_pending(b->http) > 0) {
      call = wf_http_next_until(b->http, &response, deadline);
    } else if (deadline >= 0) {
      int64_t wait_ms = deadline - client_now_ms();
      if (wait_ms > 0)
        b->client->sleep((long)wait_ms);
    }
    if (call == NULL) {
      batch_send_due(b);
      continue;
    }
    b->running--;
    if (batch_answer(b, call, &response) != NULL)
      return call;
  }
}

wf_call_t *wf_batch_next(wf_batch_t *b) { return wf_batch_next_until(b, -1); }

bool wf_batch_idle(const wf_batch_t *b) {
  return b->running == 0 && b->queued == NULL && b->finished == NULL;
}

size_t wf_batch_outstanding(const wf_batch_t *b) {
  size_t n = b->running;
  for (const wf_call_t *call = b->queued; call != NULL; call = call->next)
    n++;
  for (const wf_call_t *call = b->finished; call != NULL; call = call->next)
    n++;
  return n;
}

void wf_batch_destroy(wf_batch_t *b) {
  while (b->queued != NULL) {
    wf_call_t *call = b->queued;
    b->queued = call->next;
    wf_call_free(call);
  }
  while (b->finished != NULL) {
    wf_call_t *call = b->finished;
    b->finished = call->next;
    wf_call_free(call);
  }
  while (b->scheduled != NULL) {
    wf_call_t *call = b->scheduled;
    b->scheduled = call->next;
    wf_call_free(call);
  }
  /* Calls under way hold this batch's calls as their tags: wait for them
   * (the engine cancels them at once when collectd stops). */
  while (b->http != NULL && wf_http_pending(b->http) > 0) {
    wf_http_response_t response;
    wf_call_t *call = wf_http_next(b->http, &response);
    wf_http_response_free(&response);
    wf_call_free(call);
  }
  wf_http_destroy(b->http);
  b->http = NULL;
}

/* Runs one call alone and hands its outcome over. */
static wf_verdict_t client_run_one(wf_call_t *call, wf_batch_t *b,
                                   json_object **answer, wf_error_t *err) {
  wf_call_t *done = wf_batch_next(b);
  wf_verdict_t verdict = WF_VERDICT_FAIL;
  if (done == call) {
    verdict = call->verdict;
    *err = call->err;
    *answer = call->answer;
    call->answer = NULL;
    wf_call_free(call);
  } else {
    wf_error_set(err, WF_ERR_NOMEM, call->endpoint, "out of memory");
  }
  return verdict;
}

wf_verdict_t wf_client_exchange(wf_client_t *client, wf_host_t host,
                                const char *endpoint, const char *method,
                                const char *url, const char *const *headers,
                                const char *body, json_object **answer,
                                wf_error_t *err) {
  wf_batch_t b;
  wf_error_clear(err);
  if (wf_batch_init(&b, client, 1) != 0) {
    wf_error_set(err, WF_ERR_NOMEM, endpoint, "out of memory");
    return WF_VERDICT_FAIL;
  }
  wf_call_t *call = wf_batch_add(&b, host, endpoint, method, url, body, NULL);
  size_t n = 0;
  while (headers != NULL && headers[n] != NULL)
    n++;
  bool ok = call != NULL && (call->headers = calloc(n + 1, sizeof(char *)));
  for (size_t i = 0; ok && i < n; i++)
    ok = (call->headers[i] = strdup(headers[i])) != NULL;
  wf_verdict_t verdict = WF_VERDICT_FAIL;
  if (ok) {
    call->raw = true;
    verdict = client_run_one(call, &b, answer, err);
  } else {
    wf_error_set(err, WF_ERR_NOMEM, endpoint, "out of memory");
  }
  wf_batch_destroy(&b);
  return verdict;
}

int wf_client_call(wf_client_t *client, wf_host_t host, const char *endpoint,
                   const char *method, const char *path, const char *body,
                   json_object **answer, wf_error_t *err) {
  wf_batch_t b;
  wf_error_clear(err);
  if (wf_batch_init(&b, client, 1) != 0) {
    wf_error_set(err, WF_ERR_NOMEM, endpoint, "out of memory");
    wf_stats_error(client->stats, endpoint);
    return -1;
  }
  wf_call_t *call = wf_batch_add(&b, host, endpoint, method, path, body, NULL);
  wf_verdict_t verdict = WF_VERDICT_FAIL;
  if (call != NULL) {
    verdict = client_run_one(call, &b, answer, err);
  } else {
    wf_error_set(err, WF_ERR_NOMEM, endpoint, "out of memory");
    wf_stats_error(client->stats, endpoint);
  }
  wf_batch_destroy(&b);
  return (verdict == WF_VERDICT_OK) ? 0 : -1;
}
