/**
 * collectd-workforce - tests/unit/unittest_metrics.h
 * SPDX-License-Identifier: MIT
 *
 * Reading the rows of a metric list (src/wf_metrics.h) in a test: a row
 * looked up by type and type instance fails the test when it is absent.
 **/
#ifndef UNITTEST_METRICS_H
#define UNITTEST_METRICS_H

#include "unittest.h"
#include "wf_metrics.h"

/* The row (type, instance) of `m`, failing the test when it is absent.
 * A NULL instance is "", as for wf_metrics_find. */
static inline const wf_metric_t *
unittest_metric(const wf_metrics_t *m, const char *type, const char *instance) {
  const wf_metric_t *r = wf_metrics_find(m, type, instance);
  if (r == NULL)
    fail_msg("no metric row %s/%s among %zu rows", type,
             (instance != NULL) ? instance : "", m->count);
  return r;
}

/* The value of the gauge row (type, instance) of `m`, failing the test
 * when the row is absent or is not a gauge. */
static inline double unittest_gauge(const wf_metrics_t *m, const char *type,
                                    const char *instance) {
  const wf_metric_t *r = unittest_metric(m, type, instance);
  assert_int_equal(r->kind, WF_GAUGE);
  return r->value.gauge;
}

/* The value of the derive row (type, instance) of `m`, failing the test
 * when the row is absent or is not a derive. */
static inline int64_t unittest_derive(const wf_metrics_t *m, const char *type,
                                      const char *instance) {
  const wf_metric_t *r = unittest_metric(m, type, instance);
  assert_int_equal(r->kind, WF_DERIVE);
  return r->value.derive;
}

#endif /* UNITTEST_METRICS_H */
