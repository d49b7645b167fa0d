/**
 * collectd-workforce - tests/unit/collectd_stubs.h
 * SPDX-License-Identifier: MIT
 *
 * A stand-in for collectd's plugin_log that keeps what was logged, and
 * access to it, so tests can read the messages (collectd_stubs.c; the
 * daemon's other functions come from src/wf_check_daemon.c).
 **/
#ifndef COLLECTD_STUBS_H
#define COLLECTD_STUBS_H

#include <stddef.h>

/* Messages kept at most; later ones are counted but not kept. */
#define STUB_LOG_MAX 32
#define STUB_LOG_MESSAGE_SIZE 1024

/* Forgets every logged message. */
void stub_log_reset(void);

/* Number of plugin_log calls since the last reset. */
size_t stub_log_count(void);

/* The i-th message and its severity (LOG_ERR, ...); "" and -1 past the
 * kept ones. */
const char *stub_log_message(size_t i);
int stub_log_level(size_t i);

#endif /* COLLECTD_STUBS_H */
