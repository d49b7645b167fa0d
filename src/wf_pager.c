/**
 * collectd-workforce - src/wf_pager.c
 *
 * Cursors are remembered in an array and compared linearly. A list has at
 * most max_pages pages (1000 by default, 50,000 employees at 50 a page),
 * so the cost stays far below that of the HTTP requests themselves.
 **/
#include "wf_pager.h"

#include <stdlib.h>
#include <string.h>

/* Remembers one cursor. */
static wf_page_status_t remember(wf_pager_t *pager, const char *cursor) {
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

wf_page_status_t wf_pager_start(wf_pager_t *pager, size_t max_pages,
                                const char *first) {
  pager->seen = NULL;
  pager->count = 0;
  pager->max_pages = (max_pages > 0) ? max_pages : 1;
  return remember(pager, first);
}

wf_page_status_t wf_pager_next(wf_pager_t *pager, const char *cursor) {
  if (cursor == NULL || cursor[0] == '\0')
    return WF_PAGE_DONE;
  for (size_t i = 0; i < pager->count; i++)
    if (strcmp(pager->seen[i], cursor) == 0)
      return WF_PAGE_REPEAT;
  if (pager->count >= pager->max_pages)
    return WF_PAGE_TOO_MANY;
  return remember(pager, cursor);
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
  case WF_PAGE_NOMEM:
    return "out of memory while paging";
  }
  return "unknown paging status";
}
