/**
 * collectd-workforce - tests/unit/script.h
 * SPDX-License-Identifier: MIT
 *
 * A scripted transport for the HTTP layer: the exchanges of one test,
 * read from tests/data/scripts/<name>, are played in order to the
 * requests the client makes. Each request must match the next exchange
 * (cmocka fails the test when it does not), and the test checks at the
 * end that every exchange was played. The format is described in
 * script.c and in tests/data/scripts/README.
 **/
#ifndef SCRIPT_H
#define SCRIPT_H

#include "wf_http.h"

#include <stddef.h>

/* How long an exchange takes when its script does not say, in
 * milliseconds of the test's clock. */
#define SCRIPT_DEFAULT_TAKES_MS 200

/* Moves the test's clock on by `milliseconds`: the time an exchange took. */
typedef void (*script_elapse_fn)(long milliseconds);

typedef struct script_s script_t;

/* Reads tests/data/scripts/<name>. `timeout_ms` is the client's timeout:
 * an exchange that takes longer ends as a timeout once it has passed.
 * Fails the test when the file cannot be read or is not a script. */
script_t *script_load(const char *name, long timeout_ms,
                      script_elapse_fn elapse);

/* Releases a script. NULL is ignored. */
void script_free(script_t *script);

/* The transport (wf_http_transport_fn) playing `arg`, a script_t. */
wf_http_result_t script_transport(void *arg, const char *method,
                                  const char *url, const char *const *headers,
                                  const char *body,
                                  wf_http_response_t *response);

/* Exchanges played so far. */
size_t script_played(const script_t *script);

/* Fails the test unless every exchange of the script was played. */
void script_assert_done(const script_t *script);

#endif /* SCRIPT_H */
