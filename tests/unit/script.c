/**
 * collectd-workforce - tests/unit/script.c
 * SPDX-License-Identifier: MIT
 *
 * Scripts are data, as curl's tests/data are: what the platform answers
 * is written down the way the platform (or tests/sim/wfsim.py) sends it,
 * next to what the request must have been. A script is a sequence of
 * exchanges, one keyword a line:
 *
 *   # The first call fetches a token.
 *   request GET /gettoken?appkey=ding-key&appsecret=ding-secret
 *   body {"errcode":0,"errmsg":"ok","access_token":"T1","expires_in":7200}
 *
 *   request POST /topapi/report/getunreadcount?
 *   url-has access_token=T1
 *   body-has "userid":"manager01"
 *   status 200
 *   body {"errcode":-1,"errmsg":"系统繁忙","request_id":"r2"}
 *
 * The request (what the client must send):
 *   request METHOD TARGET  starts an exchange. TARGET is a prefix of the
 *                          URL's path and query, or of the whole URL when
 *                          it starts with http:// or https://.
 *   url-has TEXT           the URL contains TEXT.
 *   header-has TEXT        one request header line contains TEXT.
 *   body-has TEXT          the request body contains TEXT.
 *
 * The answer (what the platform sends back):
 *   status CODE            the HTTP status; 200 when not given.
 *   header NAME: VALUE     a header of the answer. Retry-After and
 *                          x-ogw-ratelimit-reset are read as the HTTP
 *                          layer reads them from libcurl.
 *   body TEXT              a line of the body; lines are joined with a
 *                          newline. An exchange without one answers an
 *                          empty body.
 *   body-repeat N TEXT     appends TEXT N times to the body, without
 *                          newlines: an answer too large to write out.
 *   result KIND            no answer at all: "timeout" (the client's
 *                          timeout passed), "drop" (the connection closed
 *                          without an answer, as the simulator's drop
 *                          fault does) or "transport" (no connection).
 *   takes MS               how long the exchange lasts on the test's
 *                          clock (SCRIPT_DEFAULT_TAKES_MS when not given).
 *                          Longer than the client's timeout, it ends as a
 *                          timeout when the timeout passes: the
 *                          simulator's delay fault.
 *
 * TEXT is the rest of the line after one space, taken as it is. Blank
 * lines and lines starting with '#' are ignored; a body therefore never
 * holds an empty line.
 **/
#include "script.h"
#include "unittest.h"

#include "wf_strlist.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef WF_TEST_DATA_DIR
#error "WF_TEST_DATA_DIR must name the directory of the test data"
#endif

/* What an exchange ends with: an answer, or one of the failures of a
 * request without one. */
typedef enum {
  SCRIPT_ANSWER,
  SCRIPT_TIMEOUT,
  SCRIPT_DROP,
  SCRIPT_TRANSPORT,
} script_outcome_t;

/* One request and its answer. */
typedef struct {
  int line; /* of its `request` line, for failure messages */
  char *method;
  char *target;
  wf_strlist_t url_has;
  wf_strlist_t header_has;
  wf_strlist_t body_has;
  script_outcome_t outcome;
  long status;
  wf_strlist_t headers; /* of the answer */
  char *body;
  size_t size;
  bool has_body;
  long takes_ms;
} script_exchange_t;

struct script_s {
  char name[256];
  script_exchange_t *exchanges;
  size_t count;
  size_t played;
  long timeout_ms;
  script_elapse_fn elapse;
};

/* Appends `text` (`length` bytes) `times` times to the body of `x`. */
static void script_body_append(script_exchange_t *x, const char *text,
                               size_t length, size_t times) {
  char *body = realloc(x->body, x->size + length * times + 1);
  if (body == NULL)
    fail_msg("out of memory reading a script");
  for (size_t i = 0; i < times; i++)
    memcpy(body + x->size + i * length, text, length);
  x->body = body;
  x->size += length * times;
  x->body[x->size] = '\0';
}

/* Adds a copy of `text` to `list`, failing the test without memory. */
static void script_list_add(wf_strlist_t *list, const char *text) {
  if (wf_strlist_add(list, text) != 0)
    fail_msg("out of memory reading a script");
}

/* Reads a whole number of `text`, failing the test at `line` of `s` when
 * it is not one. */
static long script_number(const script_t *s, int line, const char *text) {
  char *end = NULL;
  long n = strtol(text, &end, 10);
  if (end == text || n < 0)
    fail_msg("%s:%d: \"%s\" is not a number", s->name, line, text);
  return n;
}

/* Reads one keyword line into the exchange `x` (NULL before the first
 * `request`). */
static void script_parse_line(script_t *s, script_exchange_t *x, int line,
                              const char *keyword, const char *text) {
  if (x == NULL)
    fail_msg("%s:%d: \"%s\" before the first request", s->name, line, keyword);
  if (strcmp(keyword, "url-has") == 0) {
    script_list_add(&x->url_has, text);
  } else if (strcmp(keyword, "header-has") == 0) {
    script_list_add(&x->header_has, text);
  } else if (strcmp(keyword, "body-has") == 0) {
    script_list_add(&x->body_has, text);
  } else if (strcmp(keyword, "status") == 0) {
    x->status = script_number(s, line, text);
  } else if (strcmp(keyword, "header") == 0) {
    script_list_add(&x->headers, text);
  } else if (strcmp(keyword, "body") == 0) {
    if (x->has_body)
      script_body_append(x, "\n", 1, 1);
    script_body_append(x, text, strlen(text), 1);
    x->has_body = true;
  } else if (strcmp(keyword, "body-repeat") == 0) {
    char *end = NULL;
    long n = strtol(text, &end, 10);
    if (end == text || n < 0 || *end != ' ')
      fail_msg("%s:%d: body-repeat wants a count and a text", s->name, line);
    script_body_append(x, end + 1, strlen(end + 1), (size_t)n);
    x->has_body = true;
  } else if (strcmp(keyword, "result") == 0) {
    if (strcmp(text, "timeout") == 0)
      x->outcome = SCRIPT_TIMEOUT;
    else if (strcmp(text, "drop") == 0)
      x->outcome = SCRIPT_DROP;
    else if (strcmp(text, "transport") == 0)
      x->outcome = SCRIPT_TRANSPORT;
    else
      fail_msg("%s:%d: unknown result \"%s\"", s->name, line, text);
  } else if (strcmp(keyword, "takes") == 0) {
    x->takes_ms = script_number(s, line, text);
  } else {
    fail_msg("%s:%d: unknown keyword \"%s\"", s->name, line, keyword);
  }
}

/* Starts a new exchange at `line` from the text of its `request` line. */
static script_exchange_t *script_add_exchange(script_t *s, int line,
                                              const char *text) {
  const char *space = strchr(text, ' ');
  if (space == NULL || space == text || space[1] == '\0')
    fail_msg("%s:%d: request wants a method and a target", s->name, line);
  script_exchange_t *more =
      realloc(s->exchanges, (s->count + 1) * sizeof(*more));
  if (more == NULL)
    fail_msg("out of memory reading a script");
  s->exchanges = more;
  script_exchange_t *x = &s->exchanges[s->count++];
  *x = (script_exchange_t){.line = line,
                           .method = strndup(text, (size_t)(space - text)),
                           .target = strdup(space + 1),
                           .status = 200,
                           .takes_ms = SCRIPT_DEFAULT_TAKES_MS};
  if (x->method == NULL || x->target == NULL)
    fail_msg("out of memory reading a script");
  return x;
}

/* Checks that an exchange does not mix an answer and a failure. */
static void script_check_exchange(const script_t *s,
                                  const script_exchange_t *x) {
  if (x != NULL && x->outcome != SCRIPT_ANSWER &&
      (x->has_body || x->headers.count > 0 || x->status != 200))
    fail_msg("%s:%d: an exchange with a result has no status, header or "
             "body",
             s->name, x->line);
}

script_t *script_load(const char *name, long timeout_ms,
                      script_elapse_fn elapse) {
  script_t *s = calloc(1, sizeof(*s));
  if (s == NULL)
    fail_msg("out of memory reading a script");
  snprintf(s->name, sizeof(s->name), "%s", name);
  s->timeout_ms = timeout_ms;
  s->elapse = elapse;

  char path[1024];
  snprintf(path, sizeof(path), "%s/scripts/%s", WF_TEST_DATA_DIR, name);
  size_t size = 0;
  char *text = unittest_read_file(path, &size);
  script_exchange_t *x = NULL;
  int line = 0;
  for (char *at = text; at != NULL && *at != '\0';) {
    char *end = strchr(at, '\n');
    if (end != NULL)
      *end = '\0';
    line++;
    size_t length = strlen(at);
    if (length > 0 && at[length - 1] == '\r')
      at[--length] = '\0';
    if (length > 0 && at[0] != '#') {
      char *space = strchr(at, ' ');
      const char *rest = "";
      if (space != NULL) {
        *space = '\0';
        rest = space + 1;
      }
      if (strcmp(at, "request") == 0) {
        script_check_exchange(s, x);
        x = script_add_exchange(s, line, rest);
      } else {
        script_parse_line(s, x, line, at, rest);
      }
    }
    at = (end != NULL) ? end + 1 : NULL;
  }
  free(text);
  script_check_exchange(s, x);
  if (s->count == 0)
    fail_msg("%s: no exchange", name);
  return s;
}

void script_free(script_t *s) {
  if (s == NULL)
    return;
  for (size_t i = 0; i < s->count; i++) {
    script_exchange_t *x = &s->exchanges[i];
    free(x->method);
    free(x->target);
    wf_strlist_free(&x->url_has);
    wf_strlist_free(&x->header_has);
    wf_strlist_free(&x->body_has);
    wf_strlist_free(&x->headers);
    free(x->body);
  }
  free(s->exchanges);
  free(s);
}

/* The path and query of `url`: what follows its host. */
static const char *script_path(const char *url) {
  const char *host = strstr(url, "://");
  if (host == NULL)
    return url;
  const char *path = strchr(host + 3, '/');
  return (path != NULL) ? path : "";
}

/* Fails the test unless the request matches exchange `x`. */
static void script_match(const script_t *s, const script_exchange_t *x,
                         const char *method, const char *url,
                         const char *const *headers, const char *body) {
  bool whole = strncmp(x->target, "http://", 7) == 0 ||
               strncmp(x->target, "https://", 8) == 0;
  const char *target = whole ? url : script_path(url);
  if (strcmp(method, x->method) != 0 ||
      strncmp(target, x->target, strlen(x->target)) != 0)
    fail_msg("%s:%d: exchange %zu wants %s %s, the client sent %s %s", s->name,
             x->line, s->played + 1, x->method, x->target, method, url);
  for (size_t i = 0; i < x->url_has.count; i++)
    if (strstr(url, x->url_has.items[i]) == NULL)
      fail_msg("%s:%d: the URL has no \"%s\": %s", s->name, x->line,
               x->url_has.items[i], url);
  for (size_t i = 0; i < x->header_has.count; i++) {
    bool found = false;
    for (size_t h = 0; !found && headers != NULL && headers[h] != NULL; h++)
      found = strstr(headers[h], x->header_has.items[i]) != NULL;
    if (!found)
      fail_msg("%s:%d: no request header has \"%s\"", s->name, x->line,
               x->header_has.items[i]);
  }
  for (size_t i = 0; i < x->body_has.count; i++)
    if (body == NULL || strstr(body, x->body_has.items[i]) == NULL)
      fail_msg("%s:%d: the request body has no \"%s\": %s", s->name, x->line,
               x->body_has.items[i], (body != NULL) ? body : "(none)");
}

/* Reads Retry-After and x-ogw-ratelimit-reset from the answer's headers,
 * as the HTTP layer reads them from libcurl: seconds, names in any case. */
static long script_retry_after(const script_exchange_t *x) {
  static const char *const names[] = {"retry-after:", "x-ogw-ratelimit-reset:"};
  long retry_after = -1;
  for (size_t h = 0; h < x->headers.count; h++)
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
      const char *line = x->headers.items[h];
      size_t length = strlen(names[i]);
      if (strncasecmp(line, names[i], length) != 0)
        continue;
      char *end = NULL;
      long seconds = strtol(line + length, &end, 10);
      if (end != line + length && seconds >= 0)
        retry_after = seconds;
    }
  return retry_after;
}

wf_http_result_t script_transport(void *arg, const char *method,
                                  const char *url, const char *const *headers,
                                  const char *body,
                                  wf_http_response_t *response) {
  script_t *s = arg;
  if (s->played >= s->count)
    fail_msg("%s: the script has ended, the client sent %s %s", s->name, method,
             url);
  const script_exchange_t *x = &s->exchanges[s->played];
  script_match(s, x, method, url, headers, body);
  s->played++;

  script_outcome_t outcome = x->outcome;
  long takes_ms = x->takes_ms;
  if (outcome == SCRIPT_TIMEOUT || takes_ms > s->timeout_ms) {
    outcome = SCRIPT_TIMEOUT;
    takes_ms = s->timeout_ms;
  }
  if (s->elapse != NULL)
    s->elapse(takes_ms);

  /* The texts are libcurl's for the same failures. */
  switch (outcome) {
  case SCRIPT_TIMEOUT:
    snprintf(response->error, sizeof(response->error),
             "Operation timed out after %ld milliseconds with 0 bytes "
             "received",
             takes_ms);
    return WF_HTTP_TIMEOUT;
  case SCRIPT_DROP:
    snprintf(response->error, sizeof(response->error),
             "Empty reply from server");
    return WF_HTTP_TRANSPORT;
  case SCRIPT_TRANSPORT:
    snprintf(response->error, sizeof(response->error),
             "Could not connect to server");
    return WF_HTTP_TRANSPORT;
  case SCRIPT_ANSWER:
    break;
  }
  response->status = x->status;
  response->retry_after = script_retry_after(x);
  response->body = malloc(x->size + 1);
  if (response->body == NULL)
    return WF_HTTP_NOMEM;
  if (x->size > 0)
    memcpy(response->body, x->body, x->size);
  response->body[x->size] = '\0';
  response->size = x->size;
  return WF_HTTP_OK;
}

size_t script_played(const script_t *s) { return s->played; }

void script_assert_done(const script_t *s) {
  if (s->played < s->count)
    fail_msg("%s:%d: %zu of %zu exchanges played; the client never sent %s "
             "%s",
             s->name, s->exchanges[s->played].line, s->played, s->count,
             s->exchanges[s->played].method, s->exchanges[s->played].target);
}
