/**
 * collectd-workforce - src/wf_robot_config.c
 * SPDX-License-Identifier: MIT
 *
 * Reads a <Robot "name"> block. Every problem is logged with the block and
 * the option; the URL, which holds the robot's token, is never logged.
 **/
#include "wf_robot_config.h"

#include "wf_common.h"
#include "wf_config_parse.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Reads the options of a <Robot> block into `cfg`. */
static int rc_options(const oconfig_item_t *ci, wf_robot_config_t *cfg) {
  char *platform = NULL;
  char *severity = NULL;
  int status = 0;

  for (int i = 0; status == 0 && i < ci->children_num; i++) {
    const oconfig_item_t *child = &ci->children[i];
    double seconds = 0;
    if (strcasecmp("Platform", child->key) == 0) {
      status = cf_util_get_string(child, &platform);
    } else if (strcasecmp("URL", child->key) == 0) {
      status = cf_util_get_string(child, &cfg->url);
    } else if (strcasecmp("Secret", child->key) == 0) {
      status = cf_util_get_string(child, &cfg->secret);
    } else if (strcasecmp("MinSeverity", child->key) == 0) {
      status = cf_util_get_string(child, &severity);
    } else if (strcasecmp("AllPlugins", child->key) == 0) {
      status = cf_util_get_boolean(child, &cfg->all_plugins);
    } else if (strcasecmp("Timeout", child->key) == 0) {
      status = cf_util_get_double(child, &seconds);
      if (status == 0 && !(seconds > 0 && seconds <= 600))
        status = -1;
      cfg->timeout_ms = (long)(seconds * 1000);
    } else {
      wf_config_error(ci, NULL, "option \"%s\": unknown option", child->key);
      status = -1;
      break;
    }
    if (status != 0)
      wf_config_error(ci, NULL, "option \"%s\": invalid value", child->key);
  }

  if (status == 0 && platform == NULL) {
    wf_config_error(ci, NULL,
                    "Platform is missing (\"dingtalk\" or \"feishu\")");
    status = -1;
  } else if (status == 0 && strcasecmp(platform, "dingtalk") == 0) {
    cfg->platform = WF_ROBOT_DINGTALK;
  } else if (status == 0 && strcasecmp(platform, "feishu") == 0) {
    cfg->platform = WF_ROBOT_FEISHU;
  } else if (status == 0) {
    wf_config_error(ci, NULL,
                    "option \"Platform\": \"%s\" is neither \"dingtalk\" nor "
                    "\"feishu\"",
                    platform);
    status = -1;
  }
  if (status == 0 &&
      (cfg->url == NULL || (strncasecmp(cfg->url, "https://", 8) != 0 &&
                            strncasecmp(cfg->url, "http://", 7) != 0))) {
    /* The URL holds the token: name the option, never the value. */
    wf_config_error(ci, NULL, "option \"URL\": missing, or not an http(s) URL");
    status = -1;
  }
  if (status == 0 && severity != NULL) {
    if (strcasecmp(severity, "okay") == 0)
      cfg->min_severity = NOTIF_OKAY;
    else if (strcasecmp(severity, "warning") == 0)
      cfg->min_severity = NOTIF_WARNING;
    else if (strcasecmp(severity, "failure") == 0)
      cfg->min_severity = NOTIF_FAILURE;
    else {
      wf_config_error(ci, NULL,
                      "option \"MinSeverity\": \"%s\" is not okay, warning "
                      "or failure",
                      severity);
      status = -1;
    }
  }
  free(platform);
  free(severity);
  return status;
}

int wf_robot_config_read(const oconfig_item_t *ci, wf_robot_config_t *cfg) {
  memset(cfg, 0, sizeof(*cfg));
  if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_STRING ||
      ci->values[0].value.string[0] == '\0' ||
      strchr(ci->values[0].value.string, '/') != NULL) {
    ERROR(WF_LOG_PREFIX "<Robot> blocks take exactly one string argument, "
                        "the robot's name (without '/')");
    return -1;
  }
  cfg->min_severity = NOTIF_WARNING;
  cfg->timeout_ms = WF_ROBOT_DEFAULT_TIMEOUT_MS;
  cfg->name = strdup(ci->values[0].value.string);
  if (cfg->name == NULL || rc_options(ci, cfg) != 0) {
    wf_robot_config_free(cfg);
    return -1;
  }
  /* An empty Secret is no secret: messages go unsigned. */
  if (cfg->secret != NULL && cfg->secret[0] == '\0') {
    free(cfg->secret);
    cfg->secret = NULL;
  }
  return 0;
}

void wf_robot_config_free(wf_robot_config_t *cfg) {
  if (cfg->secret != NULL)
    explicit_bzero(cfg->secret, strlen(cfg->secret));
  if (cfg->url != NULL)
    explicit_bzero(cfg->url, strlen(cfg->url));
  free(cfg->name);
  free(cfg->url);
  free(cfg->secret);
  memset(cfg, 0, sizeof(*cfg));
}
