/**
 * collectd-workforce - src/wf_config_block.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_collectd.h"

#include "wf_common.h"
#include "wf_config_block.h"
#include "wf_config_parse.h"

#include <strings.h>

/* True for the key of a <Robot> block. */
static bool cb_is_robot(const char *key) {
  return strcasecmp(key, "Robot") == 0;
}

int wf_config_names_take(wf_config_names_t *names, const oconfig_item_t *block,
                         const char *name) {
  for (size_t i = 0; i < names->names.count; i++) {
    if (strcmp(names->names.items[i], name) != 0)
      continue;
    const char *earlier = names->keys.items[i];
    bool robot = cb_is_robot(block->key);
    if (!robot && !cb_is_robot(earlier))
      ERROR(WF_LOG_PREFIX "<%s \"%s\">: an account with this name is already "
                          "configured; each block needs its own name",
            block->key, name);
    else if (robot && cb_is_robot(earlier))
      wf_config_error(block, NULL,
                      "a robot with this name is already "
                      "configured");
    else
      wf_config_error(block, NULL,
                      "<%s \"%s\"> has this name already: an account and a "
                      "robot of one name would share a plugin instance; give "
                      "each its own name",
                      earlier, name);
    return -1;
  }
  if (wf_strlist_add(&names->names, name) != 0 ||
      wf_strlist_add(&names->keys, block->key) != 0) {
    ERROR(WF_LOG_PREFIX "<%s \"%s\">: out of memory", block->key, name);
    return -1;
  }
  return 0;
}

void wf_config_names_free(wf_config_names_t *names) {
  wf_strlist_free(&names->names);
  wf_strlist_free(&names->keys);
}

/* Reads a <DingTalk> or <Feishu> block, takes its name and hands it
 * over. */
static int cb_account(const oconfig_item_t *child, wf_config_names_t *names,
                      const wf_config_block_ops_t *ops) {
  wf_account_config_t cfg;
  int parsed = (strcasecmp("DingTalk", child->key) == 0)
                   ? wf_config_dingtalk(child, &cfg)
                   : wf_config_feishu(child, &cfg);
  if (parsed != 0)
    return -1;
  if (wf_config_names_take(names, child, cfg.name) != 0) {
    wf_account_config_free(&cfg);
    return -1;
  }
  return ops->account(child, &cfg, ops->arg);
}

/* Reads a <Robot> block, takes its name and hands it over. */
static int cb_robot(const oconfig_item_t *child, wf_config_names_t *names,
                    const wf_config_block_ops_t *ops) {
  wf_robot_config_t cfg;
  if (wf_robot_config_read(child, &cfg) != 0)
    return -1;
  if (wf_config_names_take(names, child, cfg.name) != 0) {
    wf_robot_config_free(&cfg);
    return -1;
  }
  return ops->robot(child, &cfg, ops->arg);
}

void wf_config_block(const oconfig_item_t *ci, wf_config_names_t *names,
                     const wf_config_block_ops_t *ops,
                     wf_config_block_counts_t *counts) {
  for (int i = 0; i < ci->children_num; i++) {
    const oconfig_item_t *child = &ci->children[i];
    if (strcasecmp("DingTalk", child->key) == 0 ||
        strcasecmp("Feishu", child->key) == 0) {
      if (cb_account(child, names, ops) == 0)
        counts->accounts++;
      else
        counts->errors++;
    } else if (cb_is_robot(child->key)) {
      if (cb_robot(child, names, ops) == 0)
        counts->robots++;
      else
        counts->errors++;
    } else {
      ERROR(WF_LOG_PREFIX "unknown option or block \"%s\" in <Plugin "
                          "workforce>",
            child->key);
      counts->errors++;
    }
  }
}
