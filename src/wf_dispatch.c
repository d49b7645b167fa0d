/**
 * collectd-workforce - src/wf_dispatch.c
 **/
#include "wf_dispatch.h"

#include "wf_common.h"

int wf_dispatch_metrics(const char *account, const wf_metrics_t *m,
                        cdtime_t time, cdtime_t interval) {
  int refused = 0;

  for (size_t i = 0; i < m->count; i++) {
    const wf_metric_t *row = &m->rows[i];
    value_list_t vl = VALUE_LIST_INIT;
    value_t value;

    if (row->kind == WF_DERIVE)
      value.derive = (derive_t)row->value.derive;
    else
      value.gauge = (gauge_t)row->value.gauge;
    vl.values = &value;
    vl.values_len = 1;
    vl.time = time;
    vl.interval = interval;
    sstrncpy(vl.plugin, WF_PLUGIN_NAME, sizeof(vl.plugin));
    sstrncpy(vl.plugin_instance, account, sizeof(vl.plugin_instance));
    sstrncpy(vl.type, row->type, sizeof(vl.type));
    sstrncpy(vl.type_instance, row->instance, sizeof(vl.type_instance));

    if (plugin_dispatch_values(&vl) != 0)
      refused++;
  }
  return refused;
}
