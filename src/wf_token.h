/**
 * collectd-workforce - src/wf_token.h
 * SPDX-License-Identifier: MIT
 *
 * The access token cache of one account. Pure logic: the caller passes the
 * current time in, so expiry is testable with a fake clock.
 **/
#ifndef WF_TOKEN_H
#define WF_TOKEN_H

#include <stdbool.h>
#include <time.h>

/* A token is used until `refresh_at`, shortly before it expires, so that a
 * request never carries a token that dies on the way. */
#define WF_TOKEN_MAX_MARGIN 300

typedef struct {
  char *value;
  time_t expires;
  time_t refresh_at;
} wf_token_t;

/* True when a token is held and `now` is before its refresh time. */
bool wf_token_usable(const wf_token_t *token, time_t now);

/* Stores a token the platform just issued, valid for `expires_in` seconds
 * from `now`. It is refreshed a quarter of its lifetime, at most
 * WF_TOKEN_MAX_MARGIN seconds, before it expires. Returns 0, or -1 when
 * `value` is empty, `expires_in` is not positive or memory ran out (the
 * cache is then empty). */
int wf_token_store(wf_token_t *token, const char *value, time_t now,
                   long expires_in);

/* Forgets the token, wiping its memory. */
void wf_token_drop(wf_token_t *token);

#endif /* WF_TOKEN_H */
