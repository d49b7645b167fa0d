/**
 * collectd-workforce - src/wf_token.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_token.h"

#include <stdlib.h>
#include <string.h>

bool wf_token_usable(const wf_token_t *token, time_t now) {
  return token->value != NULL && now < token->refresh_at;
}

int wf_token_store(wf_token_t *token, const char *value, time_t now,
                   long expires_in) {
  wf_token_drop(token);
  if (value == NULL || value[0] == '\0' || expires_in <= 0)
    return -1;

  token->value = strdup(value);
  if (token->value == NULL)
    return -1;

  long margin = expires_in / 4;
  if (margin > WF_TOKEN_MAX_MARGIN)
    margin = WF_TOKEN_MAX_MARGIN;
  token->expires = now + (time_t)expires_in;
  token->refresh_at = token->expires - (time_t)margin;
  return 0;
}

void wf_token_drop(wf_token_t *token) {
  if (token->value != NULL) {
    explicit_bzero(token->value, strlen(token->value));
    free(token->value);
  }
  token->value = NULL;
  token->expires = 0;
  token->refresh_at = 0;
}
