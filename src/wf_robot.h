/**
 * collectd-workforce - src/wf_robot.h
 * SPDX-License-Identifier: MIT
 *
 * <Robot "name"> blocks: forward collectd notifications into a DingTalk or
 * Feishu group chat. Each robot is a notification callback that only
 * copies the notification into a bounded queue; a worker thread of its
 * own formats, signs, rate-limits (20 a minute) and posts it, with
 * retries. Sending never blocks collectd; what is dropped is counted in
 * robot_messages "dropped" and logged once per streak.
 **/
#ifndef WF_ROBOT_H
#define WF_ROBOT_H

#include "wf_collectd.h"

#include "wf_robot_config.h"

/* Registers the robot of a <Robot> block read by wf_robot_config_read
 * (src/wf_robot_config.c); the robot takes what `cfg` holds, and `cfg` is
 * empty afterwards. Returns 0, or -1 after logging what is wrong. */
int wf_robot_create(const oconfig_item_t *ci, wf_robot_config_t *cfg);

/* Starts the workers of every configured robot (from the init callback). */
int wf_robot_start_all(void);

/* Stops the workers and frees the robots (from the shutdown callback). */
void wf_robot_stop_all(void);

#endif /* WF_ROBOT_H */
