#!/usr/bin/env python3
"""Self-test of the DingTalk simulator wfsim.py (standard library unittest).

Most tests drive a Simulator in-process with a fake clock (fast and
independent of the real date); the HTTPServer tests start wfsim.py as a
process and talk HTTP/1.1 to it.  Run: python3 tests/sim/test_wfsim.py
"""

import datetime as dt
import http.client
import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import wfsim  # noqa: E402

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
CST = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2024, 5, 15, 10, 0, 0, tzinfo=CST).timestamp()   # 02:00:00Z
TODAY0 = dt.datetime(2024, 5, 15, 0, 0, 0, tzinfo=CST).timestamp()
QOJ = "/topapi/smartwork/hrm/employee/queryonjob"
QPE = "/topapi/smartwork/hrm/employee/querypreentry"
ELR = "/v1.0/contact/empLeaveRecords"
HDR = "x-acs-dingtalk-access-token"


class FakeClock:
    """A settable clock."""

    def __init__(self, t):
        """Start at t."""
        self.t = t

    def __call__(self):
        """Current fake time."""
        return self.t

    def advance(self, seconds):
        """Move time forward."""
        self.t += seconds


class Client:
    """Calls a Simulator in-process and decodes JSON answers."""

    def __init__(self, start=START, apps=(("k1", "s1"),), sleep=None, **kw):
        """Build a simulator on a fake clock."""
        self.clock = FakeClock(start)
        self.slept = []
        self.sim = wfsim.Simulator(list(apps), clock=self.clock,
                                   sleep=sleep or self.slept.append, **kw)

    def call(self, method, path, headers=None, body=None):
        """One request; returns (status, decoded JSON or raw bytes, Reply)."""
        raw = json.dumps(body).encode() if isinstance(body, (dict, list)) else (body or b"")
        reply = self.sim.handle(method, path, headers or {}, raw)
        try:
            obj = json.loads(reply.body) if reply.body else None
        except ValueError:
            obj = reply.body
        return reply.status, obj, reply

    def token(self, key="k1", secret="s1"):
        """Fetch a token, asserting success."""
        status, obj, _ = self.call("GET", f"/gettoken?appkey={key}&appsecret={secret}")
        assert status == 200 and obj["errcode"] == 0, obj
        return obj["access_token"]

    def onjob(self, tok, body):
        """POST queryonjob."""
        return self.call("POST", f"{QOJ}?access_token={tok}", body=body)

    def leave(self, tok, **params):
        """GET empLeaveRecords with the given query parameters."""
        qs = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
        return self.call("GET", f"{ELR}?{qs}", headers={HDR: tok})

    def control(self, method, path, body=None):
        """A /_sim/ control call."""
        return self.call(method, path, body=body)

    def rules(self):
        """Rules of the recorded violations."""
        return [v["rule"] for v in self.sim.violations]

    def all_onjob(self, tok, status_list="2,3,5,-1", size=50):
        """Page queryonjob to the end."""
        ids, offset, pages = [], 0, 0
        while True:
            status, obj, _ = self.onjob(tok, {"status_list": status_list, "offset": offset, "size": size})
            assert status == 200 and obj["errcode"] == 0, obj
            ids += obj["result"]["data_list"]
            pages += 1
            self.clock.advance(0.06)                   # stay under 20 calls/s
            if "next_cursor" not in obj["result"]:
                return ids, pages
            offset = obj["result"]["next_cursor"]

    def all_leave(self, tok, **params):
        """Page empLeaveRecords to the end; returns (records, pages)."""
        records, token, pages = [], "0", 0
        while True:
            status, obj, _ = self.leave(tok, nextToken=token, **params)
            assert status == 200, obj
            records += obj["records"]
            pages += 1
            self.clock.advance(0.06)
            if "nextToken" not in obj:
                return records, pages
            token = obj["nextToken"]


def read_ready(proc, timeout=10.0):
    """The port from the READY line, failing (not hanging) if it does not come in time."""
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        proc.kill()
        raise AssertionError(f"no READY line within {timeout} s")
    line = proc.stdout.readline()
    m = re.fullmatch(r"READY port=(\d+)\n", line)
    if not m:
        raise AssertionError(f"bad READY line {line!r}")
    return int(m.group(1))


def iso(ts):
    """Epoch seconds to RFC 3339 UTC."""
    return wfsim.rfc3339(ts)


class TimeHelpers(unittest.TestCase):
    """Offset and RFC 3339 parsing."""

    def test_rfc3339_forms_agree(self):
        self.assertEqual(wfsim.parse_rfc3339("2024-05-15T02:00:00Z"), START)
        self.assertEqual(wfsim.parse_rfc3339("2024-05-15T10:00:00+08:00"), START)
        self.assertEqual(wfsim.parse_rfc3339("2024-05-15T02:00:00.5Z"), START + 0.5)

    def test_rfc3339_rejects(self):
        for bad in ("2024-05-15 02:00:00Z", "2024-05-15T02:00:00", "2024-13-01T00:00:00Z",
                    "2024-05-15T10:00:00 08:00", "1715738400"):
            with self.assertRaises(ValueError, msg=bad):
                wfsim.parse_rfc3339(bad)

    def test_offsets_and_midnight(self):
        self.assertEqual(wfsim.parse_utc_offset("+08:00"), 480)
        self.assertEqual(wfsim.parse_utc_offset(" 08:00"), 480)   # '+' decoded as space
        self.assertEqual(wfsim.parse_utc_offset("-0530"), -330)
        self.assertEqual(wfsim.format_utc_offset(-330), "-05:30")
        self.assertEqual(wfsim.local_midnight(START, 480), TODAY0)
        self.assertEqual(wfsim.local_midnight(START, 0),
                         dt.datetime(2024, 5, 15, tzinfo=dt.timezone.utc).timestamp())


class DataModel(unittest.TestCase):
    """Generated organisations."""

    def test_deterministic_per_seed_and_app(self):
        a = Client(apps=[("k1", "s1"), ("k2", "s2")]).sim
        b = Client(apps=[("k1", "s1"), ("k2", "s2")]).sim
        self.assertEqual(a.truth("k1"), b.truth("k1"))
        self.assertNotEqual(a.truth("k1")["names"], a.truth("k2")["names"])
        c = Client(apps=[("k1", "s1")], seed=2).sim
        self.assertNotEqual(a.truth("k1")["names"], c.truth("k1")["names"])

    def test_employees_names_mobiles(self):
        org = Client(employees=200, preentry=7).sim.orgs["k1"]
        self.assertEqual(list(org.employees)[:2], ["u00001", "u00002"])
        self.assertEqual(len(org.employees), 200)
        self.assertEqual(list(org.preentry), [f"p{i:05d}" for i in range(1, 8)])
        people = org.people()
        for p in people:
            self.assertRegex(p.name, r"^[\u4e00-\u9fff]{2,3}$")
            self.assertRegex(p.mobile, r"^138\d{8}$")
        self.assertEqual(len({p.mobile for p in people}), len(people))

    def test_status_distribution(self):
        hc = Client(employees=200).sim.truth()["headcount"]
        self.assertEqual(hc, {"probation": 30, "regular": 150, "leaving": 10, "nostatus": 10, "preentry": 7})
        small = Client(employees=4, preentry=0).sim.truth()["headcount"]
        self.assertEqual(small, {"probation": 1, "regular": 1, "leaving": 1, "nostatus": 1, "preentry": 0})

    def test_departures_guarantees(self):
        sim = Client(employees=200).sim
        deps = sim.orgs["k1"].departures
        w30 = TODAY0 - 29 * 86400
        self.assertTrue(all(d.t < START for d in deps))
        self.assertTrue(all(d.reason in wfsim.LEAVE_REASONS for d in deps))
        self.assertGreaterEqual(min(START - d.t for d in deps), 1)
        self.assertGreater(max(START - d.t for d in deps), 365 * 86400)  # older than one query span
        self.assertLessEqual(max(START - d.t for d in deps), 400 * 86400)
        today = [d for d in deps if TODAY0 <= d.t < START]
        self.assertGreaterEqual(len(today), 3)
        self.assertEqual({d.reason for d in deps if d.t >= w30}, set(wfsim.LEAVE_REASONS))
        self.assertTrue(any(w30 <= d.t < w30 + 3600 for d in deps))
        self.assertTrue(any(w30 - 2 * 86400 < d.t < w30 for d in deps))
        self.assertTrue(any(d.t == TODAY0 - 1 for d in deps))
        self.assertEqual([d.userid for d in deps][:3], ["d00001", "d00002", "d00003"])
        self.assertEqual(deps, sorted(deps, key=wfsim.Departure.key))
        # roughly 2% of headcount a month: 200 * 0.02 * 400 / 30.44 = 53 plus the guaranteed ones
        self.assertTrue(50 <= len(deps) <= 75, len(deps))

    def test_today_just_after_midnight(self):
        sim = Client(start=TODAY0 + 0.5).sim
        truth = sim.truth()
        self.assertGreaterEqual(sum(truth["departures_today"].values()), 3)
        self.assertTrue(all(d.t < TODAY0 + 0.5 for d in sim.orgs["k1"].departures))

    def test_truth_windows(self):
        c = Client()
        org = c.sim.orgs["k1"]
        truth = c.sim.truth()
        expect_today = {r: sum(1 for d in org.departures if d.reason == r and TODAY0 <= d.t < TODAY0 + 86400)
                        for r in wfsim.LEAVE_REASONS}
        self.assertEqual(truth["departures_today"], expect_today)
        w30 = TODAY0 - 29 * 86400
        self.assertEqual(sum(truth["departures_30d"].values()),
                         sum(1 for d in org.departures if d.t >= w30))
        utc = c.sim.truth(utc_offset="+00:00")
        self.assertEqual(utc["utc_offset"], "+00:00")
        utc0 = dt.datetime(2024, 5, 15, tzinfo=dt.timezone.utc).timestamp()
        self.assertEqual(sum(utc["departures_today"].values()),
                         sum(1 for d in org.departures if utc0 <= d.t < utc0 + 86400))
        self.assertEqual(len(truth["names"]), len({p.name for p in org.people()}))
        self.assertIn(org.departures[0].mobile, truth["mobiles"])


class Tokens(unittest.TestCase):
    """gettoken and token checks."""

    def test_gettoken_shape(self):
        c = Client()
        status, obj, _ = c.call("GET", "/gettoken?appkey=k1&appsecret=s1")
        self.assertEqual(status, 200)
        self.assertEqual((obj["errcode"], obj["errmsg"], obj["expires_in"]), (0, "ok", 7200))
        self.assertRegex(obj["access_token"], r"^[0-9a-f]{32}$")

    def test_same_token_renewed_then_new_after_expiry(self):
        c = Client(token_ttl=100)
        t1 = c.token()
        c.clock.advance(60)
        self.assertEqual(c.token(), t1)                       # renewed to now+100
        c.clock.advance(90)                                   # 150 s after issue, 90 after renewal
        self.assertEqual(c.onjob(t1, {"status_list": "3", "offset": 0, "size": 1})[1]["errcode"], 0)
        c.clock.advance(11)
        self.assertEqual(c.onjob(t1, {"status_list": "3", "offset": 0, "size": 1})[1]["errcode"], 42001)
        status, obj, _ = c.leave(t1, startTime=iso(TODAY0))
        self.assertEqual((status, obj["code"]), (400, "InvalidAuthentication"))
        t2 = c.token()
        self.assertNotEqual(t2, t1)
        self.assertEqual(c.rules(), [])

    def test_fractional_ttl(self):
        c = Client(token_ttl=2.5)
        status, obj, _ = c.call("GET", "/gettoken?appkey=k1&appsecret=s1")
        self.assertEqual(obj["expires_in"], 2)
        c.clock.advance(2.4)
        self.assertEqual(c.onjob(obj["access_token"], {"status_list": "3", "offset": 0, "size": 1})[1]["errcode"], 0)
        c.clock.advance(0.2)
        self.assertEqual(c.onjob(obj["access_token"], {"status_list": "3", "offset": 0, "size": 1})[1]["errcode"], 42001)

    def test_bad_credentials(self):
        c = Client()
        for q in ("appkey=k1&appsecret=nope", "appkey=zz&appsecret=s1"):
            status, obj, _ = c.call("GET", f"/gettoken?{q}")
            self.assertEqual((status, obj["errcode"]), (200, 40001))
        status, obj, _ = c.call("GET", "/gettoken?appkey=k1")
        self.assertEqual(obj["errcode"], 40035)
        self.assertEqual(c.rules(), ["param"])

    def test_gettoken_too_often_is_a_violation(self):
        c = Client()
        t1 = c.token()
        c.clock.advance(0.5)
        status, obj, _ = c.call("GET", "/gettoken?appkey=k1&appsecret=s1")
        self.assertEqual(obj["errcode"], 90018)
        self.assertEqual(c.rules(), ["gettoken_cache"])
        c.clock.advance(0.6)
        self.assertEqual(c.token(), t1)
        self.assertEqual(c.rules(), ["gettoken_cache"])

    def test_oapi_token_missing_misplaced_unknown(self):
        c = Client()
        tok = c.token()
        body = {"status_list": "3", "offset": 0, "size": 1}
        self.assertEqual(c.call("POST", QOJ, body=body)[1]["errcode"], 41001)
        self.assertEqual(c.call("POST", QOJ, headers={HDR: tok}, body=body)[1]["errcode"], 41001)
        self.assertEqual(c.onjob("bogus", body)[1]["errcode"], 40014)
        self.assertEqual(c.rules(), ["token_missing", "token_place"])
        self.assertEqual([v["endpoint"] for v in c.sim.violations], ["queryonjob", "queryonjob"])

    def test_v1_token_missing_misplaced_unknown(self):
        c = Client()
        tok = c.token()
        q = f"{ELR}?startTime={iso(TODAY0)}"
        self.assertEqual(c.call("GET", q)[0], 401)
        self.assertEqual(c.call("GET", f"{q}&access_token={tok}")[0], 401)
        status, obj, _ = c.leave("bogus", startTime=iso(TODAY0))
        self.assertEqual((status, obj["code"], obj["message"]), (400, "InvalidAuthentication", "不合法的access_token"))
        self.assertIn("requestid", obj)
        self.assertEqual(c.rules(), ["token_missing", "token_place"])

    def test_revoke_tokens(self):
        c = Client()
        tok = c.token()
        self.assertEqual(c.control("POST", "/_sim/revoke_tokens")[1], {"revoked": 1})
        self.assertEqual(c.onjob(tok, {"status_list": "3", "offset": 0, "size": 1})[1]["errcode"], 40014)
        self.assertEqual(c.leave(tok, startTime=iso(TODAY0))[1]["code"], "InvalidAuthentication")
        c.clock.advance(0.1)
        self.assertNotEqual(c.token(), tok)          # no gettoken_cache violation: nothing valid held
        self.assertEqual(c.rules(), [])

    def test_token_belongs_to_its_app(self):
        c = Client(apps=[("k1", "s1"), ("k2", "s2")], employees=10)
        t1, t2 = c.token("k1", "s1"), c.token("k2", "s2")
        self.assertNotEqual(t1, t2)
        ids1, _ = c.all_onjob(t1)
        ids2, _ = c.all_onjob(t2)
        self.assertEqual(len(ids1), 10)
        self.assertEqual(c.sim.requests[-1]["app"], "k2")


class HRM(unittest.TestCase):
    """queryonjob and querypreentry."""

    def test_paging_collects_everyone(self):
        c = Client(employees=123)
        tok = c.token()
        ids, pages = c.all_onjob(tok)
        self.assertEqual(ids, c.sim.truth()["employees"])
        self.assertEqual(pages, 3)
        ids7, pages7 = c.all_onjob(tok, size=7)
        self.assertEqual((ids7, pages7), (ids, 18))
        self.assertEqual(c.rules(), [])

    def test_no_cursor_after_an_exactly_full_last_page(self):
        c = Client(employees=100)
        tok = c.token()
        ids, pages = c.all_onjob(tok, size=50)
        self.assertEqual((len(ids), pages), (100, 2))
        obj = c.onjob(tok, {"status_list": "2,3,5,-1", "offset": 50, "size": 50})[1]
        self.assertEqual(len(obj["result"]["data_list"]), 50)
        self.assertNotIn("next_cursor", obj["result"])

    def test_status_filter_matches_headcount(self):
        c = Client()
        tok = c.token()
        hc = c.sim.truth()["headcount"]
        for status, name in wfsim.STATUS_NAMES.items():
            ids, _ = c.all_onjob(tok, status_list=str(status))
            self.assertEqual(len(ids), hc[name], name)
            self.assertTrue(all(c.sim.orgs["k1"].employees[u].status == status for u in ids))
        self.assertEqual(len(c.all_onjob(tok, status_list="2,5")[0]), hc["probation"] + hc["leaving"])

    def test_answer_shape(self):
        c = Client()
        status, obj, reply = c.onjob(c.token(), {"status_list": "2,3,5,-1", "offset": 0, "size": 50})
        self.assertEqual((status, obj["errcode"], obj["errmsg"], obj["success"]), (200, 0, "ok", True))
        self.assertEqual(len(obj["result"]["data_list"]), 50)
        self.assertEqual(obj["result"]["next_cursor"], 50)
        self.assertIn("request_id", obj)
        self.assertTrue(reply.content_type.startswith("application/json"))

    def test_bad_parameters(self):
        c = Client()
        tok = c.token()
        cases = [({"status_list": "3", "offset": 0, "size": 51}, "size"),
                 ({"status_list": "3", "offset": 0, "size": 0}, "size"),
                 ({"status_list": "3", "offset": 0}, "size"),
                 ({"status_list": "3", "offset": -1, "size": 10}, "offset"),
                 ({"status_list": "3", "offset": 37, "size": 10}, "cursor"),
                 ({"status_list": "4", "offset": 0, "size": 10}, "status_list"),
                 ({"offset": 0, "size": 10}, "status_list"),
                 ("not json", "body")]
        for body, rule in cases:
            c.sim.violations.clear()
            status, obj, _ = c.call("POST", f"{QOJ}?access_token={tok}",
                                    body=body.encode() if isinstance(body, str) else body)
            self.assertEqual((status, obj["errcode"], obj["errmsg"]), (200, 40035, "不合法的参数"), body)
            self.assertEqual(c.rules(), [rule], body)

    def test_issued_cursor_accepted_and_string_numbers(self):
        c = Client()
        tok = c.token()
        nxt = c.onjob(tok, {"status_list": "3", "offset": 0, "size": 20})[1]["result"]["next_cursor"]
        obj = c.onjob(tok, {"status_list": 3, "offset": str(nxt), "size": "20"})[1]
        self.assertEqual(obj["errcode"], 0)
        self.assertEqual(len(obj["result"]["data_list"]), 20)
        self.assertEqual(c.rules(), [])

    def test_wrong_method(self):
        c = Client()
        tok = c.token()
        self.assertEqual(c.call("GET", f"{QOJ}?access_token={tok}")[1]["errcode"], 43002)
        self.assertEqual(c.call("POST", "/gettoken?appkey=k1&appsecret=s1")[1]["errcode"], 43001)
        self.assertEqual(c.call("POST", f"{ELR}?startTime={iso(TODAY0)}", headers={HDR: tok})[0], 404)
        self.assertEqual(c.rules(), ["method", "method", "method"])

    def test_querypreentry(self):
        c = Client(preentry=7)
        tok = c.token()
        status, obj, _ = c.call("POST", f"{QPE}?access_token={tok}", body={"offset": 0, "size": 5})
        self.assertEqual(obj["result"], {"data_list": [f"p{i:05d}" for i in range(1, 6)], "next_cursor": 5})
        status, obj, _ = c.call("POST", f"{QPE}?access_token={tok}", body={"offset": 5, "size": 5})
        self.assertEqual(obj["result"], {"data_list": ["p00006", "p00007"]})
        status, obj, _ = c.call("POST", f"{QPE}?access_token={tok}", body={"offset": 0, "size": 60})
        self.assertEqual(obj["errcode"], 40035)
        self.assertEqual(c.rules(), ["size"])


class EmpLeaveRecords(unittest.TestCase):
    """/v1.0/contact/empLeaveRecords."""

    def test_30_day_window_matches_truth_with_any_page_size(self):
        c = Client()
        tok = c.token()
        start = iso(TODAY0 - 29 * 86400)
        recs50, pages50 = c.all_leave(tok, startTime=start)
        recs3, pages3 = c.all_leave(tok, startTime=start, maxResults=3)
        self.assertEqual(recs3, recs50)
        self.assertGreater(pages3, 3)
        truth = c.sim.truth()["departures_30d"]
        for reason in wfsim.LEAVE_REASONS:
            self.assertEqual(sum(r["leaveReason"] == reason for r in recs50), truth[reason], reason)
        times = [r["leaveTime"] for r in recs50]
        self.assertEqual(times, sorted(times))
        self.assertEqual(c.rules(), [])

    def test_record_shape_and_no_token_on_last_page(self):
        c = Client()
        status, obj, _ = c.leave(c.token(), startTime=iso(TODAY0), endTime=iso(START))
        self.assertEqual(status, 200)
        self.assertNotIn("nextToken", obj)
        self.assertGreaterEqual(len(obj["records"]), 3)
        rec = obj["records"][0]
        self.assertEqual(set(rec), {"userId", "name", "stateCode", "mobile", "leaveTime", "leaveReason"})
        self.assertEqual(rec["stateCode"], "86")
        self.assertRegex(rec["leaveTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_no_next_token_after_an_exactly_full_last_page(self):
        c = Client()
        tok = c.token()
        deps = c.sim.orgs["k1"].departures
        lo, hi = deps[-8].t, deps[-1].t
        n = sum(1 for d in deps if lo <= d.t <= hi)
        obj = c.leave(tok, startTime=iso(lo), endTime=iso(hi), maxResults=n)[1]
        self.assertEqual(len(obj["records"]), n)
        self.assertNotIn("nextToken", obj)
        obj = c.leave(tok, startTime=iso(lo), endTime=iso(hi), maxResults=n - 1)[1]
        self.assertEqual(len(obj["records"]), n - 1)
        self.assertIn("nextToken", obj)

    def test_paging_over_a_year(self):
        c = Client()
        tok = c.token()
        recs, pages = c.all_leave(tok, startTime=iso(START - 360 * 86400))
        self.assertGreater(len(recs), 50)
        self.assertEqual(pages, 2)
        self.assertEqual(len({r["userId"] for r in recs}), len(recs))

    def test_inclusive_bounds_and_offset_forms(self):
        c = Client()
        tok = c.token()
        dep = c.sim.orgs["k1"].departures[-10]
        z = c.leave(tok, startTime=iso(dep.t), endTime=iso(dep.t))[1]["records"]
        self.assertIn(dep.userid, [r["userId"] for r in z])
        local = dt.datetime.fromtimestamp(dep.t, CST).isoformat()        # ...+08:00
        self.assertEqual(c.leave(tok, startTime=local, endTime=local)[1]["records"], z)
        after = c.leave(tok, startTime=iso(dep.t + 1), endTime=iso(START))[1]["records"]
        self.assertNotIn(dep.userid, [r["userId"] for r in after])

    def test_unencoded_plus_is_rejected(self):
        c = Client()
        status, obj, _ = c.call("GET", f"{ELR}?startTime=2024-05-15T00:00:00+08:00", headers={HDR: c.token()})
        self.assertEqual((status, obj["code"]), (400, "invalidParameter.param.invalid"))
        self.assertEqual(c.rules(), ["startTime"])

    def test_parameter_errors(self):
        c = Client()
        tok = c.token()
        day = 86400
        cases = [({}, "startTime"),
                 ({"startTime": "2024-05-15"}, "startTime"),
                 ({"startTime": iso(TODAY0), "endTime": "yesterday"}, "endTime"),
                 ({"startTime": iso(TODAY0), "endTime": iso(TODAY0 - 1)}, "endTime"),
                 ({"startTime": iso(START - 366 * day), "endTime": iso(START)}, "span"),
                 ({"startTime": iso(START - 365 * day - 1)}, "span"),
                 ({"startTime": iso(TODAY0), "maxResults": 51}, "maxResults"),
                 ({"startTime": iso(TODAY0), "maxResults": 0}, "maxResults"),
                 ({"startTime": iso(TODAY0), "maxResults": "ten"}, "maxResults"),
                 ({"startTime": iso(TODAY0), "nextToken": "DCCD7A656FFA6F07"}, "cursor")]
        for params, rule in cases:
            c.sim.violations.clear()
            status, obj, _ = c.leave(tok, **params)
            self.assertEqual((status, obj["code"]), (400, "invalidParameter.param.invalid"), params)
            self.assertTrue(obj["message"].startswith("入参错误:"), obj)
            self.assertEqual(c.rules(), [rule], params)

    def test_span_limits_allow_exactly_365_days(self):
        c = Client()
        tok = c.token()
        self.assertEqual(c.leave(tok, startTime=iso(START - 365 * 86400 - 3600),
                                 endTime=iso(START - 3600))[0], 200)
        self.assertEqual(c.leave(tok, startTime=iso(START - 365 * 86400))[0], 200)
        self.assertEqual(c.rules(), [])

    def test_next_token_bound_to_app(self):
        c = Client(apps=[("k1", "s1"), ("k2", "s2")])
        t1, t2 = c.token("k1", "s1"), c.token("k2", "s2")
        nxt = c.leave(t1, startTime=iso(START - 300 * 86400), maxResults=2)[1]["nextToken"]
        status, obj, _ = c.leave(t2, startTime=iso(START - 300 * 86400), maxResults=2, nextToken=nxt)
        self.assertEqual(status, 400)
        self.assertEqual(c.rules(), ["cursor"])


class QPS(unittest.TestCase):
    """20 calls per second per app and API."""

    def test_oapi_limit(self):
        c = Client()
        tok = c.token()
        c.clock.advance(1.0)
        body = {"status_list": "3", "offset": 0, "size": 1}
        codes = []
        for _ in range(21):
            codes.append(c.onjob(tok, body)[1]["errcode"])
            c.clock.advance(0.01)
        self.assertEqual(codes, [0] * 20 + [90018])
        self.assertEqual(c.rules(), ["qps"])
        # another API of the same app is not affected
        self.assertEqual(c.call("POST", f"{QPE}?access_token={tok}", body={"offset": 0, "size": 1})[1]["errcode"], 0)
        c.clock.advance(1.0)
        self.assertEqual(c.onjob(tok, body)[1]["errcode"], 0)

    def test_v1_limit_and_spaced_calls(self):
        c = Client()
        tok = c.token()
        for _ in range(40):                       # 20/s exactly is fine
            self.assertEqual(c.leave(tok, startTime=iso(TODAY0))[0], 200)
            c.clock.advance(0.051)
        for _ in range(20):
            c.leave(tok, startTime=iso(TODAY0))
        status, obj, _ = c.leave(tok, startTime=iso(TODAY0))
        self.assertEqual((status, obj["code"]), (403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"))
        self.assertIn("qps", c.rules())

    def test_config_qps_limit(self):
        c = Client()
        tok = c.token()
        c.control("POST", "/_sim/config", {"qps_limit": 2})
        codes = [c.onjob(tok, {"status_list": "3", "offset": 0, "size": 1})[1]["errcode"] for _ in range(3)]
        self.assertEqual(codes, [0, 0, 90018])


class Faults(unittest.TestCase):
    """The /_sim/fault queue."""

    def setUp(self):
        self.c = Client()
        self.tok = self.c.token()
        self.body = {"status_list": "2,3,5,-1", "offset": 0, "size": 50}

    def fault(self, **spec):
        """Queue one fault."""
        status, obj, _ = self.c.control("POST", "/_sim/fault", spec)
        self.assertEqual(status, 200, obj)

    def test_errcode_both_kinds_and_count(self):
        self.fault(endpoint="queryonjob", kind="errcode", errcode=-1, count=2)
        self.fault(endpoint="empLeaveRecords", kind="errcode", status=500, code="system.error")
        self.assertEqual([self.c.onjob(self.tok, self.body)[1]["errcode"] for _ in range(3)], [-1, -1, 0])
        status, obj, _ = self.c.leave(self.tok, startTime=iso(TODAY0))
        self.assertEqual((status, obj["code"]), (500, "system.error"))
        self.assertEqual(self.c.leave(self.tok, startTime=iso(TODAY0))[0], 200)
        self.assertEqual(self.c.rules(), [])

    def test_fifo_and_endpoint_matching(self):
        self.fault(endpoint="querypreentry", kind="errcode", errcode=7)
        self.fault(endpoint="*", kind="errcode", errcode=8)
        self.fault(endpoint="queryonjob", kind="errcode", errcode=9)
        self.assertEqual(self.c.onjob(self.tok, self.body)[1]["errcode"], 8)
        self.assertEqual(self.c.onjob(self.tok, self.body)[1]["errcode"], 9)
        pre = self.c.call("POST", f"{QPE}?access_token={self.tok}", body={"offset": 0, "size": 5})[1]
        self.assertEqual(pre["errcode"], 7)
        self.assertEqual(self.c.control("GET", "/_sim/faults")[1], [])
        self.assertEqual(self.c.sim.requests[-1]["fault"], "errcode")

    def test_appkey_filter_and_bad_specs(self):
        self.fault(kind="throttle", appkey="other")
        self.assertEqual(self.c.onjob(self.tok, self.body)[1]["errcode"], 0)
        self.assertEqual(len(self.c.sim.faults), 1)
        for spec in ({"kind": "nope"}, {"kind": "drop", "endpoint": "nope"}, {"kind": "drop", "count": 0}):
            self.assertEqual(self.c.control("POST", "/_sim/fault", spec)[0], 400)
        self.assertEqual(self.c.control("POST", "/_sim/fault/clear")[1], {"cleared": 1})

    def test_http_garbage_truncated(self):
        self.fault(endpoint="queryonjob", kind="http", status=502, body="bad gateway")
        self.fault(endpoint="queryonjob", kind="http", status=503, body={"x": 1})
        self.fault(endpoint="queryonjob", kind="garbage")
        self.fault(endpoint="queryonjob", kind="truncated")
        status, obj, _ = self.c.onjob(self.tok, self.body)
        self.assertEqual((status, obj), (502, b"bad gateway"))
        self.assertEqual(self.c.onjob(self.tok, self.body)[:2], (503, {"x": 1}))
        status, obj, reply = self.c.onjob(self.tok, self.body)
        self.assertEqual(status, 200)
        self.assertIsInstance(obj, bytes)
        self.assertTrue(reply.content_type.startswith("text/html"))
        status, obj, reply = self.c.onjob(self.tok, self.body)
        self.assertEqual(status, 200)
        self.assertIsInstance(obj, bytes)
        self.assertTrue(reply.body.startswith(b'{"errcode":0'))

    def test_huge_is_exact_and_valid(self):
        for endpoint, call in (("queryonjob", lambda: self.c.onjob(self.tok, self.body)),
                               ("empLeaveRecords", lambda: self.c.leave(self.tok, startTime=iso(TODAY0)))):
            self.fault(endpoint=endpoint, kind="huge", bytes=300_001)
            reply = call()[2]
            total, chunks = reply.stream
            data = b"".join(chunks())
            self.assertEqual((total, len(data)), (300_001, 300_001))
            self.assertIsInstance(json.loads(data), dict)

    def test_token_invalid_revokes(self):
        self.fault(endpoint="queryonjob", kind="token_invalid")
        self.assertEqual(self.c.onjob(self.tok, self.body)[1]["errcode"], 40014)
        self.assertEqual(self.c.onjob(self.tok, self.body)[1]["errcode"], 40014)   # really gone
        new = self.c.token()                         # immediately: not a caching violation
        self.assertNotEqual(new, self.tok)
        self.assertEqual(self.c.onjob(new, self.body)[1]["errcode"], 0)
        self.fault(endpoint="empLeaveRecords", kind="token_invalid")
        self.assertEqual(self.c.leave(new, startTime=iso(TODAY0))[1]["code"], "InvalidAuthentication")
        self.assertEqual(self.c.rules(), [])

    def test_throttle_and_quota(self):
        for kind, oapi, v1 in (("throttle", 90018, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"),
                               ("quota", 90020, "Forbidden.AccessDenied.ApiCountLimitForOrg")):
            self.fault(kind=kind, count=2)
            self.assertEqual(self.c.onjob(self.tok, self.body)[1]["errcode"], oapi)
            status, obj, _ = self.c.leave(self.tok, startTime=iso(TODAY0))
            self.assertEqual((status, obj["code"]), (403, v1))
        self.assertEqual(self.c.rules(), [])

    def test_delay_then_normal(self):
        self.fault(endpoint="queryonjob", kind="delay", seconds=2.5)
        status, obj, _ = self.c.onjob(self.tok, self.body)
        self.assertEqual((status, obj["errcode"]), (200, 0))
        self.assertEqual(self.c.slept, [2.5])

    def test_drop(self):
        self.fault(endpoint="gettoken", kind="drop")
        reply = self.c.call("GET", "/gettoken?appkey=k1&appsecret=s1")[2]
        self.assertTrue(reply.drop)
        self.assertEqual(self.c.sim.requests[-1]["status"], 0)

    def test_repeat_cursor(self):
        self.assertEqual(self.c.onjob(self.tok, self.body)[1]["result"]["next_cursor"], 50)
        self.fault(endpoint="queryonjob", kind="repeat_cursor", count=2)
        r1 = self.c.onjob(self.tok, self.body)[1]["result"]
        self.assertEqual(r1["next_cursor"], 0)
        self.assertEqual(len(r1["data_list"]), 50)
        self.fault(endpoint="empLeaveRecords", kind="repeat_cursor", count=2)
        start = iso(START - 300 * 86400)
        nxt = self.c.leave(self.tok, startTime=start, maxResults=5)[1]["nextToken"]
        self.assertEqual(nxt, "0")
        again = self.c.leave(self.tok, startTime=start, maxResults=5, nextToken="0")[1]
        self.assertEqual(again["nextToken"], "0")
        normal = self.c.leave(self.tok, startTime=start, maxResults=5, nextToken="0")[1]
        self.assertNotEqual(normal["nextToken"], "0")
        self.assertEqual(self.c.onjob(self.tok, {**self.body, "offset": 50})[1]["result"]["next_cursor"], 50)
        self.assertEqual(self.c.onjob(self.tok, {**self.body, "offset": 50})[1]["result"]["next_cursor"], 100)
        self.assertEqual(self.c.rules(), [])

    def test_endless_cursor(self):
        self.fault(endpoint="queryonjob", kind="endless_cursor", count=3)
        offset, seen = 0, []
        for _ in range(3):
            res = self.c.onjob(self.tok, {**self.body, "offset": offset})[1]["result"]
            self.assertEqual(res["data_list"], [])
            offset = res["next_cursor"]
            seen.append(offset)
        self.assertEqual(seen, [50, 100, 150])
        self.fault(endpoint="empLeaveRecords", kind="endless_cursor", count=2)
        t1 = self.c.leave(self.tok, startTime=iso(TODAY0))[1]
        t2 = self.c.leave(self.tok, startTime=iso(TODAY0), nextToken=t1["nextToken"])[1]
        self.assertEqual((t1["records"], t2["records"]), ([], []))
        self.assertNotEqual(t1["nextToken"], t2["nextToken"])
        self.assertEqual(self.c.rules(), [])


class Control(unittest.TestCase):
    """Requests log, violations, config, mutations."""

    def test_request_log(self):
        c = Client()
        tok = c.token()
        c.onjob(tok, {"status_list": "3", "offset": 0, "size": 2})
        c.call("GET", "/nowhere")
        log = c.control("GET", "/_sim/requests")[1]
        self.assertEqual([e["endpoint"] for e in log], ["gettoken", "queryonjob", None])
        e = log[1]
        self.assertEqual((e["seq"], e["app"], e["method"], e["path"], e["status"], e["errcode"]),
                         (2, "k1", "POST", QOJ, 200, 0))
        self.assertEqual(e["query"], {"access_token": tok})
        self.assertEqual(e["body"], {"status_list": "3", "offset": 0, "size": 2})
        self.assertEqual(log[2]["status"], 404)
        self.assertEqual([x["seq"] for x in c.control("GET", "/_sim/requests?since=2")[1]], [3])
        self.assertEqual(c.control("POST", "/_sim/requests/clear")[1], {"cleared": 3})
        self.assertEqual(c.control("GET", "/_sim/requests")[1], [])

    def test_headers_logged(self):
        c = Client()
        tok = c.token()
        c.leave(tok, startTime=iso(TODAY0))
        self.assertEqual(c.sim.requests[-1]["headers"][HDR], tok)

    def test_violations_list_and_clear(self):
        c = Client()
        tok = c.token()
        c.onjob(tok, {"status_list": "3", "offset": 0, "size": 99})
        v = c.control("GET", "/_sim/violations")[1]
        self.assertEqual(len(v), 1)
        self.assertEqual((v[0]["seq"], v[0]["endpoint"], v[0]["rule"]), (2, "queryonjob", "size"))
        self.assertIn("99", v[0]["detail"])
        self.assertEqual(c.control("POST", "/_sim/violations/clear")[1], {"cleared": 1})
        self.assertEqual(c.control("GET", "/_sim/violations")[1], [])

    def test_config(self):
        c = Client()
        self.assertEqual(c.control("POST", "/_sim/config", {"token_ttl": 3})[1]["token_ttl"], 3.0)
        status, obj, _ = c.call("GET", "/gettoken?appkey=k1&appsecret=s1")
        self.assertEqual(obj["expires_in"], 3)
        c.clock.advance(3)
        self.assertEqual(c.onjob(obj["access_token"], {"status_list": "3", "offset": 0, "size": 1})[1]["errcode"], 42001)
        self.assertEqual(c.control("POST", "/_sim/config", {"token_ttl": -1})[0], 400)
        self.assertEqual(c.control("POST", "/_sim/config", {"colour": "red"})[0], 400)

    def test_truth_over_http_shape(self):
        c = Client(apps=[("k1", "s1"), ("k2", "s2")])
        status, obj, _ = c.control("GET", "/_sim/truth?appkey=k2&utc_offset=+00:00")
        self.assertEqual((status, obj["appkey"], obj["utc_offset"]), (200, "k2", "+00:00"))
        self.assertEqual(set(obj["departures_today"]), set(wfsim.LEAVE_REASONS))
        self.assertEqual(set(obj["headcount"]), {"probation", "regular", "leaving", "nostatus", "preentry"})
        self.assertEqual(c.control("GET", "/_sim/truth?appkey=zz")[0], 400)
        self.assertEqual(c.control("GET", "/_sim/nothing")[0], 404)
        self.assertEqual(c.control("POST", "/_sim/truth")[0], 405)

    def test_mutate_add_departures(self):
        c = Client()
        before = c.sim.truth()
        obj = c.control("POST", "/_sim/mutate", {"add_departures": {"reason": "cancel", "count": 5}})[1]
        self.assertEqual(len(obj["added_departures"]), 5)
        after = c.sim.truth()
        self.assertEqual(after["departures_today"]["cancel"], before["departures_today"]["cancel"] + 5)
        self.assertEqual(after["departures_30d"]["cancel"], before["departures_30d"]["cancel"] + 5)
        recs, _ = c.all_leave(c.token(), startTime=iso(TODAY0))
        self.assertTrue(set(obj["added_departures"]) <= {r["userId"] for r in recs})
        self.assertTrue(all(wfsim.parse_rfc3339(r["leaveTime"]) < START for r in recs))

    def test_mutate_status_and_remove(self):
        c = Client()
        hc = c.sim.truth()["headcount"]
        uid = next(u for u, p in c.sim.orgs["k1"].employees.items() if p.status == 3)
        c.control("POST", "/_sim/mutate", {"set_status": {"userid": uid, "status": 5}})
        hc2 = c.sim.truth()["headcount"]
        self.assertEqual((hc2["regular"], hc2["leaving"]), (hc["regular"] - 1, hc["leaving"] + 1))
        leave_before = c.sim.truth()["departures_today"]["leave"]
        c.control("POST", "/_sim/mutate", {"remove_employee": uid})
        t = c.sim.truth()
        self.assertEqual(t["headcount"]["leaving"], hc["leaving"])
        self.assertNotIn(uid, t["employees"])
        self.assertEqual(t["departures_today"]["leave"], leave_before + 1)
        recs, _ = c.all_leave(c.token(), startTime=iso(TODAY0))
        self.assertIn(uid, [r["userId"] for r in recs])
        self.assertEqual(c.control("POST", "/_sim/mutate", {"remove_employee": "u99999"})[0], 400)
        self.assertEqual(c.control("POST", "/_sim/mutate", {"set_status": {"userid": "u00001", "status": 4}})[0], 400)

    def test_mutate_add_people(self):
        c = Client()
        c.control("POST", "/_sim/mutate", {"add_employees": {"status": 2, "count": 3}, "add_preentry": 2})
        hc = c.sim.truth()["headcount"]
        self.assertEqual((hc["probation"], hc["preentry"]), (33, 9))

    def test_reset(self):
        c = Client()
        tok = c.token()
        c.onjob(tok, {"status_list": "3", "offset": 0, "size": 99})
        c.control("POST", "/_sim/fault", {"kind": "drop"})
        c.control("POST", "/_sim/reset")
        self.assertEqual((len(c.sim.requests), len(c.sim.violations), len(c.sim.faults)), (0, 0, 0))
        self.assertEqual(c.onjob(tok, {"status_list": "3", "offset": 0, "size": 1})[1]["errcode"], 40014)


class HTTPServer(unittest.TestCase):
    """wfsim.py as a process."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.port_file = os.path.join(cls.tmp.name, "port")
        cls.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "wfsim.py"), "--port", "0", "--employees", "60",
             "--app", "ka:sa", "--app", "kb:sb", "--port-file", cls.port_file],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
        cls.port = read_ready(cls.proc)

    @classmethod
    def tearDownClass(cls):
        if cls.proc.poll() is None:
            cls.proc.kill()
            cls.proc.wait()
        cls.proc.stdout.close()
        cls.proc.stderr.close()
        cls.tmp.cleanup()

    def setUp(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        self.request("POST", "/_sim/reset")

    def tearDown(self):
        self.conn.close()

    def request(self, method, path, body=None, headers=None):
        """One request on the shared keep-alive connection; returns (response, bytes)."""
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        hdrs = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        self.conn.request(method, path, body=data, headers=hdrs)
        resp = self.conn.getresponse()
        return resp, resp.read()

    def token(self, key="ka", secret="sa"):
        """Fetch a token."""
        return json.loads(self.request("GET", f"/gettoken?appkey={key}&appsecret={secret}")[1])["access_token"]

    def test_ready_and_port_file(self):
        with open(self.port_file, encoding="ascii") as fh:
            self.assertEqual(int(fh.read()), self.port)

    def test_keep_alive_and_content_length(self):
        tok = self.token()
        sock = self.conn.sock
        resp, data = self.request("POST", f"{QOJ}?access_token={tok}",
                                  {"status_list": "2,3,5,-1", "offset": 0, "size": 50})
        self.assertEqual(int(resp.getheader("Content-Length")), len(data))
        self.assertEqual(json.loads(data)["result"]["next_cursor"], 50)
        resp, data = self.request("GET", f"{ELR}?startTime={quote(iso(time.time() - 86400 * 29))}",
                                  headers={HDR: tok})
        self.assertEqual(resp.status, 200)
        self.assertIs(self.conn.sock, sock)           # same TCP connection
        names = json.loads(self.request("GET", "/_sim/truth?appkey=ka")[1])["names"]
        self.assertTrue(any(r["name"] in names for r in json.loads(data)["records"]))

    def test_apps_differ(self):
        a = json.loads(self.request("GET", "/_sim/truth?appkey=ka")[1])
        b = json.loads(self.request("GET", "/_sim/truth?appkey=kb")[1])
        self.assertEqual(len(a["employees"]), 60)
        self.assertNotEqual(a["mobiles"], b["mobiles"])
        self.assertEqual(json.loads(self.request("GET", "/_sim/truth")[1])["appkey"], "ka")

    def test_not_found(self):
        resp, _ = self.request("GET", "/topapi/nothing")
        self.assertEqual(resp.status, 404)
        resp, data = self.request("GET", "/v1.0/nothing")
        self.assertEqual((resp.status, json.loads(data)["code"]), (404, "InvalidAction.NotFound"))

    def test_drop_fault(self):
        self.request("POST", "/_sim/fault", {"endpoint": "gettoken", "kind": "drop"})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.request("GET", "/gettoken?appkey=ka&appsecret=sa")
        self.conn.close()
        self.assertTrue(self.token())

    def test_huge_fault_streams(self):
        tok = self.token()
        self.request("POST", "/_sim/fault", {"endpoint": "queryonjob", "kind": "huge", "bytes": 3_000_000})
        resp, data = self.request("POST", f"{QOJ}?access_token={tok}", {"status_list": "3", "offset": 0, "size": 5})
        self.assertEqual((resp.status, len(data), int(resp.getheader("Content-Length"))), (200, 3_000_000, 3_000_000))
        self.assertGreater(len(json.loads(data)["result"]["data_list"]), 100_000)

    def test_delay_fault_really_waits(self):
        tok = self.token()
        self.request("POST", "/_sim/fault", {"endpoint": "queryonjob", "kind": "delay", "seconds": 0.4})
        t0 = time.monotonic()
        resp, data = self.request("POST", f"{QOJ}?access_token={tok}", {"status_list": "3", "offset": 0, "size": 5})
        self.assertGreaterEqual(time.monotonic() - t0, 0.4)
        self.assertEqual(json.loads(data)["errcode"], 0)

    def test_request_log_over_http(self):
        tok = self.token()
        self.request("POST", f"{QOJ}?access_token={tok}", {"status_list": "3", "offset": 0, "size": 5})
        log = json.loads(self.request("GET", "/_sim/requests")[1])
        self.assertEqual([e["endpoint"] for e in log], ["gettoken", "queryonjob"])
        self.assertEqual(log[1]["body"], {"status_list": "3", "offset": 0, "size": 5})
        self.assertEqual(log[1]["headers"]["content-type"], "application/json; charset=utf-8")

    def test_zz_sigterm_exits_zero_and_logs(self):
        self.token()
        self.conn.close()
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=10), 0)
        err = self.proc.stderr.read()
        self.assertIn("GET /gettoken -> 200", err)
        self.assertNotIn("appsecret", err)                   # query (secret) not logged


class Quiet(unittest.TestCase):
    """--quiet and --utc-offset on the command line."""

    def test_quiet_and_bad_args(self):
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "wfsim.py"), "--quiet",
                                 "--utc-offset", "-05:00", "--token-ttl", "2.5"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
        try:
            port = read_ready(proc)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/gettoken?appkey=dingsimkey&appsecret=dingsimsecret")
            self.assertEqual(json.loads(conn.getresponse().read())["expires_in"], 2)
            conn.request("GET", "/_sim/truth")
            self.assertEqual(json.loads(conn.getresponse().read())["utc_offset"], "-05:00")
            conn.close()
        finally:
            proc.send_signal(signal.SIGINT)
            self.assertEqual(proc.wait(timeout=10), 0)
            self.assertEqual(proc.stderr.read(), "")
            proc.stdout.close()
            proc.stderr.close()
        bad = subprocess.run([sys.executable, os.path.join(HERE, "wfsim.py"), "--app", "nocolon"],
                             capture_output=True, text=True, timeout=10)
        self.assertEqual(bad.returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=1)
