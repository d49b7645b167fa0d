/**
 * collectd-workforce - src/wf_strlist.h
 * SPDX-License-Identifier: MIT
 *
 * A growable list of strings: user ids from the configuration or from a
 * platform's employee list.
 **/
#ifndef WF_STRLIST_H
#define WF_STRLIST_H

#include <stddef.h>
#include <time.h>

typedef struct {
  char **items;
  size_t count;
  size_t capacity;
} wf_strlist_t;

/* Appends a copy of `s`. Returns 0, or -1 without memory. */
int wf_strlist_add(wf_strlist_t *list, const char *s);

/* Sorts the list and removes duplicates. */
void wf_strlist_sort_unique(wf_strlist_t *list);

/* Forgets every item but keeps the list usable. */
void wf_strlist_clear(wf_strlist_t *list);

void wf_strlist_free(wf_strlist_t *list);

/* A list of (code, name) pairs: LeaveType and ReportReader options, leave
 * types read from the platform. */
typedef struct {
  char *code;
  char *name;
} wf_pair_t;

typedef struct {
  wf_pair_t *items;
  size_t count;
} wf_pairs_t;

/* Appends copies of `code` and `name`. Returns 0 or -1 without memory. */
int wf_pairs_add(wf_pairs_t *pairs, const char *code, const char *name);

void wf_pairs_free(wf_pairs_t *pairs);

/* Names with the time each was last seen: report templates seen lately. */
typedef struct {
  wf_strlist_t names;
  time_t *seen;
} wf_seen_t;

/* Records that `name` was seen at `now`. Returns 0 or -1. */
int wf_seen_touch(wf_seen_t *s, const char *name, time_t now);

/* Forgets the names last seen before `cutoff`. */
void wf_seen_forget_before(wf_seen_t *s, time_t cutoff);

void wf_seen_free(wf_seen_t *s);

#endif /* WF_STRLIST_H */
