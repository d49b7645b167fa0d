#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: what the request engine and the collectors' own threads
promise, in the real collectd against the simulator.

- A collector stuck on a slow, oversized or endless answer does not delay
  another collector of the same account.
- At Interval 1 with 3-second tokens, every value arrives at every poll,
  and collectd never says a read callback took longer than its interval.
- After DingTalk's per-IP block answer, no request reaches that host until
  the block ends, while the accounts of another host go on.
- SIGTERM during a poll, with every answer slow, stops collectd at once.
"""

import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import PluginTestCase, dingtalk_block, wait_for  # noqa: E402


class StuckCollector(PluginTestCase):
    """departures meets hostile answers; headcount of the same account keeps
    its values coming at every poll."""

    def test_headcount_goes_on_while_departures_is_stuck(self):
        sim = self.simulator("--employees", "80", "--seed", "51")
        cd = self.collectd(dingtalk_block("acme", sim, extra="    Timeout 8\n"
                                                              "    MaxResponseSize 65536"))
        cd.wait_polls("workforce-acme/headcount-regular", 1)
        for fault in ({"endpoint": "empLeaveRecords", "kind": "delay", "seconds": 7,
                       "count": 3},
                      {"endpoint": "empLeaveRecords", "kind": "huge",
                       "bytes": 8000000, "count": 3},
                      {"endpoint": "empLeaveRecords", "kind": "endless_cursor",
                       "count": 200}):
            sim.post("/_sim/fault/clear")
            sim.post("/_sim/fault", fault)
            # While departures waits on its answer, fails on it, or
            # pages on and on, headcount polls every second as before.
            headcount, departures = set(), set()

            def polled():
                values = cd.listval()
                headcount.add(values.get("workforce-acme/headcount-regular"))
                departures.add(values.get("workforce-acme/departures_today-leave"))
                return len(headcount - {None}) >= 4
            wait_for(polled, what="three polls of headcount during %s" % fault["kind"])
            # departures: at most the poll that was under way when the
            # fault came, then nothing.
            self.assertLessEqual(len(departures - {None}), 2,
                                 "departures was held up (%s)" % fault["kind"])
        sim.post("/_sim/fault/clear")


class EveryPollInTime(PluginTestCase):
    """Interval 1, tokens of 3 seconds: a value at every poll, and no read
    callback of collectd's that outlasts its interval."""

    def test_values_at_every_poll(self):
        sim = self.simulator("--employees", "200", "--seed", "52", "--token-ttl", "3")
        cd = self.collectd(dingtalk_block("acme", sim, extra='    Collect "departures" '
                                          '"headcount" "signins"'))
        cd.wait_polls("workforce-acme/signins_today", 1)
        start = time.monotonic()
        times = set()
        # Eight seconds of polls: two or three token lifetimes.
        while time.monotonic() - start < 8:
            times.add(cd.listval().get("workforce-acme/headcount-regular"))
            time.sleep(0.2)
        times.discard(None)
        # A poll a second, give or take the scheduler.
        self.assertGreaterEqual(len(times), 6, sorted(times))
        self.assertNotIn("above its read interval", cd.read_log())
        self.assertNotIn("failed", cd.read_log())


class IpBlock(PluginTestCase):
    """Two hosts: one answers with DingTalk's per-IP block; the other's
    account goes on."""

    def test_blocked_host_is_left_alone(self):
        blocked = self.simulator("--employees", "60", "--seed", "53")
        other = self.simulator("--employees", "60", "--seed", "54")
        cd = self.collectd(dingtalk_block("acme", blocked) + dingtalk_block("beta", other))
        cd.wait_polls("workforce-acme/headcount-regular", 1)
        cd.wait_polls("workforce-beta/headcount-regular", 1)
        blocked.post("/_sim/fault", {"endpoint": "*", "kind": "ip_block", "count": 1})
        wait_for(lambda: "blocked for 5 minutes" in cd.read_log(),
                 what="the block in the log")
        block = [r for r in blocked.requests() if r.get("fault") == "ip_block"][0]
        cd.wait_polls("workforce-beta/headcount-regular", 4,
                      what="four polls of the other host's account")
        # A request another collector had already sent when the block
        # answer came may follow it by a moment; nothing after that.
        later = [r for r in blocked.requests(block["seq"]) if r["t"] > block["t"] + 0.5]
        self.assertEqual(later, [], "no request reached the blocked host")
        self.assertIn("rests for", cd.read_log())


class StopsAtOnce(PluginTestCase):
    """SIGTERM while every collector waits for a slow answer."""

    def test_sigterm_during_a_poll(self):
        sim = self.simulator("--employees", "200", "--seed", "55")
        cd = self.collectd(dingtalk_block("acme", sim, extra='    Collect "departures" '
                                          '"headcount" "attendance" "signins"\n'
                                          '    Timeout 30'))
        cd.wait_polls("workforce-acme/signins_today", 1)
        # Every answer from now on takes 20 s.
        sim.post("/_sim/config", {"latency_ms": 20000})
        sim.wait_requests(2, what="requests under way")
        start = time.monotonic()
        cd.proc.send_signal(signal.SIGTERM)
        try:
            cd.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.fail("collectd still running 15 s after SIGTERM")
        took = time.monotonic() - start
        limit = 12 if os.environ.get("WF_VALGRIND") else 3
        # Without cancelling, collectd would wait for the 20 s answers.
        self.assertLess(took, limit, "collectd took %.1f s to stop" % took)
        self.assertEqual(cd.proc.returncode, 0)


if __name__ == "__main__":
    harness.require_tools()
    unittest.main(verbosity=2)
