/**
 * collectd-workforce - src/wf_http.c
 **/
#include "wf_http.h"

#include <curl/curl.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct wf_http_s {
  CURL *curl;
  long timeout_ms;
  size_t max_response_size;
  char *ca_file;
  char *proxy;
  bool verify_peer;
  bool verify_host;
  long min_interval_ms;
  struct timespec last_request; /* monotonic; zero before the first */
};

/* What the write and header callbacks see of the request under way. */
typedef struct {
  wf_http_response_t *response;
  size_t capacity;
  size_t limit;
  bool too_large;
} transfer_t;

int wf_http_global_init(void) {
  return (curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK) ? 0 : -1;
}

/* Duplicates an optional string; NULL and "" both give NULL. */
static char *dup_optional(const char *s) {
  return (s != NULL && s[0] != '\0') ? strdup(s) : NULL;
}

wf_http_t *wf_http_create(const wf_http_options_t *options) {
  wf_http_t *http = calloc(1, sizeof(*http));
  if (http == NULL)
    return NULL;
  http->curl = curl_easy_init();
  http->timeout_ms = (options->timeout_ms > 0) ? options->timeout_ms : 10000;
  http->max_response_size = (options->max_response_size > 0)
                                ? options->max_response_size
                                : WF_HTTP_DEFAULT_MAX_RESPONSE;
  http->ca_file = dup_optional(options->ca_file);
  http->proxy = dup_optional(options->proxy);
  http->verify_peer = options->verify_peer;
  http->verify_host = options->verify_host;
  http->min_interval_ms =
      (options->min_interval_ms > 0) ? options->min_interval_ms : 0;
  if (http->curl == NULL ||
      (options->ca_file != NULL && options->ca_file[0] != '\0' &&
       http->ca_file == NULL) ||
      (options->proxy != NULL && options->proxy[0] != '\0' &&
       http->proxy == NULL)) {
    wf_http_destroy(http);
    return NULL;
  }
  return http;
}

void wf_http_destroy(wf_http_t *http) {
  if (http == NULL)
    return;
  if (http->curl != NULL)
    curl_easy_cleanup(http->curl);
  free(http->ca_file);
  free(http->proxy);
  free(http);
}

/* Appends received body bytes, refusing more than the limit: returning a
 * short count makes libcurl abort the transfer. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *user) {
  transfer_t *t = user;
  wf_http_response_t *r = t->response;
  size_t n = size * nmemb;

  if (n > t->limit - r->size) {
    t->too_large = true;
    return 0;
  }
  if (r->size + n + 1 > t->capacity) {
    size_t capacity = (t->capacity < 16384) ? 16384 : t->capacity;
    while (capacity < r->size + n + 1)
      capacity *= 2;
    if (capacity > t->limit + 1)
      capacity = t->limit + 1;
    char *tmp = realloc(r->body, capacity);
    if (tmp == NULL)
      return 0;
    r->body = tmp;
    t->capacity = capacity;
  }
  memcpy(r->body + r->size, data, n);
  r->size += n;
  r->body[r->size] = '\0';
  return n;
}

/* Reads the throttling hints DingTalk and Feishu send: Retry-After and
 * x-ogw-ratelimit-reset, both in seconds. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *user) {
  transfer_t *t = user;
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
      t->response->retry_after = seconds;
  }
  return n;
}

/* Copies libcurl's error text; the error buffer never holds the URL, so no
 * token can reach a log line from here. */
static void set_error(wf_http_response_t *r, CURLcode code,
                      const char *errbuf) {
  const char *text = (errbuf[0] != '\0') ? errbuf : curl_easy_strerror(code);
  snprintf(r->error, sizeof(r->error), "%s", text);
}

/* Keeps requests of one client at least min_interval_ms apart, so that a
 * long list stays under the platforms' per-second limits. */
static void pace(wf_http_t *http) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (http->min_interval_ms > 0 && http->last_request.tv_sec != 0) {
    long long elapsed_ms =
        (long long)(now.tv_sec - http->last_request.tv_sec) * 1000 +
        (now.tv_nsec - http->last_request.tv_nsec) / 1000000;
    long long wait_ms = http->min_interval_ms - elapsed_ms;
    if (wait_ms > 0) {
      struct timespec ts = {.tv_sec = (time_t)(wait_ms / 1000),
                            .tv_nsec = (long)(wait_ms % 1000) * 1000000};
      while (nanosleep(&ts, &ts) != 0)
        ;
      clock_gettime(CLOCK_MONOTONIC, &now);
    }
  }
  http->last_request = now;
}

wf_http_result_t wf_http_perform(wf_http_t *http, const char *method,
                                 const char *url, const char *const *headers,
                                 const char *body,
                                 wf_http_response_t *response) {
  memset(response, 0, sizeof(*response));
  response->retry_after = -1;
  response->body = calloc(1, 1);
  if (response->body == NULL) {
    response->result = WF_HTTP_NOMEM;
    return response->result;
  }

  transfer_t transfer = {
      .response = response, .capacity = 1, .limit = http->max_response_size};
  char errbuf[CURL_ERROR_SIZE] = "";
  struct curl_slist *list = NULL;
  CURL *c = http->curl;

  for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
    struct curl_slist *tmp = curl_slist_append(list, headers[i]);
    if (tmp == NULL) {
      curl_slist_free_all(list);
      response->result = WF_HTTP_NOMEM;
      return response->result;
    }
    list = tmp;
  }

  pace(http);

  /* curl_easy_reset keeps the connection cache, so keep-alive survives. */
  curl_easy_reset(c);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "collectd-workforce/" WF_VERSION);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, http->timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, http->timeout_ms);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                   (curl_off_t)http->max_response_size);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, http->verify_peer ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, http->verify_host ? 2L : 0L);
  if (http->ca_file != NULL)
    curl_easy_setopt(c, CURLOPT_CAINFO, http->ca_file);
  if (http->proxy != NULL)
    curl_easy_setopt(c, CURLOPT_PROXY, http->proxy);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer);

  if (body != NULL) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    if (strcmp(method, "POST") != 0)
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  } else if (strcmp(method, "POST") == 0) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
  } else {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }

  CURLcode code = curl_easy_perform(c);
  curl_slist_free_all(list);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);

  if (code == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response->status);
    response->result = WF_HTTP_OK;
  } else if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    snprintf(response->error, sizeof(response->error),
             "answer larger than %zu bytes", http->max_response_size);
    response->result = WF_HTTP_TOO_LARGE;
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    set_error(response, code, errbuf);
    response->result = WF_HTTP_TIMEOUT;
  } else if (code == CURLE_OUT_OF_MEMORY) {
    set_error(response, code, errbuf);
    response->result = WF_HTTP_NOMEM;
  } else {
    set_error(response, code, errbuf);
    response->result = WF_HTTP_TRANSPORT;
  }
  return response->result;
}

void wf_http_response_free(wf_http_response_t *response) {
  free(response->body);
  response->body = NULL;
  response->size = 0;
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
  }
  return "unknown result";
}
