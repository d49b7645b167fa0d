/**
 * collectd-workforce - src/wf_strlist.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_strlist.h"

#include <stdlib.h>
#include <string.h>

int wf_strlist_add(wf_strlist_t *list, const char *s) {
  if (list->count == list->capacity) {
    size_t capacity = (list->capacity == 0) ? 16 : 2 * list->capacity;
    char **tmp = realloc(list->items, capacity * sizeof(*tmp));
    if (tmp == NULL)
      return -1;
    list->items = tmp;
    list->capacity = capacity;
  }
  char *copy = strdup(s);
  if (copy == NULL)
    return -1;
  list->items[list->count++] = copy;
  return 0;
}

/* qsort comparator over char * elements. */
static int strlist_compare(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void wf_strlist_sort_unique(wf_strlist_t *list) {
  if (list->count < 2)
    return;
  qsort(list->items, list->count, sizeof(*list->items), strlist_compare);
  size_t out = 1;
  for (size_t i = 1; i < list->count; i++) {
    if (strcmp(list->items[i], list->items[out - 1]) == 0)
      free(list->items[i]);
    else
      list->items[out++] = list->items[i];
  }
  list->count = out;
}

void wf_strlist_clear(wf_strlist_t *list) {
  for (size_t i = 0; i < list->count; i++)
    free(list->items[i]);
  list->count = 0;
}

void wf_strlist_free(wf_strlist_t *list) {
  wf_strlist_clear(list);
  free(list->items);
  list->items = NULL;
  list->capacity = 0;
}

int wf_pairs_add(wf_pairs_t *pairs, const char *code, const char *name) {
  wf_pair_t *tmp =
      realloc(pairs->items, (pairs->count + 1) * sizeof(*pairs->items));
  if (tmp == NULL)
    return -1;
  pairs->items = tmp;
  wf_pair_t *pair = &pairs->items[pairs->count];
  pair->code = strdup(code);
  pair->name = strdup(name);
  if (pair->code == NULL || pair->name == NULL) {
    free(pair->code);
    free(pair->name);
    return -1;
  }
  pairs->count++;
  return 0;
}

void wf_pairs_free(wf_pairs_t *pairs) {
  for (size_t i = 0; i < pairs->count; i++) {
    free(pairs->items[i].code);
    free(pairs->items[i].name);
  }
  free(pairs->items);
  pairs->items = NULL;
  pairs->count = 0;
}

int wf_seen_touch(wf_seen_t *s, const char *name, time_t now) {
  for (size_t i = 0; i < s->names.count; i++) {
    if (strcmp(s->names.items[i], name) == 0) {
      if (now > s->seen[i])
        s->seen[i] = now;
      return 0;
    }
  }
  time_t *tmp = realloc(s->seen, (s->names.count + 1) * sizeof(*tmp));
  if (tmp == NULL)
    return -1;
  s->seen = tmp;
  if (wf_strlist_add(&s->names, name) != 0)
    return -1;
  s->seen[s->names.count - 1] = now;
  return 0;
}

void wf_seen_forget_before(wf_seen_t *s, time_t cutoff) {
  size_t out = 0;
  for (size_t i = 0; i < s->names.count; i++) {
    if (s->seen[i] < cutoff) {
      free(s->names.items[i]);
      continue;
    }
    s->names.items[out] = s->names.items[i];
    s->seen[out] = s->seen[i];
    out++;
  }
  s->names.count = out;
}

void wf_seen_free(wf_seen_t *s) {
  wf_strlist_free(&s->names);
  free(s->seen);
  s->seen = NULL;
}
