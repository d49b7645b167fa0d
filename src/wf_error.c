/**
 * collectd-workforce - src/wf_error.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_error.h"

#include <stdio.h>
#include <string.h>

void wf_error_clear(wf_error_t *err) {
  memset(err, 0, sizeof(*err));
  err->retry_after = -1;
}

void wf_error_set(wf_error_t *err, wf_error_kind_t kind, const char *endpoint,
                  const char *format, ...) {
  err->kind = kind;
  snprintf(err->endpoint, sizeof(err->endpoint), "%s",
           (endpoint != NULL) ? endpoint : "");
  va_list ap;
  va_start(ap, format);
  vsnprintf(err->detail, sizeof(err->detail), format, ap);
  va_end(ap);
}

const char *wf_error_kind_text(wf_error_kind_t kind) {
  switch (kind) {
  case WF_ERR_NONE:
    return "no error";
  case WF_ERR_TRANSPORT:
    return "platform unreachable";
  case WF_ERR_AUTH:
    return "credentials refused";
  case WF_ERR_THROTTLED:
    return "throttled by the platform";
  case WF_ERR_QUOTA:
    return "monthly call quota used up";
  case WF_ERR_PLATFORM:
    return "platform error";
  case WF_ERR_BAD_ANSWER:
    return "unusable answer";
  case WF_ERR_PAGING:
    return "paging error";
  case WF_ERR_BUDGET:
    return "monthly budget reached for now";
  case WF_ERR_NOMEM:
    return "out of memory";
  }
  return "unknown error";
}

void wf_error_format(const wf_error_t *err, char *buffer, size_t size) {
  char status[32] = "";
  char code[96] = "";
  if (err->http_status != 0)
    snprintf(status, sizeof(status), ", HTTP %ld", err->http_status);
  if (err->errcode != 0 && err->code[0] != '\0')
    snprintf(code, sizeof(code), ", errcode %lld (%s)", err->errcode,
             err->code);
  else if (err->errcode != 0)
    snprintf(code, sizeof(code), ", errcode %lld", err->errcode);
  else if (err->code[0] != '\0')
    snprintf(code, sizeof(code), ", code %s", err->code);
  snprintf(buffer, size, "%s: %s%s%s%s%s",
           err->endpoint[0] ? err->endpoint : "-",
           wf_error_kind_text(err->kind), status, code,
           err->detail[0] ? ": " : "", err->detail);
}
