/**
 * collectd-workforce - src/wf_cache.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_cache.h"

#include <string.h>

bool wf_cache_due(time_t read_at, time_t now) {
  return read_at == 0 || now - read_at >= WF_CACHE_REFRESH;
}

void wf_cache_set_leave_types(wf_cache_t *cache, wf_pairs_t *types,
                              time_t now) {
  wf_pairs_free(&cache->leave_types);
  cache->leave_types = *types;
  memset(types, 0, sizeof(*types));
  cache->leave_types_read = now;
}

int wf_cache_list_templates(wf_cache_t *cache, const wf_strlist_t *names,
                            time_t now) {
  for (size_t i = 0; i < names->count; i++)
    if (wf_seen_touch(&cache->templates, names->items[i], now) != 0)
      return -1;
  cache->templates_read = now;
  return 0;
}

int wf_cache_reports_today(wf_cache_t *cache, const wf_counts_t *today,
                           time_t now, wf_metrics_t *out) {
  for (size_t i = 0; i < today->count; i++)
    if (wf_seen_touch(&cache->templates, today->items[i].name, now) != 0)
      return -1;
  wf_seen_forget_before(&cache->templates,
                        now - (time_t)WF_TEMPLATE_MEMORY_DAYS *
                                  WF_SECONDS_PER_DAY);
  for (size_t i = 0; i < cache->templates.names.count; i++) {
    const char *name = cache->templates.names.items[i];
    if (wf_metrics_add_gauge(out, "reports_today", name,
                             (double)wf_counts_get(today, name)) != 0)
      return -1;
  }
  return 0;
}

int wf_cache_unreported(wf_cache_t *cache, const wf_strlist_t *ids,
                        wf_strlist_t *fresh) {
  for (size_t i = 0; i < ids->count; i++) {
    bool seen = false;
    for (size_t j = 0; j < cache->reported.count && !seen; j++)
      seen = strcmp(cache->reported.items[j], ids->items[i]) == 0;
    if (seen)
      continue;
    if (wf_strlist_add(&cache->reported, ids->items[i]) != 0 ||
        wf_strlist_add(fresh, ids->items[i]) != 0)
      return -1;
  }
  return 0;
}

void wf_cache_free(wf_cache_t *cache) {
  wf_pairs_free(&cache->leave_types);
  wf_seen_free(&cache->templates);
  wf_strlist_free(&cache->reported);
  memset(cache, 0, sizeof(*cache));
}
