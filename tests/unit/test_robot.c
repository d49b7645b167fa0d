/**
 * collectd-workforce - tests/unit/test_robot.c
 * SPDX-License-Identifier: MIT
 *
 * What a group robot posts (src/wf_sign.c, src/wf_robot_msg.c): HMAC-SHA256
 * signatures checked against vectors computed with the openssl command
 * line, the signed DingTalk URL, the DingTalk markdown and Feishu text
 * bodies read back with json-c, the robots' answers, and the limit of 20
 * messages a minute.
 **/
#include "unittest.h"

#include "wf_common.h"
#include "wf_json.h"
#include "wf_robot_msg.h"
#include "wf_sign.h"

#include <json-c/json.h>

#include <stdlib.h>
#include <string.h>

#define SECRET "SECtest"
#define DINGTALK_URL "https://oapi.dingtalk.com/robot/send?access_token=T0k3n"
#define FEISHU_URL "https://open.feishu.cn/open-apis/bot/v2/hook/0a1b-2c3d"

/* Everything a test may hold; the teardown releases it whether the test
 * passed or not. */
typedef struct {
  char *text; /* a URL or body from the code under test */
  json_object *body;
  wf_robot_note_t note;
} fixture_t;

/* 2024-03-09T20:00:00Z */
#define NOTE_TIME ((time_t)1710014400)

static int setup(void **state) {
  fixture_t *f = calloc(1, sizeof(*f));
  if (f == NULL)
    return -1;
  wf_robot_note_t *n = &f->note;
  n->severity = 1;
  n->time = NOTE_TIME;
  snprintf(n->host, sizeof(n->host), "collector01");
  snprintf(n->plugin, sizeof(n->plugin), "workforce");
  snprintf(n->plugin_instance, sizeof(n->plugin_instance), "acme");
  snprintf(n->type, sizeof(n->type), "departures_today");
  snprintf(n->type_instance, sizeof(n->type_instance), "leave");
  snprintf(n->message, sizeof(n->message),
           "acme: 12 departures today (leave), above the failure bound 10");
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture_t *f = *state;
  free(f->text);
  json_object_put(f->body);
  free(f);
  return 0;
}

/* Fails unless `text` contains `part`, printing both. */
static void assert_contains(const char *text, const char *part) {
  if (text == NULL || strstr(text, part) == NULL)
    fail_msg("\"%s\" is not in: %s", part, (text != NULL) ? text : "(null)");
}

/* Builds the body of f->note for `platform` and parses it with json-c into
 * f->body. */
static json_object *body(fixture_t *f, wf_robot_platform_t platform,
                         const char *secret, long long now_ms) {
  free(f->text);
  json_object_put(f->body);
  f->body = NULL;
  f->text = wf_robot_body(platform, &f->note, secret, now_ms);
  assert_non_null(f->text);
  f->body = json_tokener_parse(f->text);
  if (f->body == NULL)
    fail_msg("the body is not JSON: %s", f->text);
  assert_true(json_object_is_type(f->body, json_type_object));
  return f->body;
}

/* The string at a path of keys in f->body; fails when it is not there. */
static const char *member(fixture_t *f, const char *key, const char *inner) {
  json_object *obj = f->body;
  if (inner != NULL) {
    json_object *outer = NULL;
    if (!json_object_object_get_ex(obj, key, &outer) ||
        !json_object_is_type(outer, json_type_object))
      fail_msg("no object \"%s\" in: %s", key, f->text);
    obj = outer;
    key = inner;
  }
  json_object *value = NULL;
  if (!json_object_object_get_ex(obj, key, &value) ||
      !json_object_is_type(value, json_type_string))
    fail_msg("no string \"%s\" in: %s", key, f->text);
  return json_object_get_string(value);
}

/* True when f->body has the top-level key `key`. */
static bool has_key(const fixture_t *f, const char *key) {
  return json_object_object_get_ex(f->body, key, NULL);
}

/* Fails unless `text` tells the note of setup(): the word for its
 * severity, `severity`, its message, host, identifier and time. */
static void assert_note_text(const char *text, const char *severity) {
  assert_contains(text, severity);
  assert_contains(
      text, "acme: 12 departures today (leave), above the failure bound 10");
  assert_contains(text, "collector01");
  assert_contains(text, "workforce-acme/departures_today-leave");
  assert_contains(text, "2024-03-09 20:00:00 UTC");
}

/* ---------------------------------------------------------------------
 * Signatures.
 * --------------------------------------------------------------------- */

/* RFC 4231, test case 2. */
static void test_hmac_known_vector(void **state) {
  (void)state;
  /* printf 'what do ya want for nothing?' |
   *   openssl dgst -sha256 -hmac Jefe -binary | base64 */
  char out[64];
  static const char message[] = "what do ya want for nothing?";
  assert_int_equal(wf_hmac_sha256_base64("Jefe", 4, message,
                                         sizeof(message) - 1, out, sizeof(out)),
                   0);
  assert_string_equal(out, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
}

static void test_hmac_buffer_too_small(void **state) {
  (void)state;
  /* 32 bytes are 44 base64 characters and a NUL: 45 bytes. */
  char out[64];
  memset(out, '#', sizeof(out));
  assert_int_equal(wf_hmac_sha256_base64("Jefe", 4, "x", 1, out, 44), -1);
  assert_int_equal(out[0], '#');
  assert_int_equal(wf_hmac_sha256_base64("Jefe", 4, "x", 1, out, 0), -1);
  assert_int_equal(wf_hmac_sha256_base64("Jefe", 4, "x", 1, out, 45), 0);
  assert_int_equal(strlen(out), 44);
  assert_int_equal(out[45], '#');

  assert_int_equal(wf_sign_dingtalk(SECRET, 1700000000000LL, out, 44), -1);
  assert_int_equal(wf_sign_feishu(SECRET, 1700000000LL, out, 44), -1);
}

static void test_sign_dingtalk_vectors(void **state) {
  (void)state;
  char out[64];
  /* printf '%s\n%s' 1700000000000 SECtest |
   *   openssl dgst -sha256 -hmac SECtest -binary | base64 */
  assert_int_equal(wf_sign_dingtalk(SECRET, 1700000000000LL, out, sizeof(out)),
                   0);
  assert_string_equal(out, "aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g=");
  /* printf '%s\n%s' 1700000000001 SECtest |
   *   openssl dgst -sha256 -hmac SECtest -binary | base64 */
  assert_int_equal(wf_sign_dingtalk(SECRET, 1700000000001LL, out, sizeof(out)),
                   0);
  assert_string_equal(out, "r4CWp/Dz+Ng0sbTjH1vB0Fr+uQ2fn831mssaN6/C05I=");
}

static void test_sign_feishu_vectors(void **state) {
  (void)state;
  char out[64];
  /* The key is "<timestamp>\n<secret>", the message empty:
   * printf '' | openssl dgst -sha256 -mac HMAC \
   *   -macopt key:"$(printf '1700000000\nSECtest')" -binary | base64 */
  assert_int_equal(wf_sign_feishu(SECRET, 1700000000LL, out, sizeof(out)), 0);
  assert_string_equal(out, "G7XpBpG8NgG02fJOAhX6FRAObIljmFoxVReo8I62pEk=");
  /* printf '' | openssl dgst -sha256 -mac HMAC \
   *   -macopt key:"$(printf '1710014400\nSECtest')" -binary | base64 */
  assert_int_equal(wf_sign_feishu(SECRET, 1710014400LL, out, sizeof(out)), 0);
  assert_string_equal(out, "LmjgbWWTXSZOcclmsl46hR0u9IuETWd7cgLQFGdJzWQ=");
}

/* ---------------------------------------------------------------------
 * The URL to post to.
 * --------------------------------------------------------------------- */

static void test_url_unsigned_is_a_copy(void **state) {
  fixture_t *f = *state;
  static const char *const secrets[] = {NULL, ""};
  for (size_t i = 0; i < WF_ARRAY_SIZE(secrets); i++) {
    free(f->text);
    f->text = wf_robot_url(WF_ROBOT_DINGTALK, DINGTALK_URL, secrets[i],
                           1700000000001LL);
    assert_non_null(f->text);
    assert_ptr_not_equal(f->text, DINGTALK_URL);
    assert_string_equal(f->text, DINGTALK_URL);
  }
}

static void test_url_signed_dingtalk(void **state) {
  fixture_t *f = *state;
  /* The signature of 1700000000001 holds '/', '+' and '=': each is
   * percent-encoded. */
  f->text =
      wf_robot_url(WF_ROBOT_DINGTALK, DINGTALK_URL, SECRET, 1700000000001LL);
  assert_string_equal(f->text,
                      DINGTALK_URL "&timestamp=1700000000001"
                                   "&sign=r4CWp%2FDz%2BNg0sbTjH1vB0Fr%2BuQ2fn8"
                                   "31mssaN6%2FC05I%3D");
}

static void test_url_signed_dingtalk_without_query(void **state) {
  fixture_t *f = *state;
  f->text = wf_robot_url(WF_ROBOT_DINGTALK, "http://127.0.0.1:8080/robot/send",
                         SECRET, 1700000000000LL);
  assert_string_equal(f->text,
                      "http://127.0.0.1:8080/robot/send?timestamp="
                      "1700000000000&sign=aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaN"
                      "NKpxh4g%3D");
}

/* Feishu signs in the body: its URL never changes. */
static void test_url_feishu_never_changes(void **state) {
  fixture_t *f = *state;
  static const char *const secrets[] = {NULL, "", SECRET};
  for (size_t i = 0; i < WF_ARRAY_SIZE(secrets); i++) {
    free(f->text);
    f->text =
        wf_robot_url(WF_ROBOT_FEISHU, FEISHU_URL, secrets[i], 1700000000001LL);
    assert_string_equal(f->text, FEISHU_URL);
  }
}

/* ---------------------------------------------------------------------
 * Message bodies.
 * --------------------------------------------------------------------- */

static void test_body_dingtalk_markdown(void **state) {
  fixture_t *f = *state;
  body(f, WF_ROBOT_DINGTALK, NULL, 1700000000000LL);
  assert_string_equal(member(f, "msgtype", NULL), "markdown");
  const char *title = member(f, "markdown", "title");
  assert_contains(title, "FAILURE");
  assert_contains(title, "acme");
  assert_note_text(member(f, "markdown", "text"), "FAILURE");
  assert_false(has_key(f, "msg_type"));
  assert_false(has_key(f, "sign"));
}

/* DingTalk signs in the URL: a secret leaves the body unsigned. */
static void test_body_dingtalk_signed_in_url_only(void **state) {
  fixture_t *f = *state;
  body(f, WF_ROBOT_DINGTALK, SECRET, 1700000000000LL);
  assert_string_equal(member(f, "msgtype", NULL), "markdown");
  assert_false(has_key(f, "sign"));
  assert_false(has_key(f, "timestamp"));
}

static void test_body_feishu_text(void **state) {
  fixture_t *f = *state;
  f->note.severity = 2;
  body(f, WF_ROBOT_FEISHU, NULL, 1700000000000LL);
  assert_string_equal(member(f, "msg_type", NULL), "text");
  assert_note_text(member(f, "content", "text"), "WARNING");
  assert_false(has_key(f, "timestamp"));
  assert_false(has_key(f, "sign"));
  assert_false(has_key(f, "msgtype"));
}

static void test_body_feishu_signed(void **state) {
  fixture_t *f = *state;
  body(f, WF_ROBOT_FEISHU, SECRET, 1700000000999LL);
  assert_string_equal(member(f, "msg_type", NULL), "text");
  /* Seconds, as a string. */
  assert_string_equal(member(f, "timestamp", NULL), "1700000000");
  char expected[64];
  assert_int_equal(
      wf_sign_feishu(SECRET, 1700000000LL, expected, sizeof(expected)), 0);
  assert_string_equal(member(f, "sign", NULL), expected);
  assert_string_equal(expected, "G7XpBpG8NgG02fJOAhX6FRAObIljmFoxVReo8I62pEk=");
}

/* Chinese text and JSON's special characters come back unchanged. */
static void test_body_text_survives(void **state) {
  fixture_t *f = *state;
  wf_robot_note_t *n = &f->note;
  n->severity = 4;
  snprintf(n->plugin_instance, sizeof(n->plugin_instance), "华东");
  snprintf(n->type, sizeof(n->type), "on_leave");
  snprintf(n->type_instance, sizeof(n->type_instance), "病假");
  snprintf(n->message, sizeof(n->message),
           "华东: 3 employees on leave (病假), \"quoted\" \\ back\nnext line");

  body(f, WF_ROBOT_DINGTALK, NULL, 1700000000000LL);
  assert_string_equal(member(f, "markdown", "title"), "[OKAY] 华东");
  const char *text = member(f, "markdown", "text");
  assert_contains(text, n->message);
  assert_contains(text, "workforce-华东/on_leave-病假");

  body(f, WF_ROBOT_FEISHU, SECRET, 1700000000000LL);
  text = member(f, "content", "text");
  assert_contains(text, "[OKAY]");
  assert_contains(text, n->message);
  assert_contains(text, "workforce-华东/on_leave-病假");
}

/* A note without instances has the identifier "plugin/type". */
static void test_body_identifier_without_instances(void **state) {
  fixture_t *f = *state;
  f->note.plugin_instance[0] = '\0';
  f->note.type_instance[0] = '\0';
  snprintf(f->note.type, sizeof(f->note.type), "data_age");
  body(f, WF_ROBOT_FEISHU, NULL, 1700000000000LL);
  assert_contains(member(f, "content", "text"), "metric: workforce/data_age\n");
}

static void test_severity_names(void **state) {
  (void)state;
  assert_string_equal(wf_robot_severity_name(1), "FAILURE");
  assert_string_equal(wf_robot_severity_name(2), "WARNING");
  assert_string_equal(wf_robot_severity_name(4), "OKAY");
  assert_string_equal(wf_robot_severity_name(3), "UNKNOWN");
  assert_string_equal(wf_robot_severity_name(0), "UNKNOWN");
}

/* ---------------------------------------------------------------------
 * Answers.
 * --------------------------------------------------------------------- */

static bool answer_ok(const char *text) {
  return wf_robot_answer_ok(text, strlen(text));
}

static void test_answer_ok(void **state) {
  (void)state;
  assert_true(answer_ok("{\"errcode\":0,\"errmsg\":\"ok\"}"));
  assert_true(answer_ok("{\"code\":0,\"msg\":\"success\",\"data\":{}}"));
  assert_true(answer_ok("{\"StatusCode\":0,\"StatusMessage\":\"success\"}\n"));

  assert_false(answer_ok("{\"errcode\":130101,\"errmsg\":\"send too fast\"}"));
  assert_false(answer_ok("{\"errcode\":310000,\"errmsg\":\"sign not match\"}"));
  assert_false(answer_ok("{\"code\":19021,\"msg\":\"sign match fail\"}"));
  assert_false(answer_ok("{\"StatusCode\":1}"));
  assert_false(answer_ok("{}"));
  assert_false(answer_ok("[0]"));
  assert_false(answer_ok("garbage"));
  assert_false(answer_ok("<html>502 Bad Gateway</html>"));
  assert_false(answer_ok("{\"errcode\":0"));
  assert_false(answer_ok("{\"errcode\":0} trailing"));
  assert_false(answer_ok(""));
  assert_false(wf_robot_answer_ok(NULL, 0));
  /* Only `size` bytes are read. */
  assert_false(wf_robot_answer_ok("{\"errcode\":0}", 5));
}

/* ---------------------------------------------------------------------
 * The rate limit.
 * --------------------------------------------------------------------- */

static void test_rate_twenty_a_minute(void **state) {
  (void)state;
  wf_rate_t rate;
  wf_rate_init(&rate, 20, 60);
  for (int t = 0; t < 20; t++) {
    assert_float_equal(wf_rate_wait(&rate, t), 0.0, 0.0);
    wf_rate_sent(&rate, t);
  }
  /* The 21st waits until the first leaves the window at t=60. */
  assert_float_equal(wf_rate_wait(&rate, 19.5), 40.5, 1e-9);
  assert_float_equal(wf_rate_wait(&rate, 59), 1.0, 1e-9);
  assert_float_equal(wf_rate_wait(&rate, 60), 0.0, 0.0);
  assert_float_equal(wf_rate_wait(&rate, 61), 0.0, 0.0);

  /* At t=61 the sends of t=0 and t=1 are a minute old: two may go, the
   * third waits for t=2's to leave. */
  wf_rate_sent(&rate, 61);
  assert_float_equal(wf_rate_wait(&rate, 61), 0.0, 0.0);
  wf_rate_sent(&rate, 61);
  assert_float_equal(wf_rate_wait(&rate, 61), 1.0, 1e-9);
  assert_float_equal(wf_rate_wait(&rate, 62), 0.0, 0.0);
  wf_rate_sent(&rate, 62);
  /* Now t=3 is the oldest of the last 20. */
  assert_float_equal(wf_rate_wait(&rate, 62), 1.0, 1e-9);
}

static void test_rate_burst(void **state) {
  (void)state;
  wf_rate_t rate;
  wf_rate_init(&rate, 20, 60);
  for (int i = 0; i < 19; i++)
    wf_rate_sent(&rate, 100);
  assert_float_equal(wf_rate_wait(&rate, 100), 0.0, 0.0);
  wf_rate_sent(&rate, 100);
  assert_float_equal(wf_rate_wait(&rate, 100), 60.0, 1e-9);
  assert_float_equal(wf_rate_wait(&rate, 130), 30.0, 1e-9);
  assert_float_equal(wf_rate_wait(&rate, 160), 0.0, 0.0);
}

static void test_rate_limit_clamped(void **state) {
  (void)state;
  static const size_t limits[] = {0, 21, 100};
  for (size_t i = 0; i < WF_ARRAY_SIZE(limits); i++) {
    wf_rate_t rate;
    wf_rate_init(&rate, limits[i], 60);
    assert_int_equal(rate.limit, WF_ROBOT_RATE_MAX);
    for (int t = 0; t < 20; t++) {
      assert_float_equal(wf_rate_wait(&rate, t), 0.0, 0.0);
      wf_rate_sent(&rate, t);
    }
    assert_float_equal(wf_rate_wait(&rate, 20), 40.0, 1e-9);
  }

  /* A smaller limit and window are kept. */
  wf_rate_t rate;
  wf_rate_init(&rate, 5, 10);
  assert_int_equal(rate.limit, 5);
  for (int i = 0; i < 5; i++)
    wf_rate_sent(&rate, 0);
  assert_float_equal(wf_rate_wait(&rate, 0), 10.0, 1e-9);
  assert_float_equal(wf_rate_wait(&rate, 3), 7.0, 1e-9);
}

#define ROBOT_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hmac_known_vector),
      cmocka_unit_test(test_hmac_buffer_too_small),
      cmocka_unit_test(test_sign_dingtalk_vectors),
      cmocka_unit_test(test_sign_feishu_vectors),
      ROBOT_TEST(test_url_unsigned_is_a_copy),
      ROBOT_TEST(test_url_signed_dingtalk),
      ROBOT_TEST(test_url_signed_dingtalk_without_query),
      ROBOT_TEST(test_url_feishu_never_changes),
      ROBOT_TEST(test_body_dingtalk_markdown),
      ROBOT_TEST(test_body_dingtalk_signed_in_url_only),
      ROBOT_TEST(test_body_feishu_text),
      ROBOT_TEST(test_body_feishu_signed),
      ROBOT_TEST(test_body_text_survives),
      ROBOT_TEST(test_body_identifier_without_instances),
      cmocka_unit_test(test_severity_names),
      cmocka_unit_test(test_answer_ok),
      cmocka_unit_test(test_rate_twenty_a_minute),
      cmocka_unit_test(test_rate_burst),
      cmocka_unit_test(test_rate_limit_clamped),
  };
  return cmocka_run_group_tests_name("wf_robot_msg", tests, NULL, NULL);
}
