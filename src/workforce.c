/**
 * collectd-workforce - src/workforce.c
 * SPDX-License-Identifier: MIT
 *
 * The collectd glue: reads the <Plugin workforce> block; in init, starts
 * the request engine (one thread driving every transfer) and each
 * account's collector threads; in shutdown, stops them. The read callback
 * registered per account, at its interval, only dispatches the account's
 * own health, so collectd's read threads never wait on the network.
 * Everything else lives in modules that can be tested without the
 * daemon.
 **/
#include "wf_collectd.h"

#include "wf_account.h"
#include "wf_common.h"
#include "wf_config_block.h"
#include "wf_http.h"
#include "wf_robot.h"

/* Names of the accounts and robots configured so far, to refuse a second
 * block with the same name. Only touched while collectd reads its
 * configuration. */
static wf_config_names_t block_names;

/* Every account configured (collectd owns them through their read
 * callbacks' user data), and the engine their requests go through. */
static wf_account_t **accounts;
static size_t account_count;
static wf_engine_t *engine;

/* Stops every account's collectors at once: each account is told to stop
 * and the engine cancels the requests in flight, so that no thread waits
 * for an answer. Idempotent. */
static void workforce_stop_all(void) {
  for (size_t i = 0; i < account_count; i++)
    wf_account_signal_stop(accounts[i]);
  wf_engine_stop(engine);
}

/* Frees an account: collectd calls it for the read callback's user data
 * while it shuts down, before the shutdown callbacks and before it stops
 * its write threads. So it is here that the collectors stop: all of them,
 * the first time, and this account's threads are joined. */
static void workforce_account_free(void *arg) {
  wf_account_t *account = arg;
  workforce_stop_all();
  for (size_t i = 0; i < account_count; i++) {
    if (accounts[i] == account) {
      accounts[i] = accounts[--account_count];
      break;
    }
  }
  wf_account_destroy(account);
}

/* The read callback of one account. */
static int workforce_read(user_data_t *ud) {
  wf_account_read(ud->data);
  /* Failures are handled and logged per collector; a non-zero return
   * would make collectd suspend the whole account. */
  return 0;
}

/* Registers the read callback of an account that wf_config_block read. */
static int workforce_account_register(const oconfig_item_t *ci,
                                      wf_account_config_t *cfg, void *arg) {
  (void)arg;
  char callback_name[2 * WF_NAME_LEN];
  snprintf(callback_name, sizeof(callback_name), WF_PLUGIN_NAME "/%s",
           cfg->name);
  cdtime_t interval = DOUBLE_TO_CDTIME_T(cfg->interval);

  wf_account_t **grown =
      realloc(accounts, (account_count + 1) * sizeof(*grown));
  if (grown == NULL) {
    ERROR(WF_LOG_PREFIX "<%s>: out of memory", ci->key);
    wf_account_config_free(cfg);
    return -1;
  }
  accounts = grown;
  wf_account_t *account = wf_account_create(cfg);
  if (account == NULL) {
    ERROR(WF_LOG_PREFIX "<%s>: out of memory", ci->key);
    wf_account_config_free(cfg);
    return -1;
  }
  int status = plugin_register_complex_read(
      /* group = */ WF_PLUGIN_NAME, callback_name, workforce_read, interval,
      &(user_data_t){.data = account, .free_func = workforce_account_free});
  if (status != 0) {
    ERROR(WF_LOG_PREFIX "<%s \"%s\">: registering the read callback failed",
          ci->key, account->cfg.name);
  } else {
    accounts[account_count++] = account;
    INFO(WF_LOG_PREFIX "account \"%s\" polls every %.0f s", account->cfg.name,
         CDTIME_T_TO_DOUBLE(interval));
  }
  return status;
}

/* Starts the robot of a <Robot> block that wf_config_block read. */
static int workforce_robot_register(const oconfig_item_t *ci,
                                    wf_robot_config_t *cfg, void *arg) {
  (void)arg;
  return wf_robot_create(ci, cfg);
}

/* The complex config callback: one call with the whole <Plugin> block.
 * A broken account is refused with its own message; the others load. */
static int workforce_config(oconfig_item_t *ci) {
  const wf_config_block_ops_t ops = {.account = workforce_account_register,
                                     .robot = workforce_robot_register};
  wf_config_block_counts_t counts = {0};
  wf_config_block(ci, &block_names, &ops, &counts);

  if (counts.errors > 0)
    ERROR(WF_LOG_PREFIX "%d block(s) or option(s) refused; %d account(s) "
                        "loaded",
          counts.errors, counts.accounts);
  /* collectd only logs a failing config callback; returning 0 while some
   * account loaded keeps the message above the one that counts. */
  return (counts.accounts > 0 || counts.errors == 0) ? 0 : -1;
}

/* libcurl's global initialisation, while collectd is single threaded,
 * then the engine and every account's collectors. */
static int workforce_init(void) {
  if (wf_http_global_init() != 0) {
    ERROR(WF_LOG_PREFIX "libcurl initialisation failed");
    return -1;
  }
  if (account_count > 0 && engine == NULL) {
    engine = wf_engine_start();
    if (engine == NULL) {
      ERROR(WF_LOG_PREFIX "cannot start the request engine");
      return -1;
    }
    for (size_t i = 0; i < account_count; i++)
      if (wf_account_start(accounts[i], engine) != 0)
        ERROR(WF_LOG_PREFIX "%s: no collector could start",
              accounts[i]->cfg.name);
  }
  return wf_robot_start_all();
}

/* By now collectd has freed the accounts (wf_account_free), and with them
 * stopped every collector; what is left is the engine and the robots. */
static int workforce_shutdown(void) {
  workforce_stop_all();
  for (size_t i = 0; i < account_count; i++)
    wf_account_stop(accounts[i]);
  wf_engine_free(engine);
  engine = NULL;
  free(accounts);
  accounts = NULL;
  account_count = 0;
  wf_robot_stop_all();
  wf_config_names_free(&block_names);
  return 0;
}

void module_register(void) {
  plugin_register_complex_config(WF_PLUGIN_NAME, workforce_config);
  plugin_register_init(WF_PLUGIN_NAME, workforce_init);
  plugin_register_shutdown(WF_PLUGIN_NAME, workforce_shutdown);
}
