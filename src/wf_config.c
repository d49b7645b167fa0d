/**
 * collectd-workforce - src/wf_config.c
 * SPDX-License-Identifier: MIT
 *
 * Reads one <DingTalk "name"> block into a wf_account_config_t. Every
 * problem is logged with the block, the option and what is wrong, and the
 * whole block is refused: an account never runs half-configured.
 **/
#include "wf_collectd.h"

#include "wf_common.h"
#include "wf_config.h"
#include "wf_config_parse.h"
#include "wf_metrics.h"
#include "wf_planner.h"
#include "wf_time.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>

static const char *const collector_names[WF_COLLECTOR_COUNT] = {
    "departures", "headcount",     "attendance", "leave",
    "reports",    "announcements", "signins",    "leave_expiry"};

const char *wf_collector_name(wf_collector_t collector) {
  for (int i = 0; i < WF_COLLECTOR_COUNT; i++)
    if (collector == (1u << i))
      return collector_names[i];
  return NULL;
}

/* Logs a problem with a block or one of its options at `level`. */
static void config_vlog(int level, const oconfig_item_t *block,
                        const oconfig_item_t *option, const char *format,
                        va_list ap) {
  char message[512];
  vsnprintf(message, sizeof(message), format, ap);
  const char *name =
      (block->values_num > 0 && block->values[0].type == OCONFIG_TYPE_STRING)
          ? block->values[0].value.string
          : "";
  if (option != NULL)
    plugin_log(level, WF_LOG_PREFIX "<%s \"%s\">: option \"%s\": %s",
               block->key, name, option->key, message);
  else
    plugin_log(level, WF_LOG_PREFIX "<%s \"%s\">: %s", block->key, name,
               message);
}

void wf_config_error(const oconfig_item_t *block, const oconfig_item_t *option,
                     const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  config_vlog(LOG_ERR, block, option, format, ap);
  va_end(ap);
}

/* Logs a warning about an option: the block still loads. */
__attribute__((format(printf, 3, 4))) static void
config_warning(const oconfig_item_t *block, const char *option,
               const char *format, ...) {
  oconfig_item_t fake = {.key = (char *)option};
  va_list ap;
  va_start(ap, format);
  config_vlog(LOG_WARNING, block, &fake, format, ap);
  va_end(ap);
}

/* True when group or others may read the file at `path`: a secret there
 * is not the account's alone (ssh refuses such private keys). */
static bool config_secret_exposed(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

/* Reads an option with exactly one string argument. */
static int config_get_string(const oconfig_item_t *block,
                             const oconfig_item_t *ci, char **out) {
  if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_STRING) {
    wf_config_error(block, ci, "takes exactly one string argument");
    return -1;
  }
  if (cf_util_get_string(ci, out) != 0) {
    wf_config_error(block, ci, "could not be read");
    return -1;
  }
  return 0;
}

/* Reads an option with one number argument, between min and max. */
static int config_get_number(const oconfig_item_t *block,
                             const oconfig_item_t *ci, double min, double max,
                             double *out) {
  if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_NUMBER) {
    wf_config_error(block, ci, "takes exactly one number argument");
    return -1;
  }
  double value = ci->values[0].value.number;
  if (!(value >= min && value <= max)) {
    wf_config_error(block, ci, "%g is out of range (%g to %g)", value, min,
                    max);
    return -1;
  }
  *out = value;
  return 0;
}

/* Reads an option with one boolean argument. */
static int config_get_boolean(const oconfig_item_t *block,
                              const oconfig_item_t *ci, bool *out) {
  if (cf_util_get_boolean(ci, out) != 0) {
    wf_config_error(block, ci, "takes exactly one boolean argument");
    return -1;
  }
  return 0;
}

/* Appends every string argument of a list option (Collect, UserID, ...). */
static int config_get_list(const oconfig_item_t *block,
                           const oconfig_item_t *ci, wf_strlist_t *list) {
  if (ci->values_num < 1) {
    wf_config_error(block, ci, "takes one or more string arguments");
    return -1;
  }
  for (int i = 0; i < ci->values_num; i++) {
    if (ci->values[i].type != OCONFIG_TYPE_STRING ||
        ci->values[i].value.string[0] == '\0') {
      wf_config_error(block, ci, "argument %d is not a non-empty string",
                      i + 1);
      return -1;
    }
    if (wf_strlist_add(list, ci->values[i].value.string) != 0) {
      wf_config_error(block, ci, "out of memory");
      return -1;
    }
  }
  return 0;
}

/* Appends the (code, name) of a pair option (LeaveType, ReportReader). */
static int config_get_pair(const oconfig_item_t *block,
                           const oconfig_item_t *ci, wf_pairs_t *pairs) {
  if (ci->values_num != 2 || ci->values[0].type != OCONFIG_TYPE_STRING ||
      ci->values[1].type != OCONFIG_TYPE_STRING ||
      ci->values[0].value.string[0] == '\0' ||
      ci->values[1].value.string[0] == '\0') {
    wf_config_error(block, ci,
                    "takes exactly two non-empty strings: the id and its name");
    return -1;
  }
  char name[WF_NAME_LEN];
  wf_instance_name(ci->values[1].value.string, name, sizeof(name));
  if (strcmp(name, ci->values[1].value.string) != 0) {
    wf_config_error(block, ci,
                    "name \"%s\" must be lower case, without '/' and at most "
                    "%d bytes",
                    ci->values[1].value.string, WF_NAME_LEN - 1);
    return -1;
  }
  if (wf_pairs_add(pairs, ci->values[0].value.string,
                   ci->values[1].value.string) != 0) {
    wf_config_error(block, ci, "out of memory");
    return -1;
  }
  return 0;
}

/* Reads the secret from AppSecretFile: the file's first line, without the
 * line end. The file is expected to be readable by collectd only. */
UNITTEST int wf_read_secret_file(const char *path, char **secret, char *error,
                                 size_t error_size) {
  FILE *fh = fopen(path, "r");
  if (fh == NULL) {
    char errbuf[256];
    snprintf(error, error_size, "cannot open \"%s\": %s", path,
             sstrerror(errno, errbuf, sizeof(errbuf)));
    return -1;
  }
  char buffer[4096];
  size_t n = fread(buffer, 1, sizeof(buffer) - 1, fh);
  fclose(fh);
  buffer[n] = '\0';
  buffer[strcspn(buffer, "\r\n")] = '\0';
  size_t len = strlen(buffer);
  while (len > 0 && (buffer[len - 1] == ' ' || buffer[len - 1] == '\t'))
    buffer[--len] = '\0';
  if (len == 0) {
    snprintf(error, error_size, "\"%s\" holds no secret", path);
    explicit_bzero(buffer, sizeof(buffer));
    return -1;
  }
  *secret = strdup(buffer);
  explicit_bzero(buffer, sizeof(buffer));
  if (*secret == NULL) {
    snprintf(error, error_size, "out of memory");
    return -1;
  }
  return 0;
}

/* Reads the Collect option into collector bits. */
static int config_get_collect(const oconfig_item_t *block,
                              const oconfig_item_t *ci, unsigned *collect) {
  wf_strlist_t names = {0};
  int status = config_get_list(block, ci, &names);
  for (size_t i = 0; status == 0 && i < names.count; i++) {
    int found = -1;
    for (int bit = 0; bit < WF_COLLECTOR_COUNT; bit++)
      if (strcasecmp(names.items[i], collector_names[bit]) == 0)
        found = bit;
    if (found < 0) {
      wf_config_error(block, ci, "unknown collector \"%s\"", names.items[i]);
      status = -1;
    } else {
      *collect |= 1u << found;
    }
  }
  wf_strlist_free(&names);
  return status;
}

/* Checks that a URL option names an http or https base. */
static int config_check_url(const oconfig_item_t *block, const char *option,
                            const char *url) {
  if (strncasecmp(url, "http://", 7) != 0 &&
      strncasecmp(url, "https://", 8) != 0) {
    oconfig_item_t fake = {.key = (char *)option};
    wf_config_error(block, &fake, "\"%s\" is not an http:// or https:// URL",
                    url);
    return -1;
  }
  return 0;
}

/* Removes trailing slashes, so that paths can be appended. */
static void config_trim_slashes(char *url) {
  size_t len = strlen(url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';
}

/* Collectors each platform offers in this version, and the ones polled
 * when Collect is absent: on DingTalk those that do not count against the
 * monthly call quota, and attendance, which the quota planner paces to
 * fit MonthlyQuota. */
#define WF_DINGTALK_AVAILABLE                                                  \
  (WF_COLLECT_DEPARTURES | WF_COLLECT_HEADCOUNT | WF_COLLECT_ATTENDANCE |      \
   WF_COLLECT_SIGNINS | WF_COLLECT_LEAVE | WF_COLLECT_REPORTS |                \
   WF_COLLECT_ANNOUNCEMENTS)
#define WF_DINGTALK_DEFAULT                                                    \
  (WF_COLLECT_DEPARTURES | WF_COLLECT_HEADCOUNT | WF_COLLECT_ATTENDANCE)
#define WF_FEISHU_AVAILABLE (WF_COLLECT_ATTENDANCE | WF_COLLECT_LEAVE_EXPIRY)
#define WF_FEISHU_DEFAULT (WF_COLLECT_ATTENDANCE)

/* Fills in the defaults of an account. */
static int config_set_defaults(wf_account_config_t *cfg,
                               wf_platform_t platform) {
  cfg->platform = platform;
  if (platform == WF_PLATFORM_DINGTALK) {
    cfg->oapi_url = strdup("https://oapi.dingtalk.com");
    cfg->api_url = strdup("https://api.dingtalk.com");
  } else {
    cfg->oapi_url = strdup("https://open.feishu.cn");
    cfg->api_url = strdup("");
  }
  cfg->interval = WF_DEFAULT_INTERVAL;
  cfg->utc_offset = WF_DEFAULT_UTC_OFFSET;
  cfg->timeout_ms = WF_DEFAULT_TIMEOUT_MS;
  cfg->verify_peer = true;
  cfg->verify_host = true;
  cfg->max_pages = WF_DEFAULT_MAX_PAGES;
  cfg->max_requests_per_second = WF_DEFAULT_REQUESTS_PER_SECOND;
  cfg->expiry_window_days = WF_DEFAULT_EXPIRY_WINDOW_DAYS;
  cfg->monthly_quota =
      (platform == WF_PLATFORM_DINGTALK) ? WF_DEFAULT_MONTHLY_QUOTA : 0;
  return (cfg->oapi_url != NULL && cfg->api_url != NULL) ? 0 : -1;
}

/* Reads a number option into a size. */
static int config_get_size(const oconfig_item_t *block,
                           const oconfig_item_t *ci, double min, double max,
                           size_t *out) {
  double number;
  if (config_get_number(block, ci, min, max, &number) != 0)
    return -1;
  *out = (size_t)number;
  return 0;
}

/* Reads a <Threshold "type"> block of an account. */
static int config_get_threshold(const oconfig_item_t *block,
                                const oconfig_item_t *ci,
                                wf_account_config_t *cfg) {
  if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_STRING) {
    wf_config_error(block, ci, "takes exactly one string argument, the type");
    return -1;
  }
  wf_threshold_config_t th;
  wf_threshold_config_init(&th);
  const char *type = ci->values[0].value.string;
  const wf_metric_type_t *known = wf_metric_type(type);
  if (known == NULL || !known->of_account) {
    wf_config_error(block, ci, "\"%s\" is not a type of this plugin", type);
    return -1;
  }
  /* Counters grow from start-up; a bound on their raw value would never
   * be left. Their rates belong in alert rules (contrib/prometheus). */
  if (known->kind == WF_DERIVE) {
    wf_config_error(block, ci,
                    "\"%s\" is a counter; put a threshold on its rate in your "
                    "alert rules instead",
                    type);
    return -1;
  }
  snprintf(th.type, sizeof(th.type), "%s", type);

  for (int i = 0; i < ci->children_num; i++) {
    const oconfig_item_t *child = &ci->children[i];
    int status;
    if (strcasecmp("Instance", child->key) == 0) {
      char *instance = NULL;
      status = config_get_string(block, child, &instance);
      if (status == 0) {
        snprintf(th.instance, sizeof(th.instance), "%s", instance);
        th.has_instance = true;
      }
      free(instance);
    } else if (strcasecmp("WarningMin", child->key) == 0) {
      status = config_get_number(block, child, -1e15, 1e15, &th.warning_min);
    } else if (strcasecmp("WarningMax", child->key) == 0) {
      status = config_get_number(block, child, -1e15, 1e15, &th.warning_max);
    } else if (strcasecmp("FailureMin", child->key) == 0) {
      status = config_get_number(block, child, -1e15, 1e15, &th.failure_min);
    } else if (strcasecmp("FailureMax", child->key) == 0) {
      status = config_get_number(block, child, -1e15, 1e15, &th.failure_max);
    } else if (strcasecmp("Hysteresis", child->key) == 0) {
      status = config_get_number(block, child, 0, 1e15, &th.hysteresis);
    } else if (strcasecmp("Persist", child->key) == 0) {
      status = config_get_boolean(block, child, &th.persist);
    } else {
      wf_config_error(block, child, "unknown option in <Threshold \"%s\">",
                      type);
      status = -1;
    }
    if (status != 0)
      return -1;
  }
  if (!wf_threshold_config_has_bounds(&th)) {
    wf_config_error(block, ci,
                    "<Threshold \"%s\"> sets no WarningMin, WarningMax, "
                    "FailureMin or FailureMax",
                    type);
    return -1;
  }
  wf_threshold_config_t *tmp =
      realloc(cfg->thresholds, (cfg->threshold_count + 1) * sizeof(*tmp));
  if (tmp == NULL) {
    wf_config_error(block, ci, "out of memory");
    return -1;
  }
  cfg->thresholds = tmp;
  cfg->thresholds[cfg->threshold_count++] = th;
  return 0;
}

/* Reads an option both platforms have. Returns 0 when read, -1 on a
 * problem (logged), 1 when `ci` is not one of them. */
static int config_common_option(const oconfig_item_t *block,
                                const oconfig_item_t *ci,
                                wf_account_config_t *cfg, char **secret_file) {
  double number;

  if (strcasecmp("AppSecret", ci->key) == 0) {
    /* A repeated AppSecret replaces the first: wipe it before it goes. */
    if (cfg->app_secret != NULL)
      explicit_bzero(cfg->app_secret, strlen(cfg->app_secret));
    return config_get_string(block, ci, &cfg->app_secret);
  }
  if (strcasecmp("AppSecretFile", ci->key) == 0)
    return config_get_string(block, ci, secret_file);
  if (strcasecmp("Interval", ci->key) == 0)
    return config_get_number(block, ci, 1, 86400, &cfg->interval);
  if (strcasecmp("Timeout", ci->key) == 0) {
    if (config_get_number(block, ci, 0.1, 600, &number) != 0)
      return -1;
    cfg->timeout_ms = (long)(number * 1000);
    return 0;
  }
  if (strcasecmp("UTCOffset", ci->key) == 0) {
    char *text = NULL;
    if (config_get_string(block, ci, &text) != 0)
      return -1;
    int status = wf_utc_offset_parse(text, &cfg->utc_offset);
    if (status != 0)
      wf_config_error(block, ci,
                      "\"%s\" is not a UTC offset such as \"+08:00\" "
                      "(-12:00 to +14:00)",
                      text);
    free(text);
    return status;
  }
  if (strcasecmp("Collect", ci->key) == 0)
    return config_get_collect(block, ci, &cfg->collect);
  if (strcasecmp("UserID", ci->key) == 0)
    return config_get_list(block, ci, &cfg->user_ids);
  if (strcasecmp("LeaveType", ci->key) == 0)
    return config_get_pair(block, ci, &cfg->leave_types);
  if (strcasecmp("CACert", ci->key) == 0)
    return config_get_string(block, ci, &cfg->ca_file);
  if (strcasecmp("Proxy", ci->key) == 0)
    return config_get_string(block, ci, &cfg->proxy);
  if (strcasecmp("VerifyPeer", ci->key) == 0)
    return config_get_boolean(block, ci, &cfg->verify_peer);
  if (strcasecmp("VerifyHost", ci->key) == 0)
    return config_get_boolean(block, ci, &cfg->verify_host);
  if (strcasecmp("MaxResponseSize", ci->key) == 0)
    return config_get_size(block, ci, 1024, 1024.0 * 1024 * 1024,
                           &cfg->max_response_size);
  if (strcasecmp("MaxPages", ci->key) == 0)
    return config_get_size(block, ci, 1, 1000000, &cfg->max_pages);
  if (strcasecmp("MaxRequestsPerSecond", ci->key) == 0)
    return config_get_number(block, ci, 0.1, 1000,
                             &cfg->max_requests_per_second);
  if (strcasecmp("Threshold", ci->key) == 0)
    return config_get_threshold(block, ci, cfg);
  return 1;
}

/* Reads an option only DingTalk blocks have. */
static int config_dingtalk_option(const oconfig_item_t *block,
                                  const oconfig_item_t *ci,
                                  wf_account_config_t *cfg) {
  if (strcasecmp("AppKey", ci->key) == 0)
    return config_get_string(block, ci, &cfg->app_key);
  if (strcasecmp("OapiURL", ci->key) == 0)
    return config_get_string(block, ci, &cfg->oapi_url);
  if (strcasecmp("ApiURL", ci->key) == 0)
    return config_get_string(block, ci, &cfg->api_url);
  if (strcasecmp("OperatorUserID", ci->key) == 0)
    return config_get_string(block, ci, &cfg->operator_user_id);
  if (strcasecmp("ReportReader", ci->key) == 0)
    return config_get_pair(block, ci, &cfg->report_readers);
  if (strcasecmp("MonthlyQuota", ci->key) == 0) {
    double number;
    if (config_get_number(block, ci, 0, WF_PLAN_QUOTA_MAX, &number) != 0)
      return -1;
    if (number != (double)(long long)number) {
      wf_config_error(block, ci, "takes a whole number of calls");
      return -1;
    }
    cfg->monthly_quota = (long long)number;
    return 0;
  }
  if (strcasecmp("WorkHours", ci->key) == 0) {
    char *text = NULL;
    if (config_get_string(block, ci, &text) != 0)
      return -1;
    int status =
        wf_planner_parse_work_hours(text, &cfg->work_start, &cfg->work_end);
    if (status != 0)
      wf_config_error(block, ci,
                      "\"%s\" is not a span of local time such as "
                      "\"08:00-20:00\"",
                      text);
    free(text);
    return status;
  }
  wf_config_error(block, ci, "unknown option");
  return -1;
}

/* Reads an option only Feishu blocks have. */
static int config_feishu_option(const oconfig_item_t *block,
                                const oconfig_item_t *ci,
                                wf_account_config_t *cfg) {
  double number;

  if (strcasecmp("AppID", ci->key) == 0)
    return config_get_string(block, ci, &cfg->app_key);
  if (strcasecmp("URL", ci->key) == 0)
    return config_get_string(block, ci, &cfg->oapi_url);
  if (strcasecmp("EmploymentID", ci->key) == 0)
    return config_get_list(block, ci, &cfg->employment_ids);
  if (strcasecmp("ExpiryWindowDays", ci->key) == 0) {
    if (config_get_number(block, ci, 1, 3650, &number) != 0)
      return -1;
    cfg->expiry_window_days = (int)number;
    return 0;
  }
  wf_config_error(block, ci, "unknown option");
  return -1;
}

/* Refuses the collectors of `collect` that are not in `available`. */
static int config_check_collectors(const oconfig_item_t *block,
                                   unsigned collect, unsigned available,
                                   const char *platform) {
  unsigned missing = collect & ~available;
  for (int bit = 0; bit < WF_COLLECTOR_COUNT; bit++) {
    if (missing & (1u << bit)) {
      oconfig_item_t option = {.key = "Collect"};
      wf_config_error(
          block, &option,
          "collector \"%s\" is not available for %s in this version",
          collector_names[bit], platform);
      return -1;
    }
  }
  return 0;
}

/* Checks what only the whole block can tell. */
static int config_validate(const oconfig_item_t *block,
                           wf_account_config_t *cfg) {
  bool dingtalk = (cfg->platform == WF_PLATFORM_DINGTALK);
  if (cfg->app_key == NULL || cfg->app_key[0] == '\0') {
    wf_config_error(block, NULL, "%s is missing",
                    dingtalk ? "AppKey" : "AppID");
    return -1;
  }
  if (cfg->app_secret == NULL || cfg->app_secret[0] == '\0') {
    wf_config_error(block, NULL, "AppSecret or AppSecretFile is missing");
    return -1;
  }
  if (config_check_url(block, dingtalk ? "OapiURL" : "URL", cfg->oapi_url) !=
          0 ||
      (dingtalk && config_check_url(block, "ApiURL", cfg->api_url) != 0))
    return -1;
  config_trim_slashes(cfg->oapi_url);
  config_trim_slashes(cfg->api_url);

  if (cfg->collect == 0)
    cfg->collect = dingtalk ? WF_DINGTALK_DEFAULT : WF_FEISHU_DEFAULT;
  if (config_check_collectors(block, cfg->collect,
                              dingtalk ? WF_DINGTALK_AVAILABLE
                                       : WF_FEISHU_AVAILABLE,
                              dingtalk ? "DingTalk" : "Feishu") != 0)
    return -1;

  /* An id listed twice would be asked for, and counted, twice. */
  wf_strlist_sort_unique(&cfg->user_ids);
  wf_strlist_sort_unique(&cfg->employment_ids);

  /* Leave and announcements are read in the name of an administrator. */
  unsigned needs_operator = WF_COLLECT_LEAVE | WF_COLLECT_ANNOUNCEMENTS;
  if (dingtalk && (cfg->collect & needs_operator) &&
      (cfg->operator_user_id == NULL || cfg->operator_user_id[0] == '\0')) {
    oconfig_item_t option = {.key = "OperatorUserID"};
    wf_config_error(block, &option,
                    "is required for the leave and announcements collectors: "
                    "the user id of an administrator");
    return -1;
  }
  if (!dingtalk && (cfg->collect & WF_COLLECT_LEAVE_EXPIRY)) {
    const char *missing = (cfg->employment_ids.count == 0) ? "EmploymentID"
                          : (cfg->leave_types.count == 0)  ? "LeaveType"
                                                           : NULL;
    if (missing != NULL) {
      oconfig_item_t option = {.key = (char *)missing};
      wf_config_error(block, &option,
                      "is required for the leave_expiry collector");
      return -1;
    }
    /* The name gets "-hours" appended in leave_expiring. */
    for (size_t i = 0; i < cfg->leave_types.count; i++) {
      if (strlen(cfg->leave_types.items[i].name) > WF_NAME_LEN - 8) {
        oconfig_item_t option = {.key = "LeaveType"};
        wf_config_error(block, &option, "name \"%s\" is longer than %d bytes",
                        cfg->leave_types.items[i].name, WF_NAME_LEN - 8);
        return -1;
      }
    }
  }

  /* Feishu has no employee list here: whose attendance to read must be
   * said. */
  if (!dingtalk && (cfg->collect & WF_COLLECT_ATTENDANCE) &&
      cfg->user_ids.count == 0) {
    oconfig_item_t option = {.key = "UserID"};
    wf_config_error(block, &option,
                    "is required for the attendance collector: list the "
                    "employee ids to watch");
    return -1;
  }
  return 0;
}

/* The account name: the block's one string argument. */
static int config_account_name(const oconfig_item_t *block, char **name) {
  if (block->values_num != 1 || block->values[0].type != OCONFIG_TYPE_STRING) {
    ERROR(WF_LOG_PREFIX "<%s> blocks take exactly one string argument, the "
                        "account name",
          block->key);
    return -1;
  }
  const char *value = block->values[0].value.string;
  if (value[0] == '\0' || strchr(value, '/') != NULL ||
      strlen(value) >= WF_NAME_LEN) {
    wf_config_error(block, NULL,
                    "the account name must be non-empty, without '/' and at "
                    "most %d bytes",
                    WF_NAME_LEN - 1);
    return -1;
  }
  *name = strdup(value);
  return (*name != NULL) ? 0 : -1;
}

/* Reads an account block of either platform. */
static int config_parse_account(const oconfig_item_t *block,
                                wf_platform_t platform,
                                wf_account_config_t *cfg) {
  memset(cfg, 0, sizeof(*cfg));
  char *secret_file = NULL;
  int status = 0;

  if (config_account_name(block, &cfg->name) != 0 ||
      config_set_defaults(cfg, platform) != 0)
    status = -1;
  for (int i = 0; status == 0 && i < block->children_num; i++) {
    const oconfig_item_t *ci = &block->children[i];
    status = config_common_option(block, ci, cfg, &secret_file);
    if (status == 1)
      status = (platform == WF_PLATFORM_DINGTALK)
                   ? config_dingtalk_option(block, ci, cfg)
                   : config_feishu_option(block, ci, cfg);
  }

  if (status == 0 && secret_file != NULL) {
    if (cfg->app_secret != NULL) {
      wf_config_error(block, NULL,
                      "AppSecret and AppSecretFile are exclusive; set one");
      status = -1;
    } else {
      char error[512];
      if (wf_read_secret_file(secret_file, &cfg->app_secret, error,
                              sizeof(error)) != 0) {
        oconfig_item_t option = {.key = "AppSecretFile"};
        wf_config_error(block, &option, "%s", error);
        status = -1;
      } else if (config_secret_exposed(secret_file)) {
        config_warning(block, "AppSecretFile",
                       "\"%s\" is readable by group or others; chmod 600 it",
                       secret_file);
      }
    }
  }
  free(secret_file);

  if (status == 0)
    status = config_validate(block, cfg);
  if (status != 0)
    wf_account_config_free(cfg);
  return status;
}

int wf_config_dingtalk(const oconfig_item_t *block, wf_account_config_t *cfg) {
  return config_parse_account(block, WF_PLATFORM_DINGTALK, cfg);
}

int wf_config_feishu(const oconfig_item_t *block, wf_account_config_t *cfg) {
  return config_parse_account(block, WF_PLATFORM_FEISHU, cfg);
}

void wf_account_config_free(wf_account_config_t *cfg) {
  if (cfg->app_secret != NULL)
    explicit_bzero(cfg->app_secret, strlen(cfg->app_secret));
  free(cfg->name);
  free(cfg->app_key);
  free(cfg->app_secret);
  free(cfg->oapi_url);
  free(cfg->api_url);
  free(cfg->operator_user_id);
  free(cfg->ca_file);
  free(cfg->proxy);
  wf_strlist_free(&cfg->user_ids);
  wf_strlist_free(&cfg->employment_ids);
  wf_pairs_free(&cfg->leave_types);
  wf_pairs_free(&cfg->report_readers);
  free(cfg->thresholds);
  memset(cfg, 0, sizeof(*cfg));
}
