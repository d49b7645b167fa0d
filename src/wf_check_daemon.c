/**
 * collectd-workforce - src/wf_check_daemon.c
 * SPDX-License-Identifier: MIT
 *
 * The functions of collectd's daemon that the plugin's configuration code
 * calls to read its options (src/daemon/configfile.c and
 * utils/common/common.c of collectd 5.12), for the programs that run that
 * code without the daemon: collectd-workforce-check, whose plugin_log is
 * in wf_check_log.c, and the unit tests, whose plugin_log keeps the lines
 * for their assertions (tests/unit/collectd_stubs.c). They keep the
 * daemon's contracts; unlike the daemon's cf_util_* they do not log
 * themselves, so that each problem gives one line: the plugin's own
 * message.
 **/
#include "wf_collectd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* As collectd: exactly one string argument, copied; the old value is
 * freed. */
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

/* As collectd: exactly one number argument. */
int cf_util_get_double(const oconfig_item_t *ci, double *ret_value) {
  if (ci == NULL || ret_value == NULL)
    return EINVAL;
  if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_NUMBER)
    return -1;
  *ret_value = ci->values[0].value.number;
  return 0;
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
