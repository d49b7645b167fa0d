/**
 * collectd-workforce - src/wf_metrics.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const wf_metric_type_t metric_types[] = {
    {"abnormal_checkins", WF_GAUGE, true, "abnormal check-ins today", NULL},
    {"abnormal_employees", WF_GAUGE, true,
     "employees with an abnormal check-in today", NULL},
    {"announcement_unread", WF_GAUGE, true, "unread announcement receipts",
     NULL},
    {"api_errors", WF_DERIVE, true, NULL, NULL},
    {"api_quota_budget", WF_GAUGE, true,
     "counted API calls the budget line allows by now", NULL},
    {"api_quota_limit", WF_GAUGE, true, "counted API calls allowed a month",
     NULL},
    {"api_quota_used", WF_GAUGE, true,
     "API calls counted against the monthly quota", NULL},
    {"api_requests", WF_DERIVE, true, NULL, NULL},
    {"checkin_locations", WF_GAUGE, true, "check-ins today", "locations"},
    {"checkins", WF_GAUGE, true, "check-ins today", "results"},
    {"data_age", WF_GAUGE, true, "seconds since the last successful poll",
     "collectors"},
    {"departures_30d", WF_GAUGE, true, "departures in the last 30 days",
     "reasons"},
    {"departures_today", WF_GAUGE, true, "departures today", "reasons"},
    {"headcount", WF_GAUGE, true, "employees", "statuses"},
    {"leave_expiring", WF_GAUGE, true, "of granted leave expiring soon",
     "leave types"},
    {"leave_pending", WF_GAUGE, true, "leave requests awaiting approval",
     "leave types"},
    {"on_leave", WF_GAUGE, true, "employees on leave", "leave types"},
    {"poll_duration", WF_GAUGE, true, "seconds for the last poll",
     "collectors"},
    {"reports_today", WF_GAUGE, true, "reports filed today", "templates"},
    {"robot_messages", WF_DERIVE, false, NULL, NULL},
    {"signins_today", WF_GAUGE, true, "field sign-ins today", NULL},
    {"unread_reports", WF_GAUGE, true, "unread reports", "readers"},
};

const wf_metric_type_t *wf_metric_type(const char *name) {
  for (size_t i = 0; i < WF_ARRAY_SIZE(metric_types); i++)
    if (strcmp(metric_types[i].name, name) == 0)
      return &metric_types[i];
  return NULL;
}

const wf_metric_type_t *wf_metric_types(size_t *count) {
  *count = WF_ARRAY_SIZE(metric_types);
  return metric_types;
}

/* Grows an array of `item_size` elements so that one more fits. */
static int metrics_grow(void **items, size_t *capacity, size_t count,
                        size_t item_size) {
  if (count < *capacity)
    return 0;
  size_t new_capacity = (*capacity == 0) ? 16 : 2 * *capacity;
  void *tmp = realloc(*items, new_capacity * item_size);
  if (tmp == NULL)
    return -1;
  *items = tmp;
  *capacity = new_capacity;
  return 0;
}

/* Appends an empty row with type and instance filled in. */
static wf_metric_t *metrics_append(wf_metrics_t *m, const char *type,
                                   const char *instance) {
  if (metrics_grow((void **)&m->rows, &m->capacity, m->count,
                   sizeof(*m->rows)) != 0)
    return NULL;
  wf_metric_t *row = &m->rows[m->count++];
  memset(row, 0, sizeof(*row));
  snprintf(row->type, sizeof(row->type), "%s", type);
  snprintf(row->instance, sizeof(row->instance), "%s",
           (instance != NULL) ? instance : "");
  return row;
}

int wf_metrics_add_gauge(wf_metrics_t *m, const char *type,
                         const char *instance, double value) {
  wf_metric_t *row = metrics_append(m, type, instance);
  if (row == NULL)
    return -1;
  row->kind = WF_GAUGE;
  row->value.gauge = value;
  return 0;
}

int wf_metrics_add_derive(wf_metrics_t *m, const char *type,
                          const char *instance, int64_t value) {
  wf_metric_t *row = metrics_append(m, type, instance);
  if (row == NULL)
    return -1;
  row->kind = WF_DERIVE;
  row->value.derive = value;
  return 0;
}

const wf_metric_t *wf_metrics_find(const wf_metrics_t *m, const char *type,
                                   const char *instance) {
  for (size_t i = 0; i < m->count; i++) {
    if (strcmp(m->rows[i].type, type) == 0 &&
        strcmp(m->rows[i].instance, (instance != NULL) ? instance : "") == 0)
      return &m->rows[i];
  }
  return NULL;
}

void wf_metrics_clear(wf_metrics_t *m) { m->count = 0; }

void wf_metrics_free(wf_metrics_t *m) {
  free(m->rows);
  m->rows = NULL;
  m->count = 0;
  m->capacity = 0;
}

/* Returns the counter called `name`, or NULL. */
static wf_count_t *metrics_counts_find(const wf_counts_t *counts,
                                       const char *name) {
  for (size_t i = 0; i < counts->count; i++)
    if (strcmp(counts->items[i].name, name) == 0)
      return &counts->items[i];
  return NULL;
}

int wf_counts_add(wf_counts_t *counts, const char *name, int64_t n) {
  wf_count_t *item = metrics_counts_find(counts, name);
  if (item == NULL) {
    if (metrics_grow((void **)&counts->items, &counts->capacity, counts->count,
                     sizeof(*counts->items)) != 0)
      return -1;
    item = &counts->items[counts->count++];
    snprintf(item->name, sizeof(item->name), "%s", name);
    item->count = 0;
  }
  item->count += n;
  return 0;
}

int wf_counts_declare(wf_counts_t *counts, const char *name) {
  return wf_counts_add(counts, name, 0);
}

int64_t wf_counts_get(const wf_counts_t *counts, const char *name) {
  const wf_count_t *item = metrics_counts_find(counts, name);
  return (item != NULL) ? item->count : 0;
}

int64_t wf_counts_total(const wf_counts_t *counts) {
  int64_t total = 0;
  for (size_t i = 0; i < counts->count; i++)
    total += counts->items[i].count;
  return total;
}

int wf_counts_to_metrics(const wf_counts_t *counts, const char *type,
                         wf_metrics_t *m) {
  for (size_t i = 0; i < counts->count; i++)
    if (wf_metrics_add_gauge(m, type, counts->items[i].name,
                             (double)counts->items[i].count) != 0)
      return -1;
  return 0;
}

void wf_counts_free(wf_counts_t *counts) {
  free(counts->items);
  counts->items = NULL;
  counts->count = 0;
  counts->capacity = 0;
}

void wf_instance_name(const char *value, char *buffer, size_t size) {
  if (size == 0)
    return;
  if (value == NULL || value[0] == '\0') {
    snprintf(buffer, size, "unknown");
    return;
  }

  size_t limit = (size < WF_NAME_LEN) ? size : WF_NAME_LEN;
  size_t out = 0;
  for (size_t in = 0; value[in] != '\0' && out + 1 < limit; in++) {
    unsigned char ch = (unsigned char)value[in];
    if (ch >= 'A' && ch <= 'Z')
      ch = (unsigned char)(ch - 'A' + 'a');
    else if (ch < 0x20 || ch == 0x7f || ch == '/')
      ch = '_';
    buffer[out++] = (char)ch;
  }
  /* Do not leave half of a multi-byte UTF-8 character at the end. */
  if (out > 0 && ((unsigned char)buffer[out - 1] & 0x80)) {
    size_t start = out - 1;
    while (start > 0 && ((unsigned char)buffer[start] & 0xC0) == 0x80)
      start--;
    unsigned char lead = (unsigned char)buffer[start];
    size_t need = (lead >= 0xF0)   ? 4
                  : (lead >= 0xE0) ? 3
                  : (lead >= 0xC0) ? 2
                                   : 1;
    if (out - start < need)
      out = start;
  }
  buffer[out] = '\0';
}
