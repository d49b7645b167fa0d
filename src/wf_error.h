/**
 * collectd-workforce - src/wf_error.h
 * SPDX-License-Identifier: MIT
 *
 * Why a request or a poll failed, in terms a log line and a notification
 * can use. It never holds a URL, a token, a secret or personal data from
 * an answer: only the endpoint, the HTTP status and the platform's code.
 **/
#ifndef WF_ERROR_H
#define WF_ERROR_H

#include <stdarg.h>
#include <stddef.h>

typedef enum {
  WF_ERR_NONE,
  WF_ERR_TRANSPORT,  /* no answer (DNS, connect, TLS, timeout) */
  WF_ERR_AUTH,       /* credentials refused, or a new token refused too */
  WF_ERR_THROTTLED,  /* the platform asked us to slow down */
  WF_ERR_QUOTA,      /* the monthly call quota is used up */
  WF_ERR_PLATFORM,   /* the platform answered with an error code */
  WF_ERR_BAD_ANSWER, /* the answer could not be understood or was too big */
  WF_ERR_PAGING,     /* a cursor repeated or the list never ended */
  WF_ERR_BUDGET,     /* MonthlyQuota's budget line holds the call back */
  WF_ERR_NOMEM,
} wf_error_kind_t;

typedef struct {
  wf_error_kind_t kind;
  char endpoint[64];
  long http_status;  /* 0 when no answer arrived */
  long long errcode; /* the platform's numeric code, 0 when none */
  char code[64];     /* the platform's textual code, "" when none */
  char detail[256];  /* a description for people */
  long retry_after;  /* seconds the platform asked us to wait, or -1 */
} wf_error_t;

/* Fills `err` with a kind, an endpoint and a printf-style detail. */
void wf_error_set(wf_error_t *err, wf_error_kind_t kind, const char *endpoint,
                  const char *format, ...)
    __attribute__((format(printf, 4, 5)));

/* Empties `err`. */
void wf_error_clear(wf_error_t *err);

/* A short English name of a kind ("credentials refused", ...). */
const char *wf_error_kind_text(wf_error_kind_t kind);

/* One line for a log: endpoint, HTTP status, platform code and detail. */
void wf_error_format(const wf_error_t *err, char *buffer, size_t size);

#endif /* WF_ERROR_H */
