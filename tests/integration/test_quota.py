#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The monthly quota planner in the real collectd, against the simulator,
whose own count of counted calls is the judge.

An account with every counted collector at Interval 1 wants far more calls
than its MonthlyQuota allows: by any moment of the month it may have spent
at most MonthlyQuota x (the elapsed share of the month) plus the cost of
one poll. The quota is chosen so that the line grows by 5 calls a second,
and the count saved in BaseDir puts the account 30 calls under the line at
start, so that the line binds within the run. The same account without a
quota (MonthlyQuota 0) spends as it did before the planner.
"""

import datetime
import math
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import PluginTestCase, dingtalk_block, wait_for  # noqa: E402

OFFSET = 8 * 3600
EMPLOYEES = 120
# The most counted calls one poll of these collectors makes at 120
# employees and one leave type with one record each: sign-ins read 12
# batches of 10 users, the other collectors fewer.
POLL_BOUND = 40
RUN_SECONDS = 15


def month_bounds(now):
    """The start of the month of `now` at UTC+8 and of the next one."""
    def start(t):
        local = datetime.datetime.fromtimestamp(t + OFFSET, datetime.timezone.utc)
        first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        return int(first.timestamp()) - OFFSET
    first = start(now)
    return first, start(first + 32 * 86400)


def line_without_poll(quota, t):
    """floor(quota x the elapsed share of the month at t): the budget line
    before the one poll it allows beyond it."""
    first, end = month_bounds(t)
    return math.floor(quota * (t - first) / (end - first))


COUNTED = ('    Collect "attendance" "signins" "leave" "reports" "announcements"\n'
           '    OperatorUserID "manager01"\n'
           '    ReportReader "manager01" "manager"\n'
           '    LeaveType "%s" "annual"\n')


class MonthlyQuotaPlanner(PluginTestCase):

    def start(self, quota_option, preload=None):
        """The simulator (no quota of its own) and collectd with every
        counted collector; `preload` is the count saved in BaseDir."""
        sim = self.simulator("--employees", str(EMPLOYEES), "--seed", "21",
                             "--monthly-quota", "0", "--leave-history", "1")
        leave_code = sim.truth()["leave_types"][0]["leave_code"]
        files = {}
        if preload is not None:
            first, _ = month_bounds(time.time())
            files["workforce-acme.quota"] = "%d %d\n" % (first, preload)
            sim.post("/_sim/config", {"quota_used": preload})
        cd = self.collectd(dingtalk_block("acme", sim, extra=COUNTED % leave_code + quota_option),
                           files=files)
        return sim, cd

    def test_spending_follows_the_line(self):
        # The line grows by 5 calls a second.
        first, end = month_bounds(time.time())
        quota = 5 * (end - first)
        preload = line_without_poll(quota, time.time()) - 30
        sim, cd = self.start("    MonthlyQuota %d\n" % quota, preload)

        wait_for(lambda: cd.getval("workforce-acme/api_quota_limit") == quota,
                 what="api_quota_limit equal to MonthlyQuota")
        started = time.time()
        samples = []
        while time.time() - started < RUN_SECONDS:
            used = sim.truth()["quota_used"]
            t = time.time()
            samples.append((t, used))
            self.assertLessEqual(used, line_without_poll(quota, t) + POLL_BOUND,
                                 "spent %d calls by %.1f, over the line" % (used, t))
            time.sleep(0.25)

        # The planner spends what the line allows: a third of what
        # it grew by, besides the 30 calls of headroom at start. Under
        # valgrind the collectors are too slow to want more than the line.
        (t0, used0), (t1, used1) = samples[0], samples[-1]
        grown = line_without_poll(quota, t1) - line_without_poll(quota, t0)
        if not os.environ.get("WF_VALGRIND"):
            self.assertGreaterEqual(used1 - preload, 30 + grown // 3, samples)
        self.assertGreater(used1, used0, "nothing spent at all")

        # The account's own figures agree with the simulator.
        for _ in range(2):
            before = sim.truth()["quota_used"]
            t_before = time.time()
            cd.wait_polls("workforce-acme/api_quota_used", 1)
            used = cd.getval("workforce-acme/api_quota_used")
            budget = cd.getval("workforce-acme/api_quota_budget")
            # Calls the plugin counted as they went out are the simulator's
            # once answered: let those under way at the dispatch land.
            time.sleep(1)
            after = sim.truth()["quota_used"]
            t_after = time.time()
            self.assertTrue(before <= used <= after, (before, used, after))
            self.assertGreaterEqual(budget, line_without_poll(quota, t_before) - 1)
            self.assertLessEqual(budget, line_without_poll(quota, t_after) + POLL_BOUND)
        self.assertEqual(cd.getval("workforce-acme/api_quota_limit"), quota)

        log = cd.read_log()
        self.assertIn("acme: MonthlyQuota %d: attendance (" % quota, log)
        self.assertNotIn("is failing", log)
        self.assertEqual(sim.violations(), [])

    def test_without_a_quota_nothing_is_planned(self):
        sim, cd = self.start("    MonthlyQuota 0\n")
        cd.wait_polls("workforce-acme/data_age-attendance", 2)
        start = sim.truth()["quota_used"]
        time.sleep(RUN_SECONDS / 3)
        spent = sim.truth()["quota_used"] - start
        # Five collectors at Interval 1 spend well over the 5 calls a second
        # the planned account above may (under valgrind, more than none).
        if not os.environ.get("WF_VALGRIND"):
            self.assertGreater(spent, 3 * 5 * RUN_SECONDS / 3)
        self.assertGreater(spent, 0)
        names = cd.listval()
        self.assertIn("workforce-acme/api_quota_used", names)
        self.assertNotIn("workforce-acme/api_quota_budget", names)
        self.assertNotIn("workforce-acme/api_quota_limit", names)
        self.assertNotIn("MonthlyQuota", cd.read_log())


if __name__ == "__main__":
    harness.require_tools()
    unittest.main(verbosity=2)
