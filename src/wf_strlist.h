/**
 * collectd-workforce - src/wf_strlist.h
 *
 * A growable list of strings: user ids from the configuration or from a
 * platform's employee list.
 **/
#ifndef WF_STRLIST_H
#define WF_STRLIST_H

#include <stddef.h>

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

#endif /* WF_STRLIST_H */
