/**
 * collectd-workforce - src/wf_http.h
 * SPDX-License-Identifier: MIT
 *
 * The HTTP layer, and the only module that includes <curl/curl.h>. Every
 * request has a timeout and every answer a size cap; TLS is verified
 * unless the user turned that off.
 *
 * A wf_http_t is one user's client: its options, and the calls it has
 * under way. Without an engine it sends one request at a time on its own
 * libcurl easy handle, in the calling thread (robots, the check tool).
 * With an engine (wf_engine_start), its requests go to the engine's
 * thread, which drives every transfer of the process through one libcurl
 * multi handle: requests of many clients run in parallel, connections are
 * reused across them, and stopping the engine cancels them all at once.
 * The calling thread only waits for answers, and may start several
 * requests before it waits (wf_http_start, wf_http_next).
 *
 * A client without an engine may be given a transport of its own instead
 * of libcurl (wf_http_transport_fn): the unit tests play scripted answers
 * through it to the real retry, token, throttling and paging logic.
 **/
#ifndef WF_HTTP_H
#define WF_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WF_HTTP_DEFAULT_MAX_RESPONSE (8 * 1024 * 1024)

typedef enum {
  WF_HTTP_OK,        /* an answer arrived; see status */
  WF_HTTP_TRANSPORT, /* no answer: DNS, connection, TLS, protocol */
  WF_HTTP_TIMEOUT,   /* no complete answer within the timeout */
  WF_HTTP_TOO_LARGE, /* the answer passed max_response_size */
  WF_HTTP_NOMEM,
  WF_HTTP_CANCELLED, /* the engine stopped before an answer came */
} wf_http_result_t;

typedef struct {
  wf_http_result_t result;
  long status;      /* HTTP status, 0 without an answer */
  char *body;       /* NUL-terminated, never NULL after a request */
  size_t size;      /* bytes in body, without the NUL */
  long retry_after; /* seconds from Retry-After or x-ogw-ratelimit-reset, or -1
                     */
  char error[256];  /* libcurl's description of a failure; never holds a URL */
} wf_http_response_t;

/* Sends one request instead of libcurl: a seam for tests that play
 * scripted answers. It gets the request as wf_http_start did (`headers`
 * NULL-terminated or NULL, `body` NULL without one) and fills `response`
 * as libcurl would have: status, body (malloc'd and NUL-terminated, or
 * NULL for none), size, retry_after and, on a failure, error. `response`
 * comes zeroed but for retry_after, -1. It returns the result, which
 * the client also stores in `response`; without an answer, status is 0.
 * The size cap is the client's: an answer longer than max_response_size
 * becomes WF_HTTP_TOO_LARGE, as it does from libcurl. */
typedef wf_http_result_t (*wf_http_transport_fn)(void *arg, const char *method,
                                                 const char *url,
                                                 const char *const *headers,
                                                 const char *body,
                                                 wf_http_response_t *response);

typedef struct {
  long timeout_ms;          /* whole request, connect included */
  size_t max_response_size; /* bytes of body kept at most */
  const char *ca_file;      /* NULL: the system's CA store */
  bool verify_peer;
  bool verify_host;
  const char *proxy;          /* NULL: libcurl's default (environment) */
  long min_interval_ms;       /* pause between two requests, 0 for none */
  struct wf_engine_s *engine; /* NULL: requests in the calling thread */
  /* NULL: requests go out through libcurl. Otherwise through `transport`
   * (called with `transport_arg`), in the calling thread; a client cannot
   * have both a transport and an engine. */
  wf_http_transport_fn transport;
  void *transport_arg;
} wf_http_options_t;

typedef struct wf_http_s wf_http_t;
typedef struct wf_engine_s wf_engine_t;
typedef struct wf_http_call_s wf_http_call_t;

/* Starts the engine: a thread that drives every transfer handed to it.
 * Call after wf_http_global_init. Returns NULL on failure. */
wf_engine_t *wf_engine_start(void);

/* Cancels every request the engine holds, in flight or waiting for its
 * time (they complete as WF_HTTP_CANCELLED, and so does any request
 * started later), then ends its thread. The engine stays allocated until
 * wf_engine_free, so that clients still holding it see it stopped. */
void wf_engine_stop(wf_engine_t *engine);

/* Releases a stopped engine; no client may use it afterwards. */
void wf_engine_free(wf_engine_t *engine);

/* Initialises libcurl. Call once, while collectd is single threaded.
 * There is no matching cleanup: collectd frees the accounts, and with them
 * their libcurl handles, after the plugin's shutdown callback has run, and
 * curl_global_cleanup must not come before them. The process ends soon
 * after anyway. */
int wf_http_global_init(void);

/* Creates a client; the options are copied. Returns NULL without memory,
 * or when the options name both an engine and a transport. */
wf_http_t *wf_http_create(const wf_http_options_t *options);
void wf_http_destroy(wf_http_t *http);

/* Sends one request and waits for the answer, first pausing as long as
 * min_interval_ms asks since the previous request of this client. `method` is
 * "GET" or "POST"; a GET with a body is sent as such (Feishu has one).
 * `headers` is a NULL-terminated list of "Name: value" lines, or NULL. The
 * response must be released with wf_http_response_free, whatever the result. */
wf_http_result_t wf_http_perform(wf_http_t *http, const char *method,
                                 const char *url, const char *const *headers,
                                 const char *body,
                                 wf_http_response_t *response);

void wf_http_response_free(wf_http_response_t *response);

/* Starts a request: it goes out at `not_before` (milliseconds of
 * wf_http_now_ms) or as soon as possible after, through the engine without
 * waiting; a client without an engine sends it at once, in the calling
 * thread, and files the answer. `tag` is the caller's, returned with the
 * answer. The strings are copied. Returns 0, or -1 without memory. */
int wf_http_start(wf_http_t *http, const char *method, const char *url,
                  const char *const *headers, const char *body,
                  int64_t not_before, void *tag);

/* Waits for the next request of this client to complete, and moves its
 * answer into `response` (release it with wf_http_response_free). Returns
 * the request's tag, or NULL, leaving `response` untouched, when the
 * client has no request under way. */
void *wf_http_next(wf_http_t *http, wf_http_response_t *response);

/* A new client with the same options (and engine): its own requests and
 * answers, apart from those of `http`. NULL without memory. */
wf_http_t *wf_http_clone(const wf_http_t *http);

/* As wf_http_next, but gives up at `deadline` (wf_http_now_ms; -1:
 * never), returning NULL. */
void *wf_http_next_until(wf_http_t *http, wf_http_response_t *response,
                         int64_t deadline);

/* Requests of this client started and not yet returned by wf_http_next. */
size_t wf_http_pending(const wf_http_t *http);

/* Milliseconds of the monotonic clock, the clock of `not_before`. */
int64_t wf_http_now_ms(void);

#ifdef WF_UNIT_TEST
/* Replaces the clock of wf_http_now_ms, for tests that move time by hand
 * (and with it the client's pauses and rate limits); NULL restores the
 * monotonic clock. Set it while no request is under way and no engine
 * runs. */
typedef int64_t (*wf_http_clock_fn)(void);
void wf_http_set_clock(wf_http_clock_fn now_ms);
#endif

/* Percent-encodes `text` for a URL query. Returns a string to free(), or
 * NULL without memory. */
char *wf_http_escape(const char *text);

/* A short English name of a result, for log lines. */
const char *wf_http_result_text(wf_http_result_t result);

#endif /* WF_HTTP_H */
