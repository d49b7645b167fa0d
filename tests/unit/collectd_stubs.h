/**
 * collectd-workforce - tests/unit/collectd_stubs.h
 * SPDX-License-Identifier: MIT
 *
 * Stand-ins for the collectd functions the configuration module calls
 * (plugin_log, cf_util_get_string, cf_util_get_boolean, sstrerror), and
 * access to what was logged, so tests can read the messages.
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
