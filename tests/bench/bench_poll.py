#!/usr/bin/env python3
"""End-to-end figures: the real collectd polls a simulated organisation of
1,000 employees with every collector, and this prints what one poll costs:
requests per endpoint, counted (quota) calls, seconds per collector, and
collectd's resident memory after several polls.

Usage: bench_poll.py [EMPLOYEES]   (run by `make bench`)
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "integration"))
import harness  # noqa: E402
from harness import Collectd, Simulator, dingtalk_block, wait_for  # noqa: E402


def rss_kib(pid):
    """VmRSS of a process, in KiB."""
    with open("/proc/%d/status" % pid, encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    employees = sys.argv[1] if len(sys.argv) > 1 else "1000"
    sim = Simulator("--employees", employees, "--seed", "1", "--monthly-quota", "0")
    extra = '''    Collect "departures" "headcount" "attendance" "signins" "leave" "reports" "announcements"
    OperatorUserID "manager01"
    ReportReader "manager01" "manager"
    MaxRequestsPerSecond 18
    Interval 60'''
    cd = Collectd(dingtalk_block("acme", sim, extra=extra))
    try:
        start = time.monotonic()
        wait_for(lambda: cd.values("acme", "announcement_unread"), timeout=600,
                 what="the first full poll")
        first = time.monotonic() - start
        requests = sim.requests()
        counted = sim.truth()["quota_used"]
        by_endpoint = {}
        for r in requests:
            by_endpoint[r["endpoint"]] = by_endpoint.get(r["endpoint"], 0) + 1
        print("collectd-workforce poll benchmark: %s employees, every DingTalk collector"
              % employees)
        print("%-28s %8.1f s (paced at 18 requests/s)" % ("first full poll", first))
        for endpoint, n in sorted(by_endpoint.items()):
            print("  %-26s %8d requests" % (endpoint, n))
        print("%-28s %8d" % ("requests in one poll", len(requests)))
        print("%-28s %8d" % ("counted against the quota", counted))
        for collector, seconds in sorted(cd.values("acme", "poll_duration").items()):
            print("  poll_duration %-12s %8.2f s" % (collector, seconds))
        print("%-28s %8d KiB" % ("collectd resident memory", rss_kib(cd.proc.pid)))
    finally:
        cd.cleanup()
        sim.stop()


if __name__ == "__main__":
    harness.require_tools()
    main()
