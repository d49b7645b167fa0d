#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: lists read completely whatever the length of their pages.

The platforms may answer a page with fewer records than asked while more
remain (vacation/record/list answers at most 50 records a call whatever
`size` asks). The value tests of every collector run here once more
against a simulator whose every page is shorter than asked, and must give
the values of the simulator's truth, as they do with full pages; and leave
is read on an organisation whose leave batches hold hundreds of records.
"""

import collections
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_attendance  # noqa: E402
import test_dingtalk  # noqa: E402
import test_leave_reports  # noqa: E402
from harness import PluginTestCase, dingtalk_block, wait_for  # noqa: E402

# Pages of 1 to 7 records, whatever the request asks.
SHORT_PAGES = "--short-pages 7"


def short_paged(base):
    """The test class `base` once more, every simulator it starts serving
    pages shorter than asked."""

    class ShortPaged(base):
        @classmethod
        def setUpClass(cls):
            os.environ["WF_SIM_ARGS"] = SHORT_PAGES
            try:
                super().setUpClass()
            except BaseException:
                os.environ.pop("WF_SIM_ARGS", None)
                raise

        @classmethod
        def tearDownClass(cls):
            try:
                super().tearDownClass()
            finally:
                os.environ.pop("WF_SIM_ARGS", None)

    ShortPaged.__name__ = ShortPaged.__qualname__ = base.__name__ + "ShortPages"
    ShortPaged.__doc__ = (base.__doc__ or "") + " Pages shorter than asked."
    return ShortPaged


# departures, headcount
DingTalkValuesShortPages = short_paged(test_dingtalk.DingTalkValues)
# attendance on the on-job list of 1,000 employees
DingTalkAttendanceShortPages = short_paged(test_attendance.DingTalkAttendanceAtScale)
# signins and the quota count
DingTalkSigninsShortPages = short_paged(test_attendance.DingTalkSigninsAndQuota)
# leave, reports, announcements; Feishu leave_expiry
LeaveReportsShortPages = short_paged(test_leave_reports.LeaveReportsAnnouncements)
# Feishu attendance
FeishuAttendanceShortPages = short_paged(test_attendance.FeishuAttendance)


class LargeOrganisationLeave(PluginTestCase):
    """1,000 on-job employees with years of quota records each: one leave
    type's batch of 50 employees holds hundreds of records, answered 50 a
    call."""

    def test_leave_equals_truth(self):
        sim = self.simulator("--employees", "1000", "--seed", "41", "--leave-history", "8")
        truth = sim.truth()
        annual = [t for t in truth["leave_types"] if t["leave_name"] == "年假"][0]
        cd = self.collectd(dingtalk_block("acme", sim, extra=(
            '    Collect "leave"\n    OperatorUserID "manager01"\n'
            '    LeaveType "%s" "annual"\n    Interval 5\n    MaxRequestsPerSecond 18'
            % annual["leave_code"])))

        def matches():
            t = sim.truth()
            want = (float(t["on_leave"]["年假"]), float(t["leave_pending"]["年假"]))
            got = (cd.getval("workforce-acme/on_leave-annual"),
                   cd.getval("workforce-acme/leave_pending-annual"))
            return got == want and got
        on_leave, pending = wait_for(matches, timeout=120,
                                     what="on_leave and leave_pending of 年假")
        self.assertGreater(on_leave + pending, 0, "the organisation has leave to count")

        # Pages per batch of one poll: hundreds of records a batch, so
        # several pages, each at the offset after the records before.
        pages = collections.Counter()
        for r in sim.requests(endpoint="vacationRecords"):
            if r.get("status") == 200:
                pages[r["body"]["userids"]] += 1
        self.assertEqual(len(pages), 20, "1,000 employees in batches of 50")
        self.assertGreaterEqual(max(pages.values()), 4,
                                "a batch holds hundreds of records")
        self.assertEqual(sim.violations(), [])
        self.assertNotIn("failed", cd.read_log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
