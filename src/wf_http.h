/**
 * collectd-workforce - src/wf_http.h
 *
 * The HTTP layer, and the only module that includes <curl/curl.h>. One
 * wf_http_t per account wraps one libcurl easy handle, so connections to
 * a platform are kept alive between the requests of a poll. Every request
 * has a timeout and every answer a size cap; TLS is verified unless the
 * user turned that off.
 **/
#ifndef WF_HTTP_H
#define WF_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define WF_HTTP_DEFAULT_MAX_RESPONSE (8 * 1024 * 1024)

typedef struct {
  long timeout_ms;          /* whole request, connect included */
  size_t max_response_size; /* bytes of body kept at most */
  const char *ca_file;      /* NULL: the system's CA store */
  bool verify_peer;
  bool verify_host;
  const char *proxy;    /* NULL: libcurl's default (environment) */
  long min_interval_ms; /* pause between two requests, 0 for none */
} wf_http_options_t;

typedef enum {
  WF_HTTP_OK,        /* an answer arrived; see status */
  WF_HTTP_TRANSPORT, /* no answer: DNS, connection, TLS, protocol */
  WF_HTTP_TIMEOUT,   /* no complete answer within the timeout */
  WF_HTTP_TOO_LARGE, /* the answer passed max_response_size */
  WF_HTTP_NOMEM,
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

typedef struct wf_http_s wf_http_t;

/* Initialises libcurl. Call once, while collectd is single threaded.
 * There is no matching cleanup: collectd frees the accounts, and with them
 * their libcurl handles, after the plugin's shutdown callback has run, and
 * curl_global_cleanup must not come before them. The process ends soon
 * after anyway. */
int wf_http_global_init(void);

/* Creates a client; the options are copied. Returns NULL without memory. */
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

/* Percent-encodes `text` for a URL query. Returns a string to free(), or
 * NULL without memory. */
char *wf_http_escape(const char *text);

/* A short English name of a result, for log lines. */
const char *wf_http_result_text(wf_http_result_t result);

#endif /* WF_HTTP_H */
