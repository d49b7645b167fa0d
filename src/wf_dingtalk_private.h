/**
 * collectd-workforce - src/wf_dingtalk_private.h
 *
 * What wf_dingtalk.c shares with its unit tests and nobody else: the
 * classification of answers and the parsers of pages.
 **/
#ifndef WF_DINGTALK_PRIVATE_H
#define WF_DINGTALK_PRIVATE_H

#include "wf_agg.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_strlist.h"

#include <stddef.h>

/* The two API families: oapi (token in the query string, errcode in an
 * HTTP 200 answer) and v1.0 (token in a header, errors as HTTP status and
 * textual code). */
typedef enum {
  DT_OAPI,
  DT_API,
} dt_host_t;

/* What an answer asks the client to do. */
typedef enum {
  DT_OK,
  DT_RETRY,    /* busy or server error: try again shortly */
  DT_TOKEN,    /* the token was refused: fetch a new one, try once more */
  DT_THROTTLE, /* slow down, then try again */
  DT_FAIL,     /* give up; err says why */
} dt_verdict_t;

#ifdef WF_UNIT_TEST
dt_verdict_t dt_classify(dt_host_t host, const char *endpoint, long http_status,
                         json_object *answer, wf_error_t *err);
int dt_parse_leave_records(json_object *answer, wf_departures_t *d, char *next,
                           size_t next_size, wf_error_t *err);
int dt_parse_id_page(json_object *answer, const char *endpoint,
                     wf_strlist_t *ids, char *next, size_t next_size,
                     wf_error_t *err);
#endif

#endif /* WF_DINGTALK_PRIVATE_H */
