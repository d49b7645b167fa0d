/**
 * collectd-workforce - src/wf_planner.c
 * SPDX-License-Identifier: MIT
 *
 * The monthly quota planner: the budget line, spending and admission under
 * it, and the pacing that shares the calls left among the collectors.
 *
 * Weighted time is integrated in closed form. A local day is cut into at
 * most three stretches of equal weight (before, inside and after the work
 * hours, or the other way round when they cross midnight); the weighted
 * time between two instants is whole days times the day's total plus the
 * stretches of the two partial days. Weighted time is an integer number of
 * units (WF_PLAN_WORK_UNITS a second of work hours), so the line and the
 * instant at which it reaches a given height are exact.
 **/
#include "wf_planner.h"

#include "wf_time.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PLANNER_MINUTES_PER_DAY 1440

/* A stretch of a local day, in seconds after midnight, in which every
 * second weighs `rate` units. */
typedef struct {
  int64_t begin;
  int64_t end;
  int64_t rate;
} planner_stretch_t;

/* What the calls left buy one collector. */
typedef struct {
  double budget;    /* calls of the month's rest given to the collector */
  bool at_interval; /* it needs less than its share at its Interval */
} planner_share_t;

/* Division rounding towards minus infinity, for instants before a day's
 * start. */
static int64_t planner_floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0))
    q--;
  return q;
}

/* Division of non-negative numbers, rounding up. */
static int64_t planner_ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

/* Cuts a local day into its stretches of equal weight. Work hours outside
 * the day, or that start where they end, mean none: every second weighs
 * as much as a work second. Returns the number of stretches. */
static size_t planner_stretches(const wf_plan_config_t *cfg,
                                planner_stretch_t stretch[3]) {
  int64_t start = cfg->work_start;
  int64_t end = cfg->work_end;
  bool in_day = start >= 0 && start <= PLANNER_MINUTES_PER_DAY && end >= 0 &&
                end <= PLANNER_MINUTES_PER_DAY;
  if (!in_day ||
      start % PLANNER_MINUTES_PER_DAY == end % PLANNER_MINUTES_PER_DAY) {
    stretch[0] = (planner_stretch_t){0, WF_SECONDS_PER_DAY, WF_PLAN_WORK_UNITS};
    return 1;
  }
  start *= 60;
  end *= 60;
  if (start < end) {
    stretch[0] = (planner_stretch_t){0, start, WF_PLAN_OFF_HOURS_UNITS};
    stretch[1] = (planner_stretch_t){start, end, WF_PLAN_WORK_UNITS};
    stretch[2] =
        (planner_stretch_t){end, WF_SECONDS_PER_DAY, WF_PLAN_OFF_HOURS_UNITS};
  } else {
    /* Work hours that cross midnight: the day starts and ends at work. */
    stretch[0] = (planner_stretch_t){0, end, WF_PLAN_WORK_UNITS};
    stretch[1] = (planner_stretch_t){end, start, WF_PLAN_OFF_HOURS_UNITS};
    stretch[2] =
        (planner_stretch_t){start, WF_SECONDS_PER_DAY, WF_PLAN_WORK_UNITS};
  }
  return 3;
}

/* True when the configuration has work hours, so that off hours weigh
 * less. */
static bool planner_has_work_hours(const wf_plan_config_t *cfg) {
  planner_stretch_t stretch[3];
  return planner_stretches(cfg, stretch) > 1;
}

/* Weighted units from local midnight to `second` seconds after it. */
static int64_t planner_day_units(const wf_plan_config_t *cfg, int64_t second) {
  planner_stretch_t stretch[3];
  size_t count = planner_stretches(cfg, stretch);
  int64_t units = 0;
  for (size_t i = 0; i < count; i++) {
    if (second <= stretch[i].begin)
      break;
    int64_t until = second < stretch[i].end ? second : stretch[i].end;
    units += (until - stretch[i].begin) * stretch[i].rate;
  }
  return units;
}

/* Weighted units from the local midnight `base` to `t`; negative before
 * it. */
static int64_t planner_units_since(const wf_plan_config_t *cfg, time_t base,
                                   time_t t) {
  int64_t days = planner_floor_div((int64_t)(t - base), WF_SECONDS_PER_DAY);
  int64_t second = (int64_t)(t - base) - days * WF_SECONDS_PER_DAY;
  return days * planner_day_units(cfg, WF_SECONDS_PER_DAY) +
         planner_day_units(cfg, second);
}

/* W(from, to): the weighted units between two instants. */
static int64_t planner_weighted(const wf_plan_config_t *cfg, time_t from,
                                time_t to) {
  time_t base = wf_day_start(from, cfg->utc_offset);
  return planner_units_since(cfg, base, to) -
         planner_units_since(cfg, base, from);
}

/* The earliest instant t with W(from, t) >= units (units >= 0): the
 * inverse of planner_weighted, solved per day and per stretch. */
static time_t planner_advance(const wf_plan_config_t *cfg, time_t from,
                              int64_t units) {
  time_t base = wf_day_start(from, cfg->utc_offset);
  int64_t target = planner_units_since(cfg, base, from) + units;
  int64_t per_day = planner_day_units(cfg, WF_SECONDS_PER_DAY);
  int64_t days = planner_floor_div(target, per_day);
  int64_t rest = target - days * per_day;
  time_t day = base + (time_t)(days * WF_SECONDS_PER_DAY);

  planner_stretch_t stretch[3];
  size_t count = planner_stretches(cfg, stretch);
  int64_t reached = 0;
  for (size_t i = 0; i < count && rest > 0; i++) {
    int64_t length = (stretch[i].end - stretch[i].begin) * stretch[i].rate;
    if (reached + length >= rest)
      return day + (time_t)(stretch[i].begin +
                            planner_ceil_div(rest - reached, stretch[i].rate));
    reached += length;
  }
  return day;
}

/* The quota as the arithmetic uses it: not negative, not above the
 * largest the line can hold. */
static int64_t planner_quota(const wf_plan_config_t *cfg) {
  if (cfg->quota < 0)
    return 0;
  return cfg->quota < WF_PLAN_QUOTA_MAX ? cfg->quota : WF_PLAN_QUOTA_MAX;
}

/* True when `idx` names one of the planner's collectors. */
static bool planner_valid(const wf_planner_t *p, int idx) {
  return idx >= 0 && (size_t)idx < p->count;
}

/* C: the largest cost of one poll among the collectors. */
static int64_t planner_largest_cost(const wf_planner_t *p) {
  int64_t largest = 0;
  for (size_t i = 0; i < p->count; i++)
    if (p->collectors[i].cost > largest)
      largest = p->collectors[i].cost;
  return largest;
}

/* The calls the running polls of every collector but `idx` (-1: of every
 * collector) have reserved. */
static int64_t planner_reserved_by_others(const wf_planner_t *p, int idx) {
  int64_t reserved = 0;
  for (size_t i = 0; i < p->count; i++)
    if ((int)i != idx)
      reserved += p->collectors[i].reserved;
  return reserved;
}

/* The month that contains `now`: its start and the next month's. The
 * month counted is kept, so that the line, asked before every call, needs
 * no calendar arithmetic. */
static void planner_month(const wf_planner_t *p, time_t now, time_t *start,
                          time_t *end) {
  if (now >= p->month && now < p->month_end) {
    *start = p->month;
    *end = p->month_end;
    return;
  }
  *start = wf_month_start(now, p->cfg.utc_offset);
  *end = wf_next_month_start(now, p->cfg.utc_offset);
}

/* The start of the month after the one that contains `now`. */
static time_t planner_month_end(const wf_planner_t *p, time_t now) {
  time_t start;
  time_t end;
  planner_month(p, now, &start, &end);
  return end;
}

/* The calls spent in the month of `now`: none yet when `now` is in a
 * month after the one counted. */
static int64_t planner_used_at(const wf_planner_t *p, time_t now) {
  return now >= p->month_end ? 0 : p->used;
}

/* Starts counting a new month when `now` is in one. Polls running over
 * the turn of the month keep their reservations: the calls they still
 * make are the new month's. */
static void planner_roll(wf_planner_t *p, time_t now) {
  if (now < p->month_end)
    return;
  p->month = wf_month_start(now, p->cfg.utc_offset);
  p->month_end = wf_next_month_start(now, p->cfg.utc_offset);
  p->used = 0;
}

/* L(now) for the month from `start` to `end`, with C = `largest`. */
static int64_t planner_line_in(const wf_plan_config_t *cfg, int64_t largest,
                               time_t start, time_t end, time_t now) {
  int64_t quota = planner_quota(cfg);
  int64_t elapsed = planner_weighted(cfg, start, now);
  int64_t whole = planner_weighted(cfg, start, end);
  int64_t line = quota * elapsed / whole + largest;
  return line < quota ? line : quota;
}

/* The earliest instant, `now` or later and at most the start of the next
 * month, at which the line admits a poll of collector `idx`. */
static time_t planner_line_time(const wf_planner_t *p, int idx, time_t now) {
  int64_t quota = planner_quota(&p->cfg);
  int64_t wanted = planner_used_at(p, now) +
                   planner_reserved_by_others(p, idx) + p->collectors[idx].cost;
  time_t start;
  time_t end;
  planner_month(p, now, &start, &end);
  if (wanted > quota)
    return end;
  /* floor(Q * F(t)) must reach `height`; with F(t) = a / b that is
   * a >= height * b / Q, rounded up, and W is inverted at that a. */
  int64_t height = wanted - planner_largest_cost(p);
  if (height <= 0)
    return now;
  int64_t whole = planner_weighted(&p->cfg, start, end);
  time_t t =
      planner_advance(&p->cfg, start, planner_ceil_div(height * whole, quota));
  if (t < now)
    return now;
  return t < end ? t : end;
}

/* Shares the calls left in the month of `now` among the collectors by
 * weight, water-filling: a collector that needs less than its share when
 * polled at its Interval gets what it needs, and what it leaves goes to
 * the others by weight. `weighted_left` is set to the weighted seconds
 * left in the month. */
static void planner_shares(const wf_planner_t *p, time_t now,
                           planner_share_t share[WF_PLAN_MAX],
                           double *weighted_left) {
  time_t month_end = planner_month_end(p, now);
  *weighted_left =
      (double)planner_weighted(&p->cfg, now, month_end) / WF_PLAN_WORK_UNITS;
  int64_t left_calls = planner_quota(&p->cfg) - planner_used_at(p, now) -
                       planner_reserved_by_others(p, -1);
  double left = left_calls > 0 ? (double)left_calls : 0.0;

  double need[WF_PLAN_MAX];
  bool open[WF_PLAN_MAX];
  for (size_t i = 0; i < p->count; i++) {
    const wf_plan_collector_t *collector = &p->collectors[i];
    need[i] = (double)collector->cost * *weighted_left / collector->interval;
    open[i] = true;
    share[i] = (planner_share_t){0.0, false};
  }

  /* Every pass gives the collectors whose need fits under their share
   * what they need; a collector that fits stays fitting as the others
   * leave, since the share of each weight only grows. */
  bool settled = false;
  while (!settled) {
    double weights = 0;
    for (size_t i = 0; i < p->count; i++)
      if (open[i])
        weights += p->collectors[i].weight;
    if (weights <= 0)
      break;
    settled = true;
    double pool = left;
    for (size_t i = 0; i < p->count; i++) {
      if (!open[i] || need[i] > pool * p->collectors[i].weight / weights)
        continue;
      share[i] = (planner_share_t){need[i], true};
      open[i] = false;
      left -= need[i];
      settled = false;
    }
  }
  double weights = 0;
  for (size_t i = 0; i < p->count; i++)
    if (open[i])
      weights += p->collectors[i].weight;
  for (size_t i = 0; i < p->count; i++)
    if (open[i] && weights > 0)
      share[i].budget = left * p->collectors[i].weight / weights;
}

/* P_i: the weighted seconds between two polls of `collector` that its
 * share pays for, never less than its Interval. Its share must be
 * positive. */
static double planner_period(const wf_plan_collector_t *collector,
                             const planner_share_t *share,
                             double weighted_left) {
  if (share->at_interval)
    return collector->interval;
  double period = (double)collector->cost * weighted_left / share->budget;
  return period > collector->interval ? period : collector->interval;
}

/* The earliest instant, at most `month_end`, by which `period` weighted
 * seconds and `interval` wall seconds have passed since the collector's
 * last poll. */
static time_t planner_paced(const wf_plan_config_t *cfg,
                            const wf_plan_collector_t *collector, double period,
                            time_t month_end) {
  int64_t limit = planner_weighted(cfg, collector->last_start, month_end);
  double units = period * WF_PLAN_WORK_UNITS;
  if (units >= (double)limit)
    return month_end;
  int64_t whole_units = (int64_t)units;
  if ((double)whole_units < units)
    whole_units++;
  time_t t = planner_advance(cfg, collector->last_start, whole_units);
  int64_t interval = (int64_t)collector->interval;
  if ((double)interval < collector->interval)
    interval++;
  if (t < collector->last_start + (time_t)interval)
    t = collector->last_start + (time_t)interval;
  return t < month_end ? t : month_end;
}

/* Stores a cost estimate: at least one call, since a poll of no cost
 * could start when the line cannot pay for its first call. */
static void planner_store_cost(wf_plan_collector_t *collector, int64_t cost) {
  collector->cost = cost > 1 ? cost : 1;
}

void wf_planner_init(wf_planner_t *p, const wf_plan_config_t *cfg, time_t now) {
  memset(p, 0, sizeof(*p));
  p->cfg = *cfg;
  p->month = wf_month_start(now, cfg->utc_offset);
  p->month_end = wf_next_month_start(now, cfg->utc_offset);
}

int wf_planner_add(wf_planner_t *p, const char *name, double weight,
                   double interval, int64_t cost) {
  if (p->count >= WF_PLAN_MAX || name == NULL || name[0] == '\0' ||
      strlen(name) >= sizeof(p->collectors[0].name) || !(weight > 0) ||
      !(interval > 0))
    return -1;
  wf_plan_collector_t *collector = &p->collectors[p->count];
  memset(collector, 0, sizeof(*collector));
  memcpy(collector->name, name, strlen(name) + 1);
  collector->weight = weight;
  collector->interval = interval;
  planner_store_cost(collector, cost);
  return (int)p->count++;
}

void wf_planner_set_cost(wf_planner_t *p, int idx, int64_t cost) {
  if (planner_valid(p, idx))
    planner_store_cost(&p->collectors[idx], cost);
}

void wf_planner_set_used(wf_planner_t *p, time_t now, time_t month_start,
                         int64_t used) {
  planner_roll(p, now);
  time_t start;
  time_t end;
  planner_month(p, now, &start, &end);
  if (month_start != start || start != p->month)
    return;
  p->used = used > 0 ? used : 0;
}

bool wf_planner_spend(wf_planner_t *p, int idx, time_t now) {
  planner_roll(p, now);
  if (p->used + 1 > wf_planner_line(p, now))
    return false;
  p->used++;
  if (planner_valid(p, idx) && p->collectors[idx].reserved > 0)
    p->collectors[idx].reserved--;
  return true;
}

bool wf_planner_admit(wf_planner_t *p, int idx, time_t now) {
  if (!planner_valid(p, idx))
    return false;
  planner_roll(p, now);
  wf_plan_collector_t *collector = &p->collectors[idx];
  if (p->used + planner_reserved_by_others(p, idx) + collector->cost >
      wf_planner_line(p, now))
    return false;
  collector->reserved = collector->cost;
  collector->last_start = now;
  return true;
}

void wf_planner_done(wf_planner_t *p, int idx, time_t now, bool ok,
                     int64_t calls) {
  if (!planner_valid(p, idx))
    return;
  planner_roll(p, now);
  wf_plan_collector_t *collector = &p->collectors[idx];
  collector->reserved = 0;
  if (ok && calls > 0)
    planner_store_cost(collector, calls);
  else if (!ok && calls >= collector->cost)
    /* A poll cut short after making all the calls it was expected to
     * make needed more, how many more is unknown: the next one waits for
     * room for twice as many, so that a cost far above its estimate is
     * found in a few polls, not one call at a time. */
    planner_store_cost(collector, (calls + 1 > 2 * collector->cost)
                                      ? calls + 1
                                      : 2 * collector->cost);
}

time_t wf_planner_next(const wf_planner_t *p, int idx, time_t now) {
  if (!planner_valid(p, idx))
    return now;
  const wf_plan_collector_t *collector = &p->collectors[idx];
  time_t month_end = planner_month_end(p, now);
  time_t at = planner_line_time(p, idx, now);

  planner_share_t share[WF_PLAN_MAX];
  double weighted_left;
  planner_shares(p, now, share, &weighted_left);
  if (share[idx].budget <= 0 || collector->last_start == 0)
    return at;

  double period = planner_period(collector, &share[idx], weighted_left);
  time_t paced = planner_paced(&p->cfg, collector, period, month_end);
  if (paced > at)
    at = paced;
  return at > now ? at : now;
}

int64_t wf_planner_line(const wf_planner_t *p, time_t now) {
  time_t start;
  time_t end;
  planner_month(p, now, &start, &end);
  return planner_line_in(&p->cfg, planner_largest_cost(p), start, end, now);
}

int64_t wf_planner_used(const wf_planner_t *p, time_t now) {
  return planner_used_at(p, now);
}

double wf_planner_fraction(const wf_plan_config_t *cfg, time_t t) {
  time_t start = wf_month_start(t, cfg->utc_offset);
  time_t end = wf_next_month_start(t, cfg->utc_offset);
  return (double)planner_weighted(cfg, start, t) /
         (double)planner_weighted(cfg, start, end);
}

/* Writes a number with one decimal below 10 and none from 10 on, and
 * without a trailing ".0". */
static void planner_decimal(double value, const char *unit, char *buffer,
                            size_t size) {
  double tenths = (double)(int64_t)(value * 10 + 0.5);
  if ((int64_t)tenths % 10 == 0 || tenths >= 100)
    snprintf(buffer, size, "%.0f %s", tenths / 10, unit);
  else
    snprintf(buffer, size, "%.1f %s", tenths / 10, unit);
}

/* Writes a period in the unit a person would use: "30 s", "45 min",
 * "1.5 h", "3 days". A period counted in work hours stays in hours: "3
 * days in work hours" would read as three calendar days. */
static void planner_duration(double seconds, bool work_hours, char *buffer,
                             size_t size) {
  if (seconds < 59.5)
    snprintf(buffer, size, "%.0f s", seconds);
  else if (seconds < 89.5 * 60)
    snprintf(buffer, size, "%.0f min", seconds / 60);
  else if (work_hours || seconds < 47.95 * 3600)
    planner_decimal(seconds / 3600, "h", buffer, size);
  else
    planner_decimal(seconds / WF_SECONDS_PER_DAY, "days", buffer, size);
}

/* Appends to a line written with snprintf, keeping the length it would
 * have had with room enough. */
static void planner_append(char *buffer, size_t size, int *length,
                           const char *format, ...) {
  if (*length < 0)
    return;
  size_t used = (size_t)*length;
  va_list ap;
  va_start(ap, format);
  int n = vsnprintf(used < size ? buffer + used : NULL,
                    used < size ? size - used : 0, format, ap);
  va_end(ap);
  *length = n < 0 ? n : *length + n;
}

int wf_planner_describe(const wf_planner_t *p, time_t now, char *buffer,
                        size_t size) {
  planner_share_t share[WF_PLAN_MAX];
  double weighted_left;
  planner_shares(p, now, share, &weighted_left);
  bool work_hours = planner_has_work_hours(&p->cfg);

  int length = 0;
  if (size > 0)
    buffer[0] = '\0';
  planner_append(buffer, size, &length,
                 "MonthlyQuota %lld:", (long long)planner_quota(&p->cfg));
  for (size_t i = 0; i < p->count; i++) {
    const wf_plan_collector_t *collector = &p->collectors[i];
    planner_append(buffer, size, &length, "%s %s (%lld call%s%s)",
                   i == 0 ? "" : ",", collector->name,
                   (long long)collector->cost, collector->cost == 1 ? "" : "s",
                   i == 0 ? " a poll" : "");
    /* A share below one poll's cost buys no poll before the month ends. */
    double period = share[i].budget > 0
                        ? planner_period(collector, &share[i], weighted_left)
                        : weighted_left + 1;
    if (period > weighted_left) {
      planner_append(buffer, size, &length, " waits for next month");
      continue;
    }
    char text[32];
    planner_duration(period, work_hours, text, sizeof(text));
    planner_append(buffer, size, &length, " every %s%s%s", text,
                   work_hours ? " in work hours" : "",
                   share[i].at_interval ? " (its Interval)" : "");
  }
  int64_t left = planner_quota(&p->cfg) - planner_used_at(p, now);
  planner_append(buffer, size, &length, "; %lld calls left this month",
                 (long long)(left > 0 ? left : 0));
  return length;
}

/* Reads "HH:MM" at `text`; 24:00 only when `end_of_day`. Returns minutes
 * after midnight, or -1. */
static int planner_parse_clock(const char *text, bool end_of_day) {
  static const int digit_at[4] = {0, 1, 3, 4};
  for (size_t i = 0; i < 4; i++)
    if (!isdigit((unsigned char)text[digit_at[i]]))
      return -1;
  if (text[2] != ':')
    return -1;
  int hour = (text[0] - '0') * 10 + (text[1] - '0');
  int minute = (text[3] - '0') * 10 + (text[4] - '0');
  if (end_of_day && hour == 24 && minute == 0)
    return PLANNER_MINUTES_PER_DAY;
  if (hour > 23 || minute > 59)
    return -1;
  return hour * 60 + minute;
}

int wf_planner_parse_work_hours(const char *text, int *start, int *end) {
  if (text == NULL || strlen(text) != 11 || text[5] != '-')
    return -1;
  int first = planner_parse_clock(text, false);
  int last = planner_parse_clock(text + 6, true);
  if (first < 0 || last < 0)
    return -1;
  *start = first;
  *end = last;
  return 0;
}
