/**
 * collectd-workforce - src/wf_dispatch.h
 *
 * The only module that hands values to collectd.
 **/
#ifndef WF_DISPATCH_H
#define WF_DISPATCH_H

#include "wf_collectd.h"
#include "wf_metrics.h"

/* Dispatches every row of `m` as plugin "workforce", plugin instance
 * `account`, at `time` with `interval`. Returns the number of rows collectd
 * refused (0 when all went through). */
int wf_dispatch_metrics(const char *account, const wf_metrics_t *m,
                        cdtime_t time, cdtime_t interval);

#endif /* WF_DISPATCH_H */
