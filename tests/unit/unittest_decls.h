/**
 * collectd-workforce - tests/unit/unittest_decls.h
 *
 * Prototypes of the product functions marked UNITTEST: static in the
 * plugin, visible when the sources are compiled with -DWF_UNIT_TEST. The
 * tests call them through these declarations, never by including a .c
 * file, so a changed signature in src/ must be mirrored here.
 **/
#ifndef UNITTEST_DECLS_H
#define UNITTEST_DECLS_H

#include "wf_agg.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_strlist.h"

#include <stddef.h>

/* Mirrors of the private enums of src/wf_dingtalk.c. They MUST keep the
 * same enumerators in the same order as the product: the values cross the
 * call to dt_classify as plain integers. test_dingtalk's
 * test_mirror_dt_host_matches_source and test_mirror_dt_verdict_matches_source
 * read src/wf_dingtalk.c and fail, naming the difference, when they drift
 * apart; a compile-time check is impossible because the product types are
 * not visible outside wf_dingtalk.c. */
typedef enum {
  DT_OAPI,
  DT_API,
} dt_host_t;

typedef enum {
  DT_OK,
  DT_RETRY,
  DT_TOKEN,
  DT_THROTTLE,
  DT_FAIL,
} dt_verdict_t;

/* src/wf_dingtalk.c */
dt_verdict_t dt_classify(dt_host_t host, const char *endpoint, long http_status,
                         json_object *answer, wf_error_t *err);
int dt_parse_leave_records(json_object *answer, wf_departures_t *d, char *next,
                           size_t next_size, wf_error_t *err);
int dt_parse_id_page(json_object *answer, const char *endpoint,
                     wf_strlist_t *ids, char *next, size_t next_size,
                     wf_error_t *err);

/* src/wf_config.c */
int wf_read_secret_file(const char *path, char **secret, char *error,
                        size_t error_size);

#endif /* UNITTEST_DECLS_H */
