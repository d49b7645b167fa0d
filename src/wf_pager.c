/**
 * collectd-workforce - src/wf_pager.c
 * SPDX-License-Identifier: MIT
 *
 * Cursors are remembered in an array and compared linearly. A list has at
 * most max_pages pages (1000 by default, 50,000 employees at 50 a page),
 * so the cost stays far below that of the HTTP requests themselves.
 **/
#include "wf_pager.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Remembers one cursor as the current one. */
static wf_page_status_t pager_remember(wf_pager_t *pager, const char *cursor) {
  char **tmp = realloc(pager->seen, (pager->count + 1) * sizeof(*tmp));
  if (tmp == NULL)
    return WF_PAGE_NOMEM;
  pager->seen = tmp;
  pager->seen[pager->count] = strdup(cursor != NULL ? cursor : "");
  if (pager->seen[pager->count] == NULL)
    return WF_PAGE_NOMEM;
  pager->count++;
  return WF_PAGE_MORE;
}

/* Follows `cursor` unless the list ended, it repeats, or the limit is
 * reached. */
static wf_page_status_t pager_follow(wf_pager_t *pager, const char *cursor) {
  if (cursor == NULL || cursor[0] == '\0')
    return WF_PAGE_DONE;
  for (size_t i = 0; i < pager->count; i++)
    if (strcmp(pager->seen[i], cursor) == 0)
      return WF_PAGE_REPEAT;
  if (pager->count >= pager->max_pages)
    return WF_PAGE_TOO_MANY;
  return pager_remember(pager, cursor);
}

/* The current offset or page number plus `step`, as a cursor. */
static wf_page_status_t pager_step(wf_pager_t *pager, size_t step) {
  char *end = NULL;
  unsigned long long current = strtoull(wf_pager_cursor(pager), &end, 10);
  char next[32];
  snprintf(next, sizeof(next), "%llu", current + (unsigned long long)step);
  return pager_follow(pager, next);
}

wf_page_status_t wf_pager_start(wf_pager_t *pager, wf_paging_t paging,
                                size_t max_pages, const char *first) {
  pager->paging = paging;
  pager->seen = NULL;
  pager->count = 0;
  pager->max_pages = (max_pages > 0) ? max_pages : 1;
  return pager_remember(pager, first);
}

const char *wf_pager_cursor(const wf_pager_t *pager) {
  return (pager->count > 0) ? pager->seen[pager->count - 1] : "";
}

wf_page_status_t wf_pager_turn(wf_pager_t *pager, const wf_page_t *page) {
  switch (pager->paging) {
  case WF_PAGING_CURSOR:
    return pager_follow(pager, page->cursor);
  case WF_PAGING_OFFSET:
    if (!page->more)
      return WF_PAGE_DONE;
    /* Advancing by nothing would ask for the same page again. */
    if (page->records == 0)
      return WF_PAGE_EMPTY;
    return pager_step(pager, page->records);
  case WF_PAGING_NUMBER:
    if (page->records == 0)
      return WF_PAGE_DONE;
    return pager_step(pager, 1);
  }
  return WF_PAGE_DONE;
}

size_t wf_pager_pages(const wf_pager_t *pager) { return pager->count; }

void wf_pager_free(wf_pager_t *pager) {
  for (size_t i = 0; i < pager->count; i++)
    free(pager->seen[i]);
  free(pager->seen);
  pager->seen = NULL;
  pager->count = 0;
}

const char *wf_page_status_text(wf_page_status_t status) {
  switch (status) {
  case WF_PAGE_MORE:
    return "more pages";
  case WF_PAGE_DONE:
    return "last page";
  case WF_PAGE_REPEAT:
    return "the platform returned a paging cursor it had returned before";
  case WF_PAGE_TOO_MANY:
    return "the list has more pages than MaxPages allows";
  case WF_PAGE_EMPTY:
    return "the platform said more records follow but sent none";
  case WF_PAGE_NOMEM:
    return "out of memory while paging";
  }
  return "unknown paging status";
}
