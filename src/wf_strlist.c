/**
 * collectd-workforce - src/wf_strlist.c
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
static int compare(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void wf_strlist_sort_unique(wf_strlist_t *list) {
  if (list->count < 2)
    return;
  qsort(list->items, list->count, sizeof(*list->items), compare);
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
