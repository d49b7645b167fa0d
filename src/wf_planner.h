/**
 * collectd-workforce - src/wf_planner.h
 * SPDX-License-Identifier: MIT
 *
 * The monthly quota planner. A DingTalk organisation gets MonthlyQuota
 * counted API calls per calendar month (at the account's UTC offset); the
 * counted collectors (attendance, sign-ins, leave, reports, announcements)
 * each cost some of them per poll. The planner says when each collector
 * may poll, so that the month's quota is never exceeded and the calls go
 * where they matter.
 *
 * The budget line. At time t the month may have spent at most
 *
 *     L(t) = min(Q, floor(Q * F(t)) + C)
 *
 * calls, where Q is the quota, C the largest cost of one poll among the
 * collectors (so that a first poll is never starved) and F(t) the weighted
 * share of the month elapsed at t. A second inside work hours weighs 1, a
 * second outside them WF_PLAN_OFF_HOURS_WEIGHT: the quota is spent mostly
 * while people work, when fresh numbers matter.
 *
 * Spending. Every counted call asks wf_planner_spend first, which refuses
 * a call that would cross the line: the month's count never does.
 *
 * Admission. A poll starts only when the calls spent, the calls the other
 * running polls have reserved and the poll's own cost all fit under the
 * line (wf_planner_admit); its cost is then reserved until it ends
 * (wf_planner_done).
 *
 * Pacing. The calls left in the month are shared among the collectors by
 * weight (a collector that needs less than its share when run at its
 * Interval gets only what it needs, the rest goes to the others), and each
 * collector's share sets how many weighted seconds pass between its polls
 * (wf_planner_next).
 *
 * All of it is pure arithmetic on times passed in. A planner holds no
 * lock: its caller makes sure one call at a time reaches it.
 **/
#ifndef WF_PLANNER_H
#define WF_PLANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Weighted time is counted in units that keep the line exact integer
 * arithmetic: a second of work hours is WF_PLAN_WORK_UNITS units, a second
 * outside them WF_PLAN_OFF_HOURS_UNITS. */
#define WF_PLAN_WORK_UNITS 10
#define WF_PLAN_OFF_HOURS_UNITS 1
#define WF_PLAN_OFF_HOURS_WEIGHT                                               \
  ((double)WF_PLAN_OFF_HOURS_UNITS / WF_PLAN_WORK_UNITS)

/* A larger quota is read as this one, which keeps the arithmetic of the
 * line within 64 bits; no organisation is given a billion calls. */
#define WF_PLAN_QUOTA_MAX 1000000000

/* How many collectors one planner shares a quota among. */
#define WF_PLAN_MAX 8

/* The weights the plugin gives its counted collectors: attendance is what
 * the plugin is for; reports come next; the rest change slowly. */
#define WF_PLAN_WEIGHT_ATTENDANCE 4.0
#define WF_PLAN_WEIGHT_REPORTS 2.0
#define WF_PLAN_WEIGHT_LEAVE 1.0
#define WF_PLAN_WEIGHT_SIGNINS 1.0
#define WF_PLAN_WEIGHT_ANNOUNCEMENTS 1.0

/* Work hours are [work_start, work_end) in minutes after local midnight,
 * every day, and cross midnight when the end comes first (22:00-06:00).
 * A start equal to the end, 00:00-24:00, or minutes outside 0-1440 mean
 * no work hours: every second weighs 1. */
typedef struct {
  int64_t quota;  /* MonthlyQuota: counted calls per calendar month */
  int utc_offset; /* seconds east of UTC; months and work hours are local */
  int work_start;
  int work_end;
} wf_plan_config_t;

typedef struct {
  char name[32];
  double weight;     /* how much the collector matters, > 0 */
  double interval;   /* the most often it wants to poll, seconds, > 0 */
  int64_t cost;      /* the counted calls one poll makes, at least 1 */
  int64_t reserved;  /* calls its running poll may still make */
  time_t last_start; /* the start of its last poll; 0 before the first */
} wf_plan_collector_t;

typedef struct {
  wf_plan_config_t cfg;
  wf_plan_collector_t collectors[WF_PLAN_MAX];
  size_t count;
  time_t month;     /* start of the month `used` counts */
  time_t month_end; /* and of the month after it */
  int64_t used;     /* counted calls spent in that month */
} wf_planner_t;

/* Makes an empty planner for `cfg` in the month of `now`, nothing spent. */
void wf_planner_init(wf_planner_t *p, const wf_plan_config_t *cfg, time_t now);

/* Adds a collector. A cost below 1 is read as 1: every poll makes at least
 * one counted call. Returns its index, or -1 when the planner is full,
 * the name is empty or too long, or the weight or interval is not
 * positive. */
int wf_planner_add(wf_planner_t *p, const char *name, double weight,
                   double interval, int64_t cost);

/* Sets the cost estimate of collector `idx`: before its first poll (from
 * the number of users), or when the user list changes. */
void wf_planner_set_cost(wf_planner_t *p, int idx, int64_t cost);

/* Sets the calls spent in the month that starts at `month_start`, as
 * saved before a restart. A count of another month than that of `now`
 * is ignored: an old month's count means nothing spent yet. */
void wf_planner_set_used(wf_planner_t *p, time_t now, time_t month_start,
                         int64_t used);

/* Asks for one counted call of collector `idx` (-1: a call of no
 * collector) at `now`. Returns true and counts it when it stays under the
 * line, taking it from the collector's reservation; returns false and
 * changes nothing otherwise. A `now` in a later month starts the count
 * again from 0. */
bool wf_planner_spend(wf_planner_t *p, int idx, time_t now);

/* Asks whether a poll of collector `idx` may start at `now`: the calls
 * spent, the other polls' reservations and this poll's cost must fit
 * under the line. On true the cost is reserved and `now` recorded as the
 * poll's start. */
bool wf_planner_admit(wf_planner_t *p, int idx, time_t now);

/* Ends the poll of collector `idx`, which made `calls` counted calls: its
 * reservation is released. When it succeeded, `calls` is its new cost
 * estimate; when it failed after making at least as many calls as the
 * estimate (the line refused one more), the estimate becomes twice the
 * old one, or `calls` + 1 when that is more. */
void wf_planner_done(wf_planner_t *p, int idx, time_t now, bool ok,
                     int64_t calls);

/* The earliest time, `now` or later, at which collector `idx` should start
 * its next poll: its share of the calls left paces it, and the line must
 * admit it. Never later than the start of the next month, when the budget
 * starts again. */
time_t wf_planner_next(const wf_planner_t *p, int idx, time_t now);

/* The budget line L(now): the calls the month may have spent by `now`. */
int64_t wf_planner_line(const wf_planner_t *p, time_t now);

/* The calls spent in the month of `now`. */
int64_t wf_planner_used(const wf_planner_t *p, time_t now);

/* F(t): the weighted share of its month elapsed at `t`, from 0 at the
 * month's first second to 1 at the next month's. */
double wf_planner_fraction(const wf_plan_config_t *cfg, time_t t);

/* Writes one line saying what the budget buys at `now`, as in
 * "MonthlyQuota 5000: attendance (20 calls a poll) every 45 min in work
 * hours, reports (14 calls) every 2 h; 3120 calls left this month".
 * Returns what snprintf returns. */
int wf_planner_describe(const wf_planner_t *p, time_t now, char *buffer,
                        size_t size);

/* Parses the WorkHours option, "HH:MM-HH:MM" exactly (hours 00-23, the end
 * may also be 24:00; minutes 00-59), into minutes after midnight. The end
 * may come before the start: work hours that cross midnight. Returns 0,
 * or -1 on anything else. */
int wf_planner_parse_work_hours(const char *text, int *start, int *end);

#endif /* WF_PLANNER_H */
