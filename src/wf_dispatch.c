/**
 * collectd-workforce - src/wf_dispatch.c
 * SPDX-License-Identifier: MIT
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

int wf_dispatch_notification(const char *account, int severity,
                             const char *type, const char *type_instance,
                             const char *message,
                             const wf_notification_meta_t *meta,
                             size_t meta_count, cdtime_t time) {
  notification_t n = {.severity = severity, .time = time};

  sstrncpy(n.message, message, sizeof(n.message));
  sstrncpy(n.host, hostname_g, sizeof(n.host));
  sstrncpy(n.plugin, WF_PLUGIN_NAME, sizeof(n.plugin));
  sstrncpy(n.plugin_instance, account, sizeof(n.plugin_instance));
  sstrncpy(n.type, type, sizeof(n.type));
  sstrncpy(n.type_instance, (type_instance != NULL) ? type_instance : "",
           sizeof(n.type_instance));
  for (size_t i = 0; i < meta_count; i++)
    plugin_notification_meta_add_double(&n, meta[i].name, meta[i].value);

  int status = plugin_dispatch_notification(&n);
  if (n.meta != NULL)
    plugin_notification_meta_free(n.meta);
  return status;
}
