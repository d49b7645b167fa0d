#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: the real collectd with the workforce plugin against the
DingTalk simulator. Values are read back through collectd's unixsock and
compared with the simulator's ground truth."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import PluginTestCase, dingtalk_block, wait_for  # noqa: E402

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
    """collectd's departures and headcount values, every instance it has,
    once those of the known reasons and statuses equal the simulator's
    truth; None before."""
    got = complete(cd, account)
    if got is None:
        return None
    today, month, heads = got
    want = expected(sim.truth(appkey))
    got_known = ({r: today[r] for r in REASONS}, {r: month[r] for r in REASONS},
                 {s: heads[s] for s in STATUSES})
    return got if got_known == want else None


def refusals(cd, sim):
    """What went wrong, for a failure message: the plugin's failure lines
    and every answer the simulator gave that was not a success."""
    lines = [line for line in cd.read_log().splitlines() if "failed" in line]
    answers = ["%.3f %s status=%s errcode=%s" % (r.get("t", 0), r["endpoint"],
                                                r.get("status"), r.get("errcode"))
               for r in sim.requests()
               if r.get("status") != 200 or r.get("errcode") not in (None, 0)]
    return "log:\n  %s\nrefused:\n  %s" % ("\n  ".join(lines), "\n  ".join(answers))


class DingTalkValues(PluginTestCase):
    """One simulated organisation polled every second, token TTL 3 s."""

    @classmethod
    def setUpClass(cls):
        cls.sim = cls.class_simulator("--employees", "320", "--seed", "7", "--token-ttl", "3")
        cls.cd = cls.class_collectd(dingtalk_block("acme", cls.sim))

    def test_values_equal_truth(self):
        today, month, heads = wait_for(lambda: matches_truth(self.cd, self.sim, "acme"),
                                       what="departures and headcount equal to the truth")
        # Every reason and status has its instance, 0 included, and there
        # is no other.
        self.assertEqual(set(today), set(REASONS))
        self.assertEqual(set(month), set(REASONS))
        self.assertEqual(set(heads), set(STATUSES))
        # The comparison is not one of zeros alone: collectd reports
        # departures today, and reasons without any.
        self.assertTrue(any(today.values()), today)
        self.assertIn(0.0, today.values())

    def test_every_page_read_within_limits(self):
        wait_for(lambda: matches_truth(self.cd, self.sim, "acme"), what="a full poll")
        # Every page is asked at the platform's largest size: within its
        # limit, and no more calls than the list needs.
        onjob = [r for r in self.sim.requests(endpoint="queryonjob") if r.get("status") == 200]
        self.assertEqual({r["body"]["size"] for r in onjob}, {50})
        leave = self.sim.requests(endpoint="empLeaveRecords")
        self.assertEqual({r["query"]["maxResults"] for r in leave}, {"50"})
        self.assertEqual(self.sim.violations(), [])

    def test_self_metrics(self):
        wait_for(lambda: matches_truth(self.cd, self.sim, "acme"), what="a full poll")
        for endpoint in ("gettoken", "empLeaveRecords", "queryonjob", "querypreentry"):
            # The plugin counts every request it sends, and no other: its
            # count reaches what the simulator had served before it was
            # read, and the simulator, once the calls under way are
            # answered, has served every request the plugin counted.
            served = len(self.sim.requests(endpoint=endpoint))
            sent = wait_for(lambda: (self.cd.counter("acme", "api_requests", endpoint) or 0)
                            >= served and self.cd.counter("acme", "api_requests", endpoint),
                            what="api_requests of %s to reach %d" % (endpoint, served))
            wait_for(lambda: len(self.sim.requests(endpoint=endpoint)) >= sent,
                     what="the %d requests of %s the plugin counted to reach the simulator"
                     % (sent, endpoint))
            self.assertEqual(self.cd.counter("acme", "api_errors", endpoint), 0.0, endpoint)
        age = self.cd.values("acme", "data_age")
        # A poll's duration goes out after its values, in the same dispatch.
        duration = wait_for(lambda: (lambda d: d if {"departures", "headcount"} <= set(d)
                                     else None)(self.cd.values("acme", "poll_duration")),
                            what="poll_duration of departures and headcount")
        for collector in ("departures", "headcount"):
            self.assertIn(collector, age)
            self.assertLess(age[collector], 10)
            self.assertGreater(duration[collector], 0)

    def test_token_refresh_keeps_values_right(self):
        wait_for(lambda: matches_truth(self.cd, self.sim, "acme"), what="a full poll")
        # The 3 s tokens run out under a 1 s interval: the plugin must fetch
        # again before they expire, without a gettoken per request. A token
        # used in its last moment may be refused as expired: the call is
        # then retried with a new one, and does not fail.
        self.sim.wait_requests(2, "gettoken", timeout=15, what="two token refreshes")
        wait_for(lambda: matches_truth(self.cd, self.sim, "acme"),
                 what="values equal to the truth after the refresh")
        for endpoint in ("empLeaveRecords", "queryonjob", "querypreentry", "gettoken"):
            self.assertEqual(self.cd.counter("acme", "api_errors", endpoint), 0.0,
                             "%s\n%s" % (endpoint, refusals(self.cd, self.sim)))
        # The plugin's own counts: a token serves many requests.
        sent = self.cd.counters("acme", "api_requests")
        others = sum(n for endpoint, n in sent.items() if endpoint != "gettoken")
        self.assertLess(sent["gettoken"], others / 3, "the token is cached: %r" % sent)
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


class RevokedToken(PluginTestCase):
    """A token revoked behind the plugin's back is refused once, then
    replaced, and the call retried. Tokens live two hours here, so that no
    refusal for expiry can meet the revocation in one call: two refusals in
    a row rightly fail a call."""

    def test_revoked_token_is_replaced(self):
        sim = self.simulator("--employees", "120", "--seed", "4")
        cd = self.collectd(dingtalk_block("acme", sim))
        wait_for(lambda: matches_truth(cd, sim, "acme"), what="a full poll")
        # The mark comes first: a call refused between the revocation and
        # a mark taken after it would go uncounted.
        mark = sim.last_seq()
        sim.post("/_sim/revoke_tokens")
        wait_for(lambda: any(r["endpoint"] != "gettoken" and r.get("status") == 200
                             and r.get("errcode") in (None, 0)
                             for r in sim.requests(mark)
                             if r["seq"] > mark + 2),
                 what="a successful call after the revocation")
        wait_for(lambda: matches_truth(cd, sim, "acme"),
                 what="values equal to the truth after the revocation")
        refused = [r for r in sim.requests(mark) if r.get("errcode") in (40014, 42001)
                   or r.get("status") in (400, 401)]
        self.assertTrue(refused, "the revoked token was refused")
        # The collectors, and the lists of a poll, run side by side: any
        # call under way may be refused, however many there are, but each
        # once. A call refused twice was sent again with the revoked token.
        calls = [(r["endpoint"], json.dumps(r.get("body"), sort_keys=True, default=str),
                  sorted((k, v) for k, v in r["query"].items() if k != "access_token"))
                 for r in refused]
        self.assertEqual(len(calls), len(set(map(repr, calls))),
                         "a call refused twice:\n%s" % refusals(cd, sim))
        fetched = sim.requests(mark, "gettoken")
        self.assertEqual(len(fetched), 1, "one new token, shared by the collectors")
        for endpoint in ("empLeaveRecords", "queryonjob", "querypreentry", "gettoken"):
            errors = wait_for(lambda: cd.counter("acme", "api_errors", endpoint) is not None
                              and [cd.counter("acme", "api_errors", endpoint)],
                              what="api_errors of " + endpoint)
            self.assertEqual(errors, [0.0], "%s\n%s" % (endpoint, refusals(cd, sim)))
        self.assertEqual(sim.violations(), [])


class BrokenAccounts(PluginTestCase):
    """A broken block or account never stops the others."""

    def test_others_keep_working(self):
        sim = self.simulator("--employees", "120", "--seed", "3",
                             "--app", "dingsimkey:dingsimsecret", "--app", "otherkey:othersecret")
        block = (dingtalk_block("good", sim)
                 + dingtalk_block("wrongsecret", sim, key="otherkey", secret="wrong-secret-zz91")
                 + dingtalk_block("badoption", sim, extra='    Colour "blue"')
                 + dingtalk_block("badoffset", sim, extra='    UTCOffset "+25:00"'))
        cd = self.collectd(block)
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


class FailingPlatform(PluginTestCase):
    """A collector whose poll fails dispatches nothing, logs once, and logs
    its recovery."""

    def test_failure_then_recovery(self):
        sim = self.simulator("--employees", "80", "--seed", "5")
        cd = self.collectd(dingtalk_block("acme", sim))
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

    def test_repeating_cursor_is_cut_off(self):
        sim = self.simulator("--employees", "80", "--seed", "5")
        sim.post("/_sim/fault", {"endpoint": "empLeaveRecords", "kind": "repeat_cursor",
                                 "count": 1000})
        cd = self.collectd(dingtalk_block("acme", sim))
        # Three failed polls in a row make the collector's WARNING.
        wait_for(lambda: cd.notifications("data_age"), what="the collector's warning")
        cause = ("empLeaveRecords: paging error: the platform returned a paging cursor it "
                 "had returned before, on page 1")
        # Three more polls: nothing is logged or notified again.
        cd.wait_polls("workforce-acme/headcount-regular", 3)
        log = cd.read_log()
        self.assertEqual(log.count("acme: collector departures failed: "), 1, log)
        self.assertIn("acme: collector departures failed: " + cause, log)
        self.assertEqual(cd.notifications("data_age"),
                         [("WARNING", "acme: collector departures is failing: " + cause)])
        self.assertEqual(cd.values("acme", "departures_today"), {})
        self.assertTrue(cd.values("acme", "headcount"), "headcount goes on")

        # The repeated cursor is not followed: a poll sends one request,
        # fails on its answer and counts one error, so the plugin's counts
        # of requests and errors keep step, however fast the polls come
        # (the request of a poll under way may be counted before its
        # error).
        def counts():
            return (cd.counter("acme", "api_requests", "empLeaveRecords") or 0,
                    cd.counter("acme", "api_errors", "empLeaveRecords") or 0)

        def in_step():
            sent, failed = counts()
            return failed >= 3 and failed <= sent <= failed + 1
        try:
            wait_for(in_step, what="api_requests and api_errors of empLeaveRecords in step")
        except AssertionError:
            self.fail("%d requests of empLeaveRecords for %d failed polls, not one a "
                      "poll: the repeated cursor was followed" % counts())


class HostileServer(PluginTestCase):
    """Answers that are too large, not JSON, cut short, dropped or too slow
    fail their collector cleanly: collectd stays up, logs the cause, and the
    values come back when the platform does."""

    def test_hostile_answers(self):
        sim = self.simulator("--employees", "80", "--seed", "9")
        cd = self.collectd(dingtalk_block("acme", sim, extra="    MaxResponseSize 65536\n"
                                                              "    Timeout 1"))
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


if __name__ == "__main__":
    harness.require_tools()
    unittest.main(verbosity=2)
