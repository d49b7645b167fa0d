/**
 * collectd-workforce - src/wf_roster.h
 * SPDX-License-Identifier: MIT
 *
 * The on-job employees of one read of the employee lists, handed out while
 * the read goes on: attendance, sign-ins and leave start their batches as
 * soon as the first page of ids arrives instead of waiting for the last
 * page, so that on a large organisation the employee lists cost no time of
 * their own.
 *
 * One thread fills a roster (wf_roster_add, then wf_roster_finish); any
 * number of others take its ids in groups of the size their API takes
 * (wf_roster_next). An id is kept once however often the lists repeat it.
 * A roster is shared by reference: the last wf_roster_unref frees it.
 **/
#ifndef WF_ROSTER_H
#define WF_ROSTER_H

#include "wf_agg.h"
#include "wf_error.h"
#include "wf_strlist.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct wf_roster_s wf_roster_t;

/* Creates an empty, open roster holding one reference. Returns NULL
 * without memory. */
wf_roster_t *wf_roster_create(void);

/* Takes one more reference to `roster`, and returns it. */
wf_roster_t *wf_roster_ref(wf_roster_t *roster);

/* Drops one reference; the last frees the roster. NULL is ignored. */
void wf_roster_unref(wf_roster_t *roster);

/* Adds `id` unless the roster holds it already, and wakes the threads
 * waiting for ids. Returns 0, or -1 without memory. */
int wf_roster_add(wf_roster_t *roster, const char *id);

/* Closes the roster: complete (`err` NULL, `counts` the size of each
 * employee list) or failed (`err` says why, `counts` is ignored). Only the
 * first call counts; later ones are ignored, so that a roster can be
 * cancelled while it is being read. */
void wf_roster_finish(wf_roster_t *roster, const wf_error_t *err,
                      const int64_t counts[WF_HR_COUNT]);

/* True once the roster is finished, failed or complete. */
bool wf_roster_finished(wf_roster_t *roster);

typedef enum {
  WF_ROSTER_GROUP,  /* `group` holds the next ids */
  WF_ROSTER_WAIT,   /* no group yet: the wait ended first */
  WF_ROSTER_END,    /* every id was handed out */
  WF_ROSTER_FAILED, /* the read failed; `err` says why */
} wf_roster_status_t;

/* Hands out the ids from position `*next` on: a group of exactly `size`
 * ids, or, once the roster is complete, the fewer that are left. Waits up
 * to `wait_ms` milliseconds (0: not at all, negative: until there is an
 * answer) for a group. `group` is emptied first; `*next` moves past the
 * ids handed out. */
wf_roster_status_t wf_roster_next(wf_roster_t *roster, size_t *next,
                                  size_t size, long wait_ms,
                                  wf_strlist_t *group, wf_error_t *err);

/* Waits until the roster is finished. Returns 0 with the size of each
 * employee list in `counts` (when not NULL) and the number of on-job ids
 * in `*ids` (when not NULL), or -1 with `err` filled. */
int wf_roster_wait(wf_roster_t *roster, int64_t counts[WF_HR_COUNT],
                   size_t *ids, wf_error_t *err);

#endif /* WF_ROSTER_H */
