/**
 * collectd-workforce - src/wf_check.c
 * SPDX-License-Identifier: MIT
 *
 * collectd-workforce-check [--probe] FILE: reads collectd's configuration
 * file and the files it includes (wf_conffile.c), and runs every
 * <Plugin workforce> block through the code the plugin runs on it
 * (wf_config_block.c, and through it wf_config.c and wf_robot_config.c):
 * each problem is printed as the line the plugin would log. It also
 * checks what the daemon needs for the plugin to work at all: a
 * `LoadPlugin workforce` before the block, and workforce.types.db among
 * the TypesDB files. With --probe it asks each account's platform for a
 * token and, on DingTalk, the employee counts (calls that never count
 * against the monthly quota), and prints what the collectors will cost.
 *
 * Exit status: 0 without problems, 1 with any (warnings included), 2 for
 * a usage error or a file that cannot be read.
 **/
#include "wf_collectd.h"

#include "wf_check.h"
#include "wf_check_probe.h"
#include "wf_common.h"
#include "wf_conffile.h"
#include "wf_config_block.h"
#include "wf_cost.h"
#include "wf_http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CHECK_PROGRAM "collectd-workforce-check"
#define CHECK_TYPES_DB "workforce.types.db"

/* What one run of the tool holds. */
typedef struct {
  const wf_conffile_t *doc;
  bool probe;
  wf_account_config_t *accounts; /* kept for --probe */
  size_t accounts_num;
} check_t;

/* Prints how to call the tool. */
static void check_usage(FILE *out) {
  fprintf(out,
          "Usage: " CHECK_PROGRAM " [--probe] FILE\n"
          "Checks the <Plugin workforce> blocks of collectd's configuration "
          "FILE\n(e.g. /etc/collectd/collectd.conf) and the files it "
          "includes.\n\n"
          "  --probe    also fetch each account's token and, on DingTalk, "
          "its\n"
          "             employee count (calls that are not counted against "
          "the\n"
          "             monthly quota), and print what the collectors cost\n"
          "  --help     print this help\n"
          "  --version  print the version\n\n"
          "Exit status: 0 no problems, 1 problems found, 2 usage error or "
          "unreadable file.\n");
}

/* Prints a problem found while reading the files, with its place. */
static void check_report(void *arg, wf_conffile_severity_t severity,
                         const char *file, int line, const char *message) {
  (void)arg;
  int level = (severity == WF_CONFFILE_ERROR) ? LOG_ERR : LOG_WARNING;
  if (file != NULL && line > 0)
    wf_check_problem(level, "%s:%d: %s", file, line, message);
  else if (file != NULL)
    wf_check_problem(level, "%s: %s", file, message);
  else
    wf_check_problem(level, "%s", message);
}

/* Writes "file:line: " for an item of the tree into `buffer`, or "". */
static const char *check_place(const check_t *check, const oconfig_item_t *item,
                               char *buffer, size_t size) {
  const char *file;
  int line;
  buffer[0] = '\0';
  if (wf_conffile_where(check->doc, item, &file, &line))
    snprintf(buffer, size, "%s:%d: ", file, line);
  return buffer;
}

/* The collectors of an account, as "departures, headcount". */
static void check_collectors(unsigned collect, char *buffer, size_t size) {
  size_t used = 0;
  buffer[0] = '\0';
  for (int i = 0; i < WF_COLLECTOR_COUNT && used < size; i++)
    if (collect & (1u << i))
      used += (size_t)snprintf(buffer + used, size - used, "%s%s",
                               (used > 0) ? ", " : "",
                               wf_collector_name((wf_collector_t)(1u << i)));
}

/* Takes an account the plugin would load: describes it and keeps it for
 * --probe. */
static int check_account(const oconfig_item_t *block, wf_account_config_t *cfg,
                         void *arg) {
  check_t *check = arg;
  char collectors[256];
  check_collectors(cfg->collect, collectors, sizeof(collectors));
  printf("account \"%s\" (%s): %s every %.0f s\n", cfg->name, block->key,
         collectors, cfg->interval);
  if (!check->probe) {
    wf_account_config_free(cfg);
    return 0;
  }
  wf_account_config_t *tmp =
      realloc(check->accounts, (check->accounts_num + 1) * sizeof(*tmp));
  if (tmp == NULL) {
    wf_account_config_free(cfg);
    wf_check_problem(LOG_ERR, "out of memory");
    return -1;
  }
  check->accounts = tmp;
  check->accounts[check->accounts_num++] = *cfg;
  memset(cfg, 0, sizeof(*cfg));
  return 0;
}

/* Takes a robot the plugin would start: describes it. */
static int check_robot(const oconfig_item_t *block, wf_robot_config_t *cfg,
                       void *arg) {
  (void)block;
  (void)arg;
  printf("robot \"%s\" (%s): %s notifications of %s\n", cfg->name,
         (cfg->platform == WF_ROBOT_DINGTALK) ? "DingTalk" : "Feishu",
         (cfg->min_severity == NOTIF_OKAY)      ? "all"
         : (cfg->min_severity == NOTIF_WARNING) ? "warning and failure"
                                                : "failure",
         cfg->all_plugins ? "every plugin" : "this plugin");
  wf_robot_config_free(cfg);
  return 0;
}

/* The name part of a path. */
static const char *check_basename(const char *path) {
  const char *slash = strrchr(path, '/');
  return (slash != NULL) ? slash + 1 : path;
}

/* True when a one-value global option reads as true. */
static bool check_true(const oconfig_item_t *item) {
  if (item->values_num != 1)
    return false;
  if (item->values[0].type == OCONFIG_TYPE_BOOLEAN)
    return item->values[0].value.boolean != 0;
  return item->values[0].type == OCONFIG_TYPE_STRING &&
         IS_TRUE(item->values[0].value.string);
}

/* The string argument of a one-value statement, or NULL. */
static const char *check_string(const oconfig_item_t *item) {
  return (item->values_num >= 1 && item->values[0].type == OCONFIG_TYPE_STRING)
             ? item->values[0].value.string
             : NULL;
}

/* Reports a LoadPlugin whose name is workforce but for its case: collectd
 * looks for the file by that name and does not find it. Returns true for
 * `LoadPlugin workforce` itself. */
static bool check_loadplugin(const check_t *check, const oconfig_item_t *item) {
  const char *name = check_string(item);
  if (name == NULL)
    return false;
  if (strcmp(name, WF_PLUGIN_NAME) == 0)
    return true;
  if (strcasecmp(name, WF_PLUGIN_NAME) == 0) {
    char place[512];
    wf_check_problem(
        LOG_ERR,
        "%sLoadPlugin \"%s\": collectd looks for %s.so, which "
        "does not exist; the plugin's name is \"" WF_PLUGIN_NAME "\"",
        check_place(check, item, place, sizeof(place)), name, name);
  }
  return false;
}

/* Looks at a TypesDB statement: true when it names workforce.types.db,
 * which must then be readable. */
static bool check_typesdb(const check_t *check, const oconfig_item_t *item) {
  bool found = false;
  for (int i = 0; i < item->values_num; i++) {
    if (item->values[i].type != OCONFIG_TYPE_STRING)
      continue;
    const char *path = item->values[i].value.string;
    if (strcmp(check_basename(path), CHECK_TYPES_DB) != 0)
      continue;
    found = true;
    if (access(path, R_OK) != 0) {
      char place[512];
      char errbuf[256];
      wf_check_problem(LOG_ERR, "%sTypesDB \"%s\": cannot read it: %s",
                       check_place(check, item, place, sizeof(place)), path,
                       sstrerror(errno, errbuf, sizeof(errbuf)));
    }
  }
  return found;
}

/* True when a LoadPlugin workforce comes after position `i` of the root. */
static bool check_loaded_later(const oconfig_item_t *root, int i) {
  for (int j = i + 1; j < root->children_num; j++) {
    const oconfig_item_t *item = &root->children[j];
    const char *name = check_string(item);
    if (strcasecmp(item->key, "LoadPlugin") == 0 && name != NULL &&
        strcmp(name, WF_PLUGIN_NAME) == 0)
      return true;
  }
  return false;
}

/* Walks collectd's top-level statements in the order the daemon
 * dispatches them, and reads each <Plugin workforce> block as the plugin
 * would. */
static void check_walk(check_t *check) {
  const oconfig_item_t *root = wf_conffile_root(check->doc);
  const wf_config_block_ops_t ops = {
      .account = check_account, .robot = check_robot, .arg = check};
  wf_config_names_t names = {0};
  wf_config_block_counts_t counts = {0};
  bool loaded = false;
  bool autoload = false;
  bool types_db = false;
  int blocks = 0;

  for (int i = 0; i < root->children_num; i++) {
    const oconfig_item_t *item = &root->children[i];
    const char *name = check_string(item);
    if (strcasecmp(item->key, "LoadPlugin") == 0) {
      loaded = check_loadplugin(check, item) || loaded;
    } else if (strcasecmp(item->key, "AutoLoadPlugin") == 0) {
      autoload = check_true(item);
    } else if (strcasecmp(item->key, "TypesDB") == 0) {
      types_db = check_typesdb(check, item) || types_db;
    } else if (strcasecmp(item->key, "Plugin") == 0 && name != NULL &&
               strcasecmp(name, WF_PLUGIN_NAME) == 0) {
      blocks++;
      if (!loaded && !autoload) {
        char place[512];
        wf_check_problem(LOG_ERR,
                         "%s<Plugin %s> %s \"LoadPlugin " WF_PLUGIN_NAME
                         "\": collectd ignores the block",
                         check_place(check, item, place, sizeof(place)), name,
                         check_loaded_later(root, i) ? "comes before"
                                                     : "has no");
      }
      wf_config_block(item, &names, &ops, &counts);
    }
  }
  wf_config_names_free(&names);

  if (blocks == 0) {
    wf_check_problem(LOG_ERR, "no <Plugin " WF_PLUGIN_NAME
                              "> block: the plugin has nothing to do");
    return;
  }
  if (!types_db)
    wf_check_problem(LOG_ERR, "no TypesDB line names " CHECK_TYPES_DB
                              ": collectd drops every value of the plugin");
  if (counts.accounts == 0 && counts.errors == 0)
    wf_check_problem(LOG_ERR, "no <DingTalk> or <Feishu> block: the plugin "
                              "has no account to poll");
}

/* Prints the employee counts the probe read. */
static void check_print_employees(const wf_probe_t *p) {
  long long onjob = 0;
  for (int s = 0; s < WF_HR_PREENTRY; s++)
    onjob += p->counts[s];
  printf("; %lld on-job employees (", onjob);
  for (int s = 0; s < WF_HR_PREENTRY; s++)
    printf("%s%s %lld", (s > 0) ? ", " : "",
           wf_hr_status_name((wf_hr_status_t)s), (long long)p->counts[s]);
  printf("), %lld pre-entry", (long long)p->counts[WF_HR_PREENTRY]);
}

/* Prints what each collector of an account costs, and checks a month of
 * counted calls against the quota. */
static void check_print_cost(const wf_account_config_t *cfg,
                             const wf_probe_t *p) {
  wf_cost_input_t in = {
      .platform = cfg->platform,
      .collect = cfg->collect,
      .interval = cfg->interval,
      .user_ids = (long long)cfg->user_ids.count,
      .leave_types = cfg->leave_types.count,
      .report_readers = cfg->report_readers.count,
      .employment_ids = cfg->employment_ids.count,
  };
  for (int s = 0; s < WF_HR_COUNT; s++)
    in.employees[s] = p->employees ? (long long)p->counts[s] : -1;
  wf_cost_report_t r;
  wf_cost_compute(&in, &r);

  for (size_t i = 0; i < r.count; i++) {
    const wf_cost_t *cost = &r.items[i];
    const char *floor = cost->at_least ? "at least " : "";
    printf("  %s: %s%lld call%s a poll", wf_collector_name(cost->collector),
           floor, cost->per_poll, (cost->per_poll == 1) ? "" : "s");
    if (cost->per_day > 0)
      printf(" and %lld a day", cost->per_day);
    printf(", %s%lld a month, %s\n", floor, cost->per_month,
           cost->counted ? "counted" : "not counted");
  }
  if (r.employee_list_per_poll > 0)
    printf("  employee list: %lld calls a poll (for %lld users), not "
           "counted\n",
           r.employee_list_per_poll, r.users);
  if (cfg->platform != WF_PLATFORM_DINGTALK) {
    printf("  no call counts against a monthly quota on Feishu\n");
    return;
  }

  /* MonthlyQuota: the planner fits a month of counted calls into it, but
   * cannot run a collector one poll of which costs more. */
  long long quota = cfg->monthly_quota;
  const char *floor = r.counted_at_least ? "at least " : "";
  printf("  counted calls a month: %s%lld (%lld polls of a %d-day month, "
         "every %.0f s), ",
         floor, r.counted_per_month, r.polls_per_month, WF_COST_MONTH_DAYS,
         cfg->interval);
  if (quota <= 0) {
    printf("no MonthlyQuota to keep\n");
    return;
  }
  printf("of MonthlyQuota %lld\n", quota);
  if (!wf_cost_within(&r, quota))
    printf("  the quota planner polls the counted collectors less often than "
           "every %.0f s, so that the month fits in %lld calls\n",
           cfg->interval, quota);
  for (size_t i = 0; i < r.count; i++) {
    const wf_cost_t *cost = &r.items[i];
    if (cost->counted && cost->per_poll > quota)
      wf_check_problem(LOG_ERR,
                       "\"%s\": collector %s costs %s%lld counted calls a "
                       "poll, more than MonthlyQuota %lld allows a month: it "
                       "would never run",
                       cfg->name, wf_collector_name(cost->collector),
                       cost->at_least ? "at least " : "", cost->per_poll,
                       quota);
  }
}

/* Probes every account that loaded and prints its costs. */
static void check_probe_all(const check_t *check) {
  if (check->accounts_num == 0)
    return;
  if (wf_http_global_init() != 0) {
    wf_check_problem(LOG_ERR, "--probe: libcurl initialisation failed");
    return;
  }
  for (size_t i = 0; i < check->accounts_num; i++) {
    const wf_account_config_t *cfg = &check->accounts[i];
    wf_probe_t p;
    int status = wf_check_probe(cfg, &p);
    bool dingtalk = cfg->platform == WF_PLATFORM_DINGTALK;
    printf("probe \"%s\" (%s): ", cfg->name, dingtalk ? "DingTalk" : "Feishu");
    if (p.token)
      printf("token fetched");
    else
      printf("no token");
    if (p.employees)
      check_print_employees(&p);
    printf("; %lld request%s, %lld counted\n", p.requests,
           (p.requests == 1) ? "" : "s", p.counted_calls);
    if (p.counted_calls > 0)
      wf_check_problem(LOG_ERR,
                       "\"%s\": the probe sent %lld calls that count against "
                       "the monthly quota; it must send none",
                       cfg->name, p.counted_calls);
    if (status != 0) {
      char cause[512];
      wf_error_format(&p.error, cause, sizeof(cause));
      wf_check_problem(LOG_ERR, "\"%s\": probe failed: %s", cfg->name, cause);
      continue;
    }
    check_print_cost(cfg, &p);
  }
}

/* Reads the arguments, checks the file, probes when asked, and exits 0, 1
 * or 2 as the man page says. */
int main(int argc, char **argv) {
  check_t check = {0};
  const char *path = NULL;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--probe") == 0) {
      check.probe = true;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      check_usage(stdout);
      return 0;
    } else if (strcmp(argv[i], "--version") == 0) {
      printf(CHECK_PROGRAM " " WF_VERSION "\n");
      return 0;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0' && path == NULL &&
               strcmp(argv[i], "--") != 0) {
      fprintf(stderr, CHECK_PROGRAM ": unknown option \"%s\"\n", argv[i]);
      check_usage(stderr);
      return 2;
    } else if (strcmp(argv[i], "--") == 0 && i + 1 < argc && path == NULL) {
      path = argv[++i];
    } else if (path == NULL) {
      path = argv[i];
    } else {
      fprintf(stderr, CHECK_PROGRAM ": one configuration file only\n");
      check_usage(stderr);
      return 2;
    }
  }
  if (path == NULL) {
    check_usage(stderr);
    return 2;
  }

  /* Problems go to stdout with the rest of the report, in order. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  wf_check_log_init(stdout, 0);
  wf_conffile_t *doc = NULL;
  int status = wf_conffile_read(path, check_report, NULL, &doc);
  if (status == WF_CONFFILE_UNREADABLE)
    return 2;
  if (status == WF_CONFFILE_OK) {
    check.doc = doc;
    check_walk(&check);
    if (check.probe)
      check_probe_all(&check);
  }

  int problems = wf_check_log_problems();
  if (problems == 0)
    printf("%s: no problems\n", path);
  else
    printf("%s: %d problem%s\n", path, problems, (problems == 1) ? "" : "s");

  for (size_t i = 0; i < check.accounts_num; i++)
    wf_account_config_free(&check.accounts[i]);
  free(check.accounts);
  wf_conffile_free(doc);
  return (problems == 0) ? 0 : 1;
}
