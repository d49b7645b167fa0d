#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Leave on large organisations: on_leave and leave_pending of one leave
type, read by the real collectd from an organisation whose employees carry
years of quota records (so that a batch of 50 employees holds hundreds of
records, answered 50 a call), next to the simulator's truth.

Usage: bench_leave.py [EMPLOYEES ...]   (run by `make bench`; default 1000 10000)
"""

import collections
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "integration"))
import harness  # noqa: E402
from harness import Collectd, Simulator, dingtalk_block, wait_for  # noqa: E402

HISTORY = 8
TYPE = "年假"


def one_size(employees):
    with Simulator("--employees", str(employees), "--seed", "41", "--monthly-quota", "0",
                   "--leave-history", str(HISTORY)) as sim:
        truth = sim.truth()
        code = [t for t in truth["leave_types"] if t["leave_name"] == TYPE][0]["leave_code"]
        extra = ('    Collect "leave"\n    OperatorUserID "manager01"\n'
                 '    LeaveType "%s" "annual"\n    Interval 86400\n    Timeout 30' % code)
        with Collectd(dingtalk_block("acme", sim, extra=extra)
                      .replace("    Interval 1\n", "")) as cd:
            return measure(sim, cd, employees)


def measure(sim, cd, employees):
    """Waits for the first poll of leave; returns its figures."""
    start = time.monotonic()
    wait_for(lambda: cd.getval("workforce-acme/leave_pending-annual") is not None,
             timeout=1800, what="leave of %d employees" % employees)
    took = time.monotonic() - start
    truth = sim.truth()
    pages = collections.Counter(r["body"]["userids"]
                                for r in sim.requests(endpoint="vacationRecords"))
    return {"employees": employees,
            "on_leave": (cd.getval("workforce-acme/on_leave-annual"),
                         truth["on_leave"][TYPE]),
            "pending": (cd.getval("workforce-acme/leave_pending-annual"),
                        truth["leave_pending"][TYPE]),
            "calls": sum(pages.values()), "batches": len(pages),
            "most_pages": max(pages.values()), "seconds": took,
            "violations": len(sim.violations())}


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    rows = [one_size(n) for n in sizes]
    print("leave of one type (%s), %d quota records per employee and type" % (TYPE, HISTORY))
    print("| on-job employees | on_leave collectd / truth | leave_pending collectd / truth "
          "| vacation/record/list calls | most pages of one batch | seconds | violations |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %d | %g / %d | %g / %d | %d | %d | %.1f | %d |"
              % (r["employees"], r["on_leave"][0], r["on_leave"][1], r["pending"][0],
                 r["pending"][1], r["calls"], r["most_pages"], r["seconds"], r["violations"]))


if __name__ == "__main__":
    harness.require_tools()
    main()
