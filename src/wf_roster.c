/**
 * collectd-workforce - src/wf_roster.c
 * SPDX-License-Identifier: MIT
 *
 * The ids live in a wf_strlist_t, in the order they arrived, and in a
 * search tree (tsearch) of the same strings that keeps them unique. Every
 * field is guarded by the roster's lock; readers copy the ids they take.
 **/
#include "wf_roster.h"

#include <errno.h>
#include <pthread.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct wf_roster_s {
  pthread_mutex_t lock;
  pthread_cond_t changed; /* an id came, or the roster finished */
  int refs;
  wf_strlist_t ids; /* in the order they came */
  void *index;      /* tsearch tree of the strings of `ids` */
  bool finished;
  bool failed;
  wf_error_t err;
  int64_t counts[WF_HR_COUNT];
};

static int roster_compare(const void *a, const void *b) { return strcmp(a, b); }

/* The tree holds the strings of `ids`, which free them. */
static void roster_keep(void *node) { (void)node; }

wf_roster_t *wf_roster_create(void) {
  wf_roster_t *r = calloc(1, sizeof(*r));
  if (r == NULL)
    return NULL;
  pthread_mutex_init(&r->lock, NULL);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&r->changed, &attr);
  pthread_condattr_destroy(&attr);
  r->refs = 1;
  return r;
}

wf_roster_t *wf_roster_ref(wf_roster_t *r) {
  pthread_mutex_lock(&r->lock);
  r->refs++;
  pthread_mutex_unlock(&r->lock);
  return r;
}

void wf_roster_unref(wf_roster_t *r) {
  if (r == NULL)
    return;
  pthread_mutex_lock(&r->lock);
  bool last = --r->refs == 0;
  pthread_mutex_unlock(&r->lock);
  if (!last)
    return;
  tdestroy(r->index, roster_keep);
  wf_strlist_free(&r->ids);
  pthread_cond_destroy(&r->changed);
  pthread_mutex_destroy(&r->lock);
  free(r);
}

int wf_roster_add(wf_roster_t *r, const char *id) {
  int status = 0;
  pthread_mutex_lock(&r->lock);
  if (tfind(id, &r->index, roster_compare) == NULL) {
    if (wf_strlist_add(&r->ids, id) != 0 ||
        tsearch(r->ids.items[r->ids.count - 1], &r->index, roster_compare) ==
            NULL) {
      status = -1;
    } else {
      pthread_cond_broadcast(&r->changed);
    }
  }
  pthread_mutex_unlock(&r->lock);
  return status;
}

void wf_roster_finish(wf_roster_t *r, const wf_error_t *err,
                      const int64_t counts[WF_HR_COUNT]) {
  pthread_mutex_lock(&r->lock);
  if (!r->finished) {
    r->finished = true;
    r->failed = err != NULL;
    if (err != NULL)
      r->err = *err;
    else if (counts != NULL)
      memcpy(r->counts, counts, sizeof(r->counts));
    pthread_cond_broadcast(&r->changed);
  }
  pthread_mutex_unlock(&r->lock);
}

bool wf_roster_finished(wf_roster_t *r) {
  pthread_mutex_lock(&r->lock);
  bool finished = r->finished;
  pthread_mutex_unlock(&r->lock);
  return finished;
}

/* Waits on the roster's condition until `until`, or without end when
 * `until` is NULL. Returns false once `until` has passed. Called with the
 * lock. */
static bool roster_sleep(wf_roster_t *r, const struct timespec *until) {
  if (until == NULL)
    return pthread_cond_wait(&r->changed, &r->lock) == 0;
  return pthread_cond_timedwait(&r->changed, &r->lock, until) != ETIMEDOUT;
}

/* The monotonic time `ms` milliseconds from now. */
static struct timespec roster_deadline(long ms) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  t.tv_sec += ms / 1000;
  t.tv_nsec += (ms % 1000) * 1000000L;
  if (t.tv_nsec >= 1000000000L) {
    t.tv_sec++;
    t.tv_nsec -= 1000000000L;
  }
  return t;
}

wf_roster_status_t wf_roster_next(wf_roster_t *r, size_t *next, size_t size,
                                  long wait_ms, wf_strlist_t *group,
                                  wf_error_t *err) {
  struct timespec until = roster_deadline((wait_ms > 0) ? wait_ms : 0);
  const struct timespec *deadline = (wait_ms < 0) ? NULL : &until;
  wf_roster_status_t status = WF_ROSTER_WAIT;

  wf_strlist_clear(group);
  pthread_mutex_lock(&r->lock);
  for (;;) {
    size_t left = r->ids.count - *next;
    if (r->failed) {
      *err = r->err;
      status = WF_ROSTER_FAILED;
      break;
    }
    if (left >= size || (r->finished && left > 0)) {
      size_t take = (left < size) ? left : size;
      for (size_t i = 0; i < take; i++) {
        if (wf_strlist_add(group, r->ids.items[*next + i]) != 0) {
          wf_error_set(err, WF_ERR_NOMEM, "queryonjob", "out of memory");
          status = WF_ROSTER_FAILED;
          break;
        }
      }
      if (status != WF_ROSTER_FAILED) {
        *next += take;
        status = WF_ROSTER_GROUP;
      }
      break;
    }
    if (r->finished) {
      status = WF_ROSTER_END;
      break;
    }
    if (wait_ms == 0 || !roster_sleep(r, deadline))
      break;
  }
  pthread_mutex_unlock(&r->lock);
  return status;
}

int wf_roster_wait(wf_roster_t *r, int64_t counts[WF_HR_COUNT], size_t *ids,
                   wf_error_t *err) {
  pthread_mutex_lock(&r->lock);
  while (!r->finished)
    pthread_cond_wait(&r->changed, &r->lock);
  int status = r->failed ? -1 : 0;
  if (r->failed)
    *err = r->err;
  if (!r->failed && counts != NULL)
    memcpy(counts, r->counts, sizeof(r->counts));
  if (!r->failed && ids != NULL)
    *ids = r->ids.count;
  pthread_mutex_unlock(&r->lock);
  return status;
}
