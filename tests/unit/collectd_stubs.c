/**
 * collectd-workforce - tests/unit/collectd_stubs.c
 * SPDX-License-Identifier: MIT
 *
 * The collectd functions wf_config.c needs, for a test without the daemon.
 * They keep collectd's contracts (src/daemon/configfile.c and
 * src/utils/common/common.c of collectd 5.12) but do not log themselves:
 * every message a test sees comes from the plugin. Set WF_TEST_VERBOSE in
 * the environment to also print the messages on stderr.
 **/
#include "wf_collectd.h"

#include "collectd_stubs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* As collectd: one string argument, copied; the old value is freed. */
int cf_util_get_string(const oconfig_item_t *ci, char **ret_string) {
  if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_STRING)
    return -1;
  char *string = strdup(ci->values[0].value.string);
  if (string == NULL)
    return -1;
  free(*ret_string);
  *ret_string = string;
  return 0;
}

/* As collectd: a boolean, or a string collectd reads as one ("yes",
 * "off", ...); `ret_bool` is untouched on failure. */
int cf_util_get_boolean(const oconfig_item_t *ci, bool *ret_bool) {
  if (ci == NULL || ret_bool == NULL)
    return EINVAL;
  if (ci->values_num != 1 || (ci->values[0].type != OCONFIG_TYPE_BOOLEAN &&
                              ci->values[0].type != OCONFIG_TYPE_STRING))
    return -1;
  if (ci->values[0].type == OCONFIG_TYPE_BOOLEAN) {
    *ret_bool = ci->values[0].value.boolean ? true : false;
    return 0;
  }
  if (IS_TRUE(ci->values[0].value.string)) {
    *ret_bool = true;
    return 0;
  }
  if (IS_FALSE(ci->values[0].value.string)) {
    *ret_bool = false;
    return 0;
  }
  return -1;
}

/* As collectd: the description of `errnum` in `buf`, thread-safely. */
char *sstrerror(int errnum, char *buf, size_t buflen) {
  if (buf == NULL || buflen == 0)
    return NULL;
  /* With _GNU_SOURCE, strerror_r may return a static string instead of
   * filling `buf`. */
  const char *text = strerror_r(errnum, buf, buflen);
  if (text != buf)
    snprintf(buf, buflen, "%s", text);
  return buf;
}
