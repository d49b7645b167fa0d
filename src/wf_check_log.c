/**
 * collectd-workforce - src/wf_check_log.c
 * SPDX-License-Identifier: MIT
 *
 * collectd's plugin_log (src/daemon/plugin.c of collectd 5.12) for
 * collectd-workforce-check, which runs the plugin's configuration code
 * without the daemon (wf_check_daemon.c has the daemon's other functions
 * that code calls). plugin_log prints its line as "error: ..." or
 * "warning: ..." and counts it as a problem; wf_check.c reads the count.
 **/
#include "wf_collectd.h"

#include "wf_check.h"

#include <stdarg.h>
#include <stdio.h>

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
static void check_log_vlog(int level, const char *format, va_list ap) {
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
  check_log_vlog(level, format, ap);
  va_end(ap);
}

/* A problem the tool found itself, logged as the plugin's are. */
void wf_check_problem(int level, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  check_log_vlog(level, format, ap);
  va_end(ap);
}
