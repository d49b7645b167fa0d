/**
 * collectd-workforce - src/wf_config_parse.h
 * SPDX-License-Identifier: MIT
 *
 * From collectd's oconfig tree to wf_account_config_t. Separate from
 * wf_config.h because it needs collectd's oconfig types.
 **/
#ifndef WF_CONFIG_PARSE_H
#define WF_CONFIG_PARSE_H

#include "wf_config.h"

#include "liboconfig/oconfig.h"

/* Reads a <DingTalk "name"> block. Returns 0, or -1 after logging what is
 * wrong; `cfg` is then empty. */
int wf_config_dingtalk(const oconfig_item_t *block, wf_account_config_t *cfg);

/* Reads a <Feishu "name"> block, likewise. */
int wf_config_feishu(const oconfig_item_t *block, wf_account_config_t *cfg);

/* Logs a problem with a block ("<DingTalk \"acme\">: ...") or with one of
 * its options ("...: option \"Interval\": ..."); `option` may be NULL. */
void wf_config_error(const oconfig_item_t *block, const oconfig_item_t *option,
                     const char *format, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* WF_CONFIG_PARSE_H */
