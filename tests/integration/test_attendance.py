#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: check-ins and sign-ins, DingTalk and Feishu, in the real
collectd against the simulator's ground truth."""

import collections
import datetime
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import PluginTestCase, dingtalk_block, feishu_block, wait_for  # noqa: E402

DT_RESULTS = ["normal", "early", "late", "seriouslate", "absenteeism", "notsigned"]
DT_LOCATIONS = ["normal", "outside", "notsigned"]
FS_RESULTS = ["normal", "early", "late", "lack", "todo", "noneedcheck"]


def attendance_matches(cd, truth, account, results, locations=None):
    """True once collectd's check-in values equal the truth. `truth` is a
    function: records appear as the simulated day goes on, so the truth is
    read again at every try."""
    truth = truth()
    got = cd.values(account, "checkins")
    if not set(results) <= set(got):
        return None
    if got != {k: float(v) for k, v in truth["checkins"].items()}:
        return None
    if locations is not None:
        loc = cd.values(account, "checkin_locations")
        if loc != {k: float(v) for k, v in truth["checkin_locations"].items()}:
            return None
    if cd.getval("workforce-%s/abnormal_checkins" % account) != truth["abnormal_checkins"]:
        return None
    if cd.getval("workforce-%s/abnormal_employees" % account) != truth["abnormal_employees"]:
        return None
    return got


class DingTalkAttendanceAtScale(PluginTestCase):
    """1,000 on-job employees: 20 listRecord calls a poll, no more."""

    def test_thousand_employees_cost_twenty_calls(self):
        sim = self.simulator("--employees", "1000", "--seed", "11", "--odd-results")
        cd = self.collectd(dingtalk_block("acme", sim, extra='    Collect "headcount" "attendance"\n'
                                          '    MaxRequestsPerSecond 18'))
        truth = sim.truth()
        got = wait_for(lambda: attendance_matches(cd, sim.truth, "acme", DT_RESULTS,
                                                  DT_LOCATIONS),
                       timeout=60, what="check-in values equal to the truth")
        self.assertIn("overtime", got, "an undocumented result keeps its own instance")
        self.assertGreater(cd.getval("workforce-acme/abnormal_checkins"), 0)
        calls = sim.requests(endpoint="listRecord")
        employees = set(truth["employees"])
        self.assertEqual(len(employees), 1000)
        # Polls follow each other: cut the calls into groups of 20 and
        # check that each group covers every employee exactly once.
        self.assertGreaterEqual(len(calls), 20)
        for start in range(0, len(calls) - len(calls) % 20, 20):
            group = calls[start:start + 20]
            seen = []
            for r in group:
                users = r["body"]["userIds"]
                self.assertLessEqual(len(users), 50)
                seen.extend(users)
            self.assertEqual(len(seen), 1000)
            self.assertEqual(set(seen), employees)
        # queryonjob is paged once a poll, shared by headcount and
        # attendance: every page of every status list is asked at most
        # once a poll, and every poll but the one under way asked for
        # all of them. Pages shorter than asked make more of them.
        pages_per_poll = sum(-(-truth["headcount"][s] // 50) for s in
                             ("probation", "regular", "leaving", "nostatus"))
        served = sim.requests(endpoint="queryonjob")
        asked = collections.Counter((r["body"]["status_list"], r["body"]["offset"])
                                    for r in served)
        polls = asked[("2", 0)]
        self.assertEqual(max(asked.values()), polls, "a page asked twice in one poll")
        if harness.short_pages():
            self.assertGreater(len(served), (polls - 1) * pages_per_poll)
        else:
            self.assertEqual(len(asked), pages_per_poll)
            self.assertGreaterEqual(len(served), (polls - 1) * pages_per_poll)
        self.assertGreater(polls, 0)
        self.assertEqual(sim.violations(), [])
        log = cd.read_log()
        for value in truth["names"] + truth["personal"]:
            self.assertNotIn(value, log)


class DingTalkSigninsAndQuota(PluginTestCase):
    """Sign-ins, the monthly quota count, and a used-up quota."""

    def test_signins_quota_and_exhaustion(self):
        sim = self.simulator("--employees", "120", "--seed", "12")
        cd = self.collectd(dingtalk_block(
            "acme", sim,
            extra='    Collect "departures" "attendance" "signins"\n'
                  '    MaxRequestsPerSecond 18\n    Interval 4'))
        truth = sim.truth()
        wait_for(lambda: cd.getval("workforce-acme/signins_today")
                 == sim.truth()["signins_today"],
                 what="signins_today equal to the truth")
        self.assertGreater(truth["signins_today"], 0)
        wait_for(lambda: attendance_matches(cd, sim.truth, "acme", DT_RESULTS,
                                            DT_LOCATIONS),
                 what="check-ins equal to the truth")
        # Every listRecord and checkinRecord call counts; nothing else.
        # The collectors poll while the count is dispatched, so each
        # dispatched count lies between the simulator's counts before
        # and after it.
        for _ in range(3):
            before = sim.truth()["quota_used"]
            cd.wait_polls("workforce-acme/api_quota_used", 1)
            used = cd.getval("workforce-acme/api_quota_used")
            # Calls the plugin counted as they went out are the simulator's
            # once answered: let those under way at the dispatch land.
            time.sleep(1)
            after = sim.truth()["quota_used"]
            self.assertGreater(used, 0)
            self.assertTrue(before <= used <= after,
                            "api_quota_used %r outside the simulator's %r..%r"
                            % (used, before, after))
        for r in sim.requests(endpoint="checkinRecord"):
            self.assertLessEqual(len(r["body"]["userid_list"].split(",")), 10)
            self.assertLessEqual(r["body"]["size"], 100)

        # The organisation's quota runs out: the counted collectors stop
        # until the month turns; departures go on.
        sim.post("/_sim/config", {"monthly_quota": 1})
        wait_for(lambda: "monthly call quota used up" in cd.read_log(),
                 what="the quota failure in the log")
        wait_for(lambda: "collector signins rests for" in cd.read_log()
                 and "collector attendance rests for" in cd.read_log(),
                 what="both counted collectors resting")
        mark = sim.last_seq()
        cd.wait_polls("workforce-acme/data_age-departures", 2)
        later = sim.requests(mark)
        self.assertEqual([r for r in later if r["endpoint"] in ("listRecord", "checkinRecord")],
                         [], "no counted call after the quota ran out")
        self.assertTrue([r for r in later if r["endpoint"] == "empLeaveRecords"],
                        "uncounted collectors go on")
        self.assertEqual(sim.violations(), [])


def month_start(now, offset=8 * 3600):
    """Start of the calendar month of `now` at `offset`, as epoch seconds."""
    local = datetime.datetime.fromtimestamp(now + offset, datetime.timezone.utc)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return int(first.timestamp()) - offset


class QuotaSurvivesRestart(PluginTestCase):
    """api_quota_used counts the calls of the month before collectd started,
    from the count it saved in BaseDir; a count of another month is not
    carried over."""

    def run_with_saved(self, saved_month, saved_used):
        sim = self.simulator("--employees", "60", "--seed", "14")
        cd = self.collectd(dingtalk_block("acme", sim, extra='    Collect "attendance"\n'
                                                              '    Interval 3'),
                           files={"workforce-acme.quota": "%d %d\n" % (saved_month, saved_used)})
        start = month_start(time.time())
        expected = saved_used if saved_month == start else 0

        def quota_matches():
            new = sim.truth()["quota_used"]
            return new > 0 and cd.getval("workforce-acme/api_quota_used") == expected + new
        wait_for(quota_matches, what="api_quota_used = saved count + new calls")

        def saved():
            with open(os.path.join(cd.dir, "workforce-acme.quota"), encoding="ascii") as f:
                month, used = (int(x) for x in f.read().split())
            return (month, used) if used == expected + sim.truth()["quota_used"] else None
        month, _ = wait_for(saved, what="the saved count")
        self.assertEqual(month, start)

    def test_count_of_this_month_carries_over(self):
        self.run_with_saved(month_start(time.time()), 4000)

    def test_count_of_last_month_does_not(self):
        this_month = month_start(time.time())
        self.run_with_saved(month_start(this_month - 86400), 4000)


class FeishuAttendance(PluginTestCase):
    """A Feishu account next to a DingTalk one."""

    def test_values_rejects_and_throttling(self):
        sim = self.simulator("--employees", "150", "--seed", "13", "--token-ttl", "4",
                             "--feishu-same-token-window", "2", "--feishu-unauthorized", "2")
        truth_all = sim.truth()
        fs_all = sim.get("/_sim/truth?platform=feishu&appid=cli_simapp")
        users = fs_all["employees"][:120] + ["nosuchuser1"]
        cd = self.collectd(dingtalk_block("acme", sim) + feishu_block(
            "intl", sim, extra='    MaxRequestsPerSecond 18\n    Collect "attendance"\n'
                               '    UserID %s' % " ".join('"%s"' % u for u in users)))

        def fs_truth():
            return sim.get("/_sim/truth?platform=feishu&appid=cli_simapp&userids="
                           + ",".join(users))
        got = wait_for(lambda: attendance_matches(cd, fs_truth, "intl", FS_RESULTS),
                       what="Feishu check-ins equal to the truth")
        self.assertGreater(sum(got.values()), 0)
        self.assertEqual(cd.values("intl", "checkin_locations"), {})
        # The DingTalk account next to it is unaffected.
        wait_for(lambda: cd.values("acme", "headcount"), what="DingTalk headcount")
        self.assertIn("workforce-acme/api_quota_used", cd.listval())
        self.assertNotIn("workforce-intl/api_quota_used", cd.listval())

        log = cd.read_log()
        self.assertEqual(log.count('UserID "nosuchuser1" is not known'), 1, log)
        unauthorized = fs_all["employees"][:2]
        for u in unauthorized:
            self.assertEqual(log.count('UserID "%s" is outside' % u), 1, log)
        for r in sim.requests(endpoint="userTasks"):
            self.assertLessEqual(len(r["body"]["user_ids"]), 50)
            self.assertTrue(r["headers"]["authorization"].startswith("Bearer t-"))

        # Tokens of 4 s: fetched again, never on every request.
        wait_for(lambda: len(sim.requests(endpoint="tenantToken")) >= 2,
                 what="a tenant token refresh")

        # Throttled: no retry storm; the collector rests as asked.
        sim.post("/_sim/fault", {"endpoint": "userTasks", "kind": "throttle",
                                 "reset": 3, "count": 1})
        wait_for(lambda: "collector attendance failed" in cd.read_log(),
                 what="the throttling line")
        throttled = [r for r in sim.requests(endpoint="userTasks") if r.get("status") == 429]
        self.assertEqual(len(throttled), 1)
        # The batches of a poll go out side by side: one sent before
        # the throttling answer came back may follow it by a moment.
        # None goes out after that until the reset time.
        after = [r for r in sim.requests(throttled[0]["seq"], "userTasks")
                 if r["t"] - throttled[0]["t"] > 0.2]
        if after:
            self.assertGreaterEqual(after[0]["t"] - throttled[0]["t"], 2.5,
                                    "no call before the reset time")
        self.assertIn("throttled by the platform", cd.read_log())
        wait_for(lambda: "intl: collector attendance works again" in cd.read_log(),
                 what="recovery after the pause")
        self.assertEqual(sim.violations(), [])
        log = cd.read_log()
        for value in fs_all["names"] + truth_all["names"]:
            self.assertNotIn(value, log)
        self.assertNotIn("feishusimsecret", log)


if __name__ == "__main__":
    harness.require_tools()
    unittest.main(verbosity=2)
