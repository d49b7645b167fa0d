/**
 * collectd-workforce - src/wf_common.h
 * SPDX-License-Identifier: MIT
 *
 * Definitions shared by every module, with no dependency on collectd,
 * libcurl or json-c.
 **/
#ifndef WF_COMMON_H
#define WF_COMMON_H

#include <stddef.h>

/* Functions that are private to a module but reached by the unit tests are
 * declared UNITTEST: static in the plugin, visible in the test build. */
#ifdef WF_UNIT_TEST
#define UNITTEST
#else
#define UNITTEST static
#endif

#define WF_PLUGIN_NAME "workforce"

/* Every log line starts with this prefix, as in collectd's own plugins. */
#define WF_LOG_PREFIX WF_PLUGIN_NAME " plugin: "

/* collectd's identifier parts (plugin instance, type instance) hold at most
 * DATA_MAX_NAME_LEN - 1 bytes; DATA_MAX_NAME_LEN is 128 in collectd 5. */
#define WF_NAME_LEN 128

#define WF_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* WF_COMMON_H */
