#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: leave, reports and announcements (DingTalk) and expiring
leave (Feishu) in the real collectd against the simulator's truth, with
Chinese names checked intact through unixsock, csv and write_log."""

import os
import re
import sys
import unittest
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import PluginTestCase, dingtalk_block, feishu_block, wait_for  # noqa: E402

FEISHU_NAMES = {"年假": "annual", "调休假": "compensatory", "病假": "sick"}


def instance(name):
    """The type instance the plugin gives a name read from an answer."""
    return name.lower()


class LeaveReportsAnnouncements(PluginTestCase):
    """One DingTalk account collecting leave, reports and announcements,
    one Feishu account collecting expiring leave."""

    @classmethod
    def setUpClass(cls):
        cls.sim = cls.class_simulator("--employees", "60", "--seed", "31")
        fs = cls.sim.get("/_sim/truth?platform=feishu")
        cls.employments = fs["employment_ids"][:6]
        cls.types = {t["leave_type_id"]: FEISHU_NAMES[t["name"]] for t in fs["leave_types"]}
        leave_types = "\n".join('    LeaveType "%s" "%s"' % (code, name)
                                for code, name in cls.types.items())
        employments = " ".join('"%s"' % e for e in cls.employments)
        dingtalk = dingtalk_block("acme", cls.sim, extra='''    Collect "leave" "reports" "announcements"
    OperatorUserID "manager01"
    ReportReader "manager01" "manager"
    ReportReader "cto" "cto"
    Interval 2''')
        feishu = feishu_block("intl", cls.sim, extra=f'''    Interval 2
    Collect "leave_expiry"
    EmploymentID {employments}
{leave_types}
    ExpiryWindowDays 30''')
        cls.cd = cls.class_collectd(
            dingtalk + feishu,
            extra='LoadPlugin write_log\n<Plugin write_log>\n  Format "Graphite"\n</Plugin>\n')

    def test_leave_equals_truth(self):
        def matches():
            truth = self.sim.truth()
            on_leave = self.cd.values("acme", "on_leave")
            pending = self.cd.values("acme", "leave_pending")
            want_on = {instance(k): float(v) for k, v in truth["on_leave"].items()}
            want_pending = {instance(k): float(v) for k, v in truth["leave_pending"].items()}
            return on_leave == want_on and pending == want_pending and (on_leave, pending)
        on_leave, pending = wait_for(matches, timeout=90, what="on_leave and leave_pending")
        self.assertIn("年假", on_leave, "Chinese leave names are intact")
        self.assertIn("remote work", on_leave, "a type with nobody on leave reads 0")
        self.assertEqual(on_leave["remote work"], 0)
        self.assertGreater(sum(on_leave.values()), 0)
        for r in self.sim.requests(endpoint="vacationRecords"):
            self.assertLessEqual(len(r["body"]["userids"].split(",")), 50)
            self.assertLessEqual(r["body"]["size"], 200)

    def test_reports_equal_truth(self):
        def matches():
            truth = self.sim.truth()
            unread = self.cd.values("acme", "unread_reports")
            today = self.cd.values("acme", "reports_today")
            want_today = {instance(k): float(v) for k, v in truth["reports_today"].items()}
            extra = {k: v for k, v in today.items() if k not in want_today}
            ok = (unread == {"manager": truth["unread_reports"]["manager01"],
                             "cto": truth["unread_reports"]["cto"]}
                  and all(today.get(k) == v for k, v in want_today.items())
                  and all(v == 0 for v in extra.values()))
            return ok and (today, extra)
        today, extra = wait_for(matches, timeout=30, what="unread_reports and reports_today")
        self.assertGreater(today["日报"], 0)
        self.assertEqual(today["月报"], 0, "a template seen in the last 30 days reads 0 today")
        self.assertEqual(set(extra), {"季报"}, "templates the platform lists read 0 too")
        for r in self.sim.requests(endpoint="reportList"):
            self.assertLessEqual(r["body"]["size"], 20)

    def test_chinese_names_intact_through_writers(self):
        wait_for(lambda: self.cd.values("acme", "reports_today").get("日报"),
                 timeout=30, what="reports_today of 日报")
        # csv: the file is named after the type instance.
        wait_for(lambda: self.cd.counter("acme", "reports_today", "日报") is not None,
                 what="csv file of 日报")
        self.assertEqual(self.cd.counter("acme", "reports_today", "日报"),
                         self.cd.values("acme", "reports_today")["日报"])
        # write_log: one line per value, in UTF-8.
        wait_for(lambda: "workforce-acme.reports_today-日报 " in self.cd.read_log(),
                 what="write_log line of 日报")
        # Leave is the longest poll (every leave type's records, paged).
        wait_for(lambda: "workforce-acme.on_leave-年假 " in self.cd.read_log(),
                 timeout=90, what="write_log line of 年假")

    def test_announcements_equal_truth(self):
        wait_for(lambda: self.cd.getval("workforce-acme/announcement_unread")
                 == self.sim.truth()["announcement_unread"], timeout=30,
                 what="announcement_unread")
        gets = self.sim.requests(endpoint="blackboardGet")
        lists = self.sim.requests(endpoint="blackboardList")
        self.assertTrue(gets and lists)
        for r in lists:
            self.assertLessEqual(r["body"]["query_request"]["page_size"], 30)

    def test_leave_expiring_equals_truth(self):
        query = ("/_sim/truth?platform=feishu&window=30&employments=%s&types=%s"
                 % (",".join(self.employments), ",".join(self.types)))

        def matches():
            truth = self.sim.get(query)["leave_expiring"]
            for key, text in truth.items():
                code, unit = key.rsplit("-", 1)
                got = self.cd.counter("intl", "leave_expiring", "%s-%s" % (self.types[code], unit))
                if got is None or Decimal(repr(got)) != Decimal(text).normalize() \
                        and abs(Decimal(repr(got)) - Decimal(text)) > Decimal("0.0000005"):
                    return None
            return truth
        truth = wait_for(matches, timeout=30, what="leave_expiring equal to the truth")
        self.assertTrue(any(Decimal(v) % 1 != 0 for v in truth.values()),
                        "the truth has fractional sums")
        for r in self.sim.requests(endpoint="leaveExpiry"):
            self.assertEqual(r["method"], "GET")
            self.assertIn("employment_id", r["body"])

    def test_no_violations_no_personal_data(self):
        wait_for(lambda: self.cd.getval("workforce-acme/announcement_unread") is not None,
                 timeout=30, what="a full poll")
        self.assertEqual(self.sim.violations(), [])
        log = self.cd.read_log()
        truth = self.sim.truth()
        for value in truth["names"] + truth["personal"]:
            self.assertNotIn(value, log)
        self.assertFalse(re.search(r"collector \w+ failed", log), log[-2000:])


if __name__ == "__main__":
    harness.require_tools()
    unittest.main(verbosity=2)
