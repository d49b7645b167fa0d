#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: the real collectd with the workforce plugin against the
DingTalk simulator. Values are read back through collectd's unixsock and
compared with the simulator's ground truth."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Collectd, Simulator, dingtalk_block, wait_for  # noqa: E402

REASONS = ["leave", "delete", "oapi", "cancel", "unknown"]
STATUSES = ["probation", "regular", "leaving", "nostatus", "preentry"]


def complete(cd, account):
    """The departures and headcount values once every instance is there."""
    today = cd.values(account, "departures_today")
    month = cd.values(account, "departures_30d")
    heads = cd.values(account, "headcount")
    if set(REASONS) <= set(today) and set(REASONS) <= set(month) \
            and set(STATUSES) <= set(heads):
        return today, month, heads
    return None


def expected(truth):
    return ({r: float(truth["departures_today"][r]) for r in REASONS},
            {r: float(truth["departures_30d"][r]) for r in REASONS},
            {s: float(truth["headcount"][s]) for s in STATUSES})


def matches_truth(cd, sim, account, appkey=None):
    """True once collectd's values equal the simulator's truth."""
    got = complete(cd, account)
    if got is None:
        return None
    today, month, heads = got
    want = expected(sim.truth(appkey))
    got_known = ({r: today[r] for r in REASONS}, {r: month[r] for r in REASONS},
                 {s: heads[s] for s in STATUSES})
    return got_known == want and got_known


def refusals(cd, sim):
    """What went wrong, for a failure message: the plugin's failure lines
    and every answer the simulator gave that was not a success."""
    lines = [line for line in cd.read_log().splitlines() if "failed" in line]
    answers = ["%.3f %s status=%s errcode=%s" % (r.get("t", 0), r["endpoint"],
                                                r.get("status"), r.get("errcode"))
               for r in sim.requests()
               if r.get("status") != 200 or r.get("errcode") not in (None, 0)]
    return "log:\n  %s\nrefused:\n  %s" % ("\n  ".join(lines), "\n  ".join(answers))


class DingTalkValues(unittest.TestCase):
    """One simulated organisation polled every second, token TTL 3 s."""

    @classmethod
    def setUpClass(cls):
        cls.sim = Simulator("--employees", "320", "--seed", "7", "--token-ttl", "3")
        cls.cd = Collectd(dingtalk_block("acme", cls.sim))

    @classmethod
    def tearDownClass(cls):
        cls.cd.cleanup()
        cls.sim.stop()

    def test_values_equal_truth(self):
        got = wait_for(lambda: matches_truth(self.cd, self.sim, "acme"),
                       what="departures and headcount equal to the truth")
        today, month, heads = got
        truth = self.sim.truth()
        self.assertEqual(sum(heads[s] for s in STATUSES[:4]), len(truth["employees"]))
        self.assertGreater(sum(today.values()), 0, "the simulator has departures today")
        self.assertGreaterEqual(sum(month.values()), sum(today.values()))

    def test_every_page_read_within_limits(self):
        wait_for(lambda: matches_truth(self.cd, self.sim, "acme"), what="a full poll")
        reqs = self.sim.requests()
        onjob = [r for r in reqs if r["endpoint"] == "queryonjob" and r.get("status") == 200]
        self.assertTrue(onjob)
        for r in onjob:
            self.assertLessEqual(r["body"]["size"], 50)
        leave = [r for r in reqs if r["endpoint"] == "empLeaveRecords"]
        self.assertTrue(leave)
        for r in leave:
            self.assertLessEqual(int(r["query"]["maxResults"]), 50)
        self.assertEqual(self.sim.violations(), [])

    def test_self_metrics(self):
        wait_for(lambda: matches_truth(self.cd, self.sim, "acme"), what="a full poll")
        served = self.sim.requests()
        for endpoint in ("gettoken", "empLeaveRecords", "queryonjob", "querypreentry"):
            sent = wait_for(lambda: self.cd.counter("acme", "api_requests", endpoint),
                            what="api_requests of " + endpoint)
            self.assertGreater(sent, 0, endpoint)
            # The plugin's count never exceeds what the simulator served.
            self.assertLessEqual(sent, len([r for r in self.sim.requests()
                                            if r["endpoint"] == endpoint]), endpoint)
            self.assertEqual(self.cd.counter("acme", "api_errors", endpoint), 0.0, endpoint)
        self.assertTrue(served)
        age = self.cd.values("acme", "data_age")
        duration = self.cd.values("acme", "poll_duration")
        for collector in ("departures", "headcount"):
            self.assertIn(collector, age)
            self.assertLess(age[collector], 10)
            self.assertGreater(duration[collector], 0)

    def test_token_refresh_keeps_values_right(self):
        wait_for(lambda: matches_truth(self.cd, self.sim, "acme"), what="a full poll")
        start = self.sim.requests()[-1]["seq"]
        # The 3 s tokens run out under a 1 s interval: the plugin must fetch
        # again before they expire, without a gettoken per request. A token
        # used in its last moment may be refused as expired: the call is
        # then retried with a new one, and does not fail.
        wait_for(lambda: len([r for r in self.sim.requests(start)
                              if r["endpoint"] == "gettoken"]) >= 2,
                 timeout=15, what="two token refreshes")
        wait_for(lambda: matches_truth(self.cd, self.sim, "acme"),
                 what="values equal to the truth after the refresh")
        for endpoint in ("empLeaveRecords", "queryonjob", "querypreentry", "gettoken"):
            self.assertEqual(self.cd.counter("acme", "api_errors", endpoint), 0.0,
                             "%s\n%s" % (endpoint, refusals(self.cd, self.sim)))
        gettokens = [r for r in self.sim.requests() if r["endpoint"] == "gettoken"]
        others = [r for r in self.sim.requests() if r["endpoint"] != "gettoken"]
        self.assertLess(len(gettokens), len(others) / 3, "the token is cached")
        self.assertEqual(self.sim.violations(), [])

    def test_no_personal_data_or_secret_in_log(self):
        wait_for(lambda: matches_truth(self.cd, self.sim, "acme"), what="a full poll")
        log = self.cd.read_log()
        self.assertIn("account \"acme\" polls every 1 s", log)
        truth = self.sim.truth()
        for name in truth["names"]:
            self.assertNotIn(name, log)
        for mobile in truth["mobiles"]:
            self.assertNotIn(mobile, log)
        self.assertNotIn("dingsimsecret", log)
        tokens = {r["query"].get("access_token") for r in self.sim.requests()
                  if r.get("query", {}).get("access_token")}
        self.assertTrue(tokens)
        for token in tokens:
            self.assertNotIn(token, log)


class RevokedToken(unittest.TestCase):
    """A token revoked behind the plugin's back is refused once, then
    replaced, and the call retried. Tokens live two hours here, so that no
    refusal for expiry can meet the revocation in one call: two refusals in
    a row rightly fail a call."""

    def test_revoked_token_is_replaced(self):
        sim = Simulator("--employees", "120", "--seed", "4")
        cd = Collectd(dingtalk_block("acme", sim))
        try:
            wait_for(lambda: matches_truth(cd, sim, "acme"), what="a full poll")
            sim.post("/_sim/revoke_tokens")
            mark = sim.requests()[-1]["seq"]
            wait_for(lambda: any(r["endpoint"] != "gettoken" and r.get("status") == 200
                                 and r.get("errcode") in (None, 0)
                                 for r in sim.requests(mark)
                                 if r["seq"] > mark + 2),
                     what="a successful call after the revocation")
            wait_for(lambda: matches_truth(cd, sim, "acme"),
                     what="values equal to the truth after the revocation")
            refused = [r for r in sim.requests(mark) if r.get("errcode") in (40014, 42001)
                       or r.get("status") in (400, 401)]
            # Departures and headcount run side by side: each may have had
            # a call under way with the revoked token, and no more.
            self.assertIn(len(refused), (1, 2), "the revoked token was refused once a collector")
            fetched = [r for r in sim.requests(mark) if r["endpoint"] == "gettoken"]
            self.assertEqual(len(fetched), 1, "one new token, shared by the collectors")
            for endpoint in ("empLeaveRecords", "queryonjob", "querypreentry", "gettoken"):
                errors = wait_for(lambda: cd.counter("acme", "api_errors", endpoint) is not None
                                  and [cd.counter("acme", "api_errors", endpoint)],
                                  what="api_errors of " + endpoint)
                self.assertEqual(errors, [0.0], "%s\n%s" % (endpoint, refusals(cd, sim)))
            self.assertEqual(sim.violations(), [])
        finally:
            cd.cleanup()
            sim.stop()


class BrokenAccounts(unittest.TestCase):
    """A broken block or account never stops the others."""

    def test_others_keep_working(self):
        sim = Simulator("--employees", "120", "--seed", "3",
                        "--app", "dingsimkey:dingsimsecret", "--app", "otherkey:othersecret")
        block = (dingtalk_block("good", sim)
                 + dingtalk_block("wrongsecret", sim, key="otherkey", secret="wrong-secret-zz91")
                 + dingtalk_block("badoption", sim, extra='    Colour "blue"')
                 + dingtalk_block("badoffset", sim, extra='    UTCOffset "+25:00"'))
        cd = Collectd(block)
        try:
            wait_for(lambda: matches_truth(cd, sim, "good", "dingsimkey"),
                     what="the good account's values")
            wait_for(lambda: "wrongsecret: collector headcount failed" in cd.read_log(),
                     what="the credentials failure in the log")
            # Three more polls: the failure must not be logged again.
            cd.wait_polls("workforce-wrongsecret/data_age-departures", 3)
            log = cd.read_log()
            self.assertIn('<DingTalk "badoption">: option "Colour": unknown option', log)
            self.assertIn('<DingTalk "badoffset">: option "UTCOffset": "+25:00" is not a UTC offset', log)
            self.assertEqual(log.count("wrongsecret: collector departures failed"), 1, log)
            self.assertIn("credentials refused", log)
            self.assertEqual(cd.values("wrongsecret", "headcount"), {})
            self.assertEqual(cd.values("wrongsecret", "departures_today"), {})
            self.assertIn("departures", cd.values("wrongsecret", "data_age"))
            self.assertNotIn("wrong-secret-zz91", log)
            self.assertTrue(matches_truth(cd, sim, "good", "dingsimkey"))
        finally:
            cd.cleanup()
            sim.stop()


class FailingPlatform(unittest.TestCase):
    """A collector whose poll fails dispatches nothing, logs once, and logs
    its recovery."""

    def test_failure_then_recovery(self):
        sim = Simulator("--employees", "80", "--seed", "5")
        cd = Collectd(dingtalk_block("acme", sim))
        try:
            wait_for(lambda: matches_truth(cd, sim, "acme"), what="a first full poll")
            sim.post("/_sim/fault", {"endpoint": "querypreentry", "kind": "http",
                                     "status": 500, "count": 40})
            wait_for(lambda: "collector headcount failed" in cd.read_log(),
                     what="the headcount failure")
            # The last value before the failure, or None once collectd's
            # cache has dropped it (after two intervals without a value).
            frozen = cd.listval().get("workforce-acme/headcount-regular")
            # Departures go on for two polls while headcount fails.
            cd.wait_polls("workforce-acme/departures_today-leave", 2)
            after = cd.listval()
            # collectd drops a value from its cache when it stops coming.
            self.assertIn(after.get("workforce-acme/headcount-regular"), (None, frozen),
                          "no headcount value while it fails")
            wait_for(lambda: (cd.counter("acme", "api_errors", "querypreentry") or 0) > 0,
                     what="api_errors of querypreentry")
            sim.post("/_sim/fault/clear")
            wait_for(lambda: "collector headcount works again" in cd.read_log(),
                     what="the recovery line")
            log = cd.read_log()
            self.assertEqual(log.count("collector headcount failed"), 1, log)
            self.assertIn("querypreentry", log)
            self.assertIn("HTTP 500", log)
        finally:
            cd.cleanup()
            sim.stop()

    def test_repeating_cursor_is_cut_off(self):
        sim = Simulator("--employees", "80", "--seed", "5")
        sim.post("/_sim/fault", {"endpoint": "empLeaveRecords", "kind": "repeat_cursor",
                                 "count": 1000})
        cd = Collectd(dingtalk_block("acme", sim))
        try:
            wait_for(lambda: "collector departures failed" in cd.read_log(),
                     what="the paging failure")
            log = cd.read_log()
            self.assertIn("paging cursor it had returned before", log)
            self.assertEqual(cd.values("acme", "departures_today"), {})
            wait_for(lambda: cd.values("acme", "headcount"), what="headcount values")
            leave = [r for r in sim.requests() if r["endpoint"] == "empLeaveRecords"]
            self.assertLess(len(leave), 20, "the repeating cursor is not followed")
        finally:
            cd.cleanup()
            sim.stop()


class HostileServer(unittest.TestCase):
    """Answers that are too large, not JSON, cut short, dropped or too slow
    fail their collector cleanly: collectd stays up, logs the cause, and the
    values come back when the platform does."""

    def test_hostile_answers(self):
        sim = Simulator("--employees", "80", "--seed", "9")
        cd = Collectd(dingtalk_block("acme", sim, extra="    MaxResponseSize 65536\n"
                                                         "    Timeout 1"))
        try:
            wait_for(lambda: matches_truth(cd, sim, "acme"), what="first values")
            faults = [
                ({"endpoint": "queryonjob", "kind": "huge", "bytes": 8000000, "count": 1},
                 "answer too large"),
                ({"endpoint": "empLeaveRecords", "kind": "garbage", "count": 1},
                 "answer is not JSON"),
                ({"endpoint": "querypreentry", "kind": "truncated", "count": 1},
                 "not complete JSON"),
                # libcurl itself retries a request whose reused connection
                # was closed unanswered, and the four status lists are read
                # side by side: enough drops to outlast all their retries.
                ({"endpoint": "queryonjob", "kind": "drop", "count": 40},
                 "platform unreachable"),
                ({"endpoint": "empLeaveRecords", "kind": "delay", "seconds": 2.5, "count": 3},
                 "timed out"),
            ]
            for fault, cause in faults:
                # One failure streak at a time: each fault must start its
                # own, so wait for the collector to have recovered first.
                collector = ("departures" if fault["endpoint"] == "empLeaveRecords"
                             else "headcount")
                recovered = "collector %s works again" % collector
                before = cd.read_log().count(recovered)
                sim.post("/_sim/fault", fault)
                wait_for(lambda: cause in cd.read_log(), timeout=30,
                         what="%s in the log" % cause)
                self.assertIsNone(cd.proc.poll(), "collectd is still running")
                wait_for(lambda: cd.read_log().count(recovered) > before, timeout=30,
                         what="%s after %s" % (recovered, fault["kind"]))
            wait_for(lambda: matches_truth(cd, sim, "acme"), timeout=30,
                     what="values equal to the truth at the end")
            # Under WF_VALGRIND the process is memcheck's, whose memory says
            # nothing about the plugin's.
            if not os.environ.get("WF_VALGRIND"):
                with open("/proc/%d/status" % cd.proc.pid, encoding="ascii") as f:
                    rss = [int(line.split()[1]) for line in f
                           if line.startswith("VmRSS:")][0]
                self.assertLess(rss, 64 * 1024, "an 8 MB answer did not stay in memory")
        finally:
            cd.cleanup()
            sim.stop()


if __name__ == "__main__":
    harness.require_tools()
    unittest.main(verbosity=2)
