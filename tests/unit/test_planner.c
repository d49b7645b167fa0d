/**
 * collectd-workforce - tests/unit/test_planner.c
 * SPDX-License-Identifier: MIT
 *
 * The monthly quota planner (src/wf_planner.c): the budget line at known
 * instants, pacing by weighted time and by each collector's share, and
 * whole months of polls on a fake clock, one step a minute, in which the
 * calls spent never cross the line or the quota and still use nearly all
 * of the quota by the month's end.
 **/
#include "unittest.h"

#include "wf_common.h"
#include "wf_planner.h"

#include <string.h>

#define MINUTE 60
#define HOUR 3600
#define DAY 86400
#define UTC8 (8 * HOUR)

/* The weight of an off-hours second, as the planner's rules state it. */
#define OFF_WEIGHT 0.1

/* An instant given as local date and time at `offset`. */
static time_t local_time(int year, int month, int day, int hour, int minute,
                         int offset) {
  struct tm tm = {0};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  return timegm(&tm) - offset;
}

/* The start of the month after `month` of `year`, at `offset`. */
static time_t month_after(int year, int month, int offset) {
  return month == 12 ? local_time(year + 1, 1, 1, 0, 0, offset)
                     : local_time(year, month + 1, 1, 0, 0, offset);
}

/* The start of the month after the one of `t`, at `offset`. */
static time_t next_month_start(time_t t, int offset) {
  time_t local = t + offset;
  struct tm tm;
  assert_non_null(gmtime_r(&local, &tm));
  return month_after(tm.tm_year + 1900, tm.tm_mon + 1, offset);
}

/* True when `t` falls in the work hours of `cfg`, by the test's own
 * reading of the rule: local minutes in [start, end), across midnight
 * when the end comes first. */
static bool in_work_hours(const wf_plan_config_t *cfg, time_t t) {
  long local = (long)((t + cfg->utc_offset) % DAY);
  if (local < 0)
    local += DAY;
  long minute = local / MINUTE;
  if (cfg->work_start < cfg->work_end)
    return minute >= cfg->work_start && minute < cfg->work_end;
  return minute >= cfg->work_start || minute < cfg->work_end;
}

/* MonthlyQuota `quota` at UTC+8 with work hours from `from` to `to`
 * o'clock. */
static wf_plan_config_t utc8_work_hours(int64_t quota, int from, int to) {
  return (wf_plan_config_t){.quota = quota,
                            .utc_offset = UTC8,
                            .work_start = from * 60,
                            .work_end = to * 60};
}

/* Makes `p` an empty planner for `cfg` at the first second of
 * `year`/`month` at the config's offset, and returns that second. */
static time_t plan_month(wf_planner_t *p, const wf_plan_config_t *cfg, int year,
                         int month) {
  time_t start = local_time(year, month, 1, 0, 0, cfg->utc_offset);
  wf_planner_init(p, cfg, start);
  return start;
}

/* Spends `calls` calls of collector `idx` at `t`, failing the test at the
 * first one the planner refuses. */
static void spend(wf_planner_t *p, int idx, time_t t, int64_t calls) {
  for (int64_t i = 0; i < calls; i++) {
    if (!wf_planner_spend(p, idx, t)) {
      char when[64];
      fail_msg("call %lld of %lld by %s at %s was refused", (long long)i + 1,
               (long long)calls, p->collectors[idx].name,
               unittest_time_text(t, when, sizeof(when)));
    }
  }
}

/* Starts a poll of collector `idx` at `t` that spends `calls` calls, the
 * last the line allows: one more is refused. The poll is left running. */
static void poll_to_the_line(wf_planner_t *p, int idx, time_t t,
                             int64_t calls) {
  assert_true(wf_planner_admit(p, idx, t));
  spend(p, idx, t, calls);
  assert_false(wf_planner_spend(p, idx, t));
}

/* ---------------------------------------------------------------------
 * The line at known instants.
 * --------------------------------------------------------------------- */

static void test_off_hours_weight_is_a_tenth(void **state) {
  (void)state;
  assert_true(WF_PLAN_OFF_HOURS_WEIGHT == OFF_WEIGHT);
}

static void test_line_without_work_hours(void **state) {
  (void)state;
  /* April 2027 has 30 days: its 15th day ends half way through. */
  wf_plan_config_t cfg = {.quota = 5000, .utc_offset = 0};
  wf_planner_t p;
  time_t start = plan_month(&p, &cfg, 2027, 4);
  time_t end = local_time(2027, 5, 1, 0, 0, 0);
  assert_int_equal(wf_planner_add(&p, "attendance", 4, 60, 20), 0);
  assert_int_equal(wf_planner_add(&p, "leave", 1, 300, 121), 1);
  const int64_t largest = 121;

  assert_true(wf_planner_fraction(&cfg, start) == 0.0);
  assert_int_equal(wf_planner_line(&p, start), largest);

  time_t middle = start + 15 * DAY;
  assert_true(wf_planner_fraction(&cfg, middle) == 0.5);
  assert_int_equal(wf_planner_line(&p, middle), 5000 / 2 + largest);

  /* The last second: the quota, never more. */
  double last = 1.0 - 1.0 / (30.0 * DAY);
  assert_float_equal(wf_planner_fraction(&cfg, end - 1), last, 1e-12);
  assert_int_equal(wf_planner_line(&p, end - 1), 5000);

  /* The month after starts again at C. */
  assert_int_equal(wf_planner_line(&p, end), largest);
  assert_true(wf_planner_fraction(&cfg, end) == 0.0);
}

static void test_line_with_work_hours(void **state) {
  (void)state;
  /* January 2027 at UTC+8, work 08:00-20:00: a day weighs 12 work hours
   * and 12 hours at a tenth, 31 of them the whole month. */
  wf_plan_config_t cfg = utc8_work_hours(5000, 8, 20);
  double day_hours = 12 + 12 * OFF_WEIGHT;
  double month_hours = 31 * day_hours;
  wf_planner_t p;
  plan_month(&p, &cfg, 2027, 1);
  wf_planner_add(&p, "attendance", 4, 60, 20);

  /* Local 08:00 of the 1st: eight hours at a tenth have passed. */
  double at_eight = 8 * OFF_WEIGHT / month_hours;
  time_t eight = local_time(2027, 1, 1, 8, 0, UTC8);
  assert_float_equal(wf_planner_fraction(&cfg, eight), at_eight, 1e-12);
  assert_int_equal(wf_planner_line(&p, eight), (int64_t)(5000 * at_eight) + 20);

  /* 20:00: and twelve work hours. */
  double at_twenty = (8 * OFF_WEIGHT + 12) / month_hours;
  time_t twenty = local_time(2027, 1, 1, 20, 0, UTC8);
  assert_float_equal(wf_planner_fraction(&cfg, twenty), at_twenty, 1e-12);
  assert_int_equal(wf_planner_line(&p, twenty),
                   (int64_t)(5000 * at_twenty) + 20);

  /* 14:00 of the 11th: ten whole days and the 11th's morning. */
  double at_eleventh = (10 * day_hours + 8 * OFF_WEIGHT + 6) / month_hours;
  time_t eleventh = local_time(2027, 1, 11, 14, 0, UTC8);
  assert_float_equal(wf_planner_fraction(&cfg, eleventh), at_eleventh, 1e-12);

  /* The month is local: at UTC 00:00 of the 1st it is 08:00 there. */
  assert_float_equal(wf_planner_fraction(&cfg, local_time(2027, 1, 1, 0, 0, 0)),
                     at_eight, 1e-12);
}

static void test_line_with_work_hours_across_midnight(void **state) {
  (void)state;
  /* Work 22:00-06:00 in January 2027: a day weighs 8 work hours and 16 at
   * a tenth, and starts at work. */
  wf_plan_config_t cfg = utc8_work_hours(5000, 22, 6);
  double month_hours = 31 * (8 + 16 * OFF_WEIGHT);

  assert_float_equal(
      wf_planner_fraction(&cfg, local_time(2027, 1, 1, 6, 0, UTC8)),
      6 / month_hours, 1e-12);
  assert_float_equal(
      wf_planner_fraction(&cfg, local_time(2027, 1, 1, 22, 0, UTC8)),
      (6 + 16 * OFF_WEIGHT) / month_hours, 1e-12);
  assert_float_equal(
      wf_planner_fraction(&cfg, local_time(2027, 1, 2, 2, 30, UTC8)),
      (6 + 16 * OFF_WEIGHT + 2 + 2.5) / month_hours, 1e-12);
  assert_float_equal(
      wf_planner_fraction(&cfg, local_time(2027, 1, 31, 23, 0, UTC8)),
      1 - 1 / month_hours, 1e-12);
}

static void test_whole_day_work_hours_are_no_work_hours(void **state) {
  (void)state;
  /* 00:00-24:00 and 09:00-09:00 both weigh every second alike. */
  wf_plan_config_t all = {.quota = 100, .work_start = 0, .work_end = 24 * 60};
  wf_plan_config_t same = {.quota = 100, .work_start = 540, .work_end = 540};
  time_t t = local_time(2027, 4, 10, 3, 0, 0);
  double plain = (9 * 24 + 3) / (30.0 * 24);
  assert_float_equal(wf_planner_fraction(&all, t), plain, 1e-12);
  assert_float_equal(wf_planner_fraction(&same, t), plain, 1e-12);
  /* Minutes outside the day are no work hours either. */
  wf_plan_config_t outside = {.quota = 100, .work_start = -60, .work_end = 600};
  assert_float_equal(wf_planner_fraction(&outside, t), plain, 1e-12);
}

/* ---------------------------------------------------------------------
 * Spending, admission and the turn of the month.
 * --------------------------------------------------------------------- */

static void test_spend_stops_at_the_line(void **state) {
  (void)state;
  wf_plan_config_t cfg = {.quota = 3000};
  wf_planner_t p;
  time_t start = plan_month(&p, &cfg, 2027, 4);
  int idx = wf_planner_add(&p, "attendance", 1, 60, 25);

  /* At the month's first second the line is one poll: 25 calls. */
  poll_to_the_line(&p, idx, start, 25);
  assert_int_equal(wf_planner_used(&p, start), 25);
  assert_int_equal(p.collectors[idx].reserved, 0);
  wf_planner_done(&p, idx, start, true, 25);

  /* A day later the line has grown by 3000 / 30 = 100 calls. */
  time_t later = start + DAY;
  assert_int_equal(wf_planner_line(&p, later), 100 + 25);
  int spent = 0;
  while (wf_planner_spend(&p, -1, later))
    spent++;
  assert_int_equal(spent, 100);
  assert_int_equal(wf_planner_used(&p, later), 125);
}

static void test_admit_counts_other_reservations(void **state) {
  (void)state;
  wf_plan_config_t cfg = {.quota = 3000};
  wf_planner_t p;
  time_t start = plan_month(&p, &cfg, 2027, 4);
  int attendance = wf_planner_add(&p, "attendance", 4, 60, 20);
  int reports = wf_planner_add(&p, "reports", 2, 60, 14);
  int leave = wf_planner_add(&p, "leave", 1, 300, 40);

  /* The line is C = 40: attendance reserves 20, reports 14 more, and
   * leave's 40 do not fit beside them. */
  assert_true(wf_planner_admit(&p, attendance, start));
  assert_true(wf_planner_admit(&p, reports, start));
  assert_false(wf_planner_admit(&p, leave, start));
  assert_int_equal(p.collectors[leave].last_start, 0);

  /* Spending shrinks the reservation by as much as it counts. */
  spend(&p, attendance, start, 5);
  assert_int_equal(p.collectors[attendance].reserved, 15);
  assert_false(wf_planner_admit(&p, leave, start));

  /* When both end, leave fits beside the 5 spent only once the line has
   * grown by 5: 3000 calls over 30 days is one call every 864 s. */
  wf_planner_done(&p, attendance, start, true, 5);
  wf_planner_done(&p, reports, start, false, 0);
  assert_int_equal(p.collectors[attendance].cost, 5);
  assert_int_equal(p.collectors[reports].cost, 14);
  assert_false(wf_planner_admit(&p, leave, start + 5 * 864 - 1));
  assert_true(wf_planner_admit(&p, leave, start + 5 * 864));
  assert_int_equal(p.collectors[leave].reserved, 40);
}

static void test_cut_short_poll_raises_the_estimate(void **state) {
  (void)state;
  wf_plan_config_t cfg = {.quota = 3000};
  wf_planner_t p;
  time_t start = plan_month(&p, &cfg, 2027, 4);
  int idx = wf_planner_add(&p, "attendance", 1, 60, 10);

  /* A poll that wanted more than the 10 calls the line held for it. */
  poll_to_the_line(&p, idx, start, 10);
  wf_planner_done(&p, idx, start, false, 10);
  /* How many more it needed is unknown: twice as many next time. */
  assert_int_equal(p.collectors[idx].cost, 20);

  /* A failure before the estimate was reached says nothing of it. */
  assert_true(wf_planner_admit(&p, idx, start + DAY));
  wf_planner_done(&p, idx, start + DAY, false, 3);
  assert_int_equal(p.collectors[idx].cost, 20);

  /* A poll that went far past its estimate before the line stopped it. */
  assert_true(wf_planner_admit(&p, idx, start + 2 * DAY));
  wf_planner_done(&p, idx, start + 2 * DAY, false, 55);
  assert_int_equal(p.collectors[idx].cost, 56);
  assert_int_equal(p.collectors[idx].reserved, 0);
}

static void test_month_turn_starts_again(void **state) {
  (void)state;
  wf_plan_config_t cfg = {.quota = 500, .utc_offset = UTC8};
  wf_planner_t p;
  time_t start = plan_month(&p, &cfg, 2027, 2);
  time_t next = local_time(2027, 3, 1, 0, 0, UTC8);
  int idx = wf_planner_add(&p, "attendance", 1, 60, 10);

  wf_planner_set_used(&p, next - 60, start, 500);
  assert_int_equal(wf_planner_used(&p, next - 1), 500);
  assert_false(wf_planner_spend(&p, idx, next - 1));
  assert_false(wf_planner_admit(&p, idx, next - 1));
  /* The budget is back in the month after, so that is when to come. */
  assert_time_equal(wf_planner_next(&p, idx, next - 3 * DAY), next);
  assert_int_equal(wf_planner_used(&p, next), 0);

  /* The line is one poll again: it starts, and its calls are counted
   * from 0. */
  assert_true(wf_planner_admit(&p, idx, next));
  assert_true(wf_planner_spend(&p, idx, next));
  assert_int_equal(wf_planner_used(&p, next), 1);
}

static void test_set_used_of_another_month_is_ignored(void **state) {
  (void)state;
  wf_plan_config_t cfg = {.quota = 500};
  time_t march = local_time(2027, 3, 1, 0, 0, 0);
  time_t april = local_time(2027, 4, 1, 0, 0, 0);
  wf_planner_t p;
  wf_planner_init(&p, &cfg, april + DAY);
  wf_planner_set_used(&p, april + DAY, march, 400);
  assert_int_equal(wf_planner_used(&p, april + DAY), 0);
  wf_planner_set_used(&p, april + DAY, april, 40);
  assert_int_equal(wf_planner_used(&p, april + DAY), 40);
}

static void test_add_refuses_what_it_cannot_hold(void **state) {
  (void)state;
  wf_plan_config_t cfg = {.quota = 500};
  wf_planner_t p;
  plan_month(&p, &cfg, 2027, 4);
  assert_int_equal(wf_planner_add(&p, "", 1, 60, 1), -1);
  assert_int_equal(
      wf_planner_add(&p, "a name far longer than thirty-one bytes", 1, 60, 1),
      -1);
  assert_int_equal(wf_planner_add(&p, "zero weight", 0, 60, 1), -1);
  assert_int_equal(wf_planner_add(&p, "zero interval", 1, 0, 1), -1);
  for (int i = 0; i < WF_PLAN_MAX; i++)
    assert_int_equal(wf_planner_add(&p, "collector", 1, 60, 0), i);
  assert_int_equal(wf_planner_add(&p, "one too many", 1, 60, 1), -1);
  /* A poll costs at least one call. */
  assert_int_equal(p.collectors[0].cost, 1);
}

/* ---------------------------------------------------------------------
 * Pacing.
 * --------------------------------------------------------------------- */

/* Admits collector `idx` at `t` and spends its whole cost. */
static void poll_at(wf_planner_t *p, int idx, time_t t) {
  assert_true(wf_planner_admit(p, idx, t));
  int64_t cost = p->collectors[idx].cost;
  spend(p, idx, t, cost);
  wf_planner_done(p, idx, t, true, cost);
}

/* Asserts that collector `idx`, asked at `t`, is next due `period`
 * seconds later (rounded down) or a second after that. */
static void assert_next_after(const wf_planner_t *p, int idx, time_t t,
                              double period) {
  time_t next = wf_planner_next(p, idx, t);
  time_t due = t + (time_t)period;
  if (next < due || next > due + 1) {
    char next_text[64];
    char due_text[64];
    fail_msg("%s is next due at %s, not at %s or a second later",
             p->collectors[idx].name,
             unittest_time_text(next, next_text, sizeof(next_text)),
             unittest_time_text(due, due_text, sizeof(due_text)));
  }
}

static void test_first_poll_goes_at_once(void **state) {
  (void)state;
  wf_plan_config_t cfg = {.quota = 5000, .utc_offset = UTC8};
  time_t t = local_time(2027, 4, 17, 13, 7, UTC8);
  wf_planner_t p;
  wf_planner_init(&p, &cfg, t);
  int idx = wf_planner_add(&p, "attendance", 4, 60, 20);
  assert_time_equal(wf_planner_next(&p, idx, t), t);
}

static void test_off_hours_stretch_the_interval(void **state) {
  (void)state;
  /* A quota far above the need: the collector runs at its Interval, five
   * minutes, which off hours stretch tenfold. */
  wf_plan_config_t cfg = utc8_work_hours(1000000, 8, 20);
  time_t t = local_time(2027, 4, 13, 10, 0, UTC8);
  wf_planner_t p;
  wf_planner_init(&p, &cfg, t);
  int idx = wf_planner_add(&p, "attendance", 4, 300, 1);

  poll_at(&p, idx, t);
  assert_time_equal(wf_planner_next(&p, idx, t), t + 300);
  assert_time_equal(wf_planner_next(&p, idx, t + 100), t + 300);
  assert_time_equal(wf_planner_next(&p, idx, t + 400), t + 400);

  time_t night = local_time(2027, 4, 13, 22, 0, UTC8);
  poll_at(&p, idx, night);
  assert_time_equal(wf_planner_next(&p, idx, night), night + 10 * 300);

  /* Two minutes before 20:00: 120 weighted seconds at work, then the
   * other 180 at a tenth. */
  time_t evening = local_time(2027, 4, 14, 19, 58, UTC8);
  poll_at(&p, idx, evening);
  assert_time_equal(wf_planner_next(&p, idx, evening),
                    evening + 120 + (time_t)(180 / OFF_WEIGHT));

  /* Half past seven in the morning: 30 min at a tenth is 180 weighted
   * seconds, the other 120 come after 08:00. */
  time_t morning = local_time(2027, 4, 15, 7, 30, UTC8);
  poll_at(&p, idx, morning);
  assert_time_equal(wf_planner_next(&p, idx, morning),
                    local_time(2027, 4, 15, 8, 2, UTC8));
}

static void test_share_sets_the_period(void **state) {
  (void)state;
  /* One collector, no work hours: the calls left, spread over the time
   * left, one poll's cost at a time. */
  wf_plan_config_t cfg = {.quota = 3000};
  wf_planner_t p;
  time_t start = plan_month(&p, &cfg, 2027, 4);
  time_t end = local_time(2027, 5, 1, 0, 0, 0);
  int idx = wf_planner_add(&p, "attendance", 4, 60, 20);

  time_t t = start + 3 * HOUR;
  poll_at(&p, idx, t);
  assert_next_after(&p, idx, t, 20.0 * (double)(end - t) / (3000 - 20));
}

static void test_water_filling(void **state) {
  (void)state;
  /* Announcements need one call an hour, 720 calls over April: less than
   * half of 10000, so that is all they get, and reports share the rest.
   * Both weigh the same. */
  wf_plan_config_t cfg = {.quota = 10000};
  wf_planner_t p;
  time_t start = plan_month(&p, &cfg, 2027, 4);
  time_t end = local_time(2027, 5, 1, 0, 0, 0);
  int announcements = wf_planner_add(&p, "announcements", 1, HOUR, 1);
  int reports = wf_planner_add(&p, "reports", 1, 60, 10);

  time_t t = start + DAY;
  poll_at(&p, announcements, t);
  poll_at(&p, reports, t);
  assert_time_equal(wf_planner_next(&p, announcements, t), t + HOUR);

  double left = 10000 - 11;
  double need = (double)(end - t) / HOUR;
  assert_next_after(&p, reports, t, 10.0 * (double)(end - t) / (left - need));

  /* With weights 3 to 1 and both needing more than their share, reports
   * get three quarters. */
  wf_planner_t q;
  plan_month(&q, &cfg, 2027, 4);
  int a = wf_planner_add(&q, "attendance", 1, 60, 10);
  int b = wf_planner_add(&q, "reports", 3, 60, 10);
  poll_at(&q, a, t);
  poll_at(&q, b, t);
  double quarter = (10000 - 20) / 4.0;
  assert_next_after(&q, a, t, 10.0 * (double)(end - t) / quarter);
  assert_next_after(&q, b, t, 10.0 * (double)(end - t) / (3 * quarter));
}

static void test_next_waits_for_the_line(void **state) {
  (void)state;
  /* 2000 of 5000 calls spent early in April (a file said so): a poll of
   * 20 fits under the line once floor(5000 * F) + 20 >= 2020, when 40 %
   * of the month, 12 days, has passed. */
  wf_plan_config_t cfg = {.quota = 5000};
  wf_planner_t p;
  time_t start = plan_month(&p, &cfg, 2027, 4);
  int idx = wf_planner_add(&p, "attendance", 4, 60, 20);
  time_t t = start + DAY;
  wf_planner_set_used(&p, t, start, 2000);
  time_t next = wf_planner_next(&p, idx, t);
  assert_time_equal(next, start + 12 * DAY);
  assert_true(wf_planner_line(&p, next - 1) < 2020);
  assert_true(wf_planner_line(&p, next) >= 2020);
  assert_true(wf_planner_admit(&p, idx, next));

  /* With work hours the line is solved on the weighted time. */
  wf_plan_config_t weighted = utc8_work_hours(5000, 9, 18);
  start = plan_month(&p, &weighted, 2027, 4);
  idx = wf_planner_add(&p, "attendance", 4, 60, 20);
  t = start + DAY;
  wf_planner_set_used(&p, t, start, 777);
  next = wf_planner_next(&p, idx, t);
  assert_true(wf_planner_line(&p, next - 1) < 797);
  assert_true(wf_planner_line(&p, next) >= 797);
  assert_true(in_work_hours(&weighted, next));
}

/* ---------------------------------------------------------------------
 * Whole months on a fake clock.
 * --------------------------------------------------------------------- */

typedef struct {
  const char *name;
  double weight;
  double interval;
  int64_t cost;
} sim_collector_t;

/* Each wants far more than the quota: attendance alone, 20 calls a
 * minute, would spend 5000 calls in about four hours. */
static const sim_collector_t sim_collectors[] = {
    {"attendance", WF_PLAN_WEIGHT_ATTENDANCE, 60, 20},
    {"reports", WF_PLAN_WEIGHT_REPORTS, 60, 14},
    {"leave", WF_PLAN_WEIGHT_LEAVE, 300, 121},
    {"announcements", WF_PLAN_WEIGHT_ANNOUNCEMENTS, 60, 10},
};
#define SIM_COUNT (sizeof(sim_collectors) / sizeof(sim_collectors[0]))

typedef struct {
  /* The counted calls a poll of collector `idx` makes at `t`; NULL: as
   * many as the planner expects. */
  int64_t (*cost)(size_t idx, time_t t, time_t month_start);
  int64_t spent;
  int64_t spent_in_work_hours;
  int polls;
  int refused_spends;
} sim_t;

static void sim_add_collectors(wf_planner_t *p) {
  for (size_t i = 0; i < SIM_COUNT; i++)
    assert_int_equal(
        wf_planner_add(p, sim_collectors[i].name, sim_collectors[i].weight,
                       sim_collectors[i].interval, sim_collectors[i].cost),
        (int)i);
}

/* plan_month with the simulated collectors added. */
static time_t sim_plan_month(wf_planner_t *p, const wf_plan_config_t *cfg,
                             int year, int month) {
  time_t start = plan_month(p, cfg, year, month);
  sim_add_collectors(p);
  return start;
}

/* One poll of collector `idx` at `t`, spending its calls one at a time;
 * a refused call ends it as failed. */
static void sim_poll(wf_planner_t *p, sim_t *sim, size_t idx, time_t t) {
  int64_t calls =
      sim->cost != NULL ? sim->cost(idx, t, p->month) : p->collectors[idx].cost;
  int64_t made = 0;
  bool ok = true;
  for (; made < calls; made++) {
    if (!wf_planner_spend(p, (int)idx, t)) {
      ok = false;
      sim->refused_spends++;
      break;
    }
    sim->spent++;
    if (in_work_hours(&p->cfg, t))
      sim->spent_in_work_hours++;
  }
  wf_planner_done(p, (int)idx, t, ok, made);
  sim->polls++;
}

/* Runs the planner's collectors from `from` to `to`, one step a minute:
 * each collector whose time has come asks to start, as the plugin does.
 * Checks at every step that the calls spent stay under the line and the
 * quota. */
static void sim_run(wf_planner_t *p, sim_t *sim, time_t from, time_t to) {
  time_t due[WF_PLAN_MAX];
  for (size_t i = 0; i < p->count; i++)
    due[i] = from;
  for (time_t t = from; t < to; t += MINUTE) {
    for (size_t i = 0; i < p->count; i++) {
      if (t < due[i])
        continue;
      time_t next = wf_planner_next(p, (int)i, t);
      assert_true(next >= t);
      assert_true(next <= next_month_start(t, p->cfg.utc_offset));
      if (next > t) {
        due[i] = next;
        continue;
      }
      /* next() said the line admits the poll now. */
      assert_true(wf_planner_admit(p, (int)i, t));
      sim_poll(p, sim, i, t);
      due[i] = wf_planner_next(p, (int)i, t);
    }
    int64_t used = wf_planner_used(p, t);
    assert_true(used <= wf_planner_line(p, t));
    assert_true(used <= p->cfg.quota);
  }
}

/* A whole month of `year`/`month` with the simulated collectors; work
 * hours 08:00-20:00 at UTC+8 or none. */
static void sim_month(int year, int month, bool work_hours) {
  wf_plan_config_t cfg = {.quota = 5000, .utc_offset = UTC8};
  if (work_hours)
    cfg = utc8_work_hours(5000, 8, 20);
  wf_planner_t p;
  time_t start = sim_plan_month(&p, &cfg, year, month);
  time_t end = month_after(year, month, UTC8);
  sim_t sim = {0};

  sim_run(&p, &sim, start, end - HOUR);
  assert_true(sim.spent >= 0.95 * 5000);
  sim_run(&p, &sim, end - HOUR, end);
  assert_true(sim.spent <= 5000);
  assert_int_equal(wf_planner_used(&p, end - 1), sim.spent);
  if (work_hours)
    assert_true(sim.spent_in_work_hours > 0.8 * sim.spent);
  /* Every collector got polls. */
  for (size_t i = 0; i < SIM_COUNT; i++)
    assert_true(p.collectors[i].last_start > start);
}

/* The months simulated whole: February of a common and of a leap year,
 * a month of 30 days and one of 31, each a test of its own. */
typedef struct {
  const char *name; /* the cmocka test name */
  int year;
  int month;
} month_t;

static const month_t months[] = {
    {"test_month_february_2027", 2027, 2},
    {"test_month_april_2027", 2027, 4},
    {"test_month_january_2027", 2027, 1},
    {"test_month_february_2028", 2028, 2},
};

/* Runs one row of months (the test's state), without work hours and with
 * them. */
static void test_month(void **state) {
  const month_t *m = *state;
  sim_month(m->year, m->month, false);
  sim_month(m->year, m->month, true);
}

static void test_restart_mid_month(void **state) {
  (void)state;
  wf_plan_config_t cfg = utc8_work_hours(5000, 8, 20);
  wf_planner_t before;
  time_t start = sim_plan_month(&before, &cfg, 2027, 4);
  time_t restart = local_time(2027, 4, 16, 11, 23, UTC8);
  time_t end = local_time(2027, 5, 1, 0, 0, UTC8);
  sim_t sim = {0};
  sim_run(&before, &sim, start, restart);
  int64_t saved = wf_planner_used(&before, restart);
  assert_true(saved > 0);

  /* The new process knows only the count saved; every collector polls
   * as soon as the line lets it. */
  wf_planner_t after;
  wf_planner_init(&after, &cfg, restart);
  sim_add_collectors(&after);
  wf_planner_set_used(&after, restart, start, saved);
  assert_int_equal(wf_planner_used(&after, restart), saved);
  sim_run(&after, &sim, restart, end);
  assert_int_equal(wf_planner_used(&after, end - 1), sim.spent);
  assert_true(sim.spent <= 5000);
  assert_true(sim.spent >= 0.95 * 5000);
}

/* Costs that change in the middle of the month: attendance costs 40 from
 * the 10th and 5 from the 20th, reports 3 from the 15th. */
static int64_t changing_cost(size_t idx, time_t t, time_t month_start) {
  int64_t day = (t - month_start) / DAY + 1;
  if (idx == 0)
    return day >= 20 ? 5 : day >= 10 ? 40 : sim_collectors[0].cost;
  if (idx == 1)
    return day >= 15 ? 3 : sim_collectors[1].cost;
  return sim_collectors[idx].cost;
}

static void test_costs_that_change(void **state) {
  (void)state;
  wf_plan_config_t cfg = {.quota = 5000, .utc_offset = UTC8};
  wf_planner_t p;
  time_t start = sim_plan_month(&p, &cfg, 2027, 1);
  time_t end = local_time(2027, 2, 1, 0, 0, UTC8);
  sim_t sim = {.cost = changing_cost};

  /* The user list is read on the change days and the estimates set from
   * it, up and then down. */
  sim_run(&p, &sim, start, start + 9 * DAY);
  wf_planner_set_cost(&p, 0, 40);
  sim_run(&p, &sim, start + 9 * DAY, start + 14 * DAY);
  wf_planner_set_cost(&p, 1, 3);
  sim_run(&p, &sim, start + 14 * DAY, start + 19 * DAY);
  wf_planner_set_cost(&p, 0, 5);
  assert_int_equal(p.collectors[0].cost, 5);
  sim_run(&p, &sim, start + 19 * DAY, end);
  assert_true(sim.spent <= 5000);
  assert_true(sim.spent >= 0.95 * 5000);
}

/* A user list that grows every day, by as many users as make three more
 * calls a poll: the first poll of a day makes more calls than the last
 * one, which set its estimate. */
static int64_t growing_cost(size_t idx, time_t t, time_t month_start) {
  int64_t day = (t - month_start) / DAY;
  return sim_collectors[idx].cost + 3 * day;
}

static void test_growing_user_list(void **state) {
  (void)state;
  wf_plan_config_t cfg = utc8_work_hours(5000, 9, 18);
  wf_planner_t p;
  time_t start = sim_plan_month(&p, &cfg, 2027, 4);
  time_t end = local_time(2027, 5, 1, 0, 0, UTC8);
  sim_t sim = {.cost = growing_cost};
  sim_run(&p, &sim, start, end);
  /* Some polls ran into the line: the estimates lagged the costs. */
  assert_true(sim.refused_spends > 0);
  assert_true(sim.spent <= 5000);
  assert_true(sim.spent >= 0.9 * 5000);
}

static void test_small_quota(void **state) {
  (void)state;
  /* 100 calls buy three whole polls of 30, never a fourth. */
  wf_plan_config_t cfg = {.quota = 100, .utc_offset = UTC8};
  wf_planner_t p;
  time_t start = plan_month(&p, &cfg, 2027, 4);
  time_t end = local_time(2027, 5, 1, 0, 0, UTC8);
  assert_int_equal(wf_planner_add(&p, "leave", 1, 60, 30), 0);
  sim_t sim = {0};
  sim_run(&p, &sim, start, end);
  assert_int_equal(sim.spent, 100 / 30 * 30);
  assert_int_equal(sim.refused_spends, 0);
}

/* ---------------------------------------------------------------------
 * What the budget buys, in words.
 * --------------------------------------------------------------------- */

static void test_describe(void **state) {
  (void)state;
  wf_plan_config_t cfg = utc8_work_hours(5000, 8, 20);
  wf_planner_t p;
  time_t start = sim_plan_month(&p, &cfg, 2027, 4);
  sim_t sim = {0};
  sim_run(&p, &sim, start, start + 10 * DAY);

  time_t now = start + 10 * DAY;
  char line[512];
  int length = wf_planner_describe(&p, now, line, sizeof(line));
  assert_int_equal(length, (int)strlen(line));
  assert_non_null(strstr(line, "MonthlyQuota 5000: "));
  assert_non_null(strstr(line, "attendance (20 calls a poll) every "));
  assert_non_null(strstr(line, "reports (14 calls) every "));
  assert_non_null(strstr(line, "leave (121 calls) every "));
  assert_non_null(strstr(line, "announcements (10 calls) every "));
  assert_non_null(strstr(line, " in work hours"));
  /* Periods of work hours are in hours, however long. */
  assert_null(strstr(line, "days"));
  char left[64];
  snprintf(left, sizeof(left), "; %lld calls left this month",
           (long long)(5000 - sim.spent));
  assert_non_null(strstr(line, left));

  /* A short buffer gets a cut line and the whole line's length. */
  char cut[16];
  assert_int_equal(wf_planner_describe(&p, now, cut, sizeof(cut)), length);
  assert_int_equal(strlen(cut), sizeof(cut) - 1);
}

/* The words for one collector costing 10 a poll with `quota` calls over
 * April without work hours, described at the month's first second. */
static void describe_one(int64_t quota, double interval, char *line,
                         size_t size) {
  wf_plan_config_t cfg = {.quota = quota};
  wf_planner_t p;
  time_t start = plan_month(&p, &cfg, 2027, 4);
  wf_planner_add(&p, "reports", 2, interval, 10);
  wf_planner_describe(&p, start, line, size);
}

static void test_describe_periods(void **state) {
  (void)state;
  /* April has 720 hours: a poll of 10 every 2 h is 3600 calls, every
   * 1.5 h 4800, every 45 min 9600. */
  char line[256];
  describe_one(3600, 60, line, sizeof(line));
  assert_string_equal(line, "MonthlyQuota 3600: reports (10 calls a poll) "
                            "every 2 h; 3600 calls left this month");
  describe_one(4800, 60, line, sizeof(line));
  assert_non_null(strstr(line, " every 1.5 h;"));
  describe_one(9600, 60, line, sizeof(line));
  assert_non_null(strstr(line, " every 45 min;"));
  /* 70 calls are seven polls: one every 720 h / 7, 4.3 days. */
  describe_one(70, 60, line, sizeof(line));
  assert_non_null(strstr(line, " every 4.3 days;"));
  /* Every 30 s is 86400 calls; a million pays for it. */
  describe_one(1000000, 30, line, sizeof(line));
  assert_non_null(strstr(line, " every 30 s (its Interval);"));
  /* Not one poll's worth: nothing more this month. */
  describe_one(5, 60, line, sizeof(line));
  assert_non_null(strstr(line, "reports (10 calls a poll) waits for next "
                               "month; 5 calls left this month"));
}

/* ---------------------------------------------------------------------
 * The WorkHours option.
 * --------------------------------------------------------------------- */

static void test_parse_work_hours(void **state) {
  (void)state;
  static const struct {
    const char *text;
    int start;
    int end;
  } good[] = {
      {"08:00-20:00", 8 * 60, 20 * 60},
      {"22:00-06:00", 22 * 60, 6 * 60},
      {"00:00-24:00", 0, 24 * 60},
      {"09:30-17:45", 9 * 60 + 30, 17 * 60 + 45},
      {"23:59-00:00", 23 * 60 + 59, 0},
      {"12:00-12:00", 12 * 60, 12 * 60},
  };
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    int start = -1;
    int end = -1;
    assert_int_equal(wf_planner_parse_work_hours(good[i].text, &start, &end),
                     0);
    assert_int_equal(start, good[i].start);
    assert_int_equal(end, good[i].end);
  }

  static const char *const bad[] = {
      "",
      "08:00",
      "8:00-20:00",
      "08:00-2:00",
      "24:00-08:00",
      "08:00-24:01",
      "08:00-25:00",
      "08:60-20:00",
      "08:00-20:60",
      "08:00 -20:00",
      "08:00-20:00 ",
      " 08:00-20:00",
      "08.00-20.00",
      "08:00_20:00",
      "0a:00-20:00",
      "08:00-20:0x",
      "+8:00-20:00",
      "08:00-20:00-21:00",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int start = 7;
    int end = 7;
    if (wf_planner_parse_work_hours(bad[i], &start, &end) != -1)
      fail_msg("\"%s\" was accepted", bad[i]);
    assert_int_equal(start, 7);
    assert_int_equal(end, 7);
  }
  int start;
  int end;
  assert_int_equal(wf_planner_parse_work_hours(NULL, &start, &end), -1);
}

int main(void) {
  static const struct CMUnitTest fixed[] = {
      cmocka_unit_test(test_off_hours_weight_is_a_tenth),
      cmocka_unit_test(test_line_without_work_hours),
      cmocka_unit_test(test_line_with_work_hours),
      cmocka_unit_test(test_line_with_work_hours_across_midnight),
      cmocka_unit_test(test_whole_day_work_hours_are_no_work_hours),
      cmocka_unit_test(test_spend_stops_at_the_line),
      cmocka_unit_test(test_admit_counts_other_reservations),
      cmocka_unit_test(test_cut_short_poll_raises_the_estimate),
      cmocka_unit_test(test_month_turn_starts_again),
      cmocka_unit_test(test_set_used_of_another_month_is_ignored),
      cmocka_unit_test(test_add_refuses_what_it_cannot_hold),
      cmocka_unit_test(test_first_poll_goes_at_once),
      cmocka_unit_test(test_off_hours_stretch_the_interval),
      cmocka_unit_test(test_share_sets_the_period),
      cmocka_unit_test(test_water_filling),
      cmocka_unit_test(test_next_waits_for_the_line),
      cmocka_unit_test(test_restart_mid_month),
      cmocka_unit_test(test_costs_that_change),
      cmocka_unit_test(test_growing_user_list),
      cmocka_unit_test(test_small_quota),
      cmocka_unit_test(test_describe),
      cmocka_unit_test(test_describe_periods),
      cmocka_unit_test(test_parse_work_hours),
  };

  /* The fixed tests, then one test per month. */
  struct CMUnitTest tests[WF_ARRAY_SIZE(fixed) + WF_ARRAY_SIZE(months)];
  unittest_row_tests(tests, fixed, months, test_month);
  return cmocka_run_group_tests_name("wf_planner", tests, NULL, NULL);
}
