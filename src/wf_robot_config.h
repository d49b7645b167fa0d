/**
 * collectd-workforce - src/wf_robot_config.h
 * SPDX-License-Identifier: MIT
 *
 * A <Robot "name"> block, read into plain data: what wf_robot.c needs to
 * start the robot, and what collectd-workforce-check reads to report the
 * same problems the plugin would. No thread, queue or network here.
 **/
#ifndef WF_ROBOT_CONFIG_H
#define WF_ROBOT_CONFIG_H

#include "wf_collectd.h"

#include "wf_robot_msg.h"

#include <stdbool.h>

/* Robot defaults. */
#define WF_ROBOT_DEFAULT_TIMEOUT_MS 10000L

typedef struct {
  char *name; /* the block's name: the robot's plugin instance */
  wf_robot_platform_t platform;
  char *url;        /* holds the robot's access token: never logged */
  char *secret;     /* signing secret, or NULL */
  int min_severity; /* NOTIF_FAILURE (1) .. NOTIF_OKAY (4) */
  bool all_plugins;
  long timeout_ms;
} wf_robot_config_t;

/* Reads a <Robot> block. Returns 0, or -1 after logging what is wrong;
 * `cfg` is then empty. */
int wf_robot_config_read(const oconfig_item_t *ci, wf_robot_config_t *cfg);

/* Releases what the configuration holds, the URL and secret wiped first. */
void wf_robot_config_free(wf_robot_config_t *cfg);

#endif /* WF_ROBOT_CONFIG_H */
