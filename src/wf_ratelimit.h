/**
 * collectd-workforce - src/wf_ratelimit.h
 * SPDX-License-Identifier: MIT
 *
 * The platforms' rate limits, in one place. A limiter is a table of token
 * buckets, one per key: an API of one app ("listRecord"), or a host over
 * every account ("ip oapi.dingtalk.com"). Before each call the client
 * reserves a slot in every bucket the call passes through and waits until
 * the latest of them; a throttling answer pauses a bucket until the time
 * the platform named. Buckets hold one token: calls are spaced evenly at
 * the rate, so that no window of one second (or of 20 s for the per-IP
 * ceiling) ever holds more calls than the platform allows.
 *
 * A call may still go out later than its slot (a busy machine wakes the
 * thread late) and then close to calls whose slots came after it. Each
 * API's bucket therefore also remembers when its last calls really went
 * out (wf_limiter_send), and holds a call back while a second, with the
 * margin, already holds as many as the rate allows.
 *
 * Times are milliseconds of a monotonic clock, passed in. A limiter may be
 * shared by threads: every call takes its lock.
 **/
#ifndef WF_RATELIMIT_H
#define WF_RATELIMIT_H

#include <stdint.h>

/* Calls are spaced 5 % further apart than the rate alone asks. The
 * platform counts calls as they arrive, and a call that reaches it a few
 * milliseconds late lets the next one arrive early: with calls spaced
 * exactly at the rate, any such jitter puts 21 calls into some second. */
#define WF_RATE_MARGIN 1.05

typedef struct wf_limiter_s wf_limiter_t;

/* Creates an empty limiter. Returns NULL without memory. */
wf_limiter_t *wf_limiter_create(void);

/* Releases a limiter and its buckets. */
void wf_limiter_destroy(wf_limiter_t *limiter);

/* Reserves the next slot of bucket `key`, which lets `rate` calls a second
 * through, for a call wanted at `now`. Returns the time the call may go
 * (`now` or later), or -1 without memory. The slot is taken: the next
 * reservation of the key comes 1000 / rate ms (and the margin) after it. */
int64_t wf_limiter_reserve(wf_limiter_t *limiter, const char *key, double rate,
                           int64_t now);

/* Pauses bucket `key` until `until`: no slot is given out before then.
 * A shorter pause than one already in force changes nothing. */
void wf_limiter_pause(wf_limiter_t *limiter, const char *key, int64_t until);

/* The time before which bucket `key` gives out no slot (0: none). */
int64_t wf_limiter_paused_until(wf_limiter_t *limiter, const char *key);

/* A call of bucket `key`, whose platform allows `rate` calls a second, is
 * about to go out at `now`. Returns 0 and records it when fewer than
 * `rate` (rounded down) calls went out in the second, with the margin,
 * before `now`; otherwise records nothing and returns the time it may
 * go. A rate under one a second is left to the spacing alone. Returns 0
 * without memory, when nothing can be remembered. */
int64_t wf_limiter_send(wf_limiter_t *limiter, const char *key, double rate,
                        int64_t now);

#endif /* WF_RATELIMIT_H */
