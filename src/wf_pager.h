/**
 * collectd-workforce - src/wf_pager.h
 *
 * One guard for every paged list: DingTalk's nextToken (v1.0) and
 * next_cursor (topapi), Feishu's page_token. The collector feeds it the
 * cursor each answer returns; the guard says whether to follow it. A
 * cursor that was seen before, or more pages than the limit, ends the poll
 * with an error instead of looping forever.
 **/
#ifndef WF_PAGER_H
#define WF_PAGER_H

#include <stddef.h>

typedef enum {
  WF_PAGE_MORE,     /* follow the cursor */
  WF_PAGE_DONE,     /* no cursor: the list is complete */
  WF_PAGE_REPEAT,   /* the cursor was seen before in this list */
  WF_PAGE_TOO_MANY, /* following it would pass the page limit */
  WF_PAGE_NOMEM,
} wf_page_status_t;

typedef struct {
  char **seen;
  size_t count;
  size_t max_pages;
} wf_pager_t;

/* Prepares a guard for one list of at most `max_pages` pages; `first` is
 * the cursor of the first request ("0", or NULL when the first request
 * carries none). */
wf_page_status_t wf_pager_start(wf_pager_t *pager, size_t max_pages,
                                const char *first);

/* Judges the cursor an answer returned. NULL or "" means the list ended. */
wf_page_status_t wf_pager_next(wf_pager_t *pager, const char *cursor);

/* Number of pages requested so far. */
size_t wf_pager_pages(const wf_pager_t *pager);

/* Releases the remembered cursors. */
void wf_pager_free(wf_pager_t *pager);

/* A short English description of a status, for log lines. */
const char *wf_page_status_text(wf_page_status_t status);

#endif /* WF_PAGER_H */
