/**
 * collectd-workforce - src/wf_metrics.h
 * SPDX-License-Identifier: MIT
 *
 * The metric list: what one poll produced, as rows of (type, type instance,
 * value). Collectors and aggregation fill it; the dispatch module is the
 * only reader that turns rows into collectd values. It depends on nothing
 * but the C library, so aggregation can be tested without collectd.
 **/
#ifndef WF_METRICS_H
#define WF_METRICS_H

#include "wf_common.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
  WF_GAUGE,
  WF_DERIVE,
} wf_metric_kind_t;

/* One type this plugin dispatches, as src/workforce.types.db declares it
 * (a unit test holds the two together): the one list of them. */
typedef struct {
  const char *name;
  wf_metric_kind_t kind;
  bool of_account; /* dispatched for an account, not for a robot */
  /* How a value reads in a threshold's message, and what its type
   * instances are; NULL for a counter, which takes no threshold. */
  const char *phrase;
  const char *instances;
} wf_metric_type_t;

/* The type called `name`, or NULL when this plugin has none. */
const wf_metric_type_t *wf_metric_type(const char *name);

/* The types, `*count` of them. */
const wf_metric_type_t *wf_metric_types(size_t *count);

typedef struct {
  char type[WF_NAME_LEN];
  char instance[WF_NAME_LEN];
  wf_metric_kind_t kind;
  union {
    double gauge;
    int64_t derive;
  } value;
} wf_metric_t;

typedef struct {
  wf_metric_t *rows;
  size_t count;
  size_t capacity;
} wf_metrics_t;

/* Appends one row. Returns 0, or -1 when memory ran out. */
int wf_metrics_add_gauge(wf_metrics_t *m, const char *type,
                         const char *instance, double value);
int wf_metrics_add_derive(wf_metrics_t *m, const char *type,
                          const char *instance, int64_t value);

/* Returns the row with this type and instance, or NULL. */
const wf_metric_t *wf_metrics_find(const wf_metrics_t *m, const char *type,
                                   const char *instance);

/* Forgets every row but keeps the memory for the next poll. */
void wf_metrics_clear(wf_metrics_t *m);

/* Releases the memory. */
void wf_metrics_free(wf_metrics_t *m);

/* Named counters: how many records fell into each instance ("leave",
 * "regular", ...). Names that are known in advance are added with
 * wf_counts_declare so that they read 0 rather than being absent. */
typedef struct {
  char name[WF_NAME_LEN];
  int64_t count;
} wf_count_t;

typedef struct {
  wf_count_t *items;
  size_t count;
  size_t capacity;
} wf_counts_t;

/* Makes sure `name` exists, with 0 if it is new. Returns 0 or -1. */
int wf_counts_declare(wf_counts_t *counts, const char *name);

/* Adds `n` to `name`, creating it when needed. Returns 0 or -1. */
int wf_counts_add(wf_counts_t *counts, const char *name, int64_t n);

/* Returns the count of `name`, 0 when unknown. */
int64_t wf_counts_get(const wf_counts_t *counts, const char *name);

/* Sum over every name. */
int64_t wf_counts_total(const wf_counts_t *counts);

/* Appends one gauge row of `type` for every name. Returns 0 or -1. */
int wf_counts_to_metrics(const wf_counts_t *counts, const char *type,
                         wf_metrics_t *m);

void wf_counts_free(wf_counts_t *counts);

/* Turns a value read from an answer into a type instance: lower case for
 * ASCII letters, '/' and control characters replaced by '_' (collectd
 * separates identifier parts with '/'), UTF-8 left intact, cut at a
 * character boundary to fit WF_NAME_LEN. Empty input gives "unknown". */
void wf_instance_name(const char *value, char *buffer, size_t size);

#endif /* WF_METRICS_H */
