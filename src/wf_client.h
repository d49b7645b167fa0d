/**
 * collectd-workforce - src/wf_client.h
 * SPDX-License-Identifier: MIT
 *
 * What the DingTalk and Feishu clients share: the account's token cache,
 * the retry loop around one request, and the token loop around a call.
 * The platform supplies its conventions as a table of operations: how to
 * read an answer, how to fetch a token, where the token goes in a request,
 * and which endpoints count against a monthly quota.
 **/
#ifndef WF_CLIENT_H
#define WF_CLIENT_H

#include "wf_config.h"
#include "wf_endpoint.h"
#include "wf_error.h"
#include "wf_http.h"
#include "wf_json.h"
#include "wf_ratelimit.h"
#include "wf_stats.h"
#include "wf_token.h"

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

/* Sources of time: the wall clock (token expiry, "today", the quota month)
 * and a sleep for the pauses between retries. Tests replace both. */
typedef time_t (*wf_clock_fn)(void);
typedef void (*wf_sleep_fn)(long milliseconds);

/* What an answer asks the client to do. */
typedef enum {
  WF_VERDICT_OK,
  WF_VERDICT_RETRY,    /* busy or server error: try again shortly */
  WF_VERDICT_TOKEN,    /* the token was refused: fetch a new one, once */
  WF_VERDICT_THROTTLE, /* slow down, then try again */
  WF_VERDICT_FAIL,     /* give up; the error says why */
} wf_verdict_t;

typedef struct wf_client_s wf_client_t;

typedef struct {
  /* Classifies one answer from `host`; `answer` is NULL when
   * the body is not JSON. Fills the codes of `err`, and its kind on
   * WF_VERDICT_FAIL. */
  wf_verdict_t (*classify)(wf_host_t host, const char *endpoint,
                           long http_status, json_object *answer,
                           wf_error_t *err);
  /* Fetches a token into the client's cache. Returns 0, or -1 with `err`
   * filled. */
  int (*fetch_token)(wf_client_t *client, wf_error_t *err);
  /* Builds the URL of `path` on `host` and the header that
   * carries the token (NULL when the token goes into the URL). Both are
   * to free(); they hold the token. Returns 0 or -1 without memory. */
  int (*authorize)(const wf_client_t *client, wf_host_t host, const char *path,
                   char **url, char **header);
  /* Throttling answers retried within a call before it gives up. */
  int max_throttle_retries;
} wf_client_ops_t;

/* An account's access token, shared by every client of the account: the
 * lock is held while the token is checked, fetched or read, so that only
 * one fetch is ever in flight and the others wait for its token. */
typedef struct {
  pthread_mutex_t lock;
  wf_token_t token;
} wf_token_cache_t;

struct wf_client_s {
  const wf_account_config_t *cfg;
  const wf_client_ops_t *ops;
  wf_http_t *http;
  wf_stats_t *stats;
  /* The token in use: `own` unless the caller shares another. */
  wf_token_cache_t *tokens;
  wf_token_cache_t own;
  wf_clock_fn clock;
  wf_sleep_fn sleep;
  /* The account's per-API limits; NULL: calls are not paced. */
  wf_limiter_t *limiter;
  /* Asked before each call counted against the monthly quota goes out:
   * false holds it back, and it fails with WF_ERR_BUDGET. NULL: no
   * budget. */
  bool (*spend)(void *arg);
  void *spend_arg;
  int64_t counted; /* calls counted against the quota this client sent */
};

/* Prepares a client; everything passed in stays owned by the caller and
 * must outlive it. `http` may be set later, before the first call. */
void wf_client_init(wf_client_t *client, const wf_client_ops_t *ops,
                    const wf_account_config_t *cfg, wf_http_t *http,
                    wf_stats_t *stats, wf_clock_fn clock, wf_sleep_fn sleep);

/* Releases the client's own cached token. */
void wf_client_destroy(wf_client_t *client);

/* One call of a batch: what to send and, once wf_batch_next returns it,
 * what came of it. */
typedef struct wf_call_s {
  wf_host_t host; /* where the endpoint lives (wf_endpoint_t.host) */
  char *endpoint;
  char *method;
  char *path; /* the path and query (or, raw, the whole URL) */
  char *body;
  char **headers; /* raw calls: their header lines, NULL-terminated */
  bool raw;       /* sent as it is, without the account's token */
  void *ctx;      /* the caller's */
  /* The outcome: WF_VERDICT_OK with `answer` (the call keeps it until
   * wf_call_free unless taken), WF_VERDICT_FAIL with `err`, or, raw
   * calls only, WF_VERDICT_TOKEN. */
  wf_verdict_t verdict;
  json_object *answer;
  wf_error_t err;
  /* The client's. */
  int busy;
  int throttled;
  int transport;
  int refusals;
  bool count_failure;
  char *used; /* the token the last attempt carried */
  int64_t not_before;
  struct wf_call_s *next;
} wf_call_t;

/* Calls under way together, each with its own retries, token refusals and
 * throttling pauses, through a client of the batch's own. At most
 * `window` are under way at once; each takes its slot in the rate limits
 * as it starts, and goes on the wire only when its slot comes, so that a
 * throttling answer holds back every call not yet sent. */
typedef struct {
  wf_client_t *client;
  wf_http_t *http;
  size_t window;
  wf_call_t *queued;    /* not yet started, in order */
  wf_call_t *scheduled; /* waiting for their slot, earliest first */
  wf_call_t *finished;  /* ended before an answer could come */
  size_t running;       /* scheduled or on the wire */
} wf_batch_t;

/* Prepares a batch of `client`'s calls. Returns 0, or -1 without memory. */
int wf_batch_init(wf_batch_t *b, wf_client_t *client, size_t window);

/* Adds a call of `path` (with its query string) on `host`,
 * sent with the account's token. The strings are copied. Returns the
 * call, or NULL without memory. */
wf_call_t *wf_batch_add(wf_batch_t *b, wf_host_t host, const char *endpoint,
                        const char *method, const char *path, const char *body,
                        void *ctx);

/* Waits for the next call to end and returns it (free it with
 * wf_call_free); NULL when none is left. A failed call is counted in
 * api_errors. */
wf_call_t *wf_batch_next(wf_batch_t *b);

/* As wf_batch_next, but returns NULL also once wf_http_now_ms() reaches
 * `until` (a negative `until`: never). */
wf_call_t *wf_batch_next_until(wf_batch_t *b, int64_t until);

/* True when the batch holds no call: none queued, under way or ended and
 * not yet returned. */
bool wf_batch_idle(const wf_batch_t *b);

/* The calls of the batch not yet returned by wf_batch_next: queued, under
 * way, or ended. */
size_t wf_batch_outstanding(const wf_batch_t *b);

/* Releases a call wf_batch_next returned. */
void wf_call_free(wf_call_t *call);

/* Releases a batch, and the calls it still holds. */
void wf_batch_destroy(wf_batch_t *b);

/* Sends one request to a full URL and retries it on busy, throttling and
 * transport errors. Returns WF_VERDICT_OK with `*answer` set (release with
 * json_object_put), WF_VERDICT_TOKEN when the token was refused, or
 * WF_VERDICT_FAIL with `err` filled. Counts requests and quota calls. */
wf_verdict_t wf_client_exchange(wf_client_t *client, wf_host_t host,
                                const char *endpoint, const char *method,
                                const char *url, const char *const *headers,
                                const char *body, json_object **answer,
                                wf_error_t *err);

/* Calls `path` (with its query string) on `host` with the
 * account's token: fetches one when none is usable and, when the platform
 * refuses it, drops it, fetches a new one and tries once more. Returns 0
 * with `*answer` set, or -1 with `err` filled and the failure counted. */
int wf_client_call(wf_client_t *client, wf_host_t host, const char *endpoint,
                   const char *method, const char *path, const char *body,
                   json_object **answer, wf_error_t *err);

/* Joins `base` and the parts into a new string; NULL without memory. */
char *wf_client_join(const char *base, const char *a, const char *b);

#endif /* WF_CLIENT_H */
