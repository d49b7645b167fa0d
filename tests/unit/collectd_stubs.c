/**
 * collectd-workforce - tests/unit/collectd_stubs.c
 * SPDX-License-Identifier: MIT
 *
 * collectd's plugin_log for a test without the daemon: it keeps the
 * messages for the test to read. The daemon's other functions that
 * wf_config.c calls (cf_util_*, sstrerror) are those of
 * collectd-workforce-check, src/wf_check_daemon.c, which the test links;
 * unlike collectd's, they do not log themselves: every message a test
 * sees comes from the plugin. Set WF_TEST_VERBOSE in the environment to
 * also print the messages on stderr.
 **/
#include "wf_collectd.h"

#include "collectd_stubs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char messages[STUB_LOG_MAX][STUB_LOG_MESSAGE_SIZE];
static int levels[STUB_LOG_MAX];
static size_t message_count;

void stub_log_reset(void) {
  memset(messages, 0, sizeof(messages));
  message_count = 0;
}

size_t stub_log_count(void) { return message_count; }

const char *stub_log_message(size_t i) {
  return (i < message_count && i < STUB_LOG_MAX) ? messages[i] : "";
}

int stub_log_level(size_t i) {
  return (i < message_count && i < STUB_LOG_MAX) ? levels[i] : -1;
}

void plugin_log(int level, const char *format, ...) {
  char message[STUB_LOG_MESSAGE_SIZE];
  va_list ap;
  va_start(ap, format);
  vsnprintf(message, sizeof(message), format, ap);
  va_end(ap);

  if (message_count < STUB_LOG_MAX) {
    snprintf(messages[message_count], sizeof(messages[message_count]), "%s",
             message);
    levels[message_count] = level;
  }
  message_count++;
  if (getenv("WF_TEST_VERBOSE") != NULL)
    fprintf(stderr, "plugin_log(%d): %s\n", level, message);
}
