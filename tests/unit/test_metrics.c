/**
 * collectd-workforce - tests/unit/test_metrics.c
 * SPDX-License-Identifier: MIT
 *
 * The data structures every collector fills: metric rows, named counters,
 * type instance names, string lists, (code, name) pairs, names with the
 * time they were last seen, request and quota statistics and error lines
 * (src/wf_metrics.c, wf_strlist.c, wf_stats.c, wf_error.c).
 **/
#include "unittest.h"
#include "unittest_metrics.h"

#include "wf_common.h"
#include "wf_error.h"
#include "wf_metrics.h"
#include "wf_stats.h"
#include "wf_strlist.h"

#include <stdlib.h>
#include <string.h>

/* Everything a test may allocate; the teardown releases it whether the
 * test passed or not. */
typedef struct {
  wf_metrics_t metrics;
  wf_counts_t counts;
  wf_strlist_t list;
  wf_stats_t stats;
  wf_pairs_t pairs;
  wf_seen_t seen;
} fixture_t;

static int setup(void **state) {
  fixture_t *f = calloc(1, sizeof(*f));
  if (f == NULL)
    return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture_t *f = *state;
  wf_metrics_free(&f->metrics);
  wf_counts_free(&f->counts);
  wf_strlist_free(&f->list);
  wf_stats_free(&f->stats);
  wf_pairs_free(&f->pairs);
  wf_seen_free(&f->seen);
  free(f);
  return 0;
}

static void test_metrics_add_find_clear(void **state) {
  fixture_t *f = *state;
  wf_metrics_t *m = &f->metrics;

  assert_null(wf_metrics_find(m, "headcount", "regular"));
  assert_int_equal(wf_metrics_add_gauge(m, "headcount", "regular", 12), 0);
  assert_int_equal(wf_metrics_add_derive(m, "api_requests", "gettoken", 7), 0);
  assert_int_equal(wf_metrics_add_gauge(m, "uptime", NULL, 1.5), 0);
  assert_int_equal(m->count, 3);

  const wf_metric_t *r = unittest_metric(m, "headcount", "regular");
  assert_string_equal(r->type, "headcount");
  assert_string_equal(r->instance, "regular");
  assert_int_equal(r->kind, WF_GAUGE);
  assert_float_equal(r->value.gauge, 12.0, 0.0);

  r = unittest_metric(m, "api_requests", "gettoken");
  assert_int_equal(r->kind, WF_DERIVE);
  assert_int_equal(r->value.derive, 7);

  /* A NULL instance is stored and found as "". */
  r = unittest_metric(m, "uptime", NULL);
  assert_string_equal(r->instance, "");
  assert_int_equal(r->kind, WF_GAUGE);
  assert_float_equal(r->value.gauge, 1.5, 0.0);
  assert_ptr_equal(wf_metrics_find(m, "uptime", ""), r);

  /* Type and instance must both match. */
  assert_null(wf_metrics_find(m, "headcount", "probation"));
  assert_null(wf_metrics_find(m, "api_errors", "gettoken"));

  /* Clearing forgets the rows but keeps the memory for the next poll. */
  size_t capacity = m->capacity;
  wf_metrics_clear(m);
  assert_int_equal(m->count, 0);
  assert_int_equal(m->capacity, capacity);
  assert_null(wf_metrics_find(m, "headcount", "regular"));
  assert_int_equal(wf_metrics_add_gauge(m, "headcount", "leaving", 1), 0);
  assert_int_equal(m->count, 1);
  assert_float_equal(unittest_gauge(m, "headcount", "leaving"), 1.0, 0.0);
}

static void test_metrics_grow_past_first_capacity(void **state) {
  fixture_t *f = *state;
  for (int i = 0; i < 100; i++) {
    char instance[16];
    snprintf(instance, sizeof(instance), "i%d", i);
    assert_int_equal(wf_metrics_add_derive(&f->metrics, "t", instance, i), 0);
  }
  assert_int_equal(f->metrics.count, 100);
  /* Every row kept its value through the reallocations. */
  for (int i = 0; i < 100; i++) {
    char instance[16];
    snprintf(instance, sizeof(instance), "i%d", i);
    assert_int_equal(unittest_derive(&f->metrics, "t", instance), i);
  }
}

static void test_counts_declare_add_get_total(void **state) {
  fixture_t *f = *state;
  wf_counts_t *c = &f->counts;

  assert_int_equal(wf_counts_declare(c, "leave"), 0);
  assert_int_equal(wf_counts_declare(c, "cancel"), 0);
  assert_int_equal(c->count, 2);
  /* Declared names read 0; unknown names read 0 too but do not exist. */
  assert_int_equal(wf_counts_get(c, "leave"), 0);
  assert_int_equal(wf_counts_get(c, "cancel"), 0);
  assert_int_equal(wf_counts_get(c, "never"), 0);
  assert_int_equal(wf_counts_total(c), 0);

  assert_int_equal(wf_counts_add(c, "leave", 2), 0);
  assert_int_equal(wf_counts_add(c, "leave", 3), 0);
  assert_int_equal(wf_counts_add(c, "fired", 1), 0);
  assert_int_equal(c->count, 3);
  assert_int_equal(wf_counts_get(c, "leave"), 5);
  assert_int_equal(wf_counts_get(c, "fired"), 1);
  assert_int_equal(wf_counts_total(c), 6);

  /* Declaring an existing name keeps its count. */
  assert_int_equal(wf_counts_declare(c, "leave"), 0);
  assert_int_equal(wf_counts_get(c, "leave"), 5);
  assert_int_equal(c->count, 3);
}

static void test_counts_to_metrics_includes_declared_zeros(void **state) {
  fixture_t *f = *state;
  assert_int_equal(wf_counts_declare(&f->counts, "leave"), 0);
  assert_int_equal(wf_counts_declare(&f->counts, "delete"), 0);
  assert_int_equal(wf_counts_add(&f->counts, "delete", 4), 0);

  assert_int_equal(
      wf_counts_to_metrics(&f->counts, "departures_30d", &f->metrics), 0);
  assert_int_equal(f->metrics.count, 2);
  const wf_metric_t *r =
      unittest_metric(&f->metrics, "departures_30d", "leave");
  assert_int_equal(r->kind, WF_GAUGE);
  assert_float_equal(r->value.gauge, 0.0, 0.0);
  r = unittest_metric(&f->metrics, "departures_30d", "delete");
  assert_int_equal(r->kind, WF_GAUGE);
  assert_float_equal(r->value.gauge, 4.0, 0.0);
}

/* Runs wf_instance_name into a buffer of WF_NAME_LEN bytes. */
static void instance_name(const char *value, char out[WF_NAME_LEN]) {
  memset(out, 'X', WF_NAME_LEN);
  wf_instance_name(value, out, WF_NAME_LEN);
}

static void test_instance_name_normalises(void **state) {
  (void)state;
  char out[WF_NAME_LEN];
  instance_name("Leave", out);
  assert_string_equal(out, "leave");
  instance_name("Fired/Now", out);
  assert_string_equal(out, "fired_now");
  instance_name("a\tb\nc\x7f"
                "d\x01",
                out);
  assert_string_equal(out, "a_b_c_d_");
  instance_name("MiXeD-case_1.2", out);
  assert_string_equal(out, "mixed-case_1.2");
  instance_name("", out);
  assert_string_equal(out, "unknown");
  instance_name(NULL, out);
  assert_string_equal(out, "unknown");
  /* UTF-8 is kept as it is; only ASCII letters change case. */
  instance_name("日报", out);
  assert_string_equal(out, "日报");
  instance_name("Ärger/ÉTÉ", out);
  assert_string_equal(out, "Ärger_ÉtÉ");
}

static void test_instance_name_small_buffer(void **state) {
  (void)state;
  char out[6] = "XXXXX";
  wf_instance_name("ABCDEFGH", out, sizeof(out));
  assert_string_equal(out, "abcde");
  wf_instance_name(NULL, out, 4);
  assert_string_equal(out, "unk");
  /* A zero-sized buffer is not written. */
  wf_instance_name("abc", out, 0);
  assert_string_equal(out, "unk");
}

/* True when `s` is complete UTF-8: no character is cut. */
static int utf8_complete(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p != '\0') {
    size_t need = (*p < 0x80)    ? 1
                  : (*p >= 0xF0) ? 4
                  : (*p >= 0xE0) ? 3
                  : (*p >= 0xC0) ? 2
                                 : 0;
    if (need == 0)
      return 0;
    for (size_t i = 1; i < need; i++)
      if ((p[i] & 0xC0) != 0x80)
        return 0;
    p += need;
  }
  return 1;
}

static void test_instance_name_truncates_at_character_boundary(void **state) {
  (void)state;
  /* "日" is three bytes. With 0, 1 and 2 ASCII bytes in front, the cut at
   * WF_NAME_LEN - 1 = 127 bytes falls after, in the middle of, and right
   * after the first byte of a character. */
  static const struct {
    const char *prefix;
    size_t expected_length;
  } cases[] = {
      {"", 126},   /* 42 characters; the 43rd would need 129 bytes */
      {"a", 127},  /* 1 + 42 * 3 fits exactly */
      {"ab", 125}, /* 2 + 41 * 3; the 42nd would need 128 bytes */
  };
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    char value[512];
    size_t len = strlen(cases[c].prefix);
    memcpy(value, cases[c].prefix, len);
    for (int i = 0; i < 100; i++) {
      memcpy(value + len, "日", 3);
      len += 3;
    }
    value[len] = '\0';

    char out[WF_NAME_LEN];
    instance_name(value, out);
    assert_int_equal(strlen(out), cases[c].expected_length);
    assert_true(utf8_complete(out));
    /* What is kept is the start of the input. */
    assert_memory_equal(out, value, cases[c].expected_length);
  }

  /* A 4-byte character cut after 1, 2 and 3 of its bytes. */
  for (size_t pad = 124; pad <= 126; pad++) {
    char value[256];
    memset(value, 'a', pad);
    memcpy(value + pad, "\xF0\x9F\x98\x80", 4); /* U+1F600 */
    value[pad + 4] = '\0';
    char out[WF_NAME_LEN];
    instance_name(value, out);
    assert_int_equal(strlen(out), pad);
    assert_true(utf8_complete(out));
  }
  /* And kept whole when it fits. */
  char value[256];
  memset(value, 'a', 123);
  memcpy(value + 123, "\xF0\x9F\x98\x80", 5);
  char out[WF_NAME_LEN];
  instance_name(value, out);
  assert_string_equal(out, value);
}

static void test_strlist_add_sort_unique_clear(void **state) {
  fixture_t *f = *state;
  wf_strlist_t *l = &f->list;
  static const char *const input[] = {"u3", "u1", "u2", "u1", "u3", "u10"};
  for (size_t i = 0; i < sizeof(input) / sizeof(input[0]); i++)
    assert_int_equal(wf_strlist_add(l, input[i]), 0);
  assert_int_equal(l->count, 6);
  /* The list holds copies. */
  assert_ptr_not_equal(l->items[0], input[0]);
  assert_string_equal(l->items[0], "u3");

  wf_strlist_sort_unique(l);
  assert_int_equal(l->count, 4);
  assert_string_equal(l->items[0], "u1");
  assert_string_equal(l->items[1], "u10");
  assert_string_equal(l->items[2], "u2");
  assert_string_equal(l->items[3], "u3");

  wf_strlist_clear(l);
  assert_int_equal(l->count, 0);
  /* Still usable after clear. */
  assert_int_equal(wf_strlist_add(l, "again"), 0);
  assert_int_equal(l->count, 1);
  assert_string_equal(l->items[0], "again");
}

static void test_strlist_sort_unique_small_and_many(void **state) {
  fixture_t *f = *state;
  wf_strlist_t *l = &f->list;
  wf_strlist_sort_unique(l);
  assert_int_equal(l->count, 0);
  assert_int_equal(wf_strlist_add(l, "only"), 0);
  wf_strlist_sort_unique(l);
  assert_int_equal(l->count, 1);
  assert_string_equal(l->items[0], "only");

  /* 200 items, each added twice, in reverse order: past the first
   * capacity, and duplicates freed (valgrind checks that). */
  wf_strlist_clear(l);
  for (int round = 0; round < 2; round++)
    for (int i = 199; i >= 0; i--) {
      char id[16];
      snprintf(id, sizeof(id), "user%03d", i);
      assert_int_equal(wf_strlist_add(l, id), 0);
    }
  assert_int_equal(l->count, 400);
  wf_strlist_sort_unique(l);
  assert_int_equal(l->count, 200);
  assert_string_equal(l->items[0], "user000");
  assert_string_equal(l->items[199], "user199");
}

/* Fails unless `m` has the derive rows api_requests and api_errors of
 * `endpoint`, counting `requests` and `errors`. */
static void assert_api_rows(const wf_metrics_t *m, const char *endpoint,
                            int64_t requests, int64_t errors) {
  int64_t requested = unittest_derive(m, "api_requests", endpoint);
  int64_t failed = unittest_derive(m, "api_errors", endpoint);
  if (requested != requests || failed != errors)
    fail_msg("%s: %lld requests and %lld errors, not %lld and %lld", endpoint,
             (long long)requested, (long long)failed, (long long)requests,
             (long long)errors);
}

static void test_stats_to_metrics(void **state) {
  fixture_t *f = *state;
  wf_stats_request(&f->stats, "gettoken");
  wf_stats_request(&f->stats, "queryonjob");
  wf_stats_request(&f->stats, "queryonjob");
  wf_stats_request(&f->stats, "queryonjob");
  wf_stats_error(&f->stats, "queryonjob");
  /* A failure counted for an endpoint that was never requested still
   * gives both rows. */
  wf_stats_error(&f->stats, "empLeaveRecords");

  assert_int_equal(wf_stats_to_metrics(&f->stats, &f->metrics), 0);
  assert_int_equal(f->metrics.count, 6);

  assert_api_rows(&f->metrics, "gettoken", 1, 0);
  assert_api_rows(&f->metrics, "queryonjob", 3, 1);
  assert_api_rows(&f->metrics, "empLeaveRecords", 0, 1);
}

/* 2024-03-01T00:00:00+08:00, 2024-04-01T00:00:00+08:00 and
 * 2024-05-01T00:00:00+08:00: the starts of three local months. */
#define MARCH_START ((time_t)1709222400)
#define APRIL_START ((time_t)1711900800)
#define MAY_START ((time_t)1714492800)

static void test_stats_quota_counts_within_a_month(void **state) {
  fixture_t *f = *state;
  /* Nothing counted yet. */
  assert_int_equal(wf_stats_quota_used(&f->stats, MARCH_START), 0);
  for (int i = 0; i < 5; i++)
    wf_stats_quota_call(&f->stats, MARCH_START);
  assert_int_equal(wf_stats_quota_used(&f->stats, MARCH_START), 5);
  /* Another month's figure is 0, not March's. */
  assert_int_equal(wf_stats_quota_used(&f->stats, APRIL_START), 0);
  assert_int_equal(wf_stats_quota_used(&f->stats, MARCH_START - 1), 0);
  /* Reading does not reset. */
  assert_int_equal(wf_stats_quota_used(&f->stats, MARCH_START), 5);
}

static void test_stats_quota_restarts_at_new_month(void **state) {
  fixture_t *f = *state;
  wf_stats_quota_call(&f->stats, MARCH_START);
  wf_stats_quota_call(&f->stats, MARCH_START);
  wf_stats_quota_call(&f->stats, APRIL_START);
  assert_int_equal(wf_stats_quota_used(&f->stats, APRIL_START), 1);
  /* March is over: its count is gone. */
  assert_int_equal(wf_stats_quota_used(&f->stats, MARCH_START), 0);
  wf_stats_quota_call(&f->stats, APRIL_START);
  assert_int_equal(wf_stats_quota_used(&f->stats, APRIL_START), 2);
  wf_stats_quota_call(&f->stats, MAY_START);
  assert_int_equal(wf_stats_quota_used(&f->stats, MAY_START), 1);
  assert_int_equal(wf_stats_quota_used(&f->stats, APRIL_START), 0);
}

/* Quota calls are not requests: wf_stats_to_metrics gives the same
 * api_requests and api_errors rows with them as without, and no other. */
static void test_stats_to_metrics_ignores_quota(void **state) {
  fixture_t *f = *state;
  wf_stats_request(&f->stats, "listRecord");
  wf_stats_request(&f->stats, "listRecord");
  wf_stats_error(&f->stats, "listRecord");
  for (int i = 0; i < 7; i++)
    wf_stats_quota_call(&f->stats, MARCH_START);
  assert_int_equal(wf_stats_to_metrics(&f->stats, &f->metrics), 0);
  assert_int_equal(f->metrics.count, 2);
  assert_api_rows(&f->metrics, "listRecord", 2, 1);
  assert_null(wf_metrics_find(&f->metrics, "api_quota_used", ""));
  assert_int_equal(wf_stats_quota_used(&f->stats, MARCH_START), 7);
}

static void test_error_format(void **state) {
  (void)state;
  wf_error_t err;
  char line[512];

  wf_error_clear(&err);
  assert_int_equal(err.kind, WF_ERR_NONE);
  assert_int_equal(err.retry_after, -1);

  /* Endpoint, kind, HTTP status, the platform's code, then the detail. */
  wf_error_set(&err, WF_ERR_THROTTLED, "queryonjob", "slow down after %d", 3);
  err.http_status = 403;
  err.errcode = 90018;
  wf_error_format(&err, line, sizeof(line));
  assert_string_equal(line, "queryonjob: throttled by the platform, HTTP 403, "
                            "errcode 90018: slow down after 3");

  /* errcode and textual code together. */
  wf_error_clear(&err);
  wf_error_set(&err, WF_ERR_PLATFORM, "empLeaveRecords", "refused");
  err.http_status = 400;
  err.errcode = 60011;
  snprintf(err.code, sizeof(err.code), "invalidParameter.param.invalid");
  wf_error_format(&err, line, sizeof(line));
  assert_string_equal(line, "empLeaveRecords: platform error, HTTP 400, "
                            "errcode 60011 (invalidParameter.param.invalid): "
                            "refused");

  /* A textual code alone; no endpoint and no detail. */
  wf_error_clear(&err);
  wf_error_set(&err, WF_ERR_AUTH, NULL, "%s", "");
  err.http_status = 401;
  snprintf(err.code, sizeof(err.code), "invalid_token");
  wf_error_format(&err, line, sizeof(line));
  assert_string_equal(line,
                      "-: credentials refused, HTTP 401, code invalid_token");

  /* Without an answer: no HTTP status, no code. */
  wf_error_clear(&err);
  wf_error_set(&err, WF_ERR_TRANSPORT, "gettoken", "timed out");
  wf_error_format(&err, line, sizeof(line));
  assert_string_equal(line, "gettoken: platform unreachable: timed out");

  /* A tiny buffer is cut, never overrun. */
  char tiny[8];
  wf_error_format(&err, tiny, sizeof(tiny));
  assert_string_equal(tiny, "gettoke");
}

static void test_pairs_add_and_free(void **state) {
  fixture_t *f = *state;
  wf_pairs_t *p = &f->pairs;
  char code[16] = "annual-id";
  char name[16] = "annual";
  assert_int_equal(wf_pairs_add(p, code, name), 0);
  assert_int_equal(wf_pairs_add(p, "sick-id", "病假"), 0);
  /* The list holds copies, in the order added. */
  code[0] = 'X';
  name[0] = 'X';
  assert_int_equal(p->count, 2);
  assert_string_equal(p->items[0].code, "annual-id");
  assert_string_equal(p->items[0].name, "annual");
  assert_string_equal(p->items[1].code, "sick-id");
  assert_string_equal(p->items[1].name, "病假");

  wf_pairs_free(p);
  assert_int_equal(p->count, 0);
  assert_null(p->items);
  /* Usable again after free, and freeing twice is harmless. */
  for (int i = 0; i < 50; i++) {
    char id[16];
    snprintf(id, sizeof(id), "id%02d", i);
    assert_int_equal(wf_pairs_add(p, id, "name"), 0);
  }
  assert_int_equal(p->count, 50);
  assert_string_equal(p->items[49].code, "id49");
  wf_pairs_free(p);
  wf_pairs_free(p);
  assert_int_equal(p->count, 0);
}

/* The time a name was last seen, failing the test when it is unknown. */
static time_t seen_at(const wf_seen_t *s, const char *name) {
  for (size_t i = 0; i < s->names.count; i++)
    if (strcmp(s->names.items[i], name) == 0)
      return s->seen[i];
  fail_msg("\"%s\" is not among the names seen", name);
  return 0;
}

static void test_seen_touch_keeps_the_latest_time(void **state) {
  fixture_t *f = *state;
  wf_seen_t *s = &f->seen;
  assert_int_equal(wf_seen_touch(s, "日报", 1000), 0);
  assert_int_equal(wf_seen_touch(s, "weekly", 2000), 0);
  assert_int_equal(s->names.count, 2);
  assert_time_equal(seen_at(s, "日报"), 1000);
  assert_time_equal(seen_at(s, "weekly"), 2000);

  /* Seen again later: one name, the later time. */
  assert_int_equal(wf_seen_touch(s, "日报", 3000), 0);
  assert_int_equal(s->names.count, 2);
  assert_time_equal(seen_at(s, "日报"), 3000);
  /* An earlier time does not move it back. */
  assert_int_equal(wf_seen_touch(s, "日报", 1500), 0);
  assert_int_equal(s->names.count, 2);
  assert_time_equal(seen_at(s, "日报"), 3000);
  assert_time_equal(seen_at(s, "weekly"), 2000);
}

static void test_seen_forget_before(void **state) {
  fixture_t *f = *state;
  wf_seen_t *s = &f->seen;
  static const char *const names[] = {"a", "b", "c", "d", "e"};
  static const time_t times[] = {100, 500, 200, 300, 600};
  for (size_t i = 0; i < WF_ARRAY_SIZE(names); i++)
    assert_int_equal(wf_seen_touch(s, names[i], times[i]), 0);

  /* Names seen at the cutoff stay; earlier ones go, in order kept. */
  wf_seen_forget_before(s, 300);
  assert_int_equal(s->names.count, 3);
  assert_string_equal(s->names.items[0], "b");
  assert_string_equal(s->names.items[1], "d");
  assert_string_equal(s->names.items[2], "e");
  assert_time_equal(seen_at(s, "b"), 500);
  assert_time_equal(seen_at(s, "d"), 300);
  assert_time_equal(seen_at(s, "e"), 600);

  /* A forgotten name comes back as new. */
  assert_int_equal(wf_seen_touch(s, "a", 700), 0);
  assert_int_equal(s->names.count, 4);
  assert_time_equal(seen_at(s, "a"), 700);

  /* Nothing before the cutoff: nothing forgotten. */
  wf_seen_forget_before(s, 0);
  assert_int_equal(s->names.count, 4);
  /* Everything before it: the list is empty but usable. */
  wf_seen_forget_before(s, 10000);
  assert_int_equal(s->names.count, 0);
  assert_int_equal(wf_seen_touch(s, "f", 20000), 0);
  assert_int_equal(s->names.count, 1);
  assert_time_equal(seen_at(s, "f"), 20000);
}

/* Many names, forgotten and seen again: no leak, no stale time. */
static void test_seen_many_names(void **state) {
  fixture_t *f = *state;
  wf_seen_t *s = &f->seen;
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < 40; i++) {
      char name[16];
      snprintf(name, sizeof(name), "t%02d", i);
      assert_int_equal(wf_seen_touch(s, name, 1000 * round + i), 0);
    }
    wf_seen_forget_before(s, 1000 * round + 20);
    assert_int_equal(s->names.count, 20);
    assert_time_equal(seen_at(s, "t20"), 1000 * round + 20);
  }
}

/* Each kind has its own text, the words log lines and notifications use;
 * a value outside the enum reads "unknown error". */
static void test_error_kind_text_covers_every_kind(void **state) {
  (void)state;
  static const struct {
    wf_error_kind_t kind;
    const char *text;
  } kinds[] = {
      {WF_ERR_NONE, "no error"},
      {WF_ERR_TRANSPORT, "platform unreachable"},
      {WF_ERR_AUTH, "credentials refused"},
      {WF_ERR_THROTTLED, "throttled by the platform"},
      {WF_ERR_QUOTA, "monthly call quota used up"},
      {WF_ERR_PLATFORM, "platform error"},
      {WF_ERR_BAD_ANSWER, "unusable answer"},
      {WF_ERR_PAGING, "paging error"},
      {WF_ERR_BUDGET, "monthly budget reached for now"},
      {WF_ERR_NOMEM, "out of memory"},
  };
  assert_int_equal(WF_ARRAY_SIZE(kinds), WF_ERR_NOMEM + 1);
  for (size_t k = 0; k < WF_ARRAY_SIZE(kinds); k++) {
    assert_int_equal(kinds[k].kind, k);
    assert_string_equal(wf_error_kind_text(kinds[k].kind), kinds[k].text);
  }
  assert_string_equal(wf_error_kind_text((wf_error_kind_t)(WF_ERR_NOMEM + 1)),
                      "unknown error");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_metrics_add_find_clear, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_metrics_grow_past_first_capacity,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_counts_declare_add_get_total, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          test_counts_to_metrics_includes_declared_zeros, setup, teardown),
      cmocka_unit_test(test_instance_name_normalises),
      cmocka_unit_test(test_instance_name_small_buffer),
      cmocka_unit_test(test_instance_name_truncates_at_character_boundary),
      cmocka_unit_test_setup_teardown(test_strlist_add_sort_unique_clear, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_strlist_sort_unique_small_and_many,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_stats_to_metrics, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stats_quota_counts_within_a_month,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_stats_quota_restarts_at_new_month,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_stats_to_metrics_ignores_quota,
                                      setup, teardown),
      cmocka_unit_test(test_error_format),
      cmocka_unit_test(test_error_kind_text_covers_every_kind),
      cmocka_unit_test_setup_teardown(test_pairs_add_and_free, setup, teardown),
      cmocka_unit_test_setup_teardown(test_seen_touch_keeps_the_latest_time,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_seen_forget_before, setup, teardown),
      cmocka_unit_test_setup_teardown(test_seen_many_names, setup, teardown),
  };
  return cmocka_run_group_tests_name("wf_metrics", tests, NULL, NULL);
}
