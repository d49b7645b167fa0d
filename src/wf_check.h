/**
 * collectd-workforce - src/wf_check.h
 * SPDX-License-Identifier: MIT
 *
 * collectd-workforce-check: reads collectd's configuration as the daemon
 * would and runs the <Plugin workforce> block through the plugin's own
 * configuration code. wf_check_daemon.c and wf_check_log.c stand in for
 * the few functions of collectd's daemon that code calls; this header is
 * how the tool's main program (wf_check.c) reads what was logged.
 **/
#ifndef WF_CHECK_H
#define WF_CHECK_H

#include <stdio.h>

/* Where log lines go: "error: ..." and "warning: ..." lines; info and
 * debug lines only when `verbose` is set. */
void wf_check_log_init(FILE *out, int verbose);

/* Errors and warnings logged so far: each one is a problem. */
int wf_check_log_problems(void);

/* Logs a problem found by the tool itself, as plugin_log would: `level`
 * is LOG_ERR or LOG_WARNING. */
void wf_check_problem(int level, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* WF_CHECK_H */
