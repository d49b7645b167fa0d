/**
 * collectd-workforce - src/wf_cache.h
 * SPDX-License-Identifier: MIT
 *
 * What an account keeps from one poll to the next, apart from collectd
 * so that it is unit-tested: the lists that change rarely (DingTalk's
 * leave types and report templates), read again once a day; the report
 * templates seen lately, so that a template without reports today reads
 * 0 rather than being absent; and the Feishu user ids already reported
 * as rejected, so that each is logged once. wf_account.c reads the
 * platform and logs; each part is touched by one job only.
 **/
#ifndef WF_CACHE_H
#define WF_CACHE_H

#include "wf_metrics.h"
#include "wf_strlist.h"
#include "wf_time.h"

#include <stdbool.h>
#include <time.h>

/* A rarely changing list is read again after this long. */
#define WF_CACHE_REFRESH WF_SECONDS_PER_DAY
/* A report template seen within this many days reads 0 on a day without
 * reports rather than being absent. */
#define WF_TEMPLATE_MEMORY_DAYS 30

typedef struct {
  wf_pairs_t leave_types; /* DingTalk's, when LeaveType is not set */
  time_t leave_types_read;
  wf_seen_t templates;   /* report templates seen in the last 30 days */
  time_t templates_read; /* when the platform's template list was read */
  wf_strlist_t reported; /* Feishu user ids logged as rejected */
} wf_cache_t;

/* True when a list read at `read_at` (0: never) is to be read again at
 * `now`. */
bool wf_cache_due(time_t read_at, time_t now);

/* Keeps `types`, read from the platform at `now`, in place of the leave
 * types read before; `types` is left empty. */
void wf_cache_set_leave_types(wf_cache_t *cache, wf_pairs_t *types, time_t now);

/* Records the report templates the platform listed at `now`. Returns 0,
 * or -1 without memory. */
int wf_cache_list_templates(wf_cache_t *cache, const wf_strlist_t *names,
                            time_t now);

/* reports_today: one gauge per template seen in the last 30 days or
 * listed, with today's count of reports of it from `today`, after
 * recording today's templates as seen at `now`. Returns 0, or -1 without
 * memory. */
int wf_cache_reports_today(wf_cache_t *cache, const wf_counts_t *today,
                           time_t now, wf_metrics_t *out);

/* Appends to `fresh` the ids of `ids` not reported before, and remembers
 * them as reported. Returns 0, or -1 without memory. */
int wf_cache_unreported(wf_cache_t *cache, const wf_strlist_t *ids,
                        wf_strlist_t *fresh);

void wf_cache_free(wf_cache_t *cache);

#endif /* WF_CACHE_H */
