/**
 * collectd-workforce - src/wf_check_daemon.c
 * SPDX-License-Identifier: MIT
 *
 * The functions of collectd's daemon that the plugin's configuration code
 * calls (src/daemon/plugin.c, configfile.c and utils/common/common.c of
 * collectd 5.12), for collectd-workforce-check, which runs that code
 * without the daemon. They keep the daemon's contracts; unlike the
 * daemon's cf_util_* they do not log themselves, so that each problem
 * gives one line: the plugin's own message. plugin_log prints its line
 * as "error: ..." or "warning: ..." and counts it as a problem.
 **/
#include "wf_collectd.h"

#include "wf_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static FILE *daemon_out;
static int daemon_verbose;
static int daemon_problems;

/* Chooses where log lines go and forgets the problems counted so far. */
void wf_check_log_init(FILE *out, int verbose) {
  daemon_out = out;
  daemon_verbose = verbose;
  daemon_problems = 0;
}

/* The errors and warnings logged since wf_check_log_init. */
int wf_check_log_problems(void) { return daemon_problems; }

/* Prints one log line with its severity in front. */
static void daemon_vlog(int level, const char *format, va_list ap) {
  const char *severity = (level <= LOG_ERR)       ? "error"
                         : (level == LOG_WARNING) ? "warning"
                         : (level == LOG_NOTICE)  ? "notice"
                         : (level == LOG_INFO)    ? "info"
                                                  : "debug";
  if (level <= LOG_WARNING)
    daemon_problems++;
  else if (!daemon_verbose)
    return;
  char message[1024];
  vsnprintf(message, sizeof(message), format, ap);
  fprintf((daemon_out != NULL) ? daemon_out : stdout, "%s: %s\n", severity,
          message);
}

/* As collectd: one log line at `level` (LOG_ERR, LOG_WARNING, ...). */
void plugin_log(int level, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  daemon_vlog(level, format, ap);
  va_end(ap);
}

/* A problem the tool found itself, logged as the plugin's are. */
void wf_check_problem(int level, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  daemon_vlog(level, format, ap);
  va_end(ap);
}

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
