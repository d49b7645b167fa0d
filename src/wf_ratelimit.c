/**
 * collectd-workforce - src/wf_ratelimit.c
 * SPDX-License-Identifier: MIT
 *
 * Buckets are kept in a short array searched linearly: an account calls a
 * dozen APIs at most, and one reservation costs far less than the HTTP
 * request it paces.
 **/
#include "wf_ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *key;
  int64_t next_slot;    /* the earliest time of the next call */
  int64_t paused_until; /* a throttling answer asked for quiet until then */
  /* When the last calls went out (wf_limiter_send): a ring of as many
   * times as the rate allows calls a second, `sent_next` the oldest. */
  int64_t *sent;
  size_t sent_size;
  size_t sent_count;
  size_t sent_next;
} rl_bucket_t;

struct wf_limiter_s {
  pthread_mutex_t lock;
  rl_bucket_t *buckets;
  size_t count;
};

wf_limiter_t *wf_limiter_create(void) {
  wf_limiter_t *limiter = calloc(1, sizeof(*limiter));
  if (limiter == NULL)
    return NULL;
  pthread_mutex_init(&limiter->lock, NULL);
  return limiter;
}

void wf_limiter_destroy(wf_limiter_t *limiter) {
  if (limiter == NULL)
    return;
  for (size_t i = 0; i < limiter->count; i++) {
    free(limiter->buckets[i].key);
    free(limiter->buckets[i].sent);
  }
  free(limiter->buckets);
  pthread_mutex_destroy(&limiter->lock);
  free(limiter);
}

/* The bucket of `key`, created empty when there is none; NULL without
 * memory. Called with the lock held. */
static rl_bucket_t *rl_bucket(wf_limiter_t *limiter, const char *key) {
  for (size_t i = 0; i < limiter->count; i++)
    if (strcmp(limiter->buckets[i].key, key) == 0)
      return &limiter->buckets[i];
  rl_bucket_t *tmp =
      realloc(limiter->buckets, (limiter->count + 1) * sizeof(*tmp));
  if (tmp == NULL)
    return NULL;
  limiter->buckets = tmp;
  rl_bucket_t *bucket = &limiter->buckets[limiter->count];
  memset(bucket, 0, sizeof(*bucket));
  bucket->key = strdup(key);
  if (bucket->key == NULL)
    return NULL;
  limiter->count++;
  return bucket;
}

int64_t wf_limiter_reserve(wf_limiter_t *limiter, const char *key, double rate,
                           int64_t now) {
  pthread_mutex_lock(&limiter->lock);
  rl_bucket_t *bucket = rl_bucket(limiter, key);
  int64_t at = -1;
  if (bucket != NULL) {
    at = now;
    if (at < bucket->next_slot)
      at = bucket->next_slot;
    if (at < bucket->paused_until)
      at = bucket->paused_until;
    /* The spacing, with the margin, rounded up: rounding never lets a
     * call through early. */
    double exact = (rate > 0) ? 1000.0 * WF_RATE_MARGIN / rate : 0;
    int64_t spacing = (int64_t)exact;
    if ((double)spacing < exact)
      spacing++;
    bucket->next_slot = at + spacing;
  }
  pthread_mutex_unlock(&limiter->lock);
  return at;
}

void wf_limiter_pause(wf_limiter_t *limiter, const char *key, int64_t until) {
  pthread_mutex_lock(&limiter->lock);
  rl_bucket_t *bucket = rl_bucket(limiter, key);
  if (bucket != NULL && bucket->paused_until < until)
    bucket->paused_until = until;
  pthread_mutex_unlock(&limiter->lock);
}

int64_t wf_limiter_paused_until(wf_limiter_t *limiter, const char *key) {
  int64_t until = 0;
  pthread_mutex_lock(&limiter->lock);
  for (size_t i = 0; i < limiter->count; i++)
    if (strcmp(limiter->buckets[i].key, key) == 0)
      until = limiter->buckets[i].paused_until;
  pthread_mutex_unlock(&limiter->lock);
  return until;
}

int64_t wf_limiter_send(wf_limiter_t *limiter, const char *key, double rate,
                        int64_t now) {
  if (!(rate >= 1))
    return 0;
  size_t allowed = (size_t)rate;
  int64_t window = (int64_t)(1000.0 * WF_RATE_MARGIN);
  int64_t at = 0;
  pthread_mutex_lock(&limiter->lock);
  rl_bucket_t *bucket = rl_bucket(limiter, key);
  if (bucket != NULL && bucket->sent_size != allowed) {
    int64_t *sent = calloc(allowed, sizeof(*sent));
    if (sent != NULL) {
      free(bucket->sent);
      *bucket = (rl_bucket_t){.key = bucket->key,
                              .next_slot = bucket->next_slot,
                              .paused_until = bucket->paused_until,
                              .sent = sent,
                              .sent_size = allowed};
    }
  }
  if (bucket != NULL && bucket->sent_size == allowed) {
    int64_t oldest = bucket->sent[bucket->sent_next];
    if (bucket->sent_count == allowed && now - oldest < window) {
      at = oldest + window;
    } else {
      bucket->sent[bucket->sent_next] = now;
      bucket->sent_next = (bucket->sent_next + 1) % allowed;
      if (bucket->sent_count < allowed)
        bucket->sent_count++;
    }
  }
  pthread_mutex_unlock(&limiter->lock);
  return at;
}
