/**
 * collectd-workforce - src/wf_dispatch.h
 * SPDX-License-Identifier: MIT
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

/* A number attached to a notification as meta data. */
typedef struct {
  const char *name;
  double value;
} wf_notification_meta_t;

/* Dispatches a notification as plugin "workforce", plugin instance
 * `account`. `severity` is NOTIF_OKAY, NOTIF_WARNING or NOTIF_FAILURE.
 * Returns 0 or -1. */
int wf_dispatch_notification(const char *account, int severity,
                             const char *type, const char *type_instance,
                             const char *message,
                             const wf_notification_meta_t *meta,
                             size_t meta_count, cdtime_t time);

#endif /* WF_DISPATCH_H */
