/**
 * collectd-workforce - src/workforce.c
 *
 * The collectd glue: reads the <Plugin workforce> block, registers one
 * read callback per account at the account's own interval, and
 * initialises libcurl. Everything else lives in modules that can be
 * tested without the daemon.
 **/
#include "wf_collectd.h"

#include "wf_account.h"
#include "wf_common.h"
#include "wf_config_parse.h"
#include "wf_http.h"
#include "wf_robot.h"
#include "wf_strlist.h"

/* Names of the accounts registered so far, to refuse a second block with
 * the same name. Only touched while collectd reads its configuration. */
static wf_strlist_t account_names;

/* The read callback of one account. */
static int wf_read(user_data_t *ud) {
  wf_account_poll(ud->data);
  /* Failures are handled and logged per collector; a non-zero return
   * would make collectd suspend the whole account. */
  return 0;
}

/* Reads one <DingTalk> or <Feishu> block and registers its read
 * callback. */
static int wf_config_account(oconfig_item_t *ci, wf_platform_t platform) {
  wf_account_config_t cfg;
  int parsed = (platform == WF_PLATFORM_DINGTALK) ? wf_config_dingtalk(ci, &cfg)
                                                  : wf_config_feishu(ci, &cfg);
  if (parsed != 0)
    return -1;

  for (size_t i = 0; i < account_names.count; i++) {
    if (strcmp(account_names.items[i], cfg.name) == 0) {
      ERROR(WF_LOG_PREFIX "<%s \"%s\">: an account with this name is already "
                          "configured; each block needs its own name",
            ci->key, cfg.name);
      wf_account_config_free(&cfg);
      return -1;
    }
  }

  char callback_name[2 * WF_NAME_LEN];
  snprintf(callback_name, sizeof(callback_name), WF_PLUGIN_NAME "/%s",
           cfg.name);
  cdtime_t interval = DOUBLE_TO_CDTIME_T(cfg.interval);
  if (wf_strlist_add(&account_names, cfg.name) != 0) {
    wf_account_config_free(&cfg);
    return -1;
  }

  wf_account_t *account = wf_account_create(&cfg);
  if (account == NULL) {
    ERROR(WF_LOG_PREFIX "<%s>: out of memory", ci->key);
    wf_account_config_free(&cfg);
    return -1;
  }
  int status = plugin_register_complex_read(
      /* group = */ WF_PLUGIN_NAME, callback_name, wf_read, interval,
      &(user_data_t){.data = account, .free_func = wf_account_destroy});
  if (status != 0)
    ERROR(WF_LOG_PREFIX "<%s \"%s\">: registering the read callback failed",
          ci->key, account->cfg.name);
  else
    INFO(WF_LOG_PREFIX "account \"%s\" polls every %.0f s", account->cfg.name,
         CDTIME_T_TO_DOUBLE(interval));
  return status;
}

/* The complex config callback: one call with the whole <Plugin> block.
 * A broken account is refused with its own message; the others load. */
static int wf_config(oconfig_item_t *ci) {
  int errors = 0;
  int accounts = 0;

  for (int i = 0; i < ci->children_num; i++) {
    oconfig_item_t *child = &ci->children[i];
    if (strcasecmp("DingTalk", child->key) == 0 ||
        strcasecmp("Feishu", child->key) == 0) {
      wf_platform_t platform = (strcasecmp("DingTalk", child->key) == 0)
                                   ? WF_PLATFORM_DINGTALK
                                   : WF_PLATFORM_FEISHU;
      if (wf_config_account(child, platform) == 0)
        accounts++;
      else
        errors++;
    } else if (strcasecmp("Robot", child->key) == 0) {
      if (wf_robot_configure(child) != 0)
        errors++;
    } else {
      ERROR(WF_LOG_PREFIX "unknown option or block \"%s\" in <Plugin "
                          "workforce>",
            child->key);
      errors++;
    }
  }

  if (errors > 0)
    ERROR(WF_LOG_PREFIX "%d block(s) or option(s) refused; %d account(s) "
                        "loaded",
          errors, accounts);
  /* collectd only logs a failing config callback; returning 0 while some
   * account loaded keeps the message above the one that counts. */
  return (accounts > 0 || errors == 0) ? 0 : -1;
}

/* libcurl's global initialisation, while collectd is single threaded. */
static int wf_init(void) {
  if (wf_http_global_init() != 0) {
    ERROR(WF_LOG_PREFIX "libcurl initialisation failed");
    return -1;
  }
  return wf_robot_start_all();
}

static int wf_shutdown(void) {
  wf_robot_stop_all();
  wf_strlist_free(&account_names);
  return 0;
}

void module_register(void) {
  plugin_register_complex_config(WF_PLUGIN_NAME, wf_config);
  plugin_register_init(WF_PLUGIN_NAME, wf_init);
  plugin_register_shutdown(WF_PLUGIN_NAME, wf_shutdown);
}
