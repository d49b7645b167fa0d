/**
 * collectd-workforce - src/wf_pager.h
 * SPDX-License-Identifier: MIT
 *
 * One guard for every paged list. The platforms say in three ways where
 * the next page starts, and each endpoint uses one of them (the endpoint's
 * code names which, next to its request):
 *
 *   WF_PAGING_CURSOR  the answer carries the next request's cursor
 *                     (v1.0 nextToken, topapi next_cursor); the list ends
 *                     when the answer has none, or says has_more false.
 *   WF_PAGING_OFFSET  the request carries an offset and the answer only
 *                     has_more (vacation/record/list): the next offset is
 *                     this one plus the records the page actually held,
 *                     since the platform may return fewer than asked
 *                     ("每次返回50条数据" whatever `size` asks).
 *   WF_PAGING_NUMBER  the request carries a page number and the answer
 *                     neither cursor nor has_more (blackboard/listids):
 *                     pages are read until one comes back empty, as a page
 *                     shorter than asked does not prove the list ended.
 *
 * A page is never assumed to be full. The collector tells the guard what
 * each answer held; the guard says whether to go on and with which cursor.
 * A cursor that was seen before, a page that claims more records but holds
 * none, or more pages than the limit end the poll with an error instead of
 * looping forever.
 **/
#ifndef WF_PAGER_H
#define WF_PAGER_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  WF_PAGING_CURSOR,
  WF_PAGING_OFFSET,
  WF_PAGING_NUMBER,
} wf_paging_t;

typedef enum {
  WF_PAGE_MORE,     /* request the page at wf_pager_cursor() */
  WF_PAGE_DONE,     /* the list is complete */
  WF_PAGE_REPEAT,   /* the cursor was seen before in this list */
  WF_PAGE_TOO_MANY, /* following it would pass the page limit */
  WF_PAGE_EMPTY,    /* the answer said more follow but held no record */
  WF_PAGE_NOMEM,
} wf_page_status_t;

/* Cursors are numbers or short opaque tokens. */
#define WF_CURSOR_SIZE 256

/* What one answer said about its list. */
typedef struct {
  size_t records;              /* records (or ids) the page held */
  bool more;                   /* WF_PAGING_OFFSET: the answer's has_more */
  char cursor[WF_CURSOR_SIZE]; /* WF_PAGING_CURSOR: the next cursor, "" at
                                  the end */
} wf_page_t;

typedef struct {
  wf_paging_t paging;
  char **seen; /* every cursor requested, the current one last */
  size_t count;
  size_t max_pages;
} wf_pager_t;

/* Prepares a guard for one list of at most `max_pages` pages; `first` is
 * the cursor, offset or page number of the first request ("0", "1"). */
wf_page_status_t wf_pager_start(wf_pager_t *pager, wf_paging_t paging,
                                size_t max_pages, const char *first);

/* The cursor, offset or page number of the next request. */
const char *wf_pager_cursor(const wf_pager_t *pager);

/* Judges what the page just read said, and on WF_PAGE_MORE moves the
 * guard to the next page. */
wf_page_status_t wf_pager_turn(wf_pager_t *pager, const wf_page_t *page);

/* Number of pages requested so far. */
size_t wf_pager_pages(const wf_pager_t *pager);

/* Releases the remembered cursors. */
void wf_pager_free(wf_pager_t *pager);

/* A short English description of a status, for log lines. */
const char *wf_page_status_text(wf_page_status_t status);

#endif /* WF_PAGER_H */
