/**
 * collectd-workforce - src/wf_http.c
 * SPDX-License-Identifier: MIT
 *
 * One request is a wf_http_call_t: its copies of the method, URL, headers
 * and body, the buffer its answer fills, and libcurl's easy handle. Both
 * ways of sending set the handle up and read its result with the same
 * functions (http_setup, http_finish).
 *
 * The engine follows libcurl's multi-app example and libuv's loop: one
 * thread owns the multi handle, the list of requests waiting for their
 * time and the list of transfers under way, and touches them without a
 * lock. Other threads hand requests over through the `incoming` list under
 * the engine's lock and wake the loop with curl_multi_wakeup. A finished
 * request is moved to its client's `done` list under the client's lock,
 * and the client's waiting thread is signalled.
 **/
#include "wf_http.h"

#include "wf_time.h"

#include <curl/curl.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The longest the engine's loop sleeps without looking at its lists. */
#define WF_ENGINE_TICK_MS 1000

struct wf_http_s {
  wf_http_options_t options;
  char *ca_file;
  char *proxy;
  CURL *curl;                   /* without an engine: the one easy handle */
  struct timespec last_request; /* monotonic; zero before the first */
  /* With an engine: requests under way and answered. */
  pthread_mutex_t lock;
  pthread_cond_t answered;
  wf_http_call_t *done; /* answered, oldest first */
  size_t pending;       /* started and not yet returned */
};

struct wf_http_call_s {
  wf_http_t *owner;
  wf_http_call_t *next; /* in the engine's lists, or the owner's done list */
  char *method;
  char *url;
  char *body;
  struct curl_slist *headers;
  int64_t not_before;
  void *tag;
  CURL *easy;
  /* The answer as it arrives. */
  wf_http_response_t response;
  size_t capacity;
  bool too_large;
  char errbuf[CURL_ERROR_SIZE];
};

struct wf_engine_s {
  pthread_t thread;
  CURLM *multi;
  pthread_mutex_t lock;
  wf_http_call_t *incoming; /* handed over, newest first (locked) */
  bool stopping;            /* (locked) */
  bool started;
  /* Owned by the loop. */
  wf_http_call_t *waiting; /* not before their time, earliest first */
  wf_http_call_t *running; /* transfers in the multi handle */
};

int wf_http_global_init(void) {
  return (curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK) ? 0 : -1;
}

#ifdef WF_UNIT_TEST
/* A test's clock in place of the monotonic one; NULL: the monotonic. */
static wf_http_clock_fn http_test_clock;

void wf_http_set_clock(wf_http_clock_fn now_ms) { http_test_clock = now_ms; }
#endif

int64_t wf_http_now_ms(void) {
#ifdef WF_UNIT_TEST
  if (http_test_clock != NULL)
    return http_test_clock();
#endif
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Duplicates an optional string; NULL and "" both give NULL. */
static char *http_dup_optional(const char *s) {
  return (s != NULL && s[0] != '\0') ? strdup(s) : NULL;
}

wf_http_t *wf_http_create(const wf_http_options_t *options) {
  if (options->engine != NULL && options->transport != NULL)
    return NULL;
  wf_http_t *http = calloc(1, sizeof(*http));
  if (http == NULL)
    return NULL;
  http->options = *options;
  if (http->options.timeout_ms <= 0)
    http->options.timeout_ms = 10000;
  if (http->options.max_response_size == 0)
    http->options.max_response_size = WF_HTTP_DEFAULT_MAX_RESPONSE;
  if (http->options.min_interval_ms < 0)
    http->options.min_interval_ms = 0;
  http->ca_file = http_dup_optional(options->ca_file);
  http->proxy = http_dup_optional(options->proxy);
  http->options.ca_file = http->ca_file;
  http->options.proxy = http->proxy;
  pthread_mutex_init(&http->lock, NULL);
  pthread_cond_init(&http->answered, NULL);
  /* A client with a transport of its own never touches libcurl. */
  bool own_handle = options->engine == NULL && options->transport == NULL;
  if (own_handle)
    http->curl = curl_easy_init();
  if ((own_handle && http->curl == NULL) ||
      (options->ca_file != NULL && options->ca_file[0] != '\0' &&
       http->ca_file == NULL) ||
      (options->proxy != NULL && options->proxy[0] != '\0' &&
       http->proxy == NULL)) {
    wf_http_destroy(http);
    return NULL;
  }
  return http;
}

/* Releases a request and its copies; the URL and headers may hold a
 * token, so they are wiped first. */
static void http_call_free(wf_http_call_t *call) {
  if (call == NULL)
    return;
  if (call->easy != NULL)
    curl_easy_cleanup(call->easy);
  if (call->url != NULL)
    explicit_bzero(call->url, strlen(call->url));
  for (struct curl_slist *h = call->headers; h != NULL; h = h->next)
    explicit_bzero(h->data, strlen(h->data));
  curl_slist_free_all(call->headers);
  free(call->method);
  free(call->url);
  free(call->body);
  wf_http_response_free(&call->response);
  free(call);
}

void wf_http_destroy(wf_http_t *http) {
  if (http == NULL)
    return;
  /* Every request was returned by wf_http_next, or its client is being
   * released after the engine stopped and answered all of them. */
  while (http->done != NULL) {
    wf_http_call_t *call = http->done;
    http->done = call->next;
    http_call_free(call);
  }
  if (http->curl != NULL)
    curl_easy_cleanup(http->curl);
  pthread_cond_destroy(&http->answered);
  pthread_mutex_destroy(&http->lock);
  free(http->ca_file);
  free(http->proxy);
  free(http);
}

/* Appends received body bytes, refusing more than the limit: returning a
 * short count makes libcurl abort the transfer. */
static size_t http_on_body(char *data, size_t size, size_t nmemb, void *user) {
  wf_http_call_t *call = user;
  wf_http_response_t *r = &call->response;
  size_t limit = call->owner->options.max_response_size;
  size_t n = size * nmemb;

  if (n > limit - r->size) {
    call->too_large = true;
    return 0;
  }
  if (r->size + n + 1 > call->capacity) {
    size_t capacity = (call->capacity < 16384) ? 16384 : call->capacity;
    while (capacity < r->size + n + 1)
      capacity *= 2;
    if (capacity > limit + 1)
      capacity = limit + 1;
    char *tmp = realloc(r->body, capacity);
    if (tmp == NULL)
      return 0;
    r->body = tmp;
    call->capacity = capacity;
  }
  memcpy(r->body + r->size, data, n);
  r->size += n;
  r->body[r->size] = '\0';
  return n;
}

/* Reads the throttling hints DingTalk and Feishu send: Retry-After and
 * x-ogw-ratelimit-reset, both in seconds. */
static size_t http_on_header(char *data, size_t size, size_t nmemb,
                             void *user) {
  wf_http_call_t *call = user;
  size_t n = size * nmemb;
  static const char *const names[] = {"retry-after:", "x-ogw-ratelimit-reset:"};

  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    size_t len = strlen(names[i]);
    if (n <= len || strncasecmp(data, names[i], len) != 0)
      continue;
    char value[32];
    size_t vlen = n - len;
    if (vlen >= sizeof(value))
      vlen = sizeof(value) - 1;
    memcpy(value, data + len, vlen);
    value[vlen] = '\0';
    char *end = NULL;
    long seconds = strtol(value, &end, 10);
    if (end != value && seconds >= 0)
      call->response.retry_after = seconds;
  }
  return n;
}

/* Copies a request into a new call. Returns NULL without memory. */
static wf_http_call_t *http_call_new(wf_http_t *http, const char *method,
                                     const char *url,
                                     const char *const *headers,
                                     const char *body) {
  wf_http_call_t *call = calloc(1, sizeof(*call));
  if (call == NULL)
    return NULL;
  call->owner = http;
  call->response.retry_after = -1;
  call->response.body = calloc(1, 1);
  call->capacity = 1;
  call->method = strdup(method);
  call->url = strdup(url);
  call->body = (body != NULL) ? strdup(body) : NULL;
  bool ok = call->response.body != NULL && call->method != NULL &&
            call->url != NULL && (body == NULL || call->body != NULL);
  for (size_t i = 0; ok && headers != NULL && headers[i] != NULL; i++) {
    struct curl_slist *tmp = curl_slist_append(call->headers, headers[i]);
    if (tmp == NULL)
      ok = false;
    else
      call->headers = tmp;
  }
  if (!ok) {
    http_call_free(call);
    return NULL;
  }
  return call;
}

/* Sets an easy handle up for `call`. */
static void http_setup(CURL *easy, wf_http_call_t *call) {
  const wf_http_options_t *o = &call->owner->options;
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, call->errbuf);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, call);
  curl_easy_setopt(easy, CURLOPT_URL, call->url);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "collectd-workforce/" WF_VERSION);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, o->timeout_ms);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, o->timeout_ms);
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                   (curl_off_t)o->max_response_size);
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, o->verify_peer ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, o->verify_host ? 2L : 0L);
  if (o->ca_file != NULL)
    curl_easy_setopt(easy, CURLOPT_CAINFO, o->ca_file);
  if (o->proxy != NULL)
    curl_easy_setopt(easy, CURLOPT_PROXY, o->proxy);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, call->headers);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, http_on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, call);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, http_on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, call);

  if (call->body != NULL) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call->body);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     (curl_off_t)strlen(call->body));
    if (strcmp(call->method, "POST") != 0)
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, call->method);
  } else if (strcmp(call->method, "POST") == 0) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, "");
  } else {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  }
}

/* Copies libcurl's error text; the error buffer never holds the URL, so no
 * token can reach a log line from here. */
static void http_set_error(wf_http_call_t *call, CURLcode code) {
  const char *text =
      (call->errbuf[0] != '\0') ? call->errbuf : curl_easy_strerror(code);
  snprintf(call->response.error, sizeof(call->response.error), "%s", text);
}

/* Reads the outcome of a finished transfer into the call's response. */
static void http_finish(wf_http_call_t *call, CURL *easy, CURLcode code) {
  wf_http_response_t *r = &call->response;
  if (code == CURLE_OK) {
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r->status);
    r->result = WF_HTTP_OK;
  } else if (call->too_large || code == CURLE_FILESIZE_EXCEEDED) {
    snprintf(r->error, sizeof(r->error), "answer larger than %zu bytes",
             call->owner->options.max_response_size);
    r->result = WF_HTTP_TOO_LARGE;
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    http_set_error(call, code);
    r->result = WF_HTTP_TIMEOUT;
  } else if (code == CURLE_OUT_OF_MEMORY) {
    http_set_error(call, code);
    r->result = WF_HTTP_NOMEM;
  } else {
    http_set_error(call, code);
    r->result = WF_HTTP_TRANSPORT;
  }
}

/* Keeps requests of one client at least min_interval_ms apart: a cap of
 * the user's beyond the platforms' own limits. Returns the time the next
 * request may go, in wf_http_now_ms milliseconds. */
static int64_t http_pace(wf_http_t *http, int64_t wanted) {
  int64_t at = wanted;
  pthread_mutex_lock(&http->lock);
  if (http->options.min_interval_ms > 0) {
    int64_t last = (int64_t)http->last_request.tv_sec * 1000 +
                   http->last_request.tv_nsec / 1000000;
    if (last != 0 && at < last + http->options.min_interval_ms)
      at = last + http->options.min_interval_ms;
    http->last_request.tv_sec = (time_t)(at / 1000);
    http->last_request.tv_nsec = (long)(at % 1000) * 1000000;
  }
  pthread_mutex_unlock(&http->lock);
  return at;
}

/* Sleeps until `at` (wf_http_now_ms milliseconds). */
static void http_sleep_until(int64_t at) {
  wf_sleep_ms((long)(at - wf_http_now_ms()));
}

/* Moves a finished call to its client's answered list and wakes the
 * client's waiting thread. */
static void http_complete(wf_http_call_t *call) {
  wf_http_t *http = call->owner;
  if (call->easy != NULL) {
    curl_easy_cleanup(call->easy);
    call->easy = NULL;
  }
  call->next = NULL;
  pthread_mutex_lock(&http->lock);
  wf_http_call_t **tail = &http->done;
  while (*tail != NULL)
    tail = &(*tail)->next;
  *tail = call;
  pthread_cond_signal(&http->answered);
  pthread_mutex_unlock(&http->lock);
}

/* Ends a call that never reached the network. */
static void http_cancel(wf_http_call_t *call, wf_http_result_t result,
                        const char *why) {
  call->response.result = result;
  snprintf(call->response.error, sizeof(call->response.error), "%s", why);
  http_complete(call);
}

/* Hands a call to the engine's thread. */
static void engine_submit(wf_engine_t *engine, wf_http_call_t *call) {
  pthread_mutex_lock(&engine->lock);
  bool stopping = engine->stopping;
  if (!stopping) {
    call->next = engine->incoming;
    engine->incoming = call;
  }
  pthread_mutex_unlock(&engine->lock);
  if (stopping)
    http_cancel(call, WF_HTTP_CANCELLED, "collectd is stopping");
  else
    curl_multi_wakeup(engine->multi);
}

/* Sends `call` through the client's transport and reads its answer as
 * http_finish reads libcurl's: the same size cap, the same results. */
static void http_transport_send(wf_http_t *http, wf_http_call_t *call) {
  wf_http_response_t *r = &call->response;
  size_t count = 0;
  for (struct curl_slist *h = call->headers; h != NULL; h = h->next)
    count++;
  const char **headers = calloc(count + 1, sizeof(*headers));
  if (headers == NULL) {
    r->result = WF_HTTP_NOMEM;
    snprintf(r->error, sizeof(r->error), "out of memory");
    return;
  }
  count = 0;
  for (struct curl_slist *h = call->headers; h != NULL; h = h->next)
    headers[count++] = h->data;

  wf_http_response_t answer = {.retry_after = -1};
  answer.result =
      http->options.transport(http->options.transport_arg, call->method,
                              call->url, headers, call->body, &answer);
  free(headers);
  if (answer.body == NULL)
    answer.size = 0;
  if (answer.result == WF_HTTP_OK &&
      answer.size > http->options.max_response_size) {
    /* Dropped whole: libcurl may keep the part before the cap, which no
     * caller reads either. */
    answer.size = 0;
    answer.result = WF_HTTP_TOO_LARGE;
    snprintf(answer.error, sizeof(answer.error), "answer larger than %zu bytes",
             http->options.max_response_size);
  }
  if (answer.result != WF_HTTP_OK) {
    answer.status = 0;
    if (answer.error[0] == '\0')
      snprintf(answer.error, sizeof(answer.error), "%s",
               wf_http_result_text(answer.result));
  }
  /* The body stays the empty one http_call_new made unless one came. */
  if (answer.body != NULL) {
    answer.body[answer.size] = '\0';
    free(r->body);
    r->body = answer.body;
    r->size = answer.size;
  }
  r->result = answer.result;
  r->status = answer.status;
  r->retry_after = answer.retry_after;
  memcpy(r->error, answer.error, sizeof(r->error));
}

/* Sends `call` in the calling thread, on the client's easy handle or
 * through its transport, at its time, and files its answer. */
static void http_perform_now(wf_http_t *http, wf_http_call_t *call) {
  http_sleep_until(call->not_before);
  if (http->options.transport != NULL) {
    http_transport_send(http, call);
    http_complete(call);
    return;
  }
  /* curl_easy_reset keeps the connection cache, so keep-alive survives. */
  curl_easy_reset(http->curl);
  http_setup(http->curl, call);
  CURLcode code = curl_easy_perform(http->curl);
  http_finish(call, http->curl, code);
  curl_easy_setopt(http->curl, CURLOPT_ERRORBUFFER, NULL);
  curl_easy_setopt(http->curl, CURLOPT_HTTPHEADER, NULL);
  http_complete(call);
}

int wf_http_start(wf_http_t *http, const char *method, const char *url,
                  const char *const *headers, const char *body,
                  int64_t not_before, void *tag) {
  wf_http_call_t *call = http_call_new(http, method, url, headers, body);
  if (call == NULL)
    return -1;
  call->tag = tag;
  call->not_before = http_pace(http, not_before);
  pthread_mutex_lock(&http->lock);
  http->pending++;
  pthread_mutex_unlock(&http->lock);
  if (http->options.engine != NULL)
    engine_submit(http->options.engine, call);
  else
    http_perform_now(http, call);
  return 0;
}

wf_http_t *wf_http_clone(const wf_http_t *http) {
  return wf_http_create(&http->options);
}

void *wf_http_next(wf_http_t *http, wf_http_response_t *response) {
  return wf_http_next_until(http, response, -1);
}

void *wf_http_next_until(wf_http_t *http, wf_http_response_t *response,
                         int64_t deadline) {
  struct timespec until = {0};
  if (deadline >= 0) {
    int64_t wait_ms = deadline - wf_http_now_ms();
    clock_gettime(CLOCK_REALTIME, &until);
    if (wait_ms > 0) {
      until.tv_sec += (time_t)(wait_ms / 1000);
      until.tv_nsec += (long)(wait_ms % 1000) * 1000000;
      if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
      }
    }
  }
  pthread_mutex_lock(&http->lock);
  if (http->pending == 0) {
    pthread_mutex_unlock(&http->lock);
    return NULL;
  }
  bool timed_out = false;
  while (http->done == NULL && !timed_out) {
    if (deadline < 0)
      pthread_cond_wait(&http->answered, &http->lock);
    else
      timed_out = pthread_cond_timedwait(&http->answered, &http->lock,
                                         &until) == ETIMEDOUT;
  }
  wf_http_call_t *call = http->done;
  if (call == NULL) {
    pthread_mutex_unlock(&http->lock);
    return NULL;
  }
  http->done = call->next;
  http->pending--;
  pthread_mutex_unlock(&http->lock);

  *response = call->response;
  memset(&call->response, 0, sizeof(call->response));
  void *tag = call->tag;
  http_call_free(call);
  return tag;
}

size_t wf_http_pending(const wf_http_t *http) { return http->pending; }

wf_http_result_t wf_http_perform(wf_http_t *http, const char *method,
                                 const char *url, const char *const *headers,
                                 const char *body,
                                 wf_http_response_t *response) {
  static char tag;
  memset(response, 0, sizeof(*response));
  response->retry_after = -1;
  if (http->pending > 0 ||
      wf_http_start(http, method, url, headers, body, wf_http_now_ms(), &tag) !=
          0 ||
      wf_http_next(http, response) != &tag) {
    response->body = calloc(1, 1);
    response->result = WF_HTTP_NOMEM;
  }
  return response->result;
}

void wf_http_response_free(wf_http_response_t *response) {
  free(response->body);
  response->body = NULL;
  response->size = 0;
}

/* Puts `call` into the engine's list of waiting calls, earliest first. */
static void engine_wait(wf_engine_t *engine, wf_http_call_t *call) {
  wf_http_call_t **at = &engine->waiting;
  while (*at != NULL && (*at)->not_before <= call->not_before)
    at = &(*at)->next;
  call->next = *at;
  *at = call;
}

/* Starts the transfer of `call` in the multi handle. */
static void engine_begin(wf_engine_t *engine, wf_http_call_t *call) {
  call->easy = curl_easy_init();
  if (call->easy == NULL) {
    http_cancel(call, WF_HTTP_NOMEM, "out of memory");
    return;
  }
  http_setup(call->easy, call);
  if (curl_multi_add_handle(engine->multi, call->easy) != CURLM_OK) {
    http_cancel(call, WF_HTTP_NOMEM, "the transfer could not start");
    return;
  }
  call->next = engine->running;
  engine->running = call;
}

/* Takes a finished transfer out of the multi handle and answers it. */
static void engine_end(wf_engine_t *engine, CURL *easy, CURLcode code) {
  wf_http_call_t *call = NULL;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&call);
  curl_multi_remove_handle(engine->multi, easy);
  for (wf_http_call_t **at = &engine->running; *at != NULL; at = &(*at)->next) {
    if (*at == call) {
      *at = call->next;
      break;
    }
  }
  http_finish(call, easy, code);
  http_complete(call);
}

/* Cancels every call the engine holds, once it is stopping. */
static void engine_cancel_all(wf_engine_t *engine) {
  while (engine->running != NULL) {
    wf_http_call_t *call = engine->running;
    engine->running = call->next;
    curl_multi_remove_handle(engine->multi, call->easy);
    http_cancel(call, WF_HTTP_CANCELLED, "collectd is stopping");
  }
  pthread_mutex_lock(&engine->lock);
  wf_http_call_t *incoming = engine->incoming;
  engine->incoming = NULL;
  pthread_mutex_unlock(&engine->lock);
  while (incoming != NULL) {
    wf_http_call_t *call = incoming;
    incoming = call->next;
    engine_wait(engine, call);
  }
  while (engine->waiting != NULL) {
    wf_http_call_t *call = engine->waiting;
    engine->waiting = call->next;
    http_cancel(call, WF_HTTP_CANCELLED, "collectd is stopping");
  }
}

/* The engine's loop: takes the calls handed over, starts those whose time
 * has come, drives the transfers, answers the finished ones, and sleeps
 * in curl_multi_poll until a socket, a time or a wake-up calls. */
static void *engine_main(void *arg) {
  wf_engine_t *engine = arg;
  for (;;) {
    pthread_mutex_lock(&engine->lock);
    wf_http_call_t *incoming = engine->incoming;
    engine->incoming = NULL;
    bool stopping = engine->stopping;
    pthread_mutex_unlock(&engine->lock);
    while (incoming != NULL) {
      wf_http_call_t *call = incoming;
      incoming = call->next;
      engine_wait(engine, call);
    }
    if (stopping)
      break;

    int64_t now = wf_http_now_ms();
    while (engine->waiting != NULL && engine->waiting->not_before <= now) {
      wf_http_call_t *call = engine->waiting;
      engine->waiting = call->next;
      engine_begin(engine, call);
    }

    int running = 0;
    curl_multi_perform(engine->multi, &running);
    CURLMsg *msg;
    int left = 0;
    while ((msg = curl_multi_info_read(engine->multi, &left)) != NULL)
      if (msg->msg == CURLMSG_DONE)
        engine_end(engine, msg->easy_handle, msg->data.result);

    long timeout_ms = WF_ENGINE_TICK_MS;
    if (engine->waiting != NULL) {
      int64_t until = engine->waiting->not_before - wf_http_now_ms();
      timeout_ms = (until < 0)            ? 0
                   : (until < timeout_ms) ? (long)until
                                          : timeout_ms;
    }
    long curl_timeout = -1;
    curl_multi_timeout(engine->multi, &curl_timeout);
    if (curl_timeout >= 0 && curl_timeout < timeout_ms)
      timeout_ms = curl_timeout;
    curl_multi_poll(engine->multi, NULL, 0, (int)timeout_ms, NULL);
  }
  engine_cancel_all(engine);
  return NULL;
}

wf_engine_t *wf_engine_start(void) {
  wf_engine_t *engine = calloc(1, sizeof(*engine));
  if (engine == NULL)
    return NULL;
  engine->multi = curl_multi_init();
  if (engine->multi == NULL) {
    free(engine);
    return NULL;
  }
  pthread_mutex_init(&engine->lock, NULL);
  if (pthread_create(&engine->thread, NULL, engine_main, engine) != 0) {
    wf_engine_free(engine);
    return NULL;
  }
  engine->started = true;
  return engine;
}

void wf_engine_stop(wf_engine_t *engine) {
  if (engine == NULL)
    return;
  pthread_mutex_lock(&engine->lock);
  bool started = engine->started && !engine->stopping;
  engine->stopping = true;
  pthread_mutex_unlock(&engine->lock);
  if (!started)
    return;
  curl_multi_wakeup(engine->multi);
  pthread_join(engine->thread, NULL);
}

void wf_engine_free(wf_engine_t *engine) {
  if (engine == NULL)
    return;
  wf_engine_stop(engine);
  curl_multi_cleanup(engine->multi);
  pthread_mutex_destroy(&engine->lock);
  free(engine);
}

char *wf_http_escape(const char *text) {
  char *escaped = curl_easy_escape(NULL, text, 0);
  if (escaped == NULL)
    return NULL;
  char *copy = strdup(escaped);
  curl_free(escaped);
  return copy;
}

const char *wf_http_result_text(wf_http_result_t result) {
  switch (result) {
  case WF_HTTP_OK:
    return "answered";
  case WF_HTTP_TRANSPORT:
    return "transport error";
  case WF_HTTP_TIMEOUT:
    return "timed out";
  case WF_HTTP_TOO_LARGE:
    return "answer too large";
  case WF_HTTP_NOMEM:
    return "out of memory";
  case WF_HTTP_CANCELLED:
    return "cancelled";
  }
  return "unknown result";
}
