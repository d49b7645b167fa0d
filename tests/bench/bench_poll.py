#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One complete poll of every DingTalk collector, in the real collectd,
against the simulator with its per-API limits enforced and every answer
delayed by a network latency: how long it takes against the platform's
floor, what it sends, and what collectd spends.

The floor is the most a platform allows: the busiest API's calls divided by
its limit of calls a second (20 on DingTalk), or the longest chain of pages
that must follow each other, times the latency, whichever is larger.
wall/floor is the figure to watch: 1.0 is as fast as the platform allows.

Usage: bench_poll.py [--latency MS] [--without COLLECTOR] [EMPLOYEES ...]
       (run by `make bench`)
Environment: WF_BUILDDIR picks the plugin to measure (default: this build).
"""

import argparse
import collections
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "integration"))
import harness  # noqa: E402
from harness import Collectd, Simulator, dingtalk_block, wait_for  # noqa: E402

COLLECTORS = ("departures", "headcount", "attendance", "signins", "leave",
              "reports", "announcements")
DINGTALK_RATE = 20.0
# Request fields that say which page of a list, not which list.
PAGE_FIELDS = {"cursor", "offset", "nextToken", "page"}


def proc_figures(pid):
    """CPU seconds (user + system) and peak resident memory (KiB) of a
    process."""
    with open("/proc/%d/stat" % pid, encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    peak = 0
    with open("/proc/%d/status" % pid, encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1])
    return cpu, peak


def list_key(r):
    """Which list a request pages through: its endpoint and its fields,
    without the page it asks for."""
    body = r.get("body") if isinstance(r.get("body"), dict) else {}
    query = body.get("query_request", body) if isinstance(body, dict) else {}
    fields = {k: v for k, v in dict(query, **(r.get("query") or {})).items()
              if k not in PAGE_FIELDS and k != "access_token"}
    return r["endpoint"], json.dumps(fields, sort_keys=True, default=str)


def one_size(employees, latency_ms, collectors):
    """Measures one poll of an organisation of `employees`; returns a dict."""
    extra = '''    Collect %s
    OperatorUserID "manager01"
    ReportReader "manager01" "manager"
    Interval 86400
    Timeout 30''' % " ".join('"%s"' % c for c in collectors)
    with Simulator("--employees", str(employees), "--seed", "1", "--monthly-quota", "0",
                   "--latency", str(latency_ms), "--leave-history", "0") as sim:
        with Collectd(dingtalk_block("acme", sim, extra=extra).replace(
                "    Interval 1\n", "").replace("    MaxRequestsPerSecond 15\n", "")) as cd:
            return measure(sim, cd, employees, latency_ms, collectors)


def measure(sim, cd, employees, latency_ms, collectors):
    """Waits for one poll of every collector; returns its figures."""
    wait_for(lambda: len(cd.values("acme", "poll_duration")) == len(collectors),
             timeout=1800, what="one poll of every collector")
    done = time.time()
    cpu, peak = proc_figures(cd.proc.pid)
    requests = [r for r in sim.requests() if r["endpoint"] != "gettoken"]
    first = min(r["t"] for r in requests)
    per_api = collections.Counter(r["endpoint"] for r in requests)
    pages = collections.Counter(list_key(r) for r in requests)
    chain = max(pages.values())
    floor = max(max(per_api.values()) / DINGTALK_RATE, chain * latency_ms / 1000.0)
    wall = done - first
    failed = [line for line in cd.read_log().splitlines() if "failed" in line]
    return {"employees": employees, "requests": len(requests), "per_api": per_api,
            "floor": floor, "chain": chain, "wall": wall, "ratio": wall / floor,
            "violations": len(sim.violations()), "cpu": cpu, "peak_kib": peak,
            "broken": collections.Counter("%s %s" % (v.get("rule"), v.get("endpoint"))
                                          for v in sim.violations()),
            "failed": failed}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=int, default=30)
    parser.add_argument("--without", action="append", default=[], choices=COLLECTORS,
                        help="leave a collector out (may repeat)")
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    args = parser.parse_args()
    collectors = [c for c in COLLECTORS if c not in args.without]
    rows = [one_size(n, args.latency, collectors) for n in args.sizes]
    print("collectd-workforce poll benchmark: DingTalk collectors %s, %d ms latency,"
          " the simulator enforcing 20 calls/s per API" % (", ".join(collectors), args.latency))
    print("plugin: %s" % os.path.join(harness.BUILDDIR, "workforce.so"))
    print("| on-job employees | requests | floor | wall | wall/floor | violations "
          "| collectd CPU | collectd peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %d | %d | %.1f s | %.1f s | %.2fx | %d | %.2f s | %.1f MiB |"
              % (r["employees"], r["requests"], r["floor"], r["wall"], r["ratio"],
                 r["violations"], r["cpu"], r["peak_kib"] / 1024.0))
    for r in rows:
        print("requests per API at %d employees: %s; longest chain of pages %d"
              % (r["employees"], ", ".join("%s %d" % kv for kv in sorted(r["per_api"].items())),
                 r["chain"]))
        for rule, n in sorted(r["broken"].items()):
            print("  rule broken %d times: %s" % (n, rule))
        for line in r["failed"]:
            print("  failure logged: " + line)


if __name__ == "__main__":
    harness.require_tools()
    main()
