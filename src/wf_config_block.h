/**
 * collectd-workforce - src/wf_config_block.h
 * SPDX-License-Identifier: MIT
 *
 * The <Plugin workforce> block as a whole: which child is an account,
 * which a robot, and the names they take. The plugin (workforce.c) and
 * collectd-workforce-check both read the block through this module, so
 * that the check reports, word for word, what the plugin would log.
 *
 * Accounts and robots share one set of names: each becomes collectd's
 * plugin instance, and two blocks of one name would mix their values.
 **/
#ifndef WF_CONFIG_BLOCK_H
#define WF_CONFIG_BLOCK_H

#include "wf_config.h"
#include "wf_robot_config.h"
#include "wf_strlist.h"

#include "liboconfig/oconfig.h"

/* The names taken so far, over every <Plugin workforce> block. */
typedef struct {
  wf_strlist_t names;
  wf_strlist_t keys; /* the key of the block that took each name */
} wf_config_names_t;

/* What becomes of the blocks read without a problem. */
typedef struct {
  /* Takes an account whose name is taken already; `cfg` belongs to the
   * callee afterwards. Returns 0, or -1 after logging why the account
   * cannot be set up. */
  int (*account)(const oconfig_item_t *block, wf_account_config_t *cfg,
                 void *arg);
  /* Takes a robot, likewise. */
  int (*robot)(const oconfig_item_t *block, wf_robot_config_t *cfg, void *arg);
  void *arg;
} wf_config_block_ops_t;

/* What a block held; wf_config_block adds to it. */
typedef struct {
  int accounts; /* accounts handed over and taken */
  int robots;   /* robots likewise */
  int errors;   /* blocks or options refused */
} wf_config_block_counts_t;

/* Reads the children of one <Plugin workforce> block: <DingTalk>,
 * <Feishu> and <Robot> blocks, anything else refused. Each problem is
 * logged; a broken block never stops the others. */
void wf_config_block(const oconfig_item_t *ci, wf_config_names_t *names,
                     const wf_config_block_ops_t *ops,
                     wf_config_block_counts_t *counts);

/* Takes `name` for `block` (an account or a <Robot>), refusing, with a
 * message naming both, a name an earlier block took. Returns 0, or -1
 * after logging. */
int wf_config_names_take(wf_config_names_t *names, const oconfig_item_t *block,
                         const char *name);

/* Forgets every name. */
void wf_config_names_free(wf_config_names_t *names);

#endif /* WF_CONFIG_BLOCK_H */
