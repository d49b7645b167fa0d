/**
 * collectd-workforce - tests/unit/test_config.c
 * SPDX-License-Identifier: MIT
 *
 * The <DingTalk "name"> and <Feishu "name"> block parsers (src/wf_config.c)
 * on oconfig trees built by hand, as collectd's parser would hand them
 * over. Every refusal
 * must log one error that names the block and the option, and no message
 * may ever hold the secret.
 **/
#include "wf_collectd.h"

#include "unittest.h"

#include "collectd_stubs.h"
#include "unittest_decls.h"
#include "wf_common.h"
#include "wf_config.h"
#include "wf_config_parse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET "s3cr3t-VALUE-never-logged"
#define FILE_SECRET "file-s3cr3t-never-logged"

#define MAX_OPTIONS 32
#define MAX_VALUES 4
#define MAX_THRESHOLDS 4

/* One <DingTalk> (or <Feishu>) block under construction, the configuration read
 * from it, and a secret file when the test made one. */
typedef struct {
  oconfig_item_t block;
  oconfig_value_t name;
  oconfig_item_t children[MAX_OPTIONS];
  oconfig_value_t values[MAX_OPTIONS][MAX_VALUES];
  int values_used; /* rows of `values` handed out, never reused */
  oconfig_item_t threshold_options[MAX_THRESHOLDS][MAX_OPTIONS];
  int thresholds_used; /* rows of `threshold_options` handed out */
  wf_account_config_t cfg;
  char secret_path[512];
} fixture_t;

static int setup(void **state) {
  fixture_t *f = calloc(1, sizeof(*f));
  if (f == NULL)
    return -1;
  f->block.key = "DingTalk";
  f->name.type = OCONFIG_TYPE_STRING;
  f->name.value.string = "acme";
  f->block.values = &f->name;
  f->block.values_num = 1;
  f->block.children = f->children;
  stub_log_reset();
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture_t *f = *state;
  wf_account_config_free(&f->cfg);
  if (f->secret_path[0] != '\0')
    unlink(f->secret_path);
  free(f);
  return 0;
}

/* Appends an option without arguments to the block. */
static oconfig_item_t *option(fixture_t *f, const char *key) {
  assert_true(f->block.children_num < MAX_OPTIONS);
  assert_true(f->values_used < MAX_OPTIONS);
  oconfig_item_t *o = &f->children[f->block.children_num++];
  memset(o, 0, sizeof(*o));
  o->key = (char *)key;
  o->values = f->values[f->values_used++];
  o->parent = &f->block;
  return o;
}

/* Appends an argument to an option. */
static oconfig_value_t *argument(oconfig_item_t *o, int type) {
  assert_true(o->values_num < MAX_VALUES);
  oconfig_value_t *v = &o->values[o->values_num++];
  memset(v, 0, sizeof(*v));
  v->type = type;
  return v;
}

static oconfig_item_t *string_arg(oconfig_item_t *o, const char *s) {
  argument(o, OCONFIG_TYPE_STRING)->value.string = (char *)s;
  return o;
}

static oconfig_item_t *number_arg(oconfig_item_t *o, double n) {
  argument(o, OCONFIG_TYPE_NUMBER)->value.number = n;
  return o;
}

static oconfig_item_t *boolean_arg(oconfig_item_t *o, int b) {
  argument(o, OCONFIG_TYPE_BOOLEAN)->value.boolean = b;
  return o;
}

/* Shorthands for options with one argument. */
static void set_string(fixture_t *f, const char *key, const char *s) {
  string_arg(option(f, key), s);
}

static void set_number(fixture_t *f, const char *key, double n) {
  number_arg(option(f, key), n);
}

/* An option with two string arguments, such as LeaveType "code" "name". */
static void set_pair(fixture_t *f, const char *key, const char *first,
                     const char *second) {
  string_arg(string_arg(option(f, key), first), second);
}

/* Removes every option called `key` (any case) from the block. The
 * arguments stay where they are (option() never reuses their rows); only
 * the option items move. */
static void remove_option(fixture_t *f, const char *key) {
  int out = 0;
  for (int i = 0; i < f->block.children_num; i++)
    if (strcasecmp(f->children[i].key, key) != 0)
      f->children[out++] = f->children[i];
  f->block.children_num = out;
}

/* Replaces every option `key` by one with the string `s`. */
static void replace_string(fixture_t *f, const char *key, const char *s) {
  remove_option(f, key);
  set_string(f, key, s);
}

/* Replaces every option `key` by one with the number `n`. */
static void replace_number(fixture_t *f, const char *key, double n) {
  remove_option(f, key);
  set_number(f, key, n);
}

/* Gives the block its secret in the file at `path` instead of AppSecret. */
static void use_secret_file(fixture_t *f, const char *path) {
  remove_option(f, "AppSecret");
  set_string(f, "AppSecretFile", path);
}

/* Empties the block, the configuration read from it and the log, for the
 * next case of a test that tries several. */
static void next_case(fixture_t *f) {
  wf_account_config_free(&f->cfg);
  f->block.children_num = 0;
  f->values_used = 0;
  f->thresholds_used = 0;
  stub_log_reset();
}

/* The smallest block that is accepted. */
static void minimal_block(fixture_t *f) {
  set_string(f, "AppKey", "dingkey123");
  set_string(f, "AppSecret", SECRET);
}

/* A block that sets every option. */
static void full_block(fixture_t *f) {
  minimal_block(f);
  set_string(f, "OapiURL", "https://oapi.example.test/");
  set_string(f, "ApiURL", "http://api.example.test:8080/base//");
  set_number(f, "Interval", 600);
  set_string(f, "UTCOffset", "+05:30");
  set_number(f, "Timeout", 2.5);
  set_string(f, "Collect", "departures");
  set_pair(f, "UserID", "user-1", "user-2");
  set_string(f, "UserID", "user-3");
  set_string(f, "OperatorUserID", "operator-1");
  set_pair(f, "LeaveType", "annual-id", "annual");
  set_pair(f, "LeaveType", "sick-id", "病假");
  set_pair(f, "ReportReader", "template-1", "日报");
  set_string(f, "CACert", "/etc/ssl/certs/test-ca.pem");
  set_string(f, "Proxy", "http://proxy.example.test:3128");
  boolean_arg(option(f, "VerifyPeer"), 0);
  string_arg(option(f, "VerifyHost"), "no");
  set_number(f, "MaxResponseSize", 65536);
  set_number(f, "MaxPages", 20);
  set_number(f, "MaxRequestsPerSecond", 5);
}

/* Writes `content` to a new temporary file, removed by the teardown. */
static const char *secret_file(fixture_t *f, const char *content) {
  const char *dir = getenv("TMPDIR");
  snprintf(f->secret_path, sizeof(f->secret_path), "%s/wf-secret-XXXXXX",
           (dir != NULL && dir[0] != '\0') ? dir : "/tmp");
  int fd = mkstemp(f->secret_path);
  if (fd < 0) {
    f->secret_path[0] = '\0';
    fail_msg("mkstemp failed");
  }
  size_t len = strlen(content);
  ssize_t written = write(fd, content, len);
  close(fd);
  assert_int_equal(written, (ssize_t)len);
  return f->secret_path;
}

/* Parses the block with the parser its key names. */
static int parse(fixture_t *f) {
  if (strcmp(f->block.key, "Feishu") == 0)
    return wf_config_feishu(&f->block, &f->cfg);
  return wf_config_dingtalk(&f->block, &f->cfg);
}

/* Fails when any logged message holds a secret. */
static void assert_no_secret_logged(void) {
  for (size_t i = 0; i < stub_log_count(); i++) {
    const char *message = stub_log_message(i);
    if (strstr(message, SECRET) != NULL || strstr(message, FILE_SECRET) != NULL)
      fail_msg("a log message holds the secret: %s", message);
  }
}

/* Fails unless `message` contains `part`, printing both. */
static void assert_contains(const char *message, const char *part) {
  if (strstr(message, part) == NULL)
    fail_msg("\"%s\" is not in the message: %s", part, message);
}

/* Parses the block and checks it is refused with one error naming the
 * block, `option_name` and `detail`, and the configuration left empty. */
static void assert_refused(fixture_t *f, const char *option_name,
                           const char *detail) {
  assert_int_equal(parse(f), -1);
  wf_account_config_t empty;
  memset(&empty, 0, sizeof(empty));
  assert_memory_equal(&f->cfg, &empty, sizeof(empty));

  assert_no_secret_logged();
  assert_int_equal(stub_log_count(), 1);
  const char *message = stub_log_message(0);
  assert_int_equal(stub_log_level(0), LOG_ERR);
  assert_contains(message, WF_LOG_PREFIX);
  char block_name[128];
  snprintf(block_name, sizeof(block_name), "<%s \"%s\">", f->block.key,
           f->name.value.string);
  assert_contains(message, block_name);
  assert_contains(message, option_name);
  if (detail != NULL)
    assert_contains(message, detail);
}

/* assert_refused for the option `key`, which the message names in
 * quotes. */
static void assert_option_refused(fixture_t *f, const char *key,
                                  const char *detail) {
  char quoted[64];
  snprintf(quoted, sizeof(quoted), "\"%s\"", key);
  assert_refused(f, quoted, detail);
}

/* Parses the block and checks it is accepted without any message. */
static void assert_accepted(fixture_t *f) {
  int status = parse(f);
  assert_no_secret_logged();
  if (status != 0)
    fail_msg("refused: %s", stub_log_message(0));
  assert_int_equal(stub_log_count(), 0);
}

/* ------------------------------------------------------------------- */

static void test_full_block(void **state) {
  fixture_t *f = *state;
  full_block(f);
  assert_accepted(f);
  const wf_account_config_t *cfg = &f->cfg;

  assert_string_equal(cfg->name, "acme");
  assert_int_equal(cfg->platform, WF_PLATFORM_DINGTALK);
  assert_string_equal(cfg->app_key, "dingkey123");
  assert_string_equal(cfg->app_secret, SECRET);
  /* Trailing slashes are trimmed so that paths can be appended. */
  assert_string_equal(cfg->oapi_url, "https://oapi.example.test");
  assert_string_equal(cfg->api_url, "http://api.example.test:8080/base");
  assert_float_equal(cfg->interval, 600.0, 0.0);
  assert_int_equal(cfg->utc_offset, 5 * 3600 + 30 * 60);
  assert_int_equal(cfg->timeout_ms, 2500);
  assert_int_equal(cfg->collect, WF_COLLECT_DEPARTURES);

  assert_int_equal(cfg->user_ids.count, 3);
  assert_string_equal(cfg->user_ids.items[0], "user-1");
  assert_string_equal(cfg->user_ids.items[1], "user-2");
  assert_string_equal(cfg->user_ids.items[2], "user-3");
  assert_int_equal(cfg->employment_ids.count, 0);
  assert_string_equal(cfg->operator_user_id, "operator-1");

  assert_int_equal(cfg->leave_types.count, 2);
  assert_string_equal(cfg->leave_types.items[0].code, "annual-id");
  assert_string_equal(cfg->leave_types.items[0].name, "annual");
  assert_string_equal(cfg->leave_types.items[1].code, "sick-id");
  assert_string_equal(cfg->leave_types.items[1].name, "病假");
  assert_int_equal(cfg->report_readers.count, 1);
  assert_string_equal(cfg->report_readers.items[0].code, "template-1");
  assert_string_equal(cfg->report_readers.items[0].name, "日报");

  assert_string_equal(cfg->ca_file, "/etc/ssl/certs/test-ca.pem");
  assert_string_equal(cfg->proxy, "http://proxy.example.test:3128");
  assert_false(cfg->verify_peer);
  assert_false(cfg->verify_host);
  assert_int_equal(cfg->max_response_size, 65536);
  assert_int_equal(cfg->max_pages, 20);
  assert_float_equal(cfg->max_requests_per_second, 5.0, 0.0);
  assert_int_equal(cfg->expiry_window_days, WF_DEFAULT_EXPIRY_WINDOW_DAYS);
}

static void test_minimal_block_gets_defaults(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  assert_accepted(f);
  const wf_account_config_t *cfg = &f->cfg;
  assert_string_equal(cfg->oapi_url, "https://oapi.dingtalk.com");
  assert_string_equal(cfg->api_url, "https://api.dingtalk.com");
  assert_float_equal(cfg->interval, WF_DEFAULT_INTERVAL, 0.0);
  assert_int_equal(cfg->utc_offset, 8 * 3600);
  assert_int_equal(cfg->timeout_ms, WF_DEFAULT_TIMEOUT_MS);
  assert_int_equal(cfg->collect, WF_COLLECT_DEPARTURES | WF_COLLECT_HEADCOUNT |
                                     WF_COLLECT_ATTENDANCE);
  assert_int_equal(cfg->monthly_quota, 5000);
  assert_int_equal(cfg->work_start, cfg->work_end);
  assert_int_equal(cfg->user_ids.count, 0);
  assert_null(cfg->operator_user_id);
  assert_int_equal(cfg->leave_types.count, 0);
  assert_int_equal(cfg->report_readers.count, 0);
  assert_null(cfg->ca_file);
  assert_null(cfg->proxy);
  assert_true(cfg->verify_peer);
  assert_true(cfg->verify_host);
  assert_int_equal(cfg->max_response_size, 0);
  assert_int_equal(cfg->max_pages, WF_DEFAULT_MAX_PAGES);
  assert_float_equal(cfg->max_requests_per_second,
                     WF_DEFAULT_REQUESTS_PER_SECOND, 0.0);
}

static void test_option_names_are_case_insensitive(void **state) {
  fixture_t *f = *state;
  set_string(f, "appkey", "dingkey123");
  set_string(f, "APPSECRET", SECRET);
  set_string(f, "oapiurl", "https://oapi.example.test");
  set_number(f, "iNtErVaL", 60);
  string_arg(option(f, "collect"), "HeadCount");
  assert_accepted(f);
  assert_string_equal(f->cfg.app_key, "dingkey123");
  assert_string_equal(f->cfg.app_secret, SECRET);
  assert_string_equal(f->cfg.oapi_url, "https://oapi.example.test");
  assert_float_equal(f->cfg.interval, 60.0, 0.0);
  assert_int_equal(f->cfg.collect, WF_COLLECT_HEADCOUNT);
}

static void test_collect_accumulates(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_string(f, "Collect", "headcount");
  set_string(f, "Collect", "Departures");
  assert_accepted(f);
  assert_int_equal(f->cfg.collect,
                   WF_COLLECT_DEPARTURES | WF_COLLECT_HEADCOUNT);
}

static void test_unknown_option_refused(void **state) {
  fixture_t *f = *state;
  full_block(f);
  set_string(f, "Bogus", "value");
  assert_refused(f, "\"Bogus\"", "unknown option");
}

/* A <Threshold> without any bound would never fire: refused. */
static void test_threshold_without_bounds_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_string(f, "Threshold", "departures_today");
  assert_refused(f, "\"Threshold\"", "sets no WarningMin");
}

/* A threshold on a type the plugin does not dispatch is an error. */
static void test_threshold_unknown_type_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_string(f, "Threshold", "departures_tomorrow");
  assert_refused(f, "\"Threshold\"", "not a type of this plugin");
}

/* Counters (api_requests, api_errors) grow from start-up: a bound on them
 * would never be left, so thresholds on them are refused. */
static void test_threshold_on_counter_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_string(f, "Threshold", "api_errors");
  assert_refused(f, "\"Threshold\"", "is a counter");
}

static void test_missing_app_key_refused(void **state) {
  fixture_t *f = *state;
  full_block(f);
  remove_option(f, "AppKey");
  assert_refused(f, "AppKey", "missing");
}

static void test_missing_secret_refused(void **state) {
  fixture_t *f = *state;
  full_block(f);
  remove_option(f, "AppSecret");
  assert_refused(f, "AppSecret", "missing");
}

static void test_empty_secret_refused(void **state) {
  fixture_t *f = *state;
  set_string(f, "AppKey", "dingkey123");
  set_string(f, "AppSecret", "");
  assert_refused(f, "AppSecret", "missing");
}

static void test_secret_and_secret_file_refused(void **state) {
  fixture_t *f = *state;
  full_block(f);
  set_string(f, "AppSecretFile", secret_file(f, FILE_SECRET "\n"));
  assert_refused(f, "AppSecretFile", "exclusive");
  assert_contains(stub_log_message(0), "AppSecret ");
}

static void test_secret_file_read_without_newline(void **state) {
  fixture_t *f = *state;
  full_block(f);
  use_secret_file(f, secret_file(f, FILE_SECRET "\n"));
  assert_accepted(f);
  assert_string_equal(f->cfg.app_secret, FILE_SECRET);
}

/* Parses a block whose AppSecretFile has `mode`; expects it accepted. */
static void parse_with_secret_mode(fixture_t *f, mode_t mode) {
  minimal_block(f);
  const char *path = secret_file(f, FILE_SECRET "\n");
  assert_int_equal(chmod(path, mode), 0);
  use_secret_file(f, path);
  assert_int_equal(parse(f), 0);
  assert_no_secret_logged();
  assert_string_equal(f->cfg.app_secret, FILE_SECRET);
}

static void test_secret_file_readable_by_others_warned(void **state) {
  fixture_t *f = *state;
  parse_with_secret_mode(f, 0644);
  /* As ssh with a private key: a warning naming the file; the account
   * still loads. */
  assert_int_equal(stub_log_count(), 1);
  assert_int_equal(stub_log_level(0), LOG_WARNING);
  char expected[1024];
  snprintf(expected, sizeof(expected),
           "workforce plugin: <DingTalk \"acme\">: option \"AppSecretFile\": "
           "\"%s\" is readable by group or others; chmod 600 it",
           f->secret_path);
  assert_string_equal(stub_log_message(0), expected);
}

static void test_secret_file_readable_by_group_warned(void **state) {
  fixture_t *f = *state;
  parse_with_secret_mode(f, 0640);
  assert_int_equal(stub_log_count(), 1);
  assert_int_equal(stub_log_level(0), LOG_WARNING);
  assert_contains(stub_log_message(0), "is readable by group or others");
}

static void test_secret_file_owner_only_not_warned(void **state) {
  fixture_t *f = *state;
  parse_with_secret_mode(f, 0600);
  assert_int_equal(stub_log_count(), 0);
  wf_account_config_free(&f->cfg);
  /* Others may write but not read: still the owner's secret alone. */
  assert_int_equal(chmod(f->secret_path, 0422), 0);
  assert_int_equal(parse(f), 0);
  assert_int_equal(stub_log_count(), 0);
}

static void test_secret_file_crlf_and_trailing_blanks(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  use_secret_file(f, secret_file(f, FILE_SECRET " \t\r\nsecond line\n"));
  assert_accepted(f);
  assert_string_equal(f->cfg.app_secret, FILE_SECRET);
}

static void test_secret_file_empty_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  const char *path = secret_file(f, "");
  use_secret_file(f, path);
  assert_refused(f, "\"AppSecretFile\"", "holds no secret");
  assert_contains(stub_log_message(0), path);
}

static void test_secret_file_blank_line_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  use_secret_file(f, secret_file(f, "\n" FILE_SECRET "\n"));
  assert_refused(f, "\"AppSecretFile\"", "holds no secret");
}

static void test_secret_file_missing_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  use_secret_file(f, "/nonexistent/wf-test/secret");
  assert_refused(f, "\"AppSecretFile\"", "/nonexistent/wf-test/secret");
  assert_contains(stub_log_message(0), "No such file or directory");
}

static void test_read_secret_file_directly(void **state) {
  fixture_t *f = *state;
  char *secret = NULL;
  char error[256] = "";
  assert_int_equal(wf_read_secret_file(secret_file(f, FILE_SECRET), &secret,
                                       error, sizeof(error)),
                   0);
  assert_non_null(secret);
  int same = strcmp(secret, FILE_SECRET) == 0;
  free(secret);
  assert_true(same);
  assert_string_equal(error, "");

  secret = NULL;
  assert_int_equal(wf_read_secret_file("/nonexistent/wf-test/secret", &secret,
                                       error, sizeof(error)),
                   -1);
  assert_null(secret);
  assert_contains(error, "/nonexistent/wf-test/secret");
}

static void test_bad_utc_offset_refused(void **state) {
  fixture_t *f = *state;
  full_block(f);
  replace_string(f, "UTCOffset", "+25:00");
  assert_refused(f, "\"UTCOffset\"", "+25:00");
}

static void test_interval_zero_refused(void **state) {
  fixture_t *f = *state;
  full_block(f);
  replace_number(f, "Interval", 0);
  assert_refused(f, "\"Interval\"", "out of range");
}

static void test_collect_unknown_refused(void **state) {
  fixture_t *f = *state;
  full_block(f);
  set_string(f, "Collect", "bogus");
  assert_refused(f, "\"Collect\"", "bogus");
}

/* A collector that exists but that this version cannot poll on DingTalk. */
static void test_collect_leave_expiry_refused_on_dingtalk(void **state) {
  fixture_t *f = *state;
  full_block(f);
  set_string(f, "Collect", "leave_expiry");
  assert_refused(f, "leave_expiry", "not available");
}

/* Like every other refusal, this one must name the option the user has to
 * change: Collect. */
static void test_collect_leave_expiry_message_names_option(void **state) {
  fixture_t *f = *state;
  full_block(f);
  set_string(f, "Collect", "leave_expiry");
  assert_int_equal(parse(f), -1);
  assert_int_equal(stub_log_count(), 1);
  assert_contains(stub_log_message(0), "Collect");
}

static void test_leave_type_with_one_argument_refused(void **state) {
  fixture_t *f = *state;
  full_block(f);
  string_arg(option(f, "LeaveType"), "annual-id");
  assert_refused(f, "\"LeaveType\"", "two");
}

static void test_leave_type_name_must_be_an_instance_name(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_pair(f, "LeaveType", "annual-id", "Annual/Paid");
  assert_refused(f, "\"LeaveType\"", "Annual/Paid");
}

static void test_non_http_url_refused(void **state) {
  fixture_t *f = *state;
  full_block(f);
  replace_string(f, "OapiURL", "ftp://oapi.example.test");
  assert_refused(f, "\"OapiURL\"", "ftp://oapi.example.test");
}

static void test_url_without_scheme_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_string(f, "ApiURL", "api.dingtalk.com");
  assert_refused(f, "\"ApiURL\"", "api.dingtalk.com");
}

static void test_wrong_argument_types_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_number(f, "OperatorUserID", 42);
  assert_refused(f, "\"OperatorUserID\"", "string");

  next_case(f);
  minimal_block(f);
  set_string(f, "Timeout", "10");
  assert_refused(f, "\"Timeout\"", "number");

  next_case(f);
  minimal_block(f);
  set_string(f, "VerifyPeer", "maybe");
  assert_refused(f, "\"VerifyPeer\"", "boolean");

  next_case(f);
  minimal_block(f);
  option(f, "UserID");
  assert_refused(f, "\"UserID\"", "string");
}

static void test_block_without_name_refused(void **state) {
  fixture_t *f = *state;
  full_block(f);
  f->block.values_num = 0;
  assert_int_equal(parse(f), -1);
  assert_null(f->cfg.name);
  assert_null(f->cfg.app_secret);
  assert_int_equal(stub_log_count(), 1);
  assert_contains(stub_log_message(0), "<DingTalk>");
  assert_contains(stub_log_message(0), "account name");
  assert_no_secret_logged();
}

static void test_block_name_with_slash_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  f->name.value.string = "acme/eu";
  assert_int_equal(parse(f), -1);
  assert_null(f->cfg.name);
  assert_int_equal(stub_log_count(), 1);
  assert_contains(stub_log_message(0), "<DingTalk \"acme/eu\">");
  assert_contains(stub_log_message(0), "account name");
}

static void test_collector_names(void **state) {
  (void)state;
  assert_string_equal(wf_collector_name(WF_COLLECT_DEPARTURES), "departures");
  assert_string_equal(wf_collector_name(WF_COLLECT_HEADCOUNT), "headcount");
  assert_string_equal(wf_collector_name(WF_COLLECT_LEAVE_EXPIRY),
                      "leave_expiry");
  assert_null(wf_collector_name((wf_collector_t)0));
  assert_null(wf_collector_name(
      (wf_collector_t)(WF_COLLECT_DEPARTURES | WF_COLLECT_HEADCOUNT)));
}

/* ---------------------------------------------------------------------
 * <Feishu "name"> blocks, and what each platform refuses of the other.
 * --------------------------------------------------------------------- */

/* Turns the fixture's block into <Feishu "intl"> with an AppID and an
 * AppSecret: the smallest Feishu block, accepted once it says what to
 * collect and for whom. */
static void feishu_app(fixture_t *f) {
  f->block.key = "Feishu";
  f->name.value.string = "intl";
  set_string(f, "AppID", "cli_a1b2c3d4e5f6");
  set_string(f, "AppSecret", SECRET);
}

/* The smallest Feishu block that is accepted: attendance, the default
 * collector, needs the UserID list. */
static void minimal_feishu_block(fixture_t *f) {
  feishu_app(f);
  set_string(f, "UserID", "e1");
}

static void test_feishu_full_block(void **state) {
  fixture_t *f = *state;
  feishu_app(f);
  set_string(f, "URL", "https://open.larksuite.example.test/");
  set_number(f, "Interval", 120);
  set_string(f, "UTCOffset", "-05:00");
  set_number(f, "Timeout", 3);
  set_string(f, "Collect", "attendance");
  set_pair(f, "UserID", "e1", "e2");
  set_string(f, "UserID", "e3");
  set_string(f, "EmploymentID", "6982509313466189342");
  set_pair(f, "LeaveType", "7111688079785723436", "annual");
  set_number(f, "ExpiryWindowDays", 14);
  assert_accepted(f);
  const wf_account_config_t *cfg = &f->cfg;

  assert_string_equal(cfg->name, "intl");
  assert_int_equal(cfg->platform, WF_PLATFORM_FEISHU);
  assert_string_equal(cfg->app_key, "cli_a1b2c3d4e5f6");
  assert_string_equal(cfg->app_secret, SECRET);
  /* URL is the base of every Feishu path: its trailing slash goes. */
  assert_string_equal(cfg->oapi_url, "https://open.larksuite.example.test");
  assert_float_equal(cfg->interval, 120.0, 0.0);
  assert_int_equal(cfg->utc_offset, -5 * 3600);
  assert_int_equal(cfg->timeout_ms, 3000);
  assert_int_equal(cfg->collect, WF_COLLECT_ATTENDANCE);
  /* UserID takes several values and may repeat. */
  assert_int_equal(cfg->user_ids.count, 3);
  assert_string_equal(cfg->user_ids.items[0], "e1");
  assert_string_equal(cfg->user_ids.items[1], "e2");
  assert_string_equal(cfg->user_ids.items[2], "e3");
  assert_int_equal(cfg->employment_ids.count, 1);
  assert_string_equal(cfg->employment_ids.items[0], "6982509313466189342");
  assert_int_equal(cfg->leave_types.count, 1);
  assert_string_equal(cfg->leave_types.items[0].code, "7111688079785723436");
  assert_string_equal(cfg->leave_types.items[0].name, "annual");
  assert_int_equal(cfg->expiry_window_days, 14);
}

static void test_feishu_defaults(void **state) {
  fixture_t *f = *state;
  minimal_feishu_block(f);
  assert_accepted(f);
  const wf_account_config_t *cfg = &f->cfg;
  assert_int_equal(cfg->platform, WF_PLATFORM_FEISHU);
  assert_string_equal(cfg->oapi_url, "https://open.feishu.cn");
  /* Without Collect, a Feishu account reads attendance. */
  assert_int_equal(cfg->collect, WF_COLLECT_ATTENDANCE);
  assert_float_equal(cfg->interval, WF_DEFAULT_INTERVAL, 0.0);
  assert_int_equal(cfg->utc_offset, 8 * 3600);
  assert_int_equal(cfg->timeout_ms, WF_DEFAULT_TIMEOUT_MS);
  assert_int_equal(cfg->expiry_window_days, WF_DEFAULT_EXPIRY_WINDOW_DAYS);
  assert_int_equal(cfg->employment_ids.count, 0);
  assert_int_equal(cfg->leave_types.count, 0);
  assert_true(cfg->verify_peer);
  assert_true(cfg->verify_host);
  assert_int_equal(cfg->max_pages, WF_DEFAULT_MAX_PAGES);
}

static void test_feishu_without_user_id_refused(void **state) {
  fixture_t *f = *state;
  minimal_feishu_block(f);
  remove_option(f, "UserID");
  assert_refused(f, "UserID", "attendance");

  /* The same with attendance asked for by name. */
  stub_log_reset();
  set_string(f, "Collect", "attendance");
  assert_refused(f, "UserID", "attendance");
}

static void test_feishu_missing_app_id_refused(void **state) {
  fixture_t *f = *state;
  minimal_feishu_block(f);
  remove_option(f, "AppID");
  assert_refused(f, "AppID", "missing");
  /* Feishu's option is AppID: the message must not send the user looking
   * for DingTalk's AppKey. */
  assert_null(strstr(stub_log_message(0), "AppKey"));
}

static void test_feishu_missing_secret_refused(void **state) {
  fixture_t *f = *state;
  minimal_feishu_block(f);
  remove_option(f, "AppSecret");
  assert_refused(f, "AppSecret", "missing");
}

static void test_feishu_app_key_refused(void **state) {
  fixture_t *f = *state;
  minimal_feishu_block(f);
  set_string(f, "AppKey", "dingkey123");
  assert_refused(f, "\"AppKey\"", "unknown option");
}

/* Checks, one case each, that every option of `keys`, with the string
 * `value`, is an unknown option in the block `base` builds. */
static void assert_options_unknown(fixture_t *f, void (*base)(fixture_t *),
                                   const char *const *keys, size_t count,
                                   const char *value) {
  for (size_t i = 0; i < count; i++) {
    next_case(f);
    base(f);
    set_string(f, keys[i], value);
    assert_option_refused(f, keys[i], "unknown option");
  }
}

/* Every DingTalk-only option is unknown in a Feishu block. */
static void test_feishu_refuses_dingtalk_options(void **state) {
  fixture_t *f = *state;
  static const char *const keys[] = {"OapiURL", "ApiURL", "OperatorUserID"};
  assert_options_unknown(f, minimal_feishu_block, keys, WF_ARRAY_SIZE(keys),
                         "https://oapi.example.test");
  next_case(f);
  minimal_feishu_block(f);
  set_pair(f, "ReportReader", "manager01", "cto");
  assert_refused(f, "\"ReportReader\"", "unknown option");
}

static void test_dingtalk_app_id_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_string(f, "AppID", "cli_a1b2c3d4e5f6");
  assert_refused(f, "\"AppID\"", "unknown option");
}

/* Every Feishu-only option is unknown in a DingTalk block. */
static void test_dingtalk_refuses_feishu_options(void **state) {
  fixture_t *f = *state;
  static const char *const keys[] = {"URL", "EmploymentID"};
  assert_options_unknown(f, minimal_block, keys, WF_ARRAY_SIZE(keys),
                         "https://open.feishu.cn");
  next_case(f);
  minimal_block(f);
  set_number(f, "ExpiryWindowDays", 30);
  assert_refused(f, "\"ExpiryWindowDays\"", "unknown option");
}

static void test_feishu_collect_departures_refused(void **state) {
  fixture_t *f = *state;
  minimal_feishu_block(f);
  set_string(f, "Collect", "departures");
  assert_refused(f, "Collect", "not available for Feishu");
  assert_contains(stub_log_message(0), "departures");
}

static void test_feishu_bad_url_refused(void **state) {
  fixture_t *f = *state;
  minimal_feishu_block(f);
  set_string(f, "URL", "open.feishu.cn");
  assert_refused(f, "URL", "open.feishu.cn");
}

static void test_dingtalk_collect_attendance_and_signins(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_pair(f, "Collect", "attendance", "signins");
  assert_accepted(f);
  /* Asked for by name, they replace the default collectors. */
  assert_int_equal(f->cfg.collect, WF_COLLECT_ATTENDANCE | WF_COLLECT_SIGNINS);
  /* DingTalk reads every on-job employee when UserID is absent. */
  assert_int_equal(f->cfg.user_ids.count, 0);
}

/* Without Collect, DingTalk polls departures and headcount, which its
 * monthly call quota does not count, and attendance, which the quota
 * planner fits into MonthlyQuota; never sign-ins, leave or reports. */
static void test_dingtalk_default_collect_adds_attendance(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  assert_accepted(f);
  assert_int_equal(f->cfg.collect, WF_COLLECT_DEPARTURES |
                                       WF_COLLECT_HEADCOUNT |
                                       WF_COLLECT_ATTENDANCE);
}

static void test_monthly_quota_and_work_hours(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_number(f, "MonthlyQuota", 1200);
  set_string(f, "WorkHours", "08:30-20:00");
  assert_accepted(f);
  assert_int_equal(f->cfg.monthly_quota, 1200);
  assert_int_equal(f->cfg.work_start, 8 * 60 + 30);
  assert_int_equal(f->cfg.work_end, 20 * 60);
}

static void test_monthly_quota_zero_turns_planning_off(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_number(f, "MonthlyQuota", 0);
  assert_accepted(f);
  assert_int_equal(f->cfg.monthly_quota, 0);
}

static void test_monthly_quota_negative_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_number(f, "MonthlyQuota", -1);
  assert_refused(f, "\"MonthlyQuota\"", NULL);
}

static void test_monthly_quota_fraction_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_number(f, "MonthlyQuota", 10.5);
  assert_refused(f, "\"MonthlyQuota\"", "whole number");
}

static void test_work_hours_shape_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_string(f, "WorkHours", "8-20");
  assert_refused(f, "\"WorkHours\"", "\"8-20\" is not a span");
}

static void test_work_hours_out_of_range_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_string(f, "WorkHours", "08:00-25:00");
  assert_refused(f, "\"WorkHours\"", "08:00-25:00");
}

static void test_monthly_quota_is_dingtalk_only(void **state) {
  fixture_t *f = *state;
  minimal_feishu_block(f);
  set_number(f, "MonthlyQuota", 100);
  assert_refused(f, "\"MonthlyQuota\"", "unknown option");
}

/* ---------------------------------------------------------------------
 * <Threshold "type"> blocks inside an account.
 * --------------------------------------------------------------------- */

/* Appends a <Threshold "type"> block, without options, to the account. */
static oconfig_item_t *threshold(fixture_t *f, const char *type) {
  assert_true(f->thresholds_used < MAX_THRESHOLDS);
  oconfig_item_t *t = string_arg(option(f, "Threshold"), type);
  t->children = f->threshold_options[f->thresholds_used++];
  return t;
}

/* Appends an option without arguments to a <Threshold> block. */
static oconfig_item_t *threshold_option(fixture_t *f, oconfig_item_t *t,
                                        const char *key) {
  assert_true(t->children_num < MAX_OPTIONS);
  assert_true(f->values_used < MAX_OPTIONS);
  oconfig_item_t *o = &t->children[t->children_num++];
  memset(o, 0, sizeof(*o));
  o->key = (char *)key;
  o->values = f->values[f->values_used++];
  o->parent = t;
  return o;
}

/* Shorthands for <Threshold> options with one argument. */
static void threshold_number(fixture_t *f, oconfig_item_t *t, const char *key,
                             double n) {
  number_arg(threshold_option(f, t, key), n);
}

static void threshold_string(fixture_t *f, oconfig_item_t *t, const char *key,
                             const char *s) {
  string_arg(threshold_option(f, t, key), s);
}

static void threshold_boolean(fixture_t *f, oconfig_item_t *t, const char *key,
                              int b) {
  boolean_arg(threshold_option(f, t, key), b);
}

static void test_threshold_every_option(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  oconfig_item_t *t = threshold(f, "departures_today");
  threshold_string(f, t, "Instance", "leave");
  threshold_number(f, t, "WarningMin", 1);
  threshold_number(f, t, "WarningMax", 5);
  threshold_number(f, t, "FailureMin", -2.5);
  threshold_number(f, t, "FailureMax", 10);
  threshold_number(f, t, "Hysteresis", 2);
  threshold_boolean(f, t, "Persist", 1);
  assert_accepted(f);

  assert_int_equal(f->cfg.threshold_count, 1);
  const wf_threshold_config_t *th = &f->cfg.thresholds[0];
  assert_string_equal(th->type, "departures_today");
  assert_true(th->has_instance);
  assert_string_equal(th->instance, "leave");
  assert_float_equal(th->warning_min, 1, 0.0);
  assert_float_equal(th->warning_max, 5, 0.0);
  assert_float_equal(th->failure_min, -2.5, 0.0);
  assert_float_equal(th->failure_max, 10, 0.0);
  assert_float_equal(th->hysteresis, 2, 0.0);
  assert_true(th->persist);
}

/* Without Instance, the sum; unset bounds stay unset (NAN), hysteresis 0
 * and persist off by default. */
static void test_threshold_defaults(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  threshold_number(f, threshold(f, "headcount"), "FailureMin", 3);
  assert_accepted(f);
  assert_int_equal(f->cfg.threshold_count, 1);
  const wf_threshold_config_t *th = &f->cfg.thresholds[0];
  assert_string_equal(th->type, "headcount");
  assert_false(th->has_instance);
  assert_string_equal(th->instance, "");
  assert_float_equal(th->failure_min, 3, 0.0);
  assert_true(isnan(th->failure_max));
  assert_true(isnan(th->warning_min));
  assert_true(isnan(th->warning_max));
  assert_float_equal(th->hysteresis, 0, 0.0);
  assert_false(th->persist);
}

static void test_threshold_several_in_order(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  threshold_number(f, threshold(f, "departures_today"), "WarningMax", 3);
  oconfig_item_t *t = threshold(f, "departures_today");
  threshold_string(f, t, "Instance", "delete");
  threshold_number(f, t, "FailureMax", 7);
  threshold_number(f, threshold(f, "data_age"), "FailureMax", 3600);
  assert_accepted(f);
  assert_int_equal(f->cfg.threshold_count, 3);
  assert_string_equal(f->cfg.thresholds[0].type, "departures_today");
  assert_false(f->cfg.thresholds[0].has_instance);
  assert_float_equal(f->cfg.thresholds[0].warning_max, 3, 0.0);
  assert_string_equal(f->cfg.thresholds[1].instance, "delete");
  assert_float_equal(f->cfg.thresholds[1].failure_max, 7, 0.0);
  assert_string_equal(f->cfg.thresholds[2].type, "data_age");
  assert_float_equal(f->cfg.thresholds[2].failure_max, 3600, 0.0);
}

static void test_threshold_option_names_are_case_insensitive(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  oconfig_item_t *t = threshold(f, "on_leave");
  threshold_string(f, t, "INSTANCE", "annual");
  threshold_number(f, t, "warningmax", 4);
  threshold_number(f, t, "hysteresis", 1);
  threshold_string(f, t, "persist", "true");
  assert_accepted(f);
  assert_string_equal(f->cfg.thresholds[0].instance, "annual");
  assert_float_equal(f->cfg.thresholds[0].warning_max, 4, 0.0);
  assert_float_equal(f->cfg.thresholds[0].hysteresis, 1, 0.0);
  assert_true(f->cfg.thresholds[0].persist);
}

/* Feishu accounts take thresholds too. */
static void test_threshold_in_feishu_block(void **state) {
  fixture_t *f = *state;
  minimal_feishu_block(f);
  oconfig_item_t *t = threshold(f, "abnormal_employees");
  threshold_number(f, t, "WarningMax", 2);
  assert_accepted(f);
  assert_int_equal(f->cfg.threshold_count, 1);
  assert_string_equal(f->cfg.thresholds[0].type, "abnormal_employees");
}

/* Hysteresis and Persist are no bounds. */
static void test_threshold_without_bounds_but_options_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  oconfig_item_t *t = threshold(f, "departures_today");
  threshold_string(f, t, "Instance", "leave");
  threshold_number(f, t, "Hysteresis", 2);
  threshold_boolean(f, t, "Persist", 1);
  assert_refused(f, "\"Threshold\"", "sets no WarningMin");
}

static void test_threshold_unknown_option_refused(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  oconfig_item_t *t = threshold(f, "departures_today");
  threshold_number(f, t, "FailureMax", 10);
  threshold_number(f, t, "Bogus", 1);
  assert_refused(f, "\"Bogus\"", "unknown option");
  assert_contains(stub_log_message(0), "<Threshold \"departures_today\">");
}

/* Options of collectd's threshold plugin that this one does not have are
 * refused rather than silently ignored. */
static void test_threshold_collectd_only_options_refused(void **state) {
  fixture_t *f = *state;
  static const char *const keys[] = {"DataSource", "Invert",      "Percentage",
                                     "Hits",       "Interesting", "PersistOK"};
  for (size_t i = 0; i < WF_ARRAY_SIZE(keys); i++) {
    next_case(f);
    minimal_block(f);
    oconfig_item_t *t = threshold(f, "departures_today");
    threshold_number(f, t, "FailureMax", 10);
    threshold_string(f, t, keys[i], "value");
    assert_option_refused(f, keys[i], "unknown option");
  }
}

static void test_threshold_wrong_arguments_refused(void **state) {
  fixture_t *f = *state;
  static const struct {
    const char *key;
    int type; /* OCONFIG_TYPE_* of the one argument */
    const char *detail;
  } cases[] = {
      {"WarningMax", OCONFIG_TYPE_STRING, "number"},
      {"FailureMin", OCONFIG_TYPE_BOOLEAN, "number"},
      {"Instance", OCONFIG_TYPE_NUMBER, "string"},
      {"Persist", OCONFIG_TYPE_NUMBER, "boolean"},
  };
  for (size_t i = 0; i < WF_ARRAY_SIZE(cases); i++) {
    next_case(f);
    minimal_block(f);
    oconfig_item_t *t = threshold(f, "departures_today");
    threshold_number(f, t, "WarningMin", 1);
    oconfig_item_t *o = threshold_option(f, t, cases[i].key);
    oconfig_value_t *v = argument(o, cases[i].type);
    if (cases[i].type == OCONFIG_TYPE_STRING)
      v->value.string = "5";
    assert_option_refused(f, cases[i].key, cases[i].detail);
  }

  /* A negative hysteresis is out of range. */
  next_case(f);
  minimal_block(f);
  oconfig_item_t *t = threshold(f, "departures_today");
  threshold_number(f, t, "WarningMax", 1);
  threshold_number(f, t, "Hysteresis", -1);
  assert_refused(f, "\"Hysteresis\"", "out of range");
}

static void test_threshold_needs_a_type_argument(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  oconfig_item_t *t = number_arg(option(f, "Threshold"), 5);
  t->children = f->threshold_options[f->thresholds_used++];
  threshold_number(f, t, "WarningMax", 1);
  assert_refused(f, "\"Threshold\"", "type");
}

/* ---------------------------------------------------------------------
 * What some collectors require.
 * --------------------------------------------------------------------- */

/* Leave and announcements are read in an administrator's name. */
static void test_operator_required_for_leave_and_announcements(void **state) {
  fixture_t *f = *state;
  static const char *const collectors[] = {"leave", "announcements"};
  for (size_t i = 0; i < WF_ARRAY_SIZE(collectors); i++) {
    next_case(f);
    minimal_block(f);
    set_string(f, "Collect", collectors[i]);
    assert_refused(f, "OperatorUserID", "required");

    /* An empty one is no operator either. */
    stub_log_reset();
    set_string(f, "OperatorUserID", "");
    assert_refused(f, "OperatorUserID", "required");

    stub_log_reset();
    replace_string(f, "OperatorUserID", "manager01");
    assert_accepted(f);
    assert_string_equal(f->cfg.operator_user_id, "manager01");
  }
}

static void test_operator_not_required_for_other_collectors(void **state) {
  fixture_t *f = *state;
  minimal_block(f);
  set_pair(f, "Collect", "reports", "attendance");
  set_string(f, "Collect", "signins");
  assert_accepted(f);
  assert_null(f->cfg.operator_user_id);
}

static void test_feishu_leave_expiry_requires_employment_id(void **state) {
  fixture_t *f = *state;
  minimal_feishu_block(f);
  set_string(f, "Collect", "leave_expiry");
  set_pair(f, "LeaveType", "7111688079785723436", "annual");
  assert_refused(f, "\"EmploymentID\"", "leave_expiry");
}

static void test_feishu_leave_expiry_requires_leave_type(void **state) {
  fixture_t *f = *state;
  minimal_feishu_block(f);
  set_string(f, "Collect", "leave_expiry");
  set_string(f, "EmploymentID", "6982509313466189342");
  assert_refused(f, "\"LeaveType\"", "leave_expiry");
}

static void test_feishu_leave_expiry_accepted(void **state) {
  fixture_t *f = *state;
  feishu_app(f);
  set_string(f, "Collect", "leave_expiry");
  set_pair(f, "EmploymentID", "6982509313466189342", "6982509313466189343");
  set_pair(f, "LeaveType", "7111688079785723436", "年假");
  assert_accepted(f);
  /* leave_expiry alone needs no UserID. */
  assert_int_equal(f->cfg.collect, WF_COLLECT_LEAVE_EXPIRY);
  assert_int_equal(f->cfg.user_ids.count, 0);
  assert_int_equal(f->cfg.employment_ids.count, 2);
  assert_int_equal(f->cfg.leave_types.count, 1);
  assert_string_equal(f->cfg.leave_types.items[0].name, "年假");
}

/* Makes a LeaveType name of `size` bytes. */
static const char *long_name(char *buffer, size_t size) {
  memset(buffer, 'n', size);
  buffer[size] = '\0';
  return buffer;
}

/* leave_expiring appends "-hours" to a LeaveType name: on Feishu, with
 * leave_expiry, the name may have at most WF_NAME_LEN - 8 bytes. */
static void test_feishu_leave_type_name_length(void **state) {
  fixture_t *f = *state;
  char name[WF_NAME_LEN];
  feishu_app(f);
  set_string(f, "Collect", "leave_expiry");
  set_string(f, "EmploymentID", "6982509313466189342");
  set_pair(f, "LeaveType", "t1", long_name(name, WF_NAME_LEN - 8));
  assert_accepted(f);
  assert_int_equal(strlen(f->cfg.leave_types.items[0].name), WF_NAME_LEN - 8);
  wf_account_config_free(&f->cfg);

  char longer[WF_NAME_LEN];
  set_pair(f, "LeaveType", "t2", long_name(longer, WF_NAME_LEN - 7));
  assert_refused(f, "\"LeaveType\"", "longer than");
}

/* Without leave_expiry, and on DingTalk, a name may have the full
 * WF_NAME_LEN - 1 bytes of a type instance. */
static void test_leave_type_name_length_elsewhere(void **state) {
  fixture_t *f = *state;
  char name[WF_NAME_LEN];
  minimal_block(f);
  set_string(f, "Collect", "leave");
  set_string(f, "OperatorUserID", "manager01");
  set_pair(f, "LeaveType", "t1", long_name(name, WF_NAME_LEN - 1));
  assert_accepted(f);
  wf_account_config_free(&f->cfg);

  /* One byte more is no type instance. */
  char longer[WF_NAME_LEN + 1];
  next_case(f);
  minimal_block(f);
  set_pair(f, "LeaveType", "t1", long_name(longer, WF_NAME_LEN));
  assert_refused(f, "\"LeaveType\"", "at most");

  next_case(f);
  minimal_feishu_block(f);
  set_pair(f, "LeaveType", "t1", long_name(name, WF_NAME_LEN - 1));
  assert_accepted(f);
}

#define CONFIG_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      CONFIG_TEST(test_full_block),
      CONFIG_TEST(test_minimal_block_gets_defaults),
      CONFIG_TEST(test_option_names_are_case_insensitive),
      CONFIG_TEST(test_collect_accumulates),
      CONFIG_TEST(test_unknown_option_refused),
      CONFIG_TEST(test_threshold_without_bounds_refused),
      CONFIG_TEST(test_threshold_unknown_type_refused),
      CONFIG_TEST(test_threshold_on_counter_refused),
      CONFIG_TEST(test_missing_app_key_refused),
      CONFIG_TEST(test_missing_secret_refused),
      CONFIG_TEST(test_empty_secret_refused),
      CONFIG_TEST(test_secret_and_secret_file_refused),
      CONFIG_TEST(test_secret_file_read_without_newline),
      CONFIG_TEST(test_secret_file_crlf_and_trailing_blanks),
      CONFIG_TEST(test_secret_file_readable_by_others_warned),
      CONFIG_TEST(test_secret_file_readable_by_group_warned),
      CONFIG_TEST(test_secret_file_owner_only_not_warned),
      CONFIG_TEST(test_secret_file_empty_refused),
      CONFIG_TEST(test_secret_file_blank_line_refused),
      CONFIG_TEST(test_secret_file_missing_refused),
      CONFIG_TEST(test_read_secret_file_directly),
      CONFIG_TEST(test_bad_utc_offset_refused),
      CONFIG_TEST(test_interval_zero_refused),
      CONFIG_TEST(test_collect_unknown_refused),
      CONFIG_TEST(test_collect_leave_expiry_refused_on_dingtalk),
      CONFIG_TEST(test_collect_leave_expiry_message_names_option),
      CONFIG_TEST(test_leave_type_with_one_argument_refused),
      CONFIG_TEST(test_leave_type_name_must_be_an_instance_name),
      CONFIG_TEST(test_non_http_url_refused),
      CONFIG_TEST(test_url_without_scheme_refused),
      CONFIG_TEST(test_wrong_argument_types_refused),
      CONFIG_TEST(test_block_without_name_refused),
      CONFIG_TEST(test_block_name_with_slash_refused),
      CONFIG_TEST(test_collector_names),
      CONFIG_TEST(test_feishu_full_block),
      CONFIG_TEST(test_feishu_defaults),
      CONFIG_TEST(test_feishu_without_user_id_refused),
      CONFIG_TEST(test_feishu_missing_app_id_refused),
      CONFIG_TEST(test_feishu_missing_secret_refused),
      CONFIG_TEST(test_feishu_app_key_refused),
      CONFIG_TEST(test_feishu_refuses_dingtalk_options),
      CONFIG_TEST(test_dingtalk_app_id_refused),
      CONFIG_TEST(test_dingtalk_refuses_feishu_options),
      CONFIG_TEST(test_feishu_collect_departures_refused),
      CONFIG_TEST(test_feishu_bad_url_refused),
      CONFIG_TEST(test_dingtalk_collect_attendance_and_signins),
      CONFIG_TEST(test_dingtalk_default_collect_adds_attendance),
      CONFIG_TEST(test_monthly_quota_and_work_hours),
      CONFIG_TEST(test_monthly_quota_zero_turns_planning_off),
      CONFIG_TEST(test_monthly_quota_negative_refused),
      CONFIG_TEST(test_monthly_quota_fraction_refused),
      CONFIG_TEST(test_work_hours_shape_refused),
      CONFIG_TEST(test_work_hours_out_of_range_refused),
      CONFIG_TEST(test_monthly_quota_is_dingtalk_only),
      CONFIG_TEST(test_threshold_every_option),
      CONFIG_TEST(test_threshold_defaults),
      CONFIG_TEST(test_threshold_several_in_order),
      CONFIG_TEST(test_threshold_option_names_are_case_insensitive),
      CONFIG_TEST(test_threshold_in_feishu_block),
      CONFIG_TEST(test_threshold_without_bounds_but_options_refused),
      CONFIG_TEST(test_threshold_unknown_option_refused),
      CONFIG_TEST(test_threshold_collectd_only_options_refused),
      CONFIG_TEST(test_threshold_wrong_arguments_refused),
      CONFIG_TEST(test_threshold_needs_a_type_argument),
      CONFIG_TEST(test_operator_required_for_leave_and_announcements),
      CONFIG_TEST(test_operator_not_required_for_other_collectors),
      CONFIG_TEST(test_feishu_leave_expiry_requires_employment_id),
      CONFIG_TEST(test_feishu_leave_expiry_requires_leave_type),
      CONFIG_TEST(test_feishu_leave_expiry_accepted),
      CONFIG_TEST(test_feishu_leave_type_name_length),
      CONFIG_TEST(test_leave_type_name_length_elsewhere),
  };
  return cmocka_run_group_tests_name("wf_config", tests, NULL, NULL);
}
