/**
 * collectd-workforce - tests/unit/test_client.c
 * SPDX-License-Identifier: MIT
 *
 * The client's retry, token, throttling and paging logic
 * (src/wf_client.c), with the real DingTalk and Feishu operations and
 * collectors, against scripted answers instead of the network: each test
 * plays one script of tests/data/scripts/ through the HTTP layer's
 * transport seam (tests/unit/script.c), on a client made as an account
 * makes it (its own rate limiter), and checks what came of the calls,
 * the requests made and the pauses slept.
 *
 * Time is the test's own. The wall clock (tokens, "today") stands still
 * unless a test moves it; the monotonic clock of pauses and rate limits
 * moves only when the client sleeps (the fake sleep records the pause and
 * moves the clock on) and while an exchange lasts (200 ms unless its
 * script says otherwise). Nothing sleeps for real.
 *
 * Between the faults of tests/sim/wfsim.py and the tests here:
 *   errcode         test_dingtalk_platform_error, test_feishu_platform_error
 *                   and the -1 busy answers of the busy tests
 *   http            test_dingtalk_server_error_*, test_feishu_server_error_*
 *   delay           test_dingtalk_delay_*
 *   drop            test_dingtalk_drop_*, test_dingtalk_token_fetch_dropped
 *   garbage         test_*_garbage
 *   truncated       test_dingtalk_truncated, test_dingtalk_v1_truncated
 *   huge            test_dingtalk_huge, test_http_size_cap
 *   repeat_cursor   test_departures_repeat_cursor*
 *   endless_cursor  test_departures_endless_cursor
 *   token_invalid   test_*_token_refused_*, test_*_credentials_refused
 *   throttle        test_dingtalk_throttle_*, test_feishu_throttle_*
 *   quota           test_dingtalk_quota*
 *   ip_block        test_dingtalk_ip_block_*
 **/
#include "unittest.h"
#include "unittest_metrics.h"

#include "script.h"
#include "unittest_decls.h"
#include "wf_client.h"
#include "wf_common.h"
#include "wf_dingtalk.h"
#include "wf_endpoint.h"
#include "wf_feishu.h"
#include "wf_http.h"
#include "wf_metrics.h"
#include "wf_ratelimit.h"
#include "wf_roster.h"
#include "wf_stats.h"
#include "wf_time.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* 2024-03-09T20:00:00Z, which is 2024-03-10T04:00:00+08:00. */
#define NOW ((time_t)1710014400)
#define PLUS_0800 (8 * 3600)
#define TIMEOUT_MS 10000L
/* A cap small enough for a test to pass it. */
#define MAX_RESPONSE 65536

/* The client's pauses (src/wf_client.c): 500 ms before a retry of a busy
 * answer, 500 ms times the attempt before a retry of a transport failure,
 * 1 s after a DingTalk throttling answer (doc/platform-notes.md, Rate limits).
 */
#define BUSY_PAUSE_MS 500L
#define THROTTLE_PAUSE_MS 1000L

/* The test's clocks. */
static time_t wall_now;
static int64_t mono_now_ms = 1000000000;

/* The pauses the client asked for, in order. */
#define MAX_PAUSES 64
static long pauses[MAX_PAUSES];
static size_t pause_count;

static time_t fake_clock(void) { return wall_now; }

static int64_t fake_monotonic(void) { return mono_now_ms; }

/* Records a pause and lets that much time pass, at once. */
static void fake_sleep(long milliseconds) {
  if (pause_count < MAX_PAUSES)
    pauses[pause_count] = milliseconds;
  pause_count++;
  mono_now_ms += milliseconds;
}

/* The time an exchange takes. */
static void fake_elapse(long milliseconds) { mono_now_ms += milliseconds; }

/* DingTalk spaces the calls from one address, to oapi and the v1.0 API
 * alike, at 10,000 per 20 s, 5 % apart more, rounded up to the
 * millisecond: a token fetch that a call starts waits this long behind the
 * slot the call itself just took. */
static long ip_slot_ms(void) {
  double exact = 1000.0 * WF_RATE_MARGIN / WF_DINGTALK_IP_RATE;
  long whole = (long)exact;
  return ((double)whole < exact) ? whole + 1 : whole;
}
#define IP_SLOT ip_slot_ms()

/* One account's client, as wf_account makes it, on a script. */
typedef struct {
  wf_account_config_t cfg;
  wf_stats_t stats;
  wf_limiter_t *limiter;
  script_t *script;
  wf_http_t *http;
  wf_client_t client;
  bool started;
  /* A second account of the same platform, on the same script. */
  wf_stats_t other_stats;
  wf_limiter_t *other_limiter;
  wf_client_t other;
  bool other_started;
  /* What the calls gave. */
  json_object *answer;
  wf_error_t err;
  wf_metrics_t metrics;
} fixture_t;

static int setup(void **state) {
  fixture_t *f = calloc(1, sizeof(*f));
  if (f == NULL)
    return -1;
  *state = f;
  wall_now = NOW;
  /* A day later than the test before: the per-host limits are shared by
   * every client of the process, and whatever a test left in them is
   * long over. */
  mono_now_ms += 86400000;
  wf_http_set_clock(fake_monotonic);
  pause_count = 0;
  wf_error_clear(&f->err);
  return 0;
}

static int teardown(void **state) {
  fixture_t *f = *state;
  if (f->other_started)
    wf_client_destroy(&f->other);
  if (f->started)
    wf_client_destroy(&f->client);
  wf_http_destroy(f->http);
  wf_limiter_destroy(f->limiter);
  wf_limiter_destroy(f->other_limiter);
  script_free(f->script);
  wf_stats_free(&f->stats);
  wf_stats_free(&f->other_stats);
  json_object_put(f->answer);
  wf_metrics_free(&f->metrics);
  wf_http_set_clock(NULL);
  free(f);
  return 0;
}

/* Makes the account's client of `platform` on tests/data/scripts/<name>. */
static void start(fixture_t *f, wf_platform_t platform, const char *name) {
  bool dingtalk = platform == WF_PLATFORM_DINGTALK;
  f->cfg = (wf_account_config_t){
      .name = "acme",
      .platform = platform,
      .app_key = dingtalk ? "ding-key" : "cli_a1",
      .app_secret = dingtalk ? "ding-secret" : "fs-secret",
      .oapi_url =
          dingtalk ? "https://oapi.dingtalk.com" : "https://open.feishu.cn",
      .api_url = dingtalk ? "https://api.dingtalk.com" : NULL,
      .utc_offset = PLUS_0800,
      .timeout_ms = TIMEOUT_MS,
      .operator_user_id = "manager01",
      .verify_peer = true,
      .verify_host = true,
      .max_response_size = MAX_RESPONSE,
      .max_pages = WF_DEFAULT_MAX_PAGES,
  };
  f->script = script_load(name, TIMEOUT_MS, fake_elapse);
  wf_http_options_t options = {.timeout_ms = TIMEOUT_MS,
                               .max_response_size = MAX_RESPONSE,
                               .verify_peer = true,
                               .verify_host = true,
                               .transport = script_transport,
                               .transport_arg = f->script};
  f->http = wf_http_create(&options);
  assert_non_null(f->http);
  f->limiter = wf_limiter_create();
  assert_non_null(f->limiter);
  wf_client_init(&f->client, dingtalk ? &wf_dingtalk_ops : &wf_feishu_ops,
                 &f->cfg, f->http, &f->stats, fake_clock, fake_sleep);
  f->client.limiter = f->limiter;
  f->started = true;
}

/* Makes a second account of the same platform and address, with its own
 * token and limits, on the same script. */
static void start_other(fixture_t *f) {
  f->other_limiter = wf_limiter_create();
  assert_non_null(f->other_limiter);
  wf_client_init(&f->other, f->client.ops, &f->cfg, f->http, &f->other_stats,
                 fake_clock, fake_sleep);
  f->other.limiter = f->other_limiter;
  f->other_started = true;
}

/* Asserts the pauses slept since the last check, in order, and forgets
 * them. */
static void check_pauses(const long *expected, size_t count, const char *file,
                         int line) {
  char want[256] = "";
  char got[256] = "";
  size_t used = 0;
  for (size_t i = 0; i < count && used < sizeof(want); i++)
    used +=
        (size_t)snprintf(want + used, sizeof(want) - used, " %ld", expected[i]);
  used = 0;
  for (size_t i = 0; i < pause_count && i < MAX_PAUSES && used < sizeof(got);
       i++)
    used += (size_t)snprintf(got + used, sizeof(got) - used, " %ld", pauses[i]);
  bool same = pause_count == count;
  for (size_t i = 0; same && i < count; i++)
    same = pauses[i] == expected[i];
  if (!same)
    fail_msg("%s:%d: pauses slept (ms):%s; expected:%s", file, line, got, want);
  pause_count = 0;
}
#define assert_pauses(...)                                                     \
  check_pauses((const long[]){__VA_ARGS__},                                    \
               sizeof((const long[]){__VA_ARGS__}) / sizeof(long), __FILE__,   \
               __LINE__)
#define assert_no_pauses() check_pauses(NULL, 0, __FILE__, __LINE__)

/* Asserts the outcome of a failed call: its kind, endpoint, HTTP status
 * and platform code. */
static void check_error(const wf_error_t *err, wf_error_kind_t kind,
                        const char *endpoint, long http_status,
                        long long errcode) {
  char line[512];
  wf_error_format(err, line, sizeof(line));
  if (err->kind != kind)
    fail_msg("error kind %s, expected %s: %s", wf_error_kind_text(err->kind),
             wf_error_kind_text(kind), line);
  assert_string_equal(err->endpoint, endpoint);
  assert_int_equal(err->http_status, http_status);
  assert_int_equal(err->errcode, errcode);
}

/* The request counts of the account. */
static int64_t requests(const fixture_t *f, const char *endpoint) {
  return wf_counts_get(&f->stats.requests, endpoint);
}

static int64_t failures(const fixture_t *f, const char *endpoint) {
  return wf_counts_get(&f->stats.errors, endpoint);
}

/* A counted oapi call, as the unread-reports collector makes it. */
static int call_oapi(fixture_t *f, wf_client_t *client) {
  json_object_put(f->answer);
  f->answer = NULL;
  return wf_client_call(client, WF_HOST_DINGTALK_OAPI, "reportUnread", "POST",
                        "/topapi/report/getunreadcount",
                        "{\"userid\":\"manager01\"}", &f->answer, &f->err);
}

/* A v1.0 call, as the departures collector makes its first page. */
static int call_v1(fixture_t *f) {
  json_object_put(f->answer);
  f->answer = NULL;
  return wf_client_call(
      &f->client, WF_HOST_DINGTALK_API, "empLeaveRecords", "GET",
      "/v1.0/contact/empLeaveRecords?startTime=2024-02-09T16:00:00Z"
      "&nextToken=0&maxResults=50",
      NULL, &f->answer, &f->err);
}

/* A Feishu call, as the attendance collector makes it. */
static int call_feishu(fixture_t *f) {
  json_object_put(f->answer);
  f->answer = NULL;
  return wf_client_call(
      &f->client, WF_HOST_FEISHU, "userTasks", "POST",
      "/open-apis/attendance/v1/user_tasks/query?employee_type=employee_id",
      "{\"user_ids\":[\"fe00001\"],\"check_date_from\":20240310,"
      "\"check_date_to\":20240310}",
      &f->answer, &f->err);
}

/* The count field of a getunreadcount answer. */
static int64_t unread_count(const fixture_t *f) {
  int64_t count = -1;
  assert_true(wf_json_int64(f->answer, "count", &count));
  return count;
}

/* Asserts one gauge of the collected metrics, to the bit. */
static void check_gauge(const fixture_t *f, const char *type,
                        const char *instance, double value) {
  assert_true(unittest_gauge(&f->metrics, type, instance) == value);
}

/* ---------------------------------------------------------------- seam */

/* The transport's answer reaches the caller as libcurl's would: status,
 * body, and the pause of Retry-After; a clone keeps the transport. */
static void test_http_transport_answer(void **state) {
  fixture_t *f = *state;
  f->script = script_load("http-transport.txt", TIMEOUT_MS, fake_elapse);
  wf_http_options_t options = {.timeout_ms = TIMEOUT_MS,
                               .transport = script_transport,
                               .transport_arg = f->script};
  f->http = wf_http_create(&options);
  assert_non_null(f->http);

  const char *headers[] = {"Content-Type: application/json", NULL};
  wf_http_response_t r;
  assert_int_equal(wf_http_perform(f->http, "POST", "https://example.test/a",
                                   headers, "{\"a\":1}", &r),
                   WF_HTTP_OK);
  assert_int_equal(r.status, 429);
  assert_int_equal(r.retry_after, 7);
  assert_string_equal(r.body, "{\"slow\":\"down\"}");
  assert_int_equal(r.size, strlen(r.body));
  wf_http_response_free(&r);

  wf_http_t *clone = wf_http_clone(f->http);
  assert_non_null(clone);
  assert_int_equal(
      wf_http_perform(clone, "GET", "https://example.test/b", NULL, NULL, &r),
      WF_HTTP_TRANSPORT);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.body, "");
  assert_string_equal(r.error, "Empty reply from server");
  wf_http_response_free(&r);
  wf_http_destroy(clone);
  script_assert_done(f->script);
}

/* An answer of exactly max_response_size passes; one byte more is
 * WF_HTTP_TOO_LARGE, whatever the transport said. */
static void test_http_size_cap(void **state) {
  fixture_t *f = *state;
  f->script = script_load("http-size-cap.txt", TIMEOUT_MS, fake_elapse);
  wf_http_options_t options = {.timeout_ms = TIMEOUT_MS,
                               .max_response_size = MAX_RESPONSE,
                               .transport = script_transport,
                               .transport_arg = f->script};
  f->http = wf_http_create(&options);
  assert_non_null(f->http);

  wf_http_response_t r;
  assert_int_equal(wf_http_perform(f->http, "GET", "https://example.test/fit",
                                   NULL, NULL, &r),
                   WF_HTTP_OK);
  assert_int_equal(r.size, MAX_RESPONSE);
  wf_http_response_free(&r);
  assert_int_equal(wf_http_perform(f->http, "GET", "https://example.test/over",
                                   NULL, NULL, &r),
                   WF_HTTP_TOO_LARGE);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.body, "");
  assert_string_equal(r.error, "answer larger than 65536 bytes");
  wf_http_response_free(&r);
  script_assert_done(f->script);
}

/* A client has a transport or an engine, never both. */
static void test_http_transport_without_engine(void **state) {
  (void)state;
  wf_http_options_t options = {.transport = script_transport,
                               .engine = (wf_engine_t *)&options};
  assert_null(wf_http_create(&options));
}

/* -------------------------------------------------------------- tokens */

/* The first call fetches the token, the second reuses it; once the token
 * has expired on the wall clock, the next call fetches a new one. */
static void test_dingtalk_token_cached(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-token-cached.txt");
  assert_int_equal(call_oapi(f, &f->client), 0);
  assert_int_equal(unread_count(f), 3);
  assert_int_equal(call_oapi(f, &f->client), 0);
  assert_int_equal(unread_count(f), 4);
  wall_now += 7200;
  assert_int_equal(call_oapi(f, &f->client), 0);
  assert_int_equal(unread_count(f), 5);

  script_assert_done(f->script);
  assert_int_equal(requests(f, "gettoken"), 2);
  assert_int_equal(requests(f, "reportUnread"), 3);
  assert_int_equal(
      wf_stats_quota_used(&f->stats, wf_month_start(NOW, PLUS_0800)), 3);
  assert_pauses(IP_SLOT, IP_SLOT);
}

/* The same for a Feishu tenant token. */
static void test_feishu_token_cached(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_FEISHU, "feishu-token-cached.txt");
  assert_int_equal(call_feishu(f), 0);
  assert_int_equal(call_feishu(f), 0);
  wall_now += 7200;
  assert_int_equal(call_feishu(f), 0);
  script_assert_done(f->script);
  assert_int_equal(requests(f, "tenantToken"), 2);
  assert_int_equal(requests(f, "userTasks"), 3);
  assert_no_pauses();
}

/* token_invalid: 40014 on a call drops the token; a new one is fetched
 * and the call made again, once. */
static void test_dingtalk_token_refused_once(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-token-refused-once.txt");
  assert_int_equal(call_oapi(f, &f->client), 0);
  assert_int_equal(unread_count(f), 3);
  script_assert_done(f->script);
  assert_int_equal(failures(f, "reportUnread"), 0);
  assert_pauses(IP_SLOT, IP_SLOT);
}

/* A freshly fetched token refused too (42001) ends the call. */
static void test_dingtalk_token_refused_twice(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-token-refused-twice.txt");
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_AUTH, "reportUnread", 200, 42001);
  script_assert_done(f->script);
  assert_int_equal(failures(f, "reportUnread"), 1);
  assert_pauses(IP_SLOT, IP_SLOT);
}

/* On v1.0 the token is refused with HTTP 400 InvalidAuthentication or
 * with HTTP 401. */
static void test_dingtalk_v1_token_refused_once(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-v1-token-refused-once.txt");
  assert_int_equal(call_v1(f), 0);
  script_assert_done(f->script);
  assert_pauses(IP_SLOT, IP_SLOT);
}

static void test_dingtalk_v1_token_refused_twice(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-v1-token-refused-twice.txt");
  assert_int_equal(call_v1(f), -1);
  check_error(&f->err, WF_ERR_AUTH, "empLeaveRecords", 401, 0);
  script_assert_done(f->script);
  assert_pauses(IP_SLOT, IP_SLOT);
}

/* token_invalid on gettoken itself: the key or secret is wrong; nothing
 * is retried and the call is not sent. */
static void test_dingtalk_credentials_refused(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-credentials-refused.txt");
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_AUTH, "gettoken", 200, 40001);
  script_assert_done(f->script);
  assert_int_equal(requests(f, "reportUnread"), 0);
  assert_int_equal(failures(f, "gettoken"), 1);
  assert_int_equal(failures(f, "reportUnread"), 0);
  assert_pauses(IP_SLOT);
}

/* token_invalid on Feishu: 99991663, HTTP 400. */
static void test_feishu_token_refused_once(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_FEISHU, "feishu-token-refused-once.txt");
  assert_int_equal(call_feishu(f), 0);
  script_assert_done(f->script);
  assert_no_pauses();
}

static void test_feishu_token_refused_twice(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_FEISHU, "feishu-token-refused-twice.txt");
  assert_int_equal(call_feishu(f), -1);
  check_error(&f->err, WF_ERR_AUTH, "userTasks", 400, 99991663);
  script_assert_done(f->script);
  assert_no_pauses();
}

/* The Feishu answer to a wrong app secret: code 10014 in an HTTP 200. */
static void test_feishu_credentials_refused(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_FEISHU, "feishu-credentials-refused.txt");
  assert_int_equal(call_feishu(f), -1);
  check_error(&f->err, WF_ERR_AUTH, "tenantToken", 200, 10014);
  script_assert_done(f->script);
  assert_int_equal(requests(f, "userTasks"), 0);
  assert_no_pauses();
}

/* ------------------------------------------------------------ throttle */

/* 90018: the API waits a second (doc/platform-notes.md, Rate limits), then the
 * call goes again. */
static void test_dingtalk_throttle_retried(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-throttle-retried.txt");
  assert_int_equal(call_oapi(f, &f->client), 0);
  script_assert_done(f->script);
  assert_pauses(IP_SLOT, THROTTLE_PAUSE_MS);
}

/* The v1.0 form: HTTP 403 Forbidden.AccessDenied.QpsLimitForAppkeyAndApi. */
static void test_dingtalk_throttle_v1_retried(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-throttle-v1-retried.txt");
  assert_int_equal(call_v1(f), 0);
  script_assert_done(f->script);
  assert_pauses(IP_SLOT, THROTTLE_PAUSE_MS);
}

/* Throttled three times: the call gives up after two retries and asks the
 * collector to rest a second; the API stays paused, so the next call
 * waits that second before it goes. */
static void test_dingtalk_throttle_gives_up(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-throttle-gives-up.txt");
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_THROTTLED, "reportUnread", 200, 90018);
  assert_int_equal(f->err.retry_after, 1);
  assert_int_equal(failures(f, "reportUnread"), 1);
  assert_pauses(IP_SLOT, THROTTLE_PAUSE_MS, THROTTLE_PAUSE_MS);

  assert_int_equal(call_oapi(f, &f->client), 0);
  assert_pauses(THROTTLE_PAUSE_MS);
  script_assert_done(f->script);
}

/* Feishu's 429 says in x-ogw-ratelimit-reset how long to wait: the call
 * is not retried (the wait is between polls), but the API is paused, so
 * a call made at once waits those seconds before it goes. */
static void test_feishu_throttle_reset(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_FEISHU, "feishu-throttle-reset.txt");
  assert_int_equal(call_feishu(f), -1);
  check_error(&f->err, WF_ERR_THROTTLED, "userTasks", 429, 99991400);
  assert_int_equal(f->err.retry_after, 3);
  assert_no_pauses();

  assert_int_equal(call_feishu(f), 0);
  assert_pauses(3000);
  script_assert_done(f->script);
}

/* A reset longer than a call may wait: the next call fails at once,
 * without a request, until the pause is over. */
static void test_feishu_throttle_long_reset(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_FEISHU, "feishu-throttle-long-reset.txt");
  assert_int_equal(call_feishu(f), -1);
  check_error(&f->err, WF_ERR_THROTTLED, "userTasks", 429, 99991400);
  assert_int_equal(f->err.retry_after, 30);

  assert_int_equal(call_feishu(f), -1);
  check_error(&f->err, WF_ERR_THROTTLED, "userTasks", 0, 0);
  assert_int_equal(f->err.retry_after, 30);
  assert_int_equal(requests(f, "userTasks"), 1);

  /* A second after the pause, the call goes out. */
  mono_now_ms += 31000;
  assert_int_equal(call_feishu(f), 0);
  script_assert_done(f->script);
  assert_no_pauses();
}

/* The older APIs' form: HTTP 400 with 99991400 and no reset header; the
 * collector rests a second. */
static void test_feishu_throttle_without_reset(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_FEISHU, "feishu-throttle-without-reset.txt");
  assert_int_equal(call_feishu(f), -1);
  check_error(&f->err, WF_ERR_THROTTLED, "userTasks", 400, 99991400);
  assert_int_equal(f->err.retry_after, 1);
  script_assert_done(f->script);
  assert_no_pauses();
}

/* -------------------------------------------------------- busy, errors */

/* errcode -1, system busy: retried after half a second. */
static void test_dingtalk_busy_retried(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-busy-retried.txt");
  assert_int_equal(call_oapi(f, &f->client), 0);
  assert_int_equal(unread_count(f), 3);
  script_assert_done(f->script);
  assert_int_equal(requests(f, "reportUnread"), 3);
  assert_pauses(IP_SLOT, BUSY_PAUSE_MS, BUSY_PAUSE_MS);
}

/* Busy four times: three retries (doc/platform-notes.md, Error codes: at most
 * 3), then the call fails with the platform's code. */
static void test_dingtalk_busy_gives_up(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-busy-gives-up.txt");
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_PLATFORM, "reportUnread", 200, -1);
  script_assert_done(f->script);
  assert_int_equal(requests(f, "reportUnread"), 4);
  assert_int_equal(failures(f, "reportUnread"), 1);
  assert_pauses(IP_SLOT, BUSY_PAUSE_MS, BUSY_PAUSE_MS, BUSY_PAUSE_MS);
}

/* http: a gateway's HTML 502 and an empty 500 are retried like busy
 * answers. */
static void test_dingtalk_server_error_retried(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-server-error-retried.txt");
  assert_int_equal(call_oapi(f, &f->client), 0);
  script_assert_done(f->script);
  assert_pauses(IP_SLOT, BUSY_PAUSE_MS, BUSY_PAUSE_MS);
}

static void test_feishu_server_error_gives_up(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_FEISHU, "feishu-server-error-gives-up.txt");
  assert_int_equal(call_feishu(f), -1);
  check_error(&f->err, WF_ERR_PLATFORM, "userTasks", 500, 0);
  script_assert_done(f->script);
  assert_pauses(BUSY_PAUSE_MS, BUSY_PAUSE_MS, BUSY_PAUSE_MS);
}

/* errcode: a plain refusal (60011, no permission) is not retried. */
static void test_dingtalk_platform_error(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-platform-error.txt");
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_PLATFORM, "reportUnread", 200, 60011);
  script_assert_done(f->script);
  assert_int_equal(failures(f, "reportUnread"), 1);
  assert_pauses(IP_SLOT);
}

static void test_feishu_platform_error(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_FEISHU, "feishu-platform-error.txt");
  assert_int_equal(call_feishu(f), -1);
  check_error(&f->err, WF_ERR_PLATFORM, "userTasks", 400, 1220001);
  script_assert_done(f->script);
  assert_no_pauses();
}

/* --------------------------------------------------------------- quota */

/* 90020: the month's quota is used up; retrying is pointless. */
static void test_dingtalk_quota(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-quota.txt");
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_QUOTA, "reportUnread", 200, 90020);
  script_assert_done(f->script);
  assert_int_equal(failures(f, "reportUnread"), 1);
  assert_pauses(IP_SLOT);
}

static void test_dingtalk_quota_v1(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-quota-v1.txt");
  assert_int_equal(call_v1(f), -1);
  check_error(&f->err, WF_ERR_QUOTA, "empLeaveRecords", 403, 0);
  assert_string_equal(f->err.code,
                      "Forbidden.AccessDenied.ApiCountLimitForOrg");
  script_assert_done(f->script);
  assert_pauses(IP_SLOT);
}

/* ------------------------------------------------------------ ip block */

/* The per-IP block, {"status":1111,"wait":5,...} without errcode: the
 * call fails and every call to the host, of any account, is held back
 * for the five minutes without a request; after them calls go again. */
static void test_dingtalk_ip_block_holds_host(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-ip-block.txt");
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_THROTTLED, "reportUnread", 200, 0);
  assert_int_equal(f->err.retry_after, 300);
  assert_pauses(IP_SLOT);

  /* Two minutes on, the same account and another are still held. */
  mono_now_ms += 120000;
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_THROTTLED, "reportUnread", 0, 0);
  assert_int_equal(f->err.retry_after, 180);
  start_other(f);
  assert_int_equal(call_oapi(f, &f->other), -1);
  check_error(&f->err, WF_ERR_THROTTLED, "reportUnread", 0, 0);
  /* The call held back above took the host's first slot after the block:
   * this one's comes a few milliseconds later, which rounds up. */
  assert_in_range(f->err.retry_after, 180, 181);
  assert_int_equal(requests(f, "reportUnread"), 1);
  assert_int_equal(wf_counts_get(&f->other_stats.requests, "reportUnread"), 0);
  assert_int_equal(script_played(f->script), 2);

  /* A second after the block, the call goes out. */
  mono_now_ms += 181000;
  assert_int_equal(call_oapi(f, &f->client), 0);
  script_assert_done(f->script);
  assert_no_pauses();
}

/* The block as an HTML page: the client cannot tell it from any other
 * page that is not JSON, so it sees an unusable answer and pauses
 * nothing; the next call goes out. The documents say the block may come
 * as HTML but not what the page holds (doc/platform-notes.md, Open
 * questions). */
static void test_dingtalk_ip_block_html(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-ip-block-html.txt");
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_BAD_ANSWER, "reportUnread", 200, 0);
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_BAD_ANSWER, "reportUnread", 200, 0);
  script_assert_done(f->script);
  assert_pauses(IP_SLOT);
}

/* The per-IP limit is "shared by everything" (doc/platform-notes.md, Rate
 * limits) and the simulator counts oapi and v1.0 calls of one address
 * together: a block answered on oapi holds back v1.0 calls too. */
static void test_dingtalk_ip_block_holds_every_dingtalk_host(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-ip-block-every-host.txt");
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_THROTTLED, "reportUnread", 200, 0);
  assert_int_equal(call_v1(f), -1);
  check_error(&f->err, WF_ERR_THROTTLED, "empLeaveRecords", 0, 0);
  assert_int_equal(requests(f, "empLeaveRecords"), 0);
  script_assert_done(f->script);
}

/* ------------------------------------------------ unusable answers */

/* garbage: an HTML page with HTTP 200 is not retried. */
static void test_dingtalk_garbage(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-garbage.txt");
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_BAD_ANSWER, "reportUnread", 200, 0);
  script_assert_done(f->script);
  assert_int_equal(failures(f, "reportUnread"), 1);
  assert_pauses(IP_SLOT);
}

static void test_feishu_garbage(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_FEISHU, "feishu-garbage.txt");
  assert_int_equal(call_feishu(f), -1);
  check_error(&f->err, WF_ERR_BAD_ANSWER, "userTasks", 200, 0);
  script_assert_done(f->script);
  assert_no_pauses();
}

/* truncated: half of a valid answer. */
static void test_dingtalk_truncated(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-truncated.txt");
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_BAD_ANSWER, "reportUnread", 200, 0);
  script_assert_done(f->script);
  assert_pauses(IP_SLOT);
}

static void test_dingtalk_v1_truncated(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-v1-truncated.txt");
  assert_int_equal(call_v1(f), -1);
  check_error(&f->err, WF_ERR_BAD_ANSWER, "empLeaveRecords", 200, 0);
  script_assert_done(f->script);
  assert_pauses(IP_SLOT);
}

/* huge: an answer above MaxResponseSize is refused, not retried. */
static void test_dingtalk_huge(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-huge.txt");
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_BAD_ANSWER, "reportUnread", 0, 0);
  assert_non_null(strstr(f->err.detail, "answer larger than 65536 bytes"));
  script_assert_done(f->script);
  assert_int_equal(failures(f, "reportUnread"), 1);
  assert_pauses(IP_SLOT);
}

/* ----------------------------------------------------- drop, timeout */

/* drop: the connection closes without an answer; the call goes again
 * after half a second. */
static void test_dingtalk_drop_retried(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-drop-retried.txt");
  assert_int_equal(call_oapi(f, &f->client), 0);
  script_assert_done(f->script);
  assert_pauses(IP_SLOT, BUSY_PAUSE_MS);
}

/* Dropped three times: two retries, half a second and a second apart. */
static void test_dingtalk_drop_gives_up(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-drop-gives-up.txt");
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_TRANSPORT, "reportUnread", 0, 0);
  assert_non_null(strstr(f->err.detail, "Empty reply from server"));
  script_assert_done(f->script);
  assert_int_equal(failures(f, "reportUnread"), 1);
  assert_pauses(IP_SLOT, BUSY_PAUSE_MS, 2 * BUSY_PAUSE_MS);
}

/* A failed token fetch is retried within the fetch. */
static void test_dingtalk_token_fetch_dropped(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-token-fetch-dropped.txt");
  assert_int_equal(call_oapi(f, &f->client), 0);
  script_assert_done(f->script);
  assert_int_equal(requests(f, "gettoken"), 2);
  assert_pauses(IP_SLOT, BUSY_PAUSE_MS);
}

/* Timeouts (no answer within the timeout) three times: as drops. */
static void test_dingtalk_timeout_gives_up(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-timeout-gives-up.txt");
  int64_t before = mono_now_ms;
  assert_int_equal(call_oapi(f, &f->client), -1);
  check_error(&f->err, WF_ERR_TRANSPORT, "reportUnread", 0, 0);
  assert_non_null(strstr(f->err.detail, "timed out"));
  script_assert_done(f->script);
  assert_pauses(IP_SLOT, BUSY_PAUSE_MS, 2 * BUSY_PAUSE_MS);
  /* The token's exchange, three timeouts, and the pauses. */
  assert_int_equal(mono_now_ms - before, SCRIPT_DEFAULT_TAKES_MS +
                                             3 * TIMEOUT_MS + IP_SLOT +
                                             3 * BUSY_PAUSE_MS);
}

/* delay: an answer slower than the timeout is a timeout, and retried; one
 * just within it is an answer. */
static void test_dingtalk_delay_retried(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "dingtalk-delay-retried.txt");
  int64_t before = mono_now_ms;
  assert_int_equal(call_oapi(f, &f->client), 0);
  assert_int_equal(unread_count(f), 3);
  script_assert_done(f->script);
  assert_pauses(IP_SLOT, BUSY_PAUSE_MS);
  assert_int_equal(mono_now_ms - before, SCRIPT_DEFAULT_TAKES_MS + IP_SLOT +
                                             TIMEOUT_MS + BUSY_PAUSE_MS + 9000);
}

/* -------------------------------------------------------------- paging */

/* departures through empLeaveRecords: short pages go on while the answer
 * has a nextToken, each next request carries it. */
static void test_departures_pages(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "departures-pages.txt");
  assert_int_equal(
      wf_dingtalk_departures(&f->client, NOW, &f->metrics, &f->err), 0);
  script_assert_done(f->script);
  check_gauge(f, "departures_today", "leave", 1);
  check_gauge(f, "departures_30d", "leave", 2);
  check_gauge(f, "departures_30d", "oapi", 1);
  check_gauge(f, "departures_30d", "delete", 1);
  assert_int_equal(requests(f, "empLeaveRecords"), 3);
  assert_pauses(IP_SLOT);
}

/* A page throttled in the middle of the list is asked for again after
 * the pause, with the same nextToken. */
static void test_departures_throttled_page(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "departures-throttled-page.txt");
  assert_int_equal(
      wf_dingtalk_departures(&f->client, NOW, &f->metrics, &f->err), 0);
  script_assert_done(f->script);
  check_gauge(f, "departures_30d", "leave", 2);
  assert_pauses(IP_SLOT, THROTTLE_PAUSE_MS);
}

/* repeat_cursor: the second page hands back the nextToken that led to
 * it. */
static void test_departures_repeat_cursor(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "departures-repeat-cursor.txt");
  assert_int_equal(
      wf_dingtalk_departures(&f->client, NOW, &f->metrics, &f->err), -1);
  check_error(&f->err, WF_ERR_PAGING, "empLeaveRecords", 0, 0);
  assert_non_null(strstr(f->err.detail, "returned before, on page 2"));
  assert_int_equal(f->metrics.count, 0);
  script_assert_done(f->script);
  assert_int_equal(failures(f, "empLeaveRecords"), 1);
}

/* The simulator's repeat on the first page: nextToken "0" again. */
static void test_departures_repeat_cursor_first_page(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "departures-repeat-cursor-first.txt");
  assert_int_equal(
      wf_dingtalk_departures(&f->client, NOW, &f->metrics, &f->err), -1);
  check_error(&f->err, WF_ERR_PAGING, "empLeaveRecords", 0, 0);
  script_assert_done(f->script);
}

/* endless_cursor: empty pages, each with a new nextToken, end at
 * MaxPages. */
static void test_departures_endless_cursor(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "departures-endless-cursor.txt");
  f->cfg.max_pages = 3;
  assert_int_equal(
      wf_dingtalk_departures(&f->client, NOW, &f->metrics, &f->err), -1);
  check_error(&f->err, WF_ERR_PAGING, "empLeaveRecords", 0, 0);
  assert_non_null(strstr(f->err.detail, "MaxPages allows, on page 3"));
  script_assert_done(f->script);
  assert_int_equal(requests(f, "empLeaveRecords"), 3);
}

/* Reads the leave of two users of one leave type, for the offset tests. */
static int read_leave(fixture_t *f) {
  wf_pairs_t types = {0};
  wf_roster_t *roster = wf_roster_create();
  assert_non_null(roster);
  int64_t counts[WF_HR_COUNT] = {[WF_HR_REGULAR] = 2};
  assert_int_equal(wf_pairs_add(&types, "annual-code", "annual"), 0);
  assert_int_equal(wf_roster_add(roster, "u1"), 0);
  assert_int_equal(wf_roster_add(roster, "u2"), 0);
  wf_roster_finish(roster, NULL, counts);
  int status =
      wf_dingtalk_leave(&f->client, NOW, &types, roster, &f->metrics, &f->err);
  wf_roster_unref(roster);
  wf_pairs_free(&types);
  return status;
}

/* vacation/record/list pages by offset: the next offset is this one plus
 * the records the page held (2), not plus the size asked (200). */
static void test_leave_offset_pages(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "leave-offset-pages.txt");
  assert_int_equal(read_leave(f), 0);
  script_assert_done(f->script);
  check_gauge(f, "on_leave", "annual", 2);
  check_gauge(f, "leave_pending", "annual", 1);
  assert_pauses(IP_SLOT);
}

/* A page that says more follow but holds none would be asked for again
 * forever. */
static void test_leave_offset_empty_page(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "leave-offset-empty-page.txt");
  assert_int_equal(read_leave(f), -1);
  check_error(&f->err, WF_ERR_PAGING, "vacationRecords", 0, 0);
  script_assert_done(f->script);
}

/* blackboard/listids pages by number until a page comes back empty; then
 * each announcement is read. */
static void test_announcements_page_numbers(void **state) {
  fixture_t *f = *state;
  start(f, WF_PLATFORM_DINGTALK, "announcements-page-numbers.txt");
  assert_int_equal(
      wf_dingtalk_announcements(&f->client, NOW, &f->metrics, &f->err), 0);
  script_assert_done(f->script);
  check_gauge(f, "announcement_unread", NULL, 12);
  assert_int_equal(requests(f, "blackboardList"), 3);
  assert_int_equal(requests(f, "blackboardGet"), 3);
  assert_pauses(IP_SLOT);
}

#define CLIENT_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      CLIENT_TEST(test_http_transport_answer),
      CLIENT_TEST(test_http_size_cap),
      CLIENT_TEST(test_http_transport_without_engine),
      CLIENT_TEST(test_dingtalk_token_cached),
      CLIENT_TEST(test_feishu_token_cached),
      CLIENT_TEST(test_dingtalk_token_refused_once),
      CLIENT_TEST(test_dingtalk_token_refused_twice),
      CLIENT_TEST(test_dingtalk_v1_token_refused_once),
      CLIENT_TEST(test_dingtalk_v1_token_refused_twice),
      CLIENT_TEST(test_dingtalk_credentials_refused),
      CLIENT_TEST(test_feishu_token_refused_once),
      CLIENT_TEST(test_feishu_token_refused_twice),
      CLIENT_TEST(test_feishu_credentials_refused),
      CLIENT_TEST(test_dingtalk_throttle_retried),
      CLIENT_TEST(test_dingtalk_throttle_v1_retried),
      CLIENT_TEST(test_dingtalk_throttle_gives_up),
      CLIENT_TEST(test_feishu_throttle_reset),
      CLIENT_TEST(test_feishu_throttle_long_reset),
      CLIENT_TEST(test_feishu_throttle_without_reset),
      CLIENT_TEST(test_dingtalk_busy_retried),
      CLIENT_TEST(test_dingtalk_busy_gives_up),
      CLIENT_TEST(test_dingtalk_server_error_retried),
      CLIENT_TEST(test_feishu_server_error_gives_up),
      CLIENT_TEST(test_dingtalk_platform_error),
      CLIENT_TEST(test_feishu_platform_error),
      CLIENT_TEST(test_dingtalk_quota),
      CLIENT_TEST(test_dingtalk_quota_v1),
      CLIENT_TEST(test_dingtalk_ip_block_holds_host),
      CLIENT_TEST(test_dingtalk_ip_block_html),
      CLIENT_TEST(test_dingtalk_ip_block_holds_every_dingtalk_host),
      CLIENT_TEST(test_dingtalk_garbage),
      CLIENT_TEST(test_feishu_garbage),
      CLIENT_TEST(test_dingtalk_truncated),
      CLIENT_TEST(test_dingtalk_v1_truncated),
      CLIENT_TEST(test_dingtalk_huge),
      CLIENT_TEST(test_dingtalk_drop_retried),
      CLIENT_TEST(test_dingtalk_drop_gives_up),
      CLIENT_TEST(test_dingtalk_token_fetch_dropped),
      CLIENT_TEST(test_dingtalk_timeout_gives_up),
      CLIENT_TEST(test_dingtalk_delay_retried),
      CLIENT_TEST(test_departures_pages),
      CLIENT_TEST(test_departures_throttled_page),
      CLIENT_TEST(test_departures_repeat_cursor),
      CLIENT_TEST(test_departures_repeat_cursor_first_page),
      CLIENT_TEST(test_departures_endless_cursor),
      CLIENT_TEST(test_leave_offset_pages),
      CLIENT_TEST(test_leave_offset_empty_page),
      CLIENT_TEST(test_announcements_page_numbers),
  };
  return cmocka_run_group_tests_name("wf_client", tests, NULL, NULL);
}
