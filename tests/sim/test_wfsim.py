#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Self-test of the DingTalk and Feishu simulator wfsim.py (standard library unittest).

Most tests drive a Simulator in-process with a fake clock (fast and
independent of the real date); the HTTPServer tests start wfsim.py as a
process and talk HTTP/1.1 to it.  Run: python3 tests/sim/test_wfsim.py
"""

import collections
import datetime as dt
import hashlib
import http.client
import json
import math
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from decimal import Decimal
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
LR = "/attendance/listRecord"
CKR = "/topapi/checkin/record/get"
FTOK = "/open-apis/auth/v3/tenant_access_token/internal"
UT = "/open-apis/attendance/v1/user_tasks/query"
TODAY_FROM, TODAY_TO = "2024-05-15 00:00:00", "2024-05-15 23:59:59"
VT = "/topapi/attendance/vacation/type/list"
VR = "/topapi/attendance/vacation/record/list"
RU = "/topapi/report/getunreadcount"
RL = "/topapi/report/simplelist"
BL = "/topapi/blackboard/listids"
BG = "/topapi/blackboard/get"
LEX = "/open-apis/attendance/v1/leave_employ_expire_records/"
RT = "/topapi/report/template/listbyuserid"
COUNTED_NEW = (VT, VR, RU, RL, BL, BG, RT)
LEAVE_NAMES = ["年假", "事假", "病假", "调休", "Remote Work"]
UUID_RE = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


def ms(t):
    """Epoch seconds to integer epoch milliseconds."""
    return int(round(t * 1000))


def count_checks(records):
    """Hand count of listRecord records: (checkins, locations, abnormal records, abnormal users)."""
    checkins, locations, abnormal = {}, {}, []
    for r in records:
        checkins[r["timeResult"].lower()] = checkins.get(r["timeResult"].lower(), 0) + 1
        locations[r["locationResult"].lower()] = locations.get(r["locationResult"].lower(), 0) + 1
        if r["timeResult"] != "Normal" or r["locationResult"] not in ("Normal", "NotSigned"):
            abnormal.append(r)
    return checkins, locations, len(abnormal), len({r["userId"] for r in abnormal})


def count_tasks(results):
    """Hand count of user_task_results: (checkins, abnormal check-ins, abnormal users)."""
    checkins, abnormal, users = {}, 0, set()
    for res in results:
        for rec in res["records"]:
            for result in (rec["check_in_result"], rec["check_out_result"]):
                checkins[result.lower()] = checkins.get(result.lower(), 0) + 1
                if result not in ("Normal", "NoNeedCheck", "Todo", "SystemCheck"):
                    abnormal += 1
                    users.add(res["user_id"])
    return checkins, abnormal, len(users)


def nonzero(counts):
    """The counts without zero entries."""
    return {k: v for k, v in counts.items() if v}


def count_leaves(records, types, now_ms):
    """Hand count of vacation records: ({name: employees on approved leave now}, {name: pending requests})."""
    names = {t["leave_code"]: t["leave_name"] for t in types}
    on_leave, pending = {n: set() for n in names.values()}, {n: 0 for n in names.values()}
    for r in records:
        if r["leave_record_type"] != "leave":
            continue
        name = names[r["leave_code"]]
        if r["leave_status"] == "success" and r["start_time"] <= now_ms <= r["end_time"]:
            on_leave[name].add(r["userid"])
        pending[name] += r["leave_status"] == "init"
    return {n: len(u) for n, u in on_leave.items()}, pending


def spans_now(r, now_ms):
    """Whether a vacation record's [start_time, end_time] contains now_ms."""
    return r["start_time"] <= now_ms <= r["end_time"]


def sum_grants(records, today, window):
    """Hand sum of left_granting_quantity per '<type>-days'/'<type>-hours' expiring in [today, today + window]."""
    sums = {}
    last = today + dt.timedelta(days=window)
    for r in records:
        key = f"{r['leave_type_id']}-{'days' if r['granting_unit'] == 1 else 'hours'}"
        if today <= dt.date.fromisoformat(r["expiration_date"]) <= last:
            sums[key] = sums.get(key, Decimal(0)) + Decimal(r["left_granting_quantity"])
    return sums


def decimal_map(truth_sums):
    """Truth decimal strings as Decimals, zeros dropped."""
    return {k: Decimal(v) for k, v in truth_sums.items() if Decimal(v)}


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

    def list_record(self, tok, body):
        """POST attendance/listRecord."""
        return self.call("POST", f"{LR}?access_token={tok}", body=body)

    def records(self, tok, users, date_from=TODAY_FROM, date_to=TODAY_TO, batch=50):
        """listRecord over users in batches; returns (records, calls)."""
        records, calls = [], 0
        for i in range(0, len(users), batch):
            status, obj, _ = self.list_record(tok, {"userIds": users[i:i + batch], "checkDateFrom": date_from,
                                                    "checkDateTo": date_to, "isI18n": False})
            assert status == 200 and obj["errcode"] == 0, obj
            records += obj["recordresult"]
            calls += 1
            self.clock.advance(0.06)
        return records, calls

    def checkin(self, tok, body):
        """POST topapi/checkin/record/get."""
        return self.call("POST", f"{CKR}?access_token={tok}", body=body)

    def signins(self, tok, users, start_ms, end_ms, size=100):
        """checkin/record/get over users in batches of 10, every page; returns (records, calls)."""
        records, calls = [], 0
        for i in range(0, len(users), 10):
            cursor = 0
            while True:
                status, obj, _ = self.checkin(tok, {"userid_list": ",".join(users[i:i + 10]), "start_time": start_ms,
                                                    "end_time": end_ms, "cursor": cursor, "size": size})
                assert status == 200 and obj["errcode"] == 0, obj
                records += obj["result"]["page_list"]
                calls += 1
                self.clock.advance(0.06)
                if "next_cursor" not in obj["result"]:
                    break
                cursor = obj["result"]["next_cursor"]
        return records, calls

    def ftoken(self, app_id="cli_simapp", secret="feishusimsecret"):
        """Fetch a Feishu tenant token, asserting success."""
        status, obj, _ = self.call("POST", FTOK, body={"app_id": app_id, "app_secret": secret})
        assert status == 200 and obj["code"] == 0, obj
        return obj["tenant_access_token"]

    def tasks(self, tok, body, employee_type="employee_id"):
        """POST user_tasks/query."""
        qs = "" if employee_type is None else f"?employee_type={employee_type}"
        return self.call("POST", f"{UT}{qs}", headers={"Authorization": f"Bearer {tok}"}, body=body)

    def all_tasks(self, tok, users, day=20240515, batch=50):
        """user_tasks/query over users in batches for one day; returns the results."""
        results = []
        for i in range(0, len(users), batch):
            status, obj, _ = self.tasks(tok, {"user_ids": users[i:i + batch], "check_date_from": day,
                                              "check_date_to": day})
            assert status == 200 and obj["code"] == 0, obj
            results += obj["data"]["user_task_results"]
            self.clock.advance(0.03)
        return results

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


class OrgClient(Client):
    """Client with helpers for the leave, report and announcement endpoints."""

    def post(self, path, tok, body):
        """POST an oapi endpoint with ?access_token=."""
        return self.call("POST", f"{path}?access_token={tok}", body=body)

    def leave_types(self, tok, op="manager01"):
        """vacation/type/list, asserting success."""
        status, obj, _ = self.post(VT, tok, {"op_userid": op, "vacation_source": "all"})
        assert status == 200 and obj["errcode"] == 0, obj
        return obj["result"]

    def vacation(self, tok, users, code, size=200, assume_full=False):
        """vacation/record/list over users in batches of 50, every page; returns (records, calls).

        The next offset is the previous one plus the records returned (the
        platform returns at most 50 a call whatever size asks).  assume_full
        makes it the wrong client that goes on at offset + size; then the
        answers are not asserted and it stops at the first error.
        """
        records, calls = [], 0
        for i in range(0, len(users), 50):
            offset = 0
            while True:
                status, obj, _ = self.post(VR, tok, {"op_userid": "manager01", "leave_code": code,
                                                     "userids": ",".join(users[i:i + 50]), "offset": offset,
                                                     "size": size})
                calls += 1
                self.clock.advance(0.06)
                if assume_full and obj["errcode"] != 0:
                    return records, calls
                assert status == 200 and obj["errcode"] == 0, obj
                page = obj["result"]["leave_records"]
                records += page
                if not obj["result"]["has_more"]:
                    break
                offset += size if assume_full else len(page)
        return records, calls

    def all_vacation(self, tok, users, size=200):
        """Every type's vacation records of users; returns (types, records)."""
        types = self.leave_types(tok)
        return types, [r for t in types for r in self.vacation(tok, users, t["leave_code"], size)[0]]

    def reports(self, tok, start_ms, end_ms, size=20, **filters):
        """report/simplelist, every page; returns (reports, calls)."""
        records, cursor, calls = [], 0, 0
        while True:
            status, obj, _ = self.post(RL, tok, {"start_time": start_ms, "end_time": end_ms, "cursor": cursor,
                                                 "size": size, **filters})
            assert status == 200 and obj["errcode"] == 0, obj
            res = obj["result"]
            assert res["size"] == size and len(res["data_list"]) <= size, res
            records += res["data_list"]
            calls += 1
            self.clock.advance(0.06)
            if not res["has_more"]:
                assert "next_cursor" not in res, res
                return records, calls
            cursor = res["next_cursor"]

    def board_ids(self, tok, size=30, **query):
        """blackboard/listids, page by page until a short page; returns (ids, pages)."""
        ids, page = [], 1
        while True:
            status, obj, _ = self.post(BL, tok, {"query_request": {"operation_userid": "manager01",
                                                                   "page_size": size, "page": page, **query}})
            assert status == 200 and obj["errcode"] == 0, obj
            ids += obj["result"]
            self.clock.advance(0.06)
            if len(obj["result"]) < size:
                return ids, page
            page += 1

    def board(self, tok, bid):
        """blackboard/get, asserting success."""
        status, obj, _ = self.post(BG, tok, {"blackboard_id": bid, "operation_userid": "manager01"})
        assert status == 200 and obj["errcode"] == 0, obj
        self.clock.advance(0.06)
        return obj["result"]

    def expiry(self, tok, leave_id, body, user_id_type="people_corehr_id"):
        """GET leave_employ_expire_records/:leave_id with a JSON body."""
        qs = "" if user_id_type is None else f"?user_id_type={user_id_type}"
        return self.call("GET", f"{LEX}{leave_id}{qs}", headers={"Authorization": f"Bearer {tok}"}, body=body)


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


class OrgTest(unittest.TestCase):
    """The tests of a DingTalk organisation of 200 employees: self.c its client, self.tok a token."""

    def setUp(self):
        self.c = OrgClient(employees=200)
        self.tok = self.c.token()


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


class ListRecord(unittest.TestCase):
    """/attendance/listRecord and the attendance truth."""

    def test_record_shape_and_time_fields(self):
        c = Client(employees=60)
        status, obj, _ = c.list_record(c.token(), {"userIds": ["u00001", "u00002"], "checkDateFrom": TODAY_FROM,
                                                   "checkDateTo": TODAY_TO, "isI18n": False})
        self.assertEqual((status, obj["errcode"], obj["errmsg"]), (200, 0, "ok"))
        self.assertEqual(set(obj), {"errcode", "errmsg", "recordresult"})
        self.assertTrue(obj["recordresult"])
        for r in obj["recordresult"]:
            self.assertIn(r["userId"], ("u00001", "u00002"))
            self.assertIn(r["checkType"], ("OnDuty", "OffDuty"))
            self.assertIn(r["timeResult"], wfsim.TIME_RESULTS)
            self.assertIn(r["locationResult"], wfsim.LOCATION_RESULTS)
            self.assertIn(r["isLegal"], ("Y", "N"))
            for key in ("userCheckTime", "baseCheckTime", "planCheckTime", "workDate"):
                self.assertIsInstance(r[key], int, key)
            self.assertEqual(r["workDate"], ms(TODAY0))
            self.assertLessEqual(r["userCheckTime"], ms(START))
            if r["locationResult"] != "NotSigned":
                self.assertRegex(r["userAddress"], r"^[\u4e00-\u9fff]+\d+号\d+幢\d+室$")
                self.assertRegex(r["deviceId"], r"^[0-9a-f]{32}$")
                self.assertRegex(r["userLatitude"], r"^\d+\.\d{6}$")
        self.assertEqual(c.rules(), [])

    def test_user_ids_as_array_or_json_string(self):
        c = Client(employees=60)
        tok = c.token()
        base = {"checkDateFrom": TODAY_FROM, "checkDateTo": TODAY_TO}
        a = c.list_record(tok, {**base, "userIds": ["u00003", "u00004", "u00003"]})[1]["recordresult"]
        b = c.list_record(tok, {**base, "userIds": '["u00003","u00004"]', "isI18n": "false"})[1]["recordresult"]
        self.assertEqual(a, b)
        self.assertEqual(c.list_record(tok, {**base, "userIds": ["nobody"]})[1]["recordresult"], [])
        self.assertEqual(c.rules(), [])

    def test_parameter_errors(self):
        c = Client(employees=60)
        tok = c.token()
        ok = {"userIds": ["u00001"], "checkDateFrom": TODAY_FROM, "checkDateTo": TODAY_TO}
        many = [f"u{i:05d}" for i in range(1, 52)]
        cases = [({"checkDateFrom": TODAY_FROM, "checkDateTo": TODAY_TO}, "userIds"),
                 ({**ok, "userIds": []}, "userIds"),
                 ({**ok, "userIds": "[]"}, "userIds"),
                 ({**ok, "userIds": many}, "userIds"),
                 ({**ok, "userIds": json.dumps(many)}, "userIds"),
                 ({**ok, "userIds": "u00001,u00002"}, "userIds"),
                 ({**ok, "userIds": [1, 2]}, "userIds"),
                 ({**ok, "checkDateFrom": None}, "checkDateFrom"),
                 ({**ok, "checkDateFrom": "2024-05-15"}, "checkDateFrom"),
                 ({**ok, "checkDateFrom": "2024-05-15T00:00:00"}, "checkDateFrom"),
                 ({**ok, "checkDateFrom": "2024-02-30 00:00:00"}, "checkDateFrom"),
                 ({**ok, "checkDateTo": 1715702400000}, "checkDateTo"),
                 ({**ok, "checkDateTo": "2024-05-14 23:59:59"}, "checkDateTo"),
                 ({**ok, "checkDateFrom": "2024-05-08 00:00:00", "checkDateTo": "2024-05-15 00:00:01"}, "span"),
                 ({**ok, "checkDateFrom": "2023-11-16 23:59:59", "checkDateTo": "2023-11-17 00:00:00"}, "history"),
                 ({**ok, "isI18n": "yes"}, "isI18n"),
                 ("not json", "body")]
        for body, rule in cases:
            c.sim.violations.clear()
            status, obj, _ = c.call("POST", f"{LR}?access_token={tok}",
                                    body=body.encode() if isinstance(body, str) else body)
            self.assertEqual((status, obj["errcode"]), (200, 40035), body)
            self.assertEqual(c.rules(), [rule], body)
            c.clock.advance(0.06)
        c.sim.violations.clear()
        for date_from, date_to in (("2024-05-08 00:00:00", "2024-05-15 00:00:00"),      # exactly 7 days
                                   ("2023-11-17 00:00:00", "2023-11-17 23:59:59")):     # 180 days ago
            body = {**ok, "checkDateFrom": date_from, "checkDateTo": date_to}
            self.assertEqual(c.list_record(tok, body)[1]["errcode"], 0)
        self.assertEqual(c.list_record(tok, {**ok, "userIds": many[:50]})[1]["errcode"], 0)
        self.assertEqual(c.rules(), [])

    def test_window_and_seven_days(self):
        c = Client(employees=60)
        tok = c.token()
        users = ["u00001", "u00002", "u00003"]
        week, _ = c.records(tok, users, "2024-05-08 00:00:00", "2024-05-15 00:00:00")
        days = {r["workDate"] for r in week}
        self.assertEqual(days, {ms(TODAY0 - k * 86400) for k in range(7)})   # the last 7 days only
        self.assertEqual(sum(r["workDate"] < ms(TODAY0) for r in week), 6 * 2 * 3)   # OnDuty+OffDuty, 6 days
        yesterday, _ = c.records(tok, users, "2024-05-14 00:00:00", "2024-05-14 23:59:59")
        self.assertEqual({r["workDate"] for r in yesterday}, {ms(TODAY0 - 86400)})
        later, _ = c.records(tok, users, "2024-05-14 00:00:01", "2024-05-14 23:59:59")
        self.assertEqual(later, [])                       # workDate is the day's midnight
        today, _ = c.records(tok, users)
        self.assertTrue(all(r["checkType"] == "OnDuty" for r in today))   # 10:00: no OffDuty yet
        self.assertTrue(all(r["userCheckTime"] <= ms(START) for r in week))

    def test_truth_matches_hand_count(self):
        c = Client(employees=200)
        tok = c.token()
        truth = c.sim.truth()
        records, calls = c.records(tok, truth["employees"])
        self.assertEqual(calls, 4)
        checkins, locations, abnormal, abnormal_users = count_checks(records)
        self.assertEqual(nonzero(truth["checkins"]), checkins)
        self.assertEqual(set(truth["checkins"]), {r.lower() for r in wfsim.TIME_RESULTS})
        self.assertEqual(nonzero(truth["checkin_locations"]), locations)
        self.assertEqual(set(truth["checkin_locations"]), {"normal", "outside", "notsigned"})
        self.assertEqual((truth["abnormal_checkins"], truth["abnormal_employees"]), (abnormal, abnormal_users))
        self.assertGreater(truth["checkins"]["normal"], 0.7 * sum(truth["checkins"].values()))
        personal = set(truth["personal"])
        for r in records:
            if r["locationResult"] != "NotSigned":
                self.assertIn(r["userAddress"], personal)
                self.assertIn(r["deviceId"], personal)
            if "outsideRemark" in r:
                self.assertIn(r["outsideRemark"], personal)
        self.assertEqual(c.rules(), [])

    def test_truth_for_some_users_and_other_offset(self):
        c = Client(employees=120)
        tok = c.token()
        users = ["u00005", "u00017", "u00099"]
        truth = c.sim.truth(userids=",".join(users))
        checkins, locations, abnormal, _ = count_checks(c.records(tok, users)[0])
        self.assertEqual((nonzero(truth["checkins"]), truth["abnormal_checkins"]), (checkins, abnormal))
        over_http = c.control("GET", "/_sim/truth?userids=u00005,u00017,u00099")[1]
        self.assertEqual(over_http["checkins"], truth["checkins"])
        # workDate is the organisation's (+08:00) midnight 2024-05-14T16:00Z: inside "today" at +09:00
        # and at -12:00, not at +00:00 (today there is 2024-05-15T00:00Z..)
        here = c.sim.truth()
        for offset in ("+09:00", "-12:00"):
            self.assertEqual(c.sim.truth(utc_offset=offset)["checkins"], here["checkins"], offset)
        self.assertEqual(sum(c.sim.truth(utc_offset="+00:00")["checkins"].values()), 0)
        self.assertEqual(c.sim.truth(utc_offset="+00:00")["signins_today"],
                         len(c.signins(tok, here["employees"], ms(TODAY0 + 8 * 3600), ms(START))[0]))

    def test_thousand_employees_take_twenty_calls(self):
        c = Client(employees=1000)
        tok = c.token()
        c.control("POST", "/_sim/requests/clear")
        truth = c.sim.truth()
        records, calls = c.records(tok, truth["employees"])
        log = [e for e in c.control("GET", "/_sim/requests")[1] if e["endpoint"] == "listRecord"]
        self.assertEqual((calls, len(log)), (20, 20))
        self.assertTrue(all(len(e["body"]["userIds"]) == 50 for e in log))
        self.assertEqual(nonzero(truth["checkins"]), count_checks(records)[0])
        self.assertEqual(c.sim.truth()["quota_used"], 20)
        self.assertEqual(c.rules(), [])

    def test_every_result_today_at_any_hour(self):
        for seed, hour in [(1, h) for h in (0.01, 2, 8.99, 10, 17.5, 20, 23.99)] + [(2, 3), (7, 12), (9, 22)]:
            c = Client(start=TODAY0 + hour * 3600, employees=50, seed=seed)
            truth = c.sim.truth()
            self.assertTrue(all(truth["checkins"].values()), (hour, truth["checkins"]))
            self.assertTrue(all(truth["checkin_locations"].values()), (hour, truth["checkin_locations"]))
            self.assertGreater(truth["signins_today"], 0, hour)
            feishu = c.sim.truth(platform="feishu")["checkins"]
            self.assertTrue(all(feishu[k] for k in wfsim.FEISHU_FIXED), (hour, feishu))
            self.assertGreater(feishu.get("systemcheck", 0), 0, hour)
            records, _ = c.records(c.token(), truth["employees"], "2024-05-09 00:00:00", TODAY_TO)
            self.assertTrue(all(r["userCheckTime"] <= ms(c.clock()) for r in records), hour)
            self.assertEqual(any(r["checkType"] == "OffDuty" and r["workDate"] == ms(TODAY0) for r in records),
                             hour >= 17, hour)

    def test_days_roll_over_and_nothing_is_ever_in_the_future(self):
        c = Client(employees=60)
        before = c.sim.truth()["checkins"]
        for step in (3600, 6 * 3600, 8 * 3600, 3600):          # 11:00, 17:00, 01:00 next day, 02:00
            c.clock.advance(step)
            now_ms = ms(c.clock())
            records, _ = c.records(c.token(), c.sim.truth()["employees"], "2024-05-10 00:00:00",
                                   "2024-05-16 23:59:59")
            self.assertTrue(all(r["userCheckTime"] <= now_ms for r in records))
        self.assertNotEqual(c.sim.truth()["checkins"], before)
        self.assertTrue(all(c.sim.truth()["checkins"].values()))
        self.assertEqual(c.sim.truth()["utc_offset"], "+08:00")

    def test_odd_results(self):
        c = Client(employees=60, odd_results=True)
        truth = c.sim.truth()
        self.assertGreaterEqual(truth["checkins"]["overtime"], 1)
        self.assertGreaterEqual(truth["checkin_locations"]["remote"], 1)
        records, _ = c.records(c.token(), truth["employees"])
        checkins, locations, abnormal, users = count_checks(records)
        self.assertEqual((checkins["overtime"], locations["remote"]), (1, 1))
        self.assertEqual((truth["abnormal_checkins"], truth["abnormal_employees"]), (abnormal, users))
        plain = Client(employees=60).sim.truth()
        self.assertEqual(truth["abnormal_checkins"], plain["abnormal_checkins"] + 2)
        self.assertNotIn("overtime", plain["checkins"])
        c2 = Client(employees=60)
        c2.control("POST", "/_sim/config", {"odd_results": True})
        self.assertEqual(c2.sim.truth()["checkins"], truth["checkins"])

    def test_deterministic_and_stable_under_additions(self):
        a, b = Client(employees=80).sim, Client(employees=80).sim
        self.assertEqual(a.truth(), b.truth())
        self.assertNotEqual(a.truth()["checkins"], Client(employees=80, seed=5).sim.truth()["checkins"])
        users = ",".join(a.truth()["employees"])
        before = a.truth(userids=users)["checkins"]
        a.mutate({"add_employees": {"count": 3}})
        self.assertEqual(a.truth(userids=users)["checkins"], before)


class CheckinRecord(unittest.TestCase):
    """/topapi/checkin/record/get and signins_today."""

    def test_shape_paging_and_truth(self):
        c = Client(employees=200)
        tok = c.token()
        truth = c.sim.truth()
        records, calls = c.signins(tok, truth["employees"], ms(TODAY0), ms(TODAY0 + 86400) - 1)
        self.assertEqual(calls, 20)
        self.assertEqual(len(records), truth["signins_today"])
        self.assertGreaterEqual(len({r["userid"] for r in records}), 25)       # ~15 % of 200
        self.assertGreater(len(records), len({r["userid"] for r in records}))  # some sign in twice or more
        small, _ = c.signins(tok, truth["employees"], ms(TODAY0), ms(TODAY0 + 86400) - 1, size=2)
        self.assertEqual(small, records)
        personal = set(truth["personal"])
        for r in records:
            self.assertTrue(ms(TODAY0) <= r["checkin_time"] <= ms(START))
            self.assertTrue({"checkin_time", "userid", "place", "detail_place", "remark", "visit_user",
                             "latitude", "longitude"} <= set(r), r)
            for key in ("place", "detail_place", "remark", "visit_user"):
                self.assertIn(r[key], personal)
        self.assertTrue(any("image_list" in r for r in records))
        self.assertTrue(any("image_list" not in r for r in records))
        month, _ = c.signins(tok, truth["employees"], ms(TODAY0 - 30 * 86400), ms(START))
        self.assertGreater(len(month), len(records))                            # a few on earlier days
        self.assertEqual(c.rules(), [])

    def test_page_shape(self):
        c = Client(employees=200)
        tok = c.token()
        users = [r["userid"] for r in c.sim.orgs["k1"].signin_plan(TODAY0, c.sim.started)][:10]
        users = list(dict.fromkeys(users))
        obj = c.checkin(tok, {"userid_list": users, "start_time": ms(TODAY0), "end_time": ms(START),
                              "cursor": 0, "size": 1})[1]
        self.assertEqual((obj["errcode"], obj["result"]["next_cursor"], len(obj["result"]["page_list"])), (0, 1, 1))
        self.assertIn("request_id", obj)
        times = [r["checkin_time"] for r in c.signins(tok, users, ms(TODAY0), ms(START))[0]]
        self.assertEqual(times, sorted(times))
        self.assertEqual(c.rules(), [])

    def test_time_range_is_inclusive(self):
        c = Client(employees=200)
        tok = c.token()
        rec = c.sim.orgs["k1"].signin_plan(TODAY0, c.sim.started)[3]
        body = {"userid_list": rec["userid"], "cursor": 0, "size": 100}
        hit = c.checkin(tok, {**body, "start_time": rec["checkin_time"], "end_time": rec["checkin_time"]})[1]
        self.assertIn(rec, hit["result"]["page_list"])
        miss = c.checkin(tok, {**body, "start_time": rec["checkin_time"] + 1, "end_time": ms(START)})[1]
        self.assertNotIn(rec, miss["result"]["page_list"])

    def test_parameter_errors(self):
        c = Client(employees=60)
        tok = c.token()
        ok = {"userid_list": "u00001,u00002", "start_time": ms(TODAY0), "end_time": ms(START), "cursor": 0, "size": 100}
        eleven = ",".join(f"u{i:05d}" for i in range(1, 12))
        cases = [({**ok, "userid_list": ""}, "userid_list"),
                 ({**ok, "userid_list": []}, "userid_list"),
                 ({**ok, "userid_list": eleven}, "userid_list"),
                 ({**ok, "userid_list": eleven.split(",")}, "userid_list"),
                 ({k: v for k, v in ok.items() if k != "userid_list"}, "userid_list"),
                 ({**ok, "size": 0}, "size"),
                 ({**ok, "size": 101}, "size"),
                 ({k: v for k, v in ok.items() if k != "size"}, "size"),
                 ({k: v for k, v in ok.items() if k != "start_time"}, "start_time"),
                 ({k: v for k, v in ok.items() if k != "end_time"}, "end_time"),
                 ({**ok, "end_time": ms(TODAY0) - 1}, "end_time"),
                 ({**ok, "start_time": ms(START - 45 * 86400) - 1}, "span"),
                 ({**ok, "cursor": 7}, "cursor"),
                 ({k: v for k, v in ok.items() if k != "cursor"}, "cursor")]
        for body, rule in cases:
            c.sim.violations.clear()
            status, obj, _ = c.checkin(tok, body)
            self.assertEqual((status, obj["errcode"]), (200, 40035), body)
            self.assertEqual(c.rules(), [rule], body)
            c.clock.advance(0.06)
        c.sim.violations.clear()
        for body in ({**ok, "start_time": ms(START - 45 * 86400)},
                     {**ok, "userid_list": eleven.split(",")[:10], "size": "1"}):
            self.assertEqual(c.checkin(tok, body)[1]["errcode"], 0)
        self.assertEqual(c.rules(), [])


class Quota(unittest.TestCase):
    """The monthly call quota of attendance and check-in calls."""

    LR_BODY = {"userIds": ["u00001"], "checkDateFrom": TODAY_FROM, "checkDateTo": TODAY_TO}
    CK_BODY = {"userid_list": "u00001", "start_time": ms(TODAY0), "end_time": ms(START), "cursor": 0, "size": 10}

    def test_only_counted_endpoints_count(self):
        c = Client()
        tok = c.token()
        c.onjob(tok, {"status_list": "3", "offset": 0, "size": 5})
        c.call("POST", f"{QPE}?access_token={tok}", body={"offset": 0, "size": 5})
        c.leave(tok, startTime=iso(TODAY0))
        c.ftoken()
        self.assertEqual(c.sim.truth()["quota_used"], 0)
        c.list_record(tok, self.LR_BODY)
        c.checkin(tok, self.CK_BODY)
        c.list_record(tok, {**self.LR_BODY, "userIds": []})          # refused: not counted
        c.list_record("bogus", self.LR_BODY)                          # bad token: not counted
        self.assertEqual(c.sim.truth()["quota_used"], 2)
        self.assertEqual(c.control("GET", "/_sim/config")[1]["quota_used"], {"k1": 2})
        self.assertEqual({p for p, r in wfsim.ROUTES.items() if r.counted}, {LR, CKR, *COUNTED_NEW})

    def test_used_up_quota_answers_90020(self):
        c = Client(monthly_quota=3)
        tok = c.token()
        codes = [c.list_record(tok, self.LR_BODY)[1]["errcode"] for _ in range(3)]
        status, obj, _ = c.list_record(tok, self.LR_BODY)
        self.assertEqual((codes, status, obj["errcode"], obj["errmsg"]), ([0, 0, 0], 200, 90020, "该企业本月调用量已达上限"))
        self.assertNotIn("recordresult", obj)
        self.assertEqual(c.checkin(tok, self.CK_BODY)[1]["errcode"], 90020)
        self.assertEqual(c.onjob(tok, {"status_list": "3", "offset": 0, "size": 5})[1]["errcode"], 0)
        self.assertEqual(c.sim.truth()["quota_used"], 3)                # the 90020 answers do not count
        self.assertEqual([e["errcode"] for e in c.sim.requests if e["endpoint"] == "checkinRecord"], [90020])
        self.assertEqual(c.rules(), [])
        c.control("POST", "/_sim/config", {"monthly_quota": 0})            # unlimited
        self.assertEqual(c.list_record(tok, self.LR_BODY)[1]["errcode"], 0)
        self.assertEqual(c.sim.truth()["quota_used"], 4)

    def test_set_counter_and_month_turn(self):
        month_end = dt.datetime(2024, 5, 31, 23, 59, 0, tzinfo=CST).timestamp()
        c = Client(start=month_end)
        tok = c.token()
        obj = c.control("POST", "/_sim/config", {"quota_used": 4999})[1]
        self.assertEqual((obj["quota_used"], obj["monthly_quota"]), ({"k1": 4999}, 5000))
        self.assertEqual(c.list_record(tok, self.LR_BODY)[1]["errcode"], 0)
        self.assertEqual(c.list_record(tok, self.LR_BODY)[1]["errcode"], 90020)
        self.assertEqual(c.sim.truth()["quota_used"], 5000)
        c.clock.advance(61)                                                 # 2024-06-01 00:00:01 +08:00
        self.assertEqual(c.sim.truth()["quota_used"], 0)
        body = {**self.LR_BODY, "checkDateFrom": "2024-06-01 00:00:00", "checkDateTo": "2024-06-01 23:59:59"}
        self.assertEqual(c.list_record(tok, body)[1]["errcode"], 0)
        self.assertEqual(c.sim.truth()["quota_used"], 1)

    def test_counter_per_app_and_reset(self):
        c = Client(apps=[("k1", "s1"), ("k2", "s2")])
        c.control("POST", "/_sim/config", {"quota_used": 7, "appkey": "k2"})
        self.assertEqual((c.sim.truth("k1")["quota_used"], c.sim.truth("k2")["quota_used"]), (0, 7))
        c.control("POST", "/_sim/config", {"quota_used": 9})
        self.assertEqual(c.control("GET", "/_sim/config")[1]["quota_used"], {"k1": 9, "k2": 9})
        c.control("POST", "/_sim/reset")
        self.assertEqual(c.sim.truth("k2")["quota_used"], 0)
        for bad in ({"quota_used": -1}, {"monthly_quota": "many"}, {"appkey": "k1"},
                    {"quota_used": 1, "appkey": "zz"}, {"odd_results": 1}):
            self.assertEqual(c.control("POST", "/_sim/config", bad)[0], 400, bad)


class AttendanceMutations(unittest.TestCase):
    """add_checkin and add_signin."""

    def test_add_checkin_moves_the_truth(self):
        c = Client(employees=60)
        tok = c.token()
        records, _ = c.records(tok, c.sim.truth()["employees"])
        abnormal = {r["userId"] for r in records if r["timeResult"] != "Normal" or r["locationResult"] == "Outside"}
        uid = next(u for u in c.sim.truth()["employees"] if u not in abnormal)
        before = c.sim.truth()
        obj = c.control("POST", "/_sim/mutate", {"add_checkin": {"userid": uid, "timeResult": "Late",
                                                                 "locationResult": "Outside"}})[1]
        self.assertEqual(len(obj["added_checkins"]), 1)
        after = c.sim.truth()
        self.assertEqual(after["checkins"]["late"], before["checkins"]["late"] + 1)
        self.assertEqual(after["checkin_locations"]["outside"], before["checkin_locations"]["outside"] + 1)
        self.assertEqual(after["abnormal_checkins"], before["abnormal_checkins"] + 1)
        self.assertEqual(after["abnormal_employees"], before["abnormal_employees"] + 1)
        mine = c.list_record(tok, {"userIds": [uid], "checkDateFrom": TODAY_FROM, "checkDateTo": TODAY_TO})[1]
        added = [r for r in mine["recordresult"] if r["id"] == obj["added_checkins"][0]]
        self.assertEqual(len(added), 1)
        self.assertEqual((added[0]["userCheckTime"], added[0]["workDate"]), (ms(START - 2), ms(TODAY0)))
        c.control("POST", "/_sim/mutate", {"add_checkin": {"userid": uid, "timeResult": "Rushed"}})
        self.assertEqual(c.sim.truth()["checkins"]["rushed"], 1)
        self.assertEqual(c.sim.truth()["abnormal_checkins"], before["abnormal_checkins"] + 2)
        for bad in ({"userid": "u99999"}, {"userid": uid, "checkType": "Lunch"}):
            self.assertEqual(c.control("POST", "/_sim/mutate", {"add_checkin": bad})[0], 400)

    def test_add_signin_moves_the_truth(self):
        c = Client(employees=60)
        tok = c.token()
        before = c.sim.truth()["signins_today"]
        c.control("POST", "/_sim/mutate", {"add_signin": {"userid": "u00002", "count": 2}})
        truth = c.sim.truth()
        self.assertEqual(truth["signins_today"], before + 2)
        mine = c.checkin(tok, {"userid_list": "u00002", "start_time": ms(START - 2), "end_time": ms(START),
                               "cursor": 0, "size": 10})[1]["result"]["page_list"]
        self.assertEqual([r["checkin_time"] for r in mine], [ms(START - 2)] * 2)
        self.assertIn(mine[0]["detail_place"], truth["personal"])
        self.assertEqual(c.control("POST", "/_sim/mutate", {"add_signin": {"userid": "x"}})[0], 400)

    def test_removed_employee_has_no_generated_records(self):
        c = Client(employees=60)
        c.control("POST", "/_sim/mutate", {"remove_employee": "u00001"})
        tok = c.token()
        self.assertEqual(c.list_record(tok, {"userIds": ["u00001"], "checkDateFrom": TODAY_FROM,
                                             "checkDateTo": TODAY_TO})[1]["recordresult"], [])


class FeishuTokens(unittest.TestCase):
    """tenant_access_token/internal and the Bearer check."""

    def test_shape(self):
        c = Client()
        status, obj, _ = c.call("POST", FTOK, body={"app_id": "cli_simapp", "app_secret": "feishusimsecret"})
        self.assertEqual((status, obj["code"], obj["msg"], obj["expire"]), (200, 0, "ok", 7200))
        self.assertRegex(obj["tenant_access_token"], r"^t-[0-9a-f]{40}$")
        self.assertEqual(c.sim.requests[-1]["app"], "cli_simapp")

    def test_same_token_then_new_one_near_expiry(self):
        c = Client(token_ttl=100, feishu_same_token_window=30)
        t1 = c.ftoken()
        c.clock.advance(50)
        obj = c.call("POST", FTOK, body={"app_id": "cli_simapp", "app_secret": "feishusimsecret"})[1]
        self.assertEqual((obj["tenant_access_token"], obj["expire"]), (t1, 50))
        c.clock.advance(20)                                           # 30 s left: still the same
        self.assertEqual(c.ftoken(), t1)
        c.clock.advance(1)                                            # 29 s left: a new one
        obj = c.call("POST", FTOK, body={"app_id": "cli_simapp", "app_secret": "feishusimsecret"})[1]
        t2 = obj["tenant_access_token"]
        self.assertNotEqual(t2, t1)
        self.assertEqual(obj["expire"], 100)
        body = {"user_ids": ["fe00001"], "check_date_from": 20240515, "check_date_to": 20240515}
        self.assertEqual(c.tasks(t1, body)[1]["code"], 0)             # the old one stays valid
        c.clock.advance(29)
        status, obj, _ = c.tasks(t1, body)
        self.assertEqual((status, obj["code"]), (400, 99991663))      # ... until its own expiry
        self.assertEqual(c.tasks(t2, body)[1]["code"], 0)
        c.control("POST", "/_sim/config", {"feishu_same_token_window": 1000})
        c.clock.advance(1)
        self.assertNotEqual(c.ftoken(), t2)                            # 70 s left < 1000
        self.assertEqual(c.rules(), [])

    def test_default_window_is_1800(self):
        c = Client(token_ttl=7200)
        t1 = c.ftoken()
        c.clock.advance(5400)
        self.assertEqual(c.ftoken(), t1)
        c.clock.advance(1)
        self.assertNotEqual(c.ftoken(), t1)

    def test_fetching_too_often_is_a_violation(self):
        c = Client()
        t1 = c.ftoken()
        c.clock.advance(0.5)
        self.assertEqual(c.ftoken(), t1)
        self.assertEqual(c.rules(), ["token_cache"])
        c.clock.advance(1.0)
        self.assertEqual(c.ftoken(), t1)
        self.assertEqual(c.rules(), ["token_cache"])
        c.control("POST", "/_sim/revoke_tokens")
        c.ftoken()                                                    # nothing valid held: fine
        self.assertEqual(c.rules(), ["token_cache"])

    def test_bad_credentials_and_parameters(self):
        c = Client()
        for body in ({"app_id": "cli_simapp", "app_secret": "nope"},
                     {"app_id": "cli_x", "app_secret": "feishusimsecret"}):
            status, obj, _ = c.call("POST", FTOK, body=body)
            self.assertEqual((status, obj["code"], obj["msg"]), (200, 10014, "app secret invalid"))
        self.assertEqual(c.rules(), [])
        for body, rule in (({"app_id": "cli_simapp"}, "param"), (b"{", "body")):
            c.sim.violations.clear()
            status, obj, _ = c.call("POST", FTOK, body=body)
            self.assertEqual((status, obj["code"]), (400, 10003))
            self.assertEqual(c.rules(), [rule])
        c.sim.violations.clear()
        reply = c.call("GET", FTOK)[2]
        self.assertEqual((reply.status, reply.body), (404, b"404 page not found"))
        self.assertEqual(c.rules(), ["method"])

    def test_missing_misplaced_unknown_expired(self):
        c = Client(token_ttl=10)
        tok = c.ftoken()
        body = {"user_ids": ["fe00001"], "check_date_from": 20240515, "check_date_to": 20240515}
        cases = [({}, "", 99991661, "token_missing"),
                 ({"Authorization": tok}, "", 99991661, "token_missing"),
                 ({}, f"&tenant_access_token={tok}", 99991661, "token_place"),
                 ({"Authorization": "Bearer t-bogus"}, "", 99991663, None),
                 ({"authorization": f"bearer {tok}"}, "", 0, None),
                 ({HDR: tok}, "", 99991661, "token_missing")]
        for headers, extra, code, rule in cases:
            c.sim.violations.clear()
            status, obj, _ = c.call("POST", f"{UT}?employee_type=employee_id{extra}", headers=headers, body=body)
            self.assertEqual((status, obj["code"]), (200 if code == 0 else 400, code), headers)
            self.assertEqual(c.rules(), [rule] if rule else [], headers)
        self.assertIn("Missing access token", c.call("POST", f"{UT}?employee_type=employee_id", body=body)[1]["msg"])
        dingtalk = c.token()
        self.assertEqual(c.tasks(dingtalk, body)[1]["code"], 99991663)
        self.assertEqual(c.list_record(tok, Quota.LR_BODY)[1]["errcode"], 40014)   # and the other way round
        c.clock.advance(10)
        self.assertEqual(c.tasks(tok, body)[1]["code"], 99991663)

    def test_revoke_tokens_includes_feishu(self):
        c = Client()
        c.token()
        tok = c.ftoken()
        self.assertEqual(c.control("POST", "/_sim/revoke_tokens")[1], {"revoked": 2})
        body = {"user_ids": ["fe00001"], "check_date_from": 20240515, "check_date_to": 20240515}
        self.assertEqual(c.tasks(tok, body)[1]["code"], 99991663)

    def test_apps_are_separate_organisations(self):
        c = Client(feishu_apps=[("cli_a", "sa"), ("cli_b", "sb")], employees=20)
        ta, tb = c.ftoken("cli_a", "sa"), c.ftoken("cli_b", "sb")
        a, b = c.sim.truth(platform="feishu", appid="cli_a"), c.sim.truth(platform="feishu", appid="cli_b")
        self.assertEqual(a["employees"], [f"fe{i:05d}" for i in range(1, 21)])
        self.assertEqual(a["employees"], b["employees"])
        self.assertNotEqual(a["names"], b["names"])
        self.assertEqual(c.sim.truth(platform="feishu")["appid"], "cli_a")
        res_a = c.all_tasks(ta, a["employees"])
        res_b = c.all_tasks(tb, b["employees"])
        self.assertEqual({r["employee_name"] for r in res_a}, set(a["names"]))
        self.assertNotEqual(res_a, res_b)
        self.assertEqual(c.control("GET", "/_sim/truth?platform=feishu&appid=nope")[0], 400)
        self.assertEqual(c.control("GET", "/_sim/truth?platform=wechat")[0], 400)


class FeishuUserTasks(unittest.TestCase):
    """attendance/v1/user_tasks/query and the Feishu truth."""

    def setUp(self):
        self.c = Client(employees=200)
        self.tok = self.c.ftoken()
        self.body = {"user_ids": ["fe00001", "fe00002"], "check_date_from": 20240515, "check_date_to": 20240515}

    def test_shape(self):
        status, obj, _ = self.c.tasks(self.tok, self.body)
        self.assertEqual((status, obj["code"], obj["msg"]), (200, 0, "success"))
        data = obj["data"]
        self.assertEqual((data["invalid_user_ids"], data["unauthorized_user_ids"]), ([], []))
        self.assertEqual([r["user_id"] for r in data["user_task_results"]], ["fe00001", "fe00002"])
        res = data["user_task_results"][0]
        self.assertEqual(set(res), {"result_id", "user_id", "employee_name", "day", "group_id", "shift_id", "records"})
        self.assertEqual(res["day"], 20240515)
        rec = res["records"][0]
        self.assertEqual(rec["check_in_shift_time"], str(int(TODAY0) + 9 * 3600))
        self.assertEqual(rec["check_out_shift_time"], str(int(TODAY0) + 18 * 3600))
        self.assertEqual(rec["check_out_result"] if rec["check_in_result"] != "NoNeedCheck" else "Todo", "Todo")
        self.assertEqual((rec["check_in_result_supplement"], rec["check_out_result_supplement"]), ("None", "None"))
        results = self.c.all_tasks(self.tok, self.c.sim.truth(platform="feishu")["employees"])
        with_record = [r["records"][0] for r in results if "check_in_record" in r["records"][0]]
        self.assertTrue(with_record)
        for res in results:
            rec = res["records"][0]
            self.assertIn(rec["check_in_result"], wfsim.FEISHU_RESULTS)
            self.assertIn(rec["check_out_result"], wfsim.FEISHU_RESULTS)
        for rec in with_record:
            self.assertRegex(rec["check_in_record"]["check_time"], r"^\d{10}$")
            self.assertLessEqual(int(rec["check_in_record"]["check_time"]), START)
            self.assertEqual(rec["check_in_record_id"], rec["check_in_record"]["record_id"])
        self.assertEqual(self.c.rules(), [])

    def test_truth_matches_hand_count(self):
        truth = self.c.sim.truth(platform="feishu")
        results = self.c.all_tasks(self.tok, truth["employees"])
        self.assertEqual(len(results), 200)
        checkins, abnormal, users = count_tasks(results)
        self.assertEqual(nonzero(truth["checkins"]), checkins)
        self.assertTrue(set(wfsim.FEISHU_FIXED) <= set(truth["checkins"]))
        self.assertEqual((truth["abnormal_checkins"], truth["abnormal_employees"]), (abnormal, users))
        self.assertTrue(all(truth["checkins"][k] for k in wfsim.FEISHU_FIXED))
        self.assertEqual(truth["checkins"]["todo"], sum(r["records"][0]["check_out_result"] == "Todo" for r in results)
                         + sum(r["records"][0]["check_in_result"] == "Todo" for r in results))
        self.assertEqual(set(truth["names"]), {r["employee_name"] for r in results})
        some = ["fe00003", "fe00150"]
        part = self.c.sim.truth(platform="feishu", userids=",".join(some))
        self.assertEqual(nonzero(part["checkins"]), count_tasks(self.c.all_tasks(self.tok, some))[0])

    def test_results_over_the_day(self):
        at_night = Client(start=TODAY0 + 20 * 3600, employees=200)
        tok = at_night.ftoken()
        results = at_night.all_tasks(tok, at_night.sim.truth(platform="feishu")["employees"])
        outs = {r["records"][0]["check_out_result"] for r in results}
        self.assertTrue({"Normal", "Early", "Lack"} <= outs, outs)
        self.assertTrue(all(int(r["records"][0]["check_out_record"]["check_time"]) <= at_night.clock()
                            for r in results if "check_out_record" in r["records"][0]))
        # the day after, nothing of that day is Todo any more
        at_night.clock.advance(86400)
        yesterday = at_night.all_tasks(at_night.ftoken(), at_night.sim.truth(platform="feishu")["employees"])
        self.assertEqual(len(yesterday), 200)
        old = at_night.all_tasks(at_night.ftoken(), ["fe00001", "fe00002"], day=20240515)
        self.assertFalse(any("Todo" in (r["records"][0]["check_in_result"], r["records"][0]["check_out_result"])
                             for r in old))

    def test_days_range_and_unknown_users(self):
        body = {"user_ids": ["fe00001", "nobody", "fe00002"], "check_date_from": 20240501, "check_date_to": 20240531}
        data = self.c.tasks(self.tok, body)[1]["data"]
        self.assertEqual(data["invalid_user_ids"], ["nobody"])
        days = sorted({r["day"] for r in data["user_task_results"]})
        self.assertEqual(days, list(range(20240509, 20240516)))        # the last 7 days, none in the future
        self.assertEqual(len(data["user_task_results"]), 14)
        self.assertEqual(self.c.tasks(self.tok, self.body, "employee_no")[1]["code"], 0)

    def test_unauthorized(self):
        c = Client(employees=60, feishu_unauthorized=2)
        tok = c.ftoken()
        body = {"user_ids": ["fe00001", "fe00002", "fe00003"], "check_date_from": 20240515, "check_date_to": 20240515}
        data = c.tasks(tok, body)[1]["data"]
        self.assertEqual((data["unauthorized_user_ids"], [r["user_id"] for r in data["user_task_results"]]),
                         (["fe00001", "fe00002"], ["fe00003"]))
        truth = c.sim.truth(platform="feishu")
        self.assertEqual(truth["unauthorized"], ["fe00001", "fe00002"])
        self.assertEqual(nonzero(truth["checkins"]), count_tasks(c.all_tasks(tok, truth["employees"]))[0])
        c.control("POST", "/_sim/config", {"feishu_unauthorized": 0})
        self.assertEqual(c.tasks(tok, body)[1]["data"]["unauthorized_user_ids"], [])

    def test_parameter_errors(self):
        ok = self.body
        fifty_one = [f"fe{i:05d}" for i in range(1, 52)]
        cases = [(None, ok, "employee_type"),
                 ("open_id", ok, "employee_type"),
                 ("employee_id", {k: v for k, v in ok.items() if k != "user_ids"}, "user_ids"),
                 ("employee_id", {**ok, "user_ids": []}, "user_ids"),
                 ("employee_id", {**ok, "user_ids": fifty_one}, "user_ids"),
                 ("employee_id", {**ok, "user_ids": "fe00001"}, "user_ids"),
                 ("employee_id", {**ok, "check_date_from": "20240515"}, "check_date_from"),
                 ("employee_id", {**ok, "check_date_from": 2024515}, "check_date_from"),
                 ("employee_id", {**ok, "check_date_from": 20240231}, "check_date_from"),
                 ("employee_id", {k: v for k, v in ok.items() if k != "check_date_to"}, "check_date_to"),
                 ("employee_id", {**ok, "check_date_to": 20240514}, "check_date_to"),
                 ("employee_id", {**ok, "check_date_from": 20240414}, "span"),
                 ("employee_id", b"[]", "body")]
        for employee_type, body, rule in cases:
            self.c.sim.violations.clear()
            status, obj, _ = self.c.tasks(self.tok, body, employee_type)
            self.assertEqual((status, obj["code"], obj["msg"]), (400, 1220001, "param is invalid"), body)
            self.assertEqual(self.c.rules(), [rule], body)
        self.c.sim.violations.clear()
        self.assertEqual(self.c.tasks(self.tok, {**ok, "check_date_from": 20240415})[1]["code"], 0)   # 31 days
        self.assertEqual(self.c.tasks(self.tok, {**ok, "user_ids": fifty_one[:50]})[1]["code"], 0)
        reply = self.c.call("GET", f"{UT}?employee_type=employee_id", headers={"Authorization": f"Bearer {self.tok}"})[2]
        self.assertEqual(reply.status, 404)
        self.assertEqual(self.c.rules(), ["method"])
        self.assertEqual(self.c.call("POST", "/open-apis/nothing")[0], 404)

    def test_odd_results(self):
        c = Client(employees=60, odd_results=True)
        truth = c.sim.truth(platform="feishu")
        self.assertEqual(truth["checkins"]["overtime"], 1)
        checkins, abnormal, users = count_tasks(c.all_tasks(c.ftoken(), truth["employees"]))
        self.assertEqual((checkins["overtime"], abnormal, users),
                         (1, truth["abnormal_checkins"], truth["abnormal_employees"]))

    def test_rate_limit_50_per_second(self):
        c = self.c
        c.clock.advance(1.0)
        codes = []
        for _ in range(51):
            status, obj, reply = c.tasks(self.tok, self.body)
            codes.append(obj["code"])
            c.clock.advance(0.005)
        self.assertEqual(codes, [0] * 50 + [99991400])
        self.assertEqual((status, obj["msg"]), (429, "request trigger frequency limit"))
        self.assertEqual(reply.headers, {"x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": "1"})
        self.assertEqual(c.rules(), ["qps"])
        self.assertIn("50 calls", c.sim.violations[0]["detail"])
        self.assertEqual(c.ftoken() and c.rules(), ["qps"])             # another API is not affected
        c.clock.advance(1.0)
        self.assertEqual(c.tasks(self.tok, self.body)[1]["code"], 0)
        c.control("POST", "/_sim/config", {"feishu_qps_limit": 1})
        self.assertEqual(c.tasks(self.tok, self.body)[1]["code"], 99991400)

    def test_faults(self):
        c, tok, body = self.c, self.tok, self.body

        def fault(**spec):
            status, obj, _ = c.control("POST", "/_sim/fault", spec)
            self.assertEqual(status, 200, obj)

        fault(endpoint="userTasks", kind="errcode", code=1220002)
        fault(endpoint="userTasks", kind="errcode", status=500, code=-1, msg="boom")
        self.assertEqual(c.tasks(tok, body)[:2], (400, {"code": 1220002, "msg": "internal error"}))
        self.assertEqual(c.tasks(tok, body)[:2], (500, {"code": -1, "msg": "boom"}))
        self.assertEqual(c.sim.requests[-1]["errcode"], -1)
        fault(endpoint="userTasks", kind="throttle", reset=3)
        status, obj, reply = c.tasks(tok, body)
        self.assertEqual((status, obj["code"], reply.headers["x-ogw-ratelimit-reset"]), (429, 99991400, "3"))
        fault(kind="quota")                                           # not applicable to Feishu
        self.assertEqual(c.tasks(tok, body)[1]["code"], 0)
        self.assertEqual(len(c.sim.faults), 1)
        c.control("POST", "/_sim/fault/clear")
        fault(endpoint="userTasks", kind="truncated")
        fault(endpoint="userTasks", kind="garbage")
        fault(endpoint="userTasks", kind="huge", bytes=100_000)
        self.assertTrue(c.tasks(tok, body)[2].body.startswith(b'{"code":0'))
        self.assertIsInstance(c.tasks(tok, body)[1], bytes)
        total, chunks = c.tasks(tok, body)[2].stream
        data = b"".join(chunks())
        self.assertEqual((total, len(data)), (100_000, 100_000))
        self.assertGreater(len(json.loads(data)["data"]["user_task_results"]), 100)
        fault(endpoint="userTasks", kind="token_invalid", appid="cli_simapp")
        self.assertEqual(c.tasks(tok, body)[:2][1]["code"], 99991663)
        self.assertEqual(c.tasks(tok, body)[1]["code"], 99991663)      # really revoked
        new = c.ftoken()
        self.assertNotEqual(new, tok)
        fault(endpoint="tenantToken", kind="token_invalid")
        credentials = {"app_id": "cli_simapp", "app_secret": "feishusimsecret"}
        self.assertEqual(c.call("POST", FTOK, body=credentials)[1]["code"], 10014)
        fault(endpoint="tenantToken", kind="drop")
        self.assertTrue(c.call("POST", FTOK, body=credentials)[2].drop)
        self.assertEqual(c.control("POST", "/_sim/fault", {"endpoint": "userTasks", "kind": "quota"})[0], 400)
        self.assertEqual(c.rules(), [])


class Vacation(OrgTest):
    """vacation/type/list, vacation/record/list, on_leave and leave_pending."""

    def test_types_shape_and_operator(self):
        c, tok = self.c, self.tok
        types = c.leave_types(tok)
        self.assertEqual([t["leave_name"] for t in types], LEAVE_NAMES)
        self.assertEqual([t["leave_view_unit"] for t in types], ["day", "hour", "halfDay", "hour", "day"])
        for t in types:
            self.assertRegex(t["leave_code"], UUID_RE)
            self.assertTrue({"biz_type", "source"} <= set(t), t)
        self.assertEqual(c.sim.truth()["leave_types"],
                         [{"leave_code": t["leave_code"], "leave_name": t["leave_name"]} for t in types])
        self.assertEqual(c.leave_types(tok), types)
        self.assertNotEqual(OrgClient(apps=[("k2", "s2")]).sim.truth("k2")["leave_types"], c.sim.truth()["leave_types"])
        self.assertEqual(c.post(VT, tok, {"op_userid": "manager01"})[1]["errcode"], 0)   # vacation_source optional
        for op in ("u00001", "cto", "nobody"):
            obj = c.post(VT, tok, {"op_userid": op, "vacation_source": "all"})[1]
            self.assertEqual((obj["errcode"], obj["errmsg"]), (60011, "管理员权限不足"))
        self.assertEqual(c.rules(), [])                                   # a configuration matter
        self.assertEqual(c.sim.truth()["quota_used"], 3)                  # counted, but not the 60011 answers
        self.assertEqual(c.post(VT, tok, {"vacation_source": "all"})[1]["errcode"], 40035)
        self.assertEqual(c.post(VT, tok, {"op_userid": "manager01", "vacation_source": 1})[1]["errcode"], 40035)
        self.assertEqual(c.rules(), ["op_userid", "vacation_source"])

    def test_truth_matches_hand_count(self):
        c, tok = self.c, self.tok
        employees = c.sim.truth()["employees"]
        types, records = c.all_vacation(tok, employees, size=37)
        now_ms = ms(c.clock())
        truth = c.sim.truth()
        self.assertEqual((truth["on_leave"], truth["leave_pending"]), count_leaves(records, types, now_ms))
        self.assertEqual((list(truth["on_leave"]), list(truth["leave_pending"])), (LEAVE_NAMES, LEAVE_NAMES))
        self.assertEqual((truth["on_leave"]["Remote Work"], truth["leave_pending"]["Remote Work"]), (0, 0))
        self.assertTrue(all(truth["on_leave"][n] for n in LEAVE_NAMES[:4]), truth["on_leave"])
        names = {t["leave_code"]: t["leave_name"] for t in types}
        self.assertIn("Remote Work", {names[r["leave_code"]] for r in records})
        leaves = [r for r in records if r["leave_record_type"] == "leave"]
        spanning = [r for r in leaves if spans_now(r, now_ms)]
        self.assertTrue({"success", "init", "refuse", "abort", "revoke"} <= {r["leave_status"] for r in spanning})
        quota = [r for r in records if r["leave_record_type"] != "leave" and spans_now(r, now_ms)]
        self.assertTrue({("modify_quota", "add", "success"), ("update", "update", "success"),
                         ("update", "update", "init")} <= {(r["leave_record_type"], r["cal_type"], r["leave_status"])
                                                          for r in quota})
        approved = [r for r in spanning if r["leave_status"] == "success"]
        per_type = collections.Counter((r["userid"], r["leave_code"]) for r in approved)
        self.assertIn(2, per_type.values())                        # overlapping approved leaves count once
        self.assertLess(sum(truth["on_leave"].values()), len(approved))
        per_user = collections.Counter(uid for uid, _ in per_type)
        self.assertIn(2, per_user.values())                        # on two types at once: once in each
        self.assertTrue(any(r["leave_status"] == "success" and r["end_time"] < now_ms for r in leaves))
        self.assertTrue(any(r["leave_status"] == "success" and r["start_time"] > now_ms for r in leaves))
        self.assertTrue(any(r["leave_status"] == "init" and r["end_time"] < now_ms for r in leaves))
        self.assertEqual(c.rules(), [])

    def test_record_shape(self):
        c, tok = self.c, self.tok
        types = c.leave_types(tok)
        units = {t["leave_code"]: t["leave_view_unit"] for t in types}
        personal = set(c.sim.truth()["personal"])
        users = [f"u{i:05d}" for i in range(1, 51)]
        records = [r for t in types for r in c.vacation(tok, users, t["leave_code"])[0]]
        for r in records:
            self.assertEqual(set(r), {"userid", "leave_code", "record_id", "quota_id", "start_time", "end_time",
                                      "parent_record_id", "leave_view_unit", "cal_type", "leave_reason",
                                      "leave_status", "leave_record_type", "record_num_per_day",
                                      "record_num_per_hour"})
            self.assertRegex(r["record_id"], UUID_RE)
            self.assertIn(r["leave_status"], wfsim.LEAVE_STATUSES)
            self.assertLess(r["start_time"], r["end_time"])
            hourly = units[r["leave_code"]] == "hour"
            self.assertEqual(r["leave_view_unit"], "hour" if hourly else "day")
            amount, other = ((r["record_num_per_hour"], r["record_num_per_day"]) if hourly else
                             (r["record_num_per_day"], r["record_num_per_hour"]))
            self.assertTrue(isinstance(amount, int) and amount > 0 and other is None, r)
            if r["leave_record_type"] == "leave":
                self.assertIsNone(r["cal_type"])
                self.assertIn(r["leave_reason"], personal)
            else:
                self.assertIn(r["cal_type"], ("add", "update"))
        self.assertEqual(len({r["record_id"] for r in records}), len(records))
        self.assertIn(50, {r["record_num_per_day"] for r in records})      # a half day
        self.assertEqual(c.rules(), [])

    def test_paging_and_user_forms(self):
        c, tok = self.c, self.tok
        code = c.leave_types(tok)[0]["leave_code"]                    # 年假: everyone has a quota record
        users = [f"u{i:05d}" for i in range(1, 51)]
        full, calls = c.vacation(tok, users, code)
        self.assertGreater(len(full), 50)
        self.assertEqual(calls, math.ceil(len(full) / 50))                # 50 a call, although size is 200
        small, calls = c.vacation(tok, users, code, size=7)
        self.assertEqual((small, calls), (full, math.ceil(len(full) / 7)))
        body = {"op_userid": "manager01", "leave_code": code, "offset": 0, "size": 200}
        self.assertEqual(c.post(VR, tok, {**body, "userids": users})[1]["result"],
                         {"has_more": True, "leave_records": full[:50]})
        two = c.post(VR, tok, {**body, "userids": "u00002, u00001"})[1]["result"]["leave_records"]
        self.assertEqual([r["userid"] for r in two], sorted((r["userid"] for r in two), reverse=True))
        obj = c.post(VR, tok, {**body, "userids": "nobody,cto"})[1]
        self.assertEqual((obj["errcode"], obj["result"]), (0, {"has_more": False, "leave_records": []}))
        self.assertEqual(c.rules(), [])

    def test_parameter_errors(self):
        c, tok = self.c, self.tok
        code = c.leave_types(tok)[1]["leave_code"]
        ok = {"op_userid": "manager01", "leave_code": code, "userids": "u00001,u00002", "offset": 0, "size": 10}
        fifty_one = ",".join(f"u{i:05d}" for i in range(1, 52))

        def drop(key):
            """ok without key."""
            return {k: v for k, v in ok.items() if k != key}

        cases = [(drop("op_userid"), "op_userid"), (drop("leave_code"), "leave_code"),
                 ({**ok, "leave_code": 7}, "leave_code"),
                 (drop("userids"), "userids"), ({**ok, "userids": ""}, "userids"), ({**ok, "userids": []}, "userids"),
                 ({**ok, "userids": fifty_one}, "userids"), ({**ok, "userids": fifty_one.split(",")}, "userids"),
                 (drop("offset"), "offset"), ({**ok, "offset": -1}, "offset"), ({**ok, "offset": 10}, "cursor"),
                 (drop("size"), "size"), ({**ok, "size": 0}, "size"), ({**ok, "size": 201}, "size"),
                 ({**ok, "size": "many"}, "size"), (b"{", "body")]
        for body, rule in cases:
            c.sim.violations.clear()
            status, obj, _ = c.post(VR, tok, body)
            self.assertEqual((status, obj["errcode"], obj["errmsg"]), (200, 40035, "不合法的参数"), body)
            self.assertEqual(c.rules(), [rule], body)
            c.clock.advance(0.06)
        c.sim.violations.clear()
        obj = c.post(VR, tok, {**ok, "leave_code": "f84a2829-d245-4312-9ff2-0653e5b3abb2"})[1]
        self.assertEqual((obj["errcode"], obj["errmsg"]), (400002, "假期类型不存在"))
        self.assertEqual(c.post(VR, tok, {**ok, "op_userid": "u00001"})[1]["errcode"], 60011)
        for body in ({**ok, "size": 200, "userids": fifty_one.rsplit(",", 1)[0]}, {**ok, "size": "5", "offset": "0"}):
            self.assertEqual(c.post(VR, tok, body)[1]["errcode"], 0)
        self.assertEqual(c.rules(), [])

    def test_truth_for_some_users(self):
        c, tok = self.c, self.tok
        some = ["u00001", "u00005", "u00008", "u00012", "u00099"]
        types, records = c.all_vacation(tok, some)
        truth = c.sim.truth(userids=",".join(some))
        self.assertEqual((truth["on_leave"], truth["leave_pending"]), count_leaves(records, types, ms(c.clock())))
        self.assertGreaterEqual(truth["on_leave"]["年假"], 2)
        self.assertEqual((truth["on_leave"]["事假"], truth["on_leave"]["调休"]), (1, 1))   # u00012: both at once

    def test_truth_follows_the_clock(self):
        c = self.c
        before = c.sim.truth()
        c.clock.advance(7000)                  # generated records keep clear of the first two hours
        self.assertEqual(c.sim.truth()["on_leave"], before["on_leave"])
        c.clock.advance(3 * 86400)
        tok = c.token()
        types, records = c.all_vacation(tok, before["employees"])
        truth = c.sim.truth()
        self.assertEqual((truth["on_leave"], truth["leave_pending"]), count_leaves(records, types, ms(c.clock())))
        self.assertNotEqual(truth["on_leave"], before["on_leave"])
        self.assertEqual(truth["leave_pending"], before["leave_pending"])   # pending whatever the dates

    def test_add_leave_moves_the_truth(self):
        c, tok = self.c, self.tok
        types = {t["leave_name"]: t["leave_code"] for t in c.leave_types(tok)}
        uid = next(u for u in (f"u{i:05d}" for i in range(100, 200))
                   if not any(r["leave_status"] == "success" and r["leave_record_type"] == "leave"
                              and spans_now(r, ms(c.clock())) for r in c.vacation(tok, [u], types["病假"])[0]))
        before = c.sim.truth()
        t = c.clock()
        add = {"userid": uid, "leave_name": "病假", "status": "success", "start_offset_s": -3600, "end_offset_s": 3600}
        rid = c.control("POST", "/_sim/mutate", {"add_leave": add})[1]["added_leave"]
        after = c.sim.truth()
        self.assertEqual(after["on_leave"]["病假"], before["on_leave"]["病假"] + 1)
        rec = next(r for r in c.vacation(tok, [uid], types["病假"])[0] if r["record_id"] == rid)
        self.assertEqual((rec["start_time"], rec["end_time"], rec["leave_status"], rec["cal_type"]),
                         (math.floor(t - 3600) * 1000, math.floor(t + 3600) * 1000, "success", None))
        c.control("POST", "/_sim/mutate", {"add_leave": {"userid": "u00001", "leave_code": types["年假"]}})
        c.control("POST", "/_sim/mutate", {"add_leave": {"userid": "u00002", "leave_name": "调休", "status": "init",
                                                         "start_offset_s": 86400, "end_offset_s": 90000}})
        later = c.sim.truth()
        self.assertEqual(later["on_leave"], after["on_leave"])             # u00001 was on annual leave already
        self.assertEqual(later["leave_pending"]["调休"], before["leave_pending"]["调休"] + 1)
        c.clock.advance(3601)
        self.assertEqual(c.sim.truth()["on_leave"], before["on_leave"])
        for bad in ({"userid": "u99999", "leave_name": "病假"}, {"userid": uid, "leave_name": "婚假"},
                    {"userid": uid, "leave_name": "病假", "status": "approved"},
                    {"userid": uid, "leave_name": "病假", "start_offset_s": 10, "end_offset_s": 0}):
            self.assertEqual(c.control("POST", "/_sim/mutate", {"add_leave": bad})[0], 400, bad)

    def test_cursor_faults(self):
        c, tok = self.c, self.tok
        code = c.leave_types(tok)[0]["leave_code"]
        body = {"op_userid": "manager01", "leave_code": code, "userids": [f"u{i:05d}" for i in range(1, 51)],
                "offset": 0, "size": 10}
        first = c.post(VR, tok, body)[1]["result"]
        self.assertTrue(first["has_more"])
        c.control("POST", "/_sim/fault", {"endpoint": "vacationRecords", "kind": "endless_cursor"})
        self.assertEqual(c.post(VR, tok, {**body, "offset": 10})[1]["result"], {"has_more": True, "leave_records": []})
        # after an empty page with has_more the next offset is the same one (offset + 0 records)
        c.control("POST", "/_sim/fault", {"endpoint": "vacationRecords", "kind": "repeat_cursor"})
        self.assertEqual(c.post(VR, tok, {**body, "offset": 10})[1]["result"], first)
        self.assertEqual(c.post(VR, tok, {**body, "offset": 20})[1]["errcode"], 0)   # 10 + the 10 repeated
        self.assertEqual(c.rules(), [])


class Reports(OrgTest):
    """report/getunreadcount, report/simplelist, unread_reports and reports_today."""

    def test_unread_counts(self):
        c, tok = self.c, self.tok
        truth = c.sim.truth(readers="manager01,cto,u00001,nobody")
        self.assertEqual(set(truth["unread_reports"]), {"manager01", "cto", "u00001"})
        self.assertEqual(set(c.control("GET", "/_sim/truth")[1]["unread_reports"]), {"manager01", "cto"})
        self.assertTrue(all(truth["unread_reports"][u] >= 3 for u in ("manager01", "cto")))
        for uid, count in truth["unread_reports"].items():
            status, obj, _ = c.post(RU, tok, {"userid": uid})
            self.assertEqual((status, obj["errcode"], obj["count"]), (200, 0, count))
            self.assertIn("request_id", obj)
        obj = c.post(RU, tok, {"userid": "nobody"})[1]
        self.assertEqual((obj["errcode"], obj["errmsg"], "count" in obj), (33012, "无效的userid", False))
        self.assertEqual(c.rules(), [])
        self.assertEqual(c.post(RU, tok, {})[1]["errcode"], 40035)
        self.assertEqual(c.rules(), ["userid"])
        c.control("POST", "/_sim/mutate", {"set_unread": {"userid": "manager01", "count": 0}})
        self.assertEqual(c.post(RU, tok, {"userid": "manager01"})[1]["count"], 0)
        self.assertEqual(c.sim.truth()["unread_reports"]["manager01"], 0)
        for bad in ({"userid": "nobody", "count": 1}, {"userid": "cto", "count": -1}):
            self.assertEqual(c.control("POST", "/_sim/mutate", {"set_unread": bad})[0], 400)
        c.control("POST", "/_sim/config", {"admins": ["boss"]})
        self.assertEqual(c.post(RU, tok, {"userid": "boss"})[1]["errcode"], 0)
        self.assertEqual(set(c.sim.truth(readers="boss")["unread_reports"]), {"boss"})
        self.assertEqual(c.sim.truth()["quota_used"], 5)
        for bad in ({"admins": []}, {"admins": "boss"}, {"admins": [""]}):
            self.assertEqual(c.control("POST", "/_sim/config", bad)[0], 400)

    def test_today_paging_and_truth(self):
        c, tok = self.c, self.tok
        truth = c.sim.truth()
        reports, calls = c.reports(tok, ms(TODAY0), ms(TODAY0 + 86400) - 1)
        self.assertGreater(calls, 2)
        counts = collections.Counter(r["template_name"] for r in reports)
        self.assertEqual({t: counts.get(t, 0) for t in truth["reports_today"]}, truth["reports_today"])
        self.assertLessEqual(set(counts), set(truth["reports_today"]))
        self.assertEqual(truth["report_templates_30d"], sorted(["日报", "周报", "月报", "Sales Weekly"]))
        self.assertEqual(truth["reports_today"]["月报"], 0)
        self.assertTrue(all(truth["reports_today"][t] for t in ("日报", "周报", "Sales Weekly")), truth["reports_today"])
        times = [r["create_time"] for r in reports]
        self.assertEqual(times, sorted(times))
        self.assertTrue(ms(TODAY0) <= times[0] and times[-1] <= ms(START))
        self.assertEqual(len({r["report_id"] for r in reports}), len(reports))
        for r in reports:
            self.assertEqual(set(r), {"report_id", "template_name", "creator_id", "creator_name", "dept_name",
                                      "create_time", "remark"})
            self.assertIn(r["creator_name"], truth["names"])
            self.assertIn(r["remark"], truth["personal"])
            self.assertIn(r["dept_name"], wfsim.DEPARTMENTS)
        self.assertEqual(c.reports(tok, ms(TODAY0), ms(TODAY0 + 86400) - 1, size=3)[0], reports)
        month, _ = c.reports(tok, ms(TODAY0 - 29 * 86400), ms(START))
        self.assertEqual(sorted({r["template_name"] for r in month}), truth["report_templates_30d"])
        old, _ = c.reports(tok, ms(TODAY0 - 180 * 86400), ms(TODAY0 - 30 * 86400), template_name="季报")
        self.assertTrue(old)                                      # written only before the last 30 days
        self.assertEqual(c.rules(), [])

    def test_filters_and_inclusive_bounds(self):
        c, tok = self.c, self.tok
        weekly, _ = c.reports(tok, ms(TODAY0), ms(START), template_name="周报")
        self.assertEqual({r["template_name"] for r in weekly}, {"周报"})
        self.assertEqual(len(weekly), c.sim.truth()["reports_today"]["周报"])
        rec = weekly[0]
        mine, _ = c.reports(tok, ms(TODAY0 - 29 * 86400), ms(START), userid=rec["creator_id"])
        self.assertIn(rec, mine)
        self.assertEqual({r["creator_id"] for r in mine}, {rec["creator_id"]})
        exact, _ = c.reports(tok, rec["create_time"], rec["create_time"], template_name="周报")
        self.assertIn(rec, exact)
        after, _ = c.reports(tok, rec["create_time"] + 1, ms(START), template_name="周报")
        self.assertNotIn(rec, after)
        self.assertEqual(c.reports(tok, ms(TODAY0), ms(START), template_name="", userid="")[0],
                         c.reports(tok, ms(TODAY0), ms(START))[0])
        self.assertEqual(c.reports(tok, ms(TODAY0), ms(START), template_name="没有这个模板")[0], [])

    def test_parameter_errors(self):
        c, tok = self.c, self.tok
        ok = {"start_time": ms(TODAY0), "end_time": ms(START), "cursor": 0, "size": 20}

        def drop(key):
            """ok without key."""
            return {k: v for k, v in ok.items() if k != key}

        cases = [(drop("start_time"), "start_time"), (drop("end_time"), "end_time"),
                 ({**ok, "end_time": ms(TODAY0) - 1}, "end_time"),
                 ({**ok, "start_time": ms(START - 180 * 86400) - 1}, "span"),
                 (drop("size"), "size"), ({**ok, "size": 0}, "size"), ({**ok, "size": 21}, "size"),
                 (drop("cursor"), "cursor"), ({**ok, "cursor": -1}, "cursor"), ({**ok, "cursor": 40}, "cursor"),
                 ({**ok, "template_name": 7}, "template_name"), ({**ok, "userid": ["u00001"]}, "userid"),
                 (b"[]", "body")]
        for body, rule in cases:
            c.sim.violations.clear()
            status, obj, _ = c.post(RL, tok, body)
            self.assertEqual((status, obj["errcode"]), (200, 40035), body)
            self.assertEqual(c.rules(), [rule], body)
            c.clock.advance(0.06)
        c.sim.violations.clear()
        for body in ({**ok, "start_time": ms(START - 180 * 86400)}, {**ok, "size": "20", "cursor": "0"}):
            self.assertEqual(c.post(RL, tok, body)[1]["errcode"], 0)
        self.assertEqual(c.rules(), [])

    def test_reports_over_the_day(self):
        c = self.c
        morning = c.sim.truth()["reports_today"]
        c.clock.advance(13 * 3600 + 59 * 60)                      # 23:59
        night = c.sim.truth()["reports_today"]
        self.assertGreater(night["日报"], morning["日报"])
        self.assertEqual(night["月报"], 0)
        c.clock.advance(120)                                      # 00:01 the next day
        truth = c.sim.truth()
        self.assertTrue(all(truth["reports_today"][t] for t in ("日报", "周报", "Sales Weekly")))
        self.assertEqual(truth["reports_today"]["月报"], 0)
        self.assertIn("月报", truth["report_templates_30d"])
        reports, _ = c.reports(c.token(), ms(TODAY0 + 86400), ms(TODAY0 + 2 * 86400) - 1)
        self.assertEqual(dict(collections.Counter(r["template_name"] for r in reports)), nonzero(truth["reports_today"]))
        self.assertTrue(all(r["create_time"] <= ms(c.clock()) for r in reports))

    def test_add_report(self):
        c, tok = self.c, self.tok
        before = c.sim.truth()["reports_today"]
        t = c.clock()
        rid = c.control("POST", "/_sim/mutate", {"add_report": {"template_name": "日报"}})[1]["added_reports"]
        self.assertEqual(len(rid), 1)
        truth = c.sim.truth()
        self.assertEqual(truth["reports_today"]["日报"], before["日报"] + 1)
        c.control("POST", "/_sim/mutate", {"add_report": {"template_name": "Incident Review", "userid": "u00003",
                                                          "count": 2}})
        truth = c.sim.truth()
        self.assertEqual(truth["reports_today"]["Incident Review"], 2)
        self.assertIn("Incident Review", truth["report_templates_30d"])
        added = [r for r in c.reports(tok, ms(TODAY0), ms(c.clock()))[0] if r["report_id"] == rid[0]]
        self.assertEqual(added[0]["create_time"], (math.floor(t) - 2) * 1000)
        for bad in ({"userid": "u99999"}, {"template_name": ""}):
            self.assertEqual(c.control("POST", "/_sim/mutate", {"add_report": bad})[0], 400)

    def test_cursor_faults(self):
        c, tok = self.c, self.tok
        body = {"start_time": ms(TODAY0), "end_time": ms(START), "cursor": 0, "size": 5}
        c.control("POST", "/_sim/fault", {"endpoint": "reportList", "kind": "endless_cursor"})
        res = c.post(RL, tok, body)[1]["result"]
        self.assertEqual((res["data_list"], res["has_more"], res["next_cursor"]), ([], True, 5))
        c.control("POST", "/_sim/fault", {"endpoint": "reportList", "kind": "repeat_cursor"})
        res = c.post(RL, tok, {**body, "cursor": 5})[1]["result"]
        self.assertEqual((len(res["data_list"]), res["has_more"], res["next_cursor"]), (5, True, 5))
        self.assertEqual(c.rules(), [])


def local(ts):
    """Epoch seconds as 'yyyy-MM-dd HH:mm:ss' at +08:00."""
    return wfsim.local_text(ts, 480)


class Blackboard(OrgTest):
    """blackboard/listids, blackboard/get and announcement_unread."""

    def created(self, bid):
        """gmt_create of an announcement in epoch seconds."""
        return wfsim.parse_local_datetime(self.c.board(self.tok, bid)["gmt_create"], 480)

    def test_default_month_in_pages(self):
        c, tok = self.c, self.tok
        ids, pages = c.board_ids(tok)
        self.assertEqual((len(ids), len(set(ids)), pages), (35, 35, 2))
        self.assertEqual(c.board_ids(tok, size=7), (ids, 6))             # five full pages, then an empty one
        times = [self.created(i) for i in ids]
        self.assertEqual(times, sorted(times, reverse=True))
        self.assertTrue(START - 30 * 86400 <= times[-1] and times[0] <= START)
        self.assertEqual(c.rules(), [])

    def test_request_forms(self):
        c, tok = self.c, self.tok
        q = {"operation_userid": "manager01", "page_size": 30, "page": 1}
        answers = [c.post(BL, tok, body)[1] for body in ({"query_request": q}, {"query_request": json.dumps(q)}, q)]
        self.assertEqual([a["errcode"] for a in answers], [0, 0, 0])
        self.assertTrue(answers[0]["success"])
        self.assertEqual(answers[0]["result"], answers[1]["result"])
        self.assertEqual(answers[0]["result"], answers[2]["result"])
        for bad in ({"query_request": 5}, {"query_request": "{"}):
            self.assertEqual(c.post(BL, tok, bad)[1]["errcode"], 40035)
        self.assertEqual(c.rules(), ["query_request", "query_request"])

    def test_seven_days_and_truth(self):
        c, tok = self.c, self.tok
        truth = c.sim.truth()
        ids, _ = c.board_ids(tok, start_time=local(START - 7 * 86400), end_time=local(START))
        self.assertEqual(len(ids), truth["announcements_7d"])
        self.assertEqual(len(ids), 8)
        details = [c.board(tok, i) for i in ids]
        self.assertEqual(sum(d["unread_count"] for d in details), truth["announcement_unread"])
        self.assertGreater(truth["announcement_unread"], 0)
        month, _ = c.board_ids(tok)
        self.assertEqual([i for i in month if self.created(i) >= c.clock() - 7 * 86400], ids)
        self.assertEqual(c.board_ids(tok, start_time=local(START - 7 * 86400))[0], ids)
        c.clock.advance(2 * 3600 + 1)                  # the oldest of the seven days drops out
        later = c.sim.truth()
        self.assertEqual(later["announcements_7d"], 7)
        self.assertEqual(later["announcement_unread"], truth["announcement_unread"] - details[-1]["unread_count"])
        self.assertEqual(c.rules(), [])

    def test_get_shape_and_errors(self):
        c, tok = self.c, self.tok
        truth = c.sim.truth()
        ids, _ = c.board_ids(tok)
        first = c.board(tok, ids[0])
        self.assertTrue({"id", "author", "title", "content", "gmt_create", "gmt_modified", "read_count",
                         "unread_count", "username_list", "user_list", "depname_list", "private_level",
                         "category_id"} <= set(first), first)
        self.assertEqual(first["id"], ids[0])
        self.assertGreater(first["unread_count"], 0)
        self.assertRegex(first["gmt_create"], r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
        named = [d for d in (c.board(tok, i) for i in ids[:12]) if d["user_list"]]
        self.assertTrue(named)
        for d in named:
            self.assertEqual(d["username_list"], [u["name"] for u in d["user_list"]])
            self.assertEqual(d["read_count"] + d["unread_count"], len(d["user_list"]))
            self.assertTrue(set(d["username_list"]) <= set(truth["names"]))
        self.assertIn(first["author"], truth["personal"])
        obj = c.post(BG, tok, {"blackboard_id": "nope", "operation_userid": "manager01"})[1]
        self.assertEqual((obj["errcode"], obj["errmsg"]), (400001, "公告不存在"))
        self.assertEqual(c.post(BG, tok, {"blackboard_id": ids[0], "operation_userid": "u00001"})[1]["errcode"], 60011)
        self.assertEqual(c.rules(), [])
        self.assertEqual(c.post(BG, tok, {"operation_userid": "manager01"})[1]["errcode"], 40035)
        self.assertEqual(c.post(BG, tok, {"blackboard_id": ids[0]})[1]["errcode"], 40035)
        self.assertEqual(c.rules(), ["blackboard_id", "operation_userid"])

    def test_listids_parameter_errors(self):
        c, tok = self.c, self.tok
        ok = {"operation_userid": "manager01", "page_size": 30, "page": 1}

        def drop(key):
            """ok without key."""
            return {k: v for k, v in ok.items() if k != key}

        cases = [(drop("operation_userid"), "operation_userid"), (drop("page_size"), "page_size"),
                 ({**ok, "page_size": 0}, "page_size"), ({**ok, "page_size": 31}, "page_size"),
                 (drop("page"), "page"), ({**ok, "page": 0}, "page"),
                 ({**ok, "start_time": "2024-05-15"}, "start_time"), ({**ok, "end_time": 20240515}, "end_time"),
                 ({**ok, "start_time": TODAY_TO, "end_time": TODAY_FROM}, "end_time")]
        for query, rule in cases:
            c.sim.violations.clear()
            status, obj, _ = c.post(BL, tok, {"query_request": query})
            self.assertEqual((status, obj["errcode"]), (200, 40035), query)
            self.assertEqual(c.rules(), [rule], query)
            c.clock.advance(0.06)
        c.sim.violations.clear()
        self.assertEqual(c.post(BL, tok, {"query_request": {**ok, "operation_userid": "cto"}})[1]["errcode"], 60011)
        self.assertEqual(c.post(BL, tok, {"query_request": {**ok, "page": 99}})[1]["result"], [])
        self.assertEqual(c.rules(), [])

    def test_add_announcement(self):
        c, tok = self.c, self.tok
        before = c.sim.truth()
        t = c.clock()
        bid = c.control("POST", "/_sim/mutate", {"add_announcement": {"unread_count": 7}})[1]["added_announcement"]
        after = c.sim.truth()
        self.assertEqual((after["announcement_unread"], after["announcements_7d"]),
                         (before["announcement_unread"] + 7, before["announcements_7d"] + 1))
        ids, _ = c.board_ids(tok)
        self.assertEqual(ids[0], bid)
        d = c.board(tok, bid)
        self.assertEqual((d["gmt_create"], d["unread_count"]), (local(math.floor(t) - 60), 7))
        for bad in ({"unread_count": -1}, {"unread_count": "7"}):
            self.assertEqual(c.control("POST", "/_sim/mutate", {"add_announcement": bad})[0], 400)

    def test_paging_faults(self):
        c, tok = self.c, self.tok
        q = {"operation_userid": "manager01", "page_size": 10, "page": 1}
        first = c.post(BL, tok, {"query_request": q})[1]["result"]
        c.control("POST", "/_sim/fault", {"endpoint": "blackboardList", "kind": "repeat_cursor"})
        self.assertEqual(c.post(BL, tok, {"query_request": {**q, "page": 2}})[1]["result"], first)
        c.control("POST", "/_sim/fault", {"endpoint": "blackboardList", "kind": "endless_cursor"})
        self.assertEqual(len(c.post(BL, tok, {"query_request": {**q, "page": 9}})[1]["result"]), 10)
        self.assertEqual(c.post(BL, tok, {"query_request": {**q, "page": 9}})[1]["result"], [])
        self.assertEqual(c.rules(), [])


class FeishuLeaveExpiry(unittest.TestCase):
    """leave_employ_expire_records (a GET with a JSON body) and leave_expiring."""

    TODAY = dt.date(2024, 5, 15)

    def setUp(self):
        self.c = OrgClient(employees=60)
        self.tok = self.c.ftoken()
        self.truth = self.c.sim.truth(platform="feishu")
        self.types = [t["leave_type_id"] for t in self.truth["leave_types"]]
        self.emp1 = self.truth["employment_by_employee"]["fe00001"]

    def body(self, emp, tid, first, last, **extra):
        """A request body with dates given as days from TODAY."""
        return {"employment_id": emp, "leave_type_id": tid,
                "start_expiration_date": (self.TODAY + dt.timedelta(days=first)).isoformat(),
                "end_expiration_date": (self.TODAY + dt.timedelta(days=last)).isoformat(), "time_offset": 480, **extra}

    def test_shape_and_window(self):
        c, tok, tid = self.c, self.tok, self.types[0]
        self.assertEqual([t["name"] for t in self.truth["leave_types"]], ["年假", "调休假", "病假"])
        emps = self.truth["employment_ids"]
        self.assertEqual((len(emps), len(set(emps))), (60, 60))
        self.assertTrue(all(re.fullmatch(r"\d{19}", e) for e in emps + self.types))
        status, obj, _ = c.expiry(tok, tid, self.body(self.emp1, tid, 0, 30))
        self.assertEqual((status, obj["code"], obj["msg"]), (200, 0, "success"))
        recs = obj["data"]["records"]
        dates = [r["expiration_date"] for r in recs]
        self.assertEqual(dates, sorted(dates))
        self.assertIn("2024-05-15", dates)
        self.assertIn("2024-06-14", dates)                          # today + 30: both ends inclusive
        self.assertTrue(all("2024-05-15" <= d <= "2024-06-14" for d in dates))
        wider = c.expiry(tok, tid, self.body(self.emp1, tid, -1, 31))[1]["data"]["records"]
        wider = [r["expiration_date"] for r in wider]
        self.assertTrue({"2024-05-14", "2024-06-15"} <= set(wider))
        for r in recs:
            self.assertTrue({"id", "employment_id", "leave_type_id", "granting_quantity", "left_granting_quantity",
                             "granting_unit", "effective_date", "expiration_date", "reason"} <= set(r), r)
            self.assertEqual((r["employment_id"], r["leave_type_id"], r["granting_unit"]), (self.emp1, tid, 1))
            for key in ("granting_quantity", "left_granting_quantity"):
                self.assertRegex(r[key], r"^\d+(\.\d{1,6})?$")
            self.assertLessEqual(Decimal(r["left_granting_quantity"]), Decimal(r["granting_quantity"]))
            self.assertEqual(r["reason"][0]["lang"], "zh_CN")
        self.assertIn("3.333333", [r["left_granting_quantity"] for r in recs])
        hours = c.expiry(tok, self.types[1], self.body(self.emp1, self.types[1], 0, 90))[1]["data"]["records"]
        self.assertEqual({r["granting_unit"] for r in hours}, {2})
        entry = c.sim.requests[-1]
        self.assertEqual((entry["method"], entry["endpoint"], entry["body"]["leave_type_id"]),
                         ("GET", "leaveExpiry", self.types[1]))
        self.assertEqual(c.rules(), [])

    def test_truth_sums_from_raw_answers(self):
        c, tok = self.c, self.tok
        raw = []
        for emp in self.truth["employment_ids"]:
            for tid in self.types:
                status, obj, _ = c.expiry(tok, tid, self.body(emp, tid, -60, 120))
                self.assertEqual((status, obj["code"]), (200, 0))
                raw += obj["data"]["records"]
                c.clock.advance(0.021)                            # 50 calls/s
        self.assertGreater(len(raw), 200)
        self.assertEqual({r["granting_unit"] for r in raw if r["leave_type_id"] == self.types[2]}, {1, 2})
        self.assertTrue(any(Decimal(r["left_granting_quantity"]) == 0 for r in raw))
        self.assertTrue(any(r["expiration_date"] < "2024-05-15" for r in raw))
        keys = {f"{t}-{unit}" for t in self.types for unit in ("days", "hours")}
        for window in (0, 7, 30, 90):
            sums = c.sim.truth(platform="feishu", window=str(window))["leave_expiring"]
            self.assertEqual(set(sums), keys)
            self.assertEqual(decimal_map(sums), {k: v for k, v in sum_grants(raw, self.TODAY, window).items() if v})
            for text in sums.values():
                self.assertRegex(text, r"^(0|[1-9]\d*)(\.\d*[1-9])?$")   # plain, exact, no trailing zeros
        self.assertEqual(c.sim.truth(platform="feishu")["leave_expiring"],
                         c.sim.truth(platform="feishu", window="30")["leave_expiring"])
        self.assertEqual(c.sim.truth(platform="feishu")["leave_expiring"][f"{self.types[1]}-days"], "0")
        some, picked = self.truth["employment_ids"][:2], [self.types[0], self.types[2]]
        part = c.control("GET", f"/_sim/truth?platform=feishu&employments={','.join(some)}&types={','.join(picked)}")[1]
        mine = [r for r in raw if r["employment_id"] in some and r["leave_type_id"] in picked]
        self.assertEqual(set(part["leave_expiring"]), {f"{t}-{u}" for t in picked for u in ("days", "hours")})
        self.assertEqual(decimal_map(part["leave_expiring"]),
                         {k: v for k, v in sum_grants(mine, self.TODAY, 30).items() if v})
        self.assertEqual(set(c.sim.truth(platform="feishu", employments="nobody")["leave_expiring"].values()), {"0"})
        self.assertEqual(c.sim.truth(platform="feishu", types="nope")["leave_expiring"], {})
        for bad in ("-1", "x"):
            self.assertEqual(c.control("GET", f"/_sim/truth?platform=feishu&window={bad}")[0], 400)
        self.assertEqual(c.rules(), [])

    def test_parameter_errors(self):
        c, tok = self.c, self.tok
        t0, t1 = self.types[:2]
        ok = self.body(self.emp1, t0, 0, 30)

        def drop(key):
            """ok without key."""
            return {k: v for k, v in ok.items() if k != key}

        pid = "people_corehr_id"
        cases = [(t1, ok, pid, 1220016, "leave_type_id"), (t0, drop("leave_type_id"), pid, 1220016, "leave_type_id"),
                 (t0, drop("employment_id"), pid, 1220016, "employment_id"),
                 (t0, {**ok, "employment_id": int(self.emp1)}, pid, 1220016, "employment_id"),
                 (t0, drop("start_expiration_date"), pid, 1220016, "start_expiration_date"),
                 (t0, {**ok, "start_expiration_date": "2024/05/15"}, pid, 1220016, "start_expiration_date"),
                 (t0, {**ok, "start_expiration_date": "20240515"}, pid, 1220016, "start_expiration_date"),
                 (t0, {**ok, "start_expiration_date": "2024-02-30"}, pid, 1220003, "start_expiration_date"),
                 (t0, {**ok, "end_expiration_date": "2024-13-01"}, pid, 1220003, "end_expiration_date"),
                 (t0, {**ok, "end_expiration_date": "2024-05-14"}, pid, 1220016, "end_expiration_date"),
                 (t0, {**ok, "time_offset": "480"}, pid, 1220016, "time_offset"),
                 (t0, {**ok, "time_offset": 10000}, pid, 1220016, "time_offset"),
                 (t0, ok, "email", 1220016, "user_id_type"), (t0, b"", pid, 1220016, "body"),
                 (t0, b"[]", pid, 1220016, "body")]
        for leave_id, body, id_type, code, rule in cases:
            c.sim.violations.clear()
            status, obj, _ = c.expiry(tok, leave_id, body, id_type)
            self.assertEqual((status, obj["code"]), (400, code), body)
            self.assertIn("log_id", obj["error"])
            self.assertEqual(c.rules(), [rule], body)
        c.sim.violations.clear()
        obj = c.expiry(tok, t0, {**ok, "employment_id": "6982509313466189342"})[1]
        self.assertEqual((obj["code"], obj["msg"]), (1220006, "Employment not found"))
        unknown = "7111688079785723436"
        self.assertEqual(c.expiry(tok, unknown, {**ok, "leave_type_id": unknown})[1]["code"], 1220005)
        for body, id_type in ((self.body(self.emp1, t0, 0, 0), pid), (drop("time_offset"), None), (ok, "open_id")):
            self.assertEqual(c.expiry(tok, t0, body, id_type)[1]["code"], 0)
        self.assertEqual(c.rules(), [])

    def test_method_path_token_and_faults(self):
        c, tok, t0 = self.c, self.tok, self.types[0]
        body = self.body(self.emp1, t0, 0, 30)
        status, obj, _ = c.call("POST", f"{LEX}{t0}", headers={"Authorization": f"Bearer {tok}"}, body=body)
        self.assertEqual((status, obj), (404, b"404 page not found"))
        self.assertEqual(c.rules(), ["method"])
        for path in (LEX, f"{LEX}{t0}/more"):
            self.assertEqual(c.call("GET", path, headers={"Authorization": f"Bearer {tok}"}, body=body)[0], 404)
        c.sim.violations.clear()
        self.assertEqual(c.call("GET", f"{LEX}{t0}", body=body)[1]["code"], 99991661)
        self.assertEqual(c.expiry(c.token(), t0, body)[1]["code"], 99991663)
        self.assertEqual(c.rules(), ["token_missing"])

        def fault(**spec):
            """Queue a fault, asserting it was accepted."""
            status, obj, _ = c.control("POST", "/_sim/fault", spec)
            self.assertEqual(status, 200, obj)

        msg = "An exception occurs in the database"
        fault(endpoint="leaveExpiry", kind="errcode", status=500, code=1220012, msg=msg)
        self.assertEqual(c.expiry(tok, t0, body)[:2], (500, {"code": 1220012, "msg": msg}))
        fault(endpoint="leaveExpiry", kind="throttle")
        self.assertEqual(c.expiry(tok, t0, body)[:2][0], 429)
        self.assertEqual(c.control("POST", "/_sim/fault", {"endpoint": "leaveExpiry", "kind": "quota"})[0], 400)
        c.control("POST", "/_sim/config", {"feishu_qps_limit": 2})
        c.clock.advance(1.0)
        codes = [c.expiry(tok, t0, body)[1]["code"] for _ in range(3)]
        self.assertEqual(codes, [0, 0, 99991400])
        self.assertEqual(c.rules(), ["token_missing", "qps"])
        self.assertEqual(c.sim.truth()["quota_used"], 0)                # Feishu calls are not counted


class ReportTemplates(unittest.TestCase):
    """report/template/listbyuserid: every template, offset paging."""

    def test_every_template_over_pages(self):
        c = Client()
        tok = c.token()
        names, offset, calls = [], 0, 0
        while True:
            status, obj, _ = c.call("POST", f"{RT}?access_token={tok}", body={"offset": offset, "size": 2})
            self.assertEqual((status, obj["errcode"]), (200, 0))
            names += [t["name"] for t in obj["result"]["template_list"]]
            calls += 1
            c.clock.advance(0.1)
            if "next_cursor" not in obj["result"]:
                break
            offset = obj["result"]["next_cursor"]
        self.assertEqual(names, ["日报", "周报", "Sales Weekly", "月报", "季报"])
        self.assertEqual(calls, 3)

    def test_limits(self):
        c = Client()
        tok = c.token()
        status, obj, _ = c.call("POST", f"{RT}?access_token={tok}", body={"offset": 0, "size": 101})
        self.assertEqual(obj["errcode"], 40035)
        status, obj, _ = c.call("POST", f"{RT}?access_token={tok}", body={"userid": "nobody"})
        self.assertEqual(obj["errcode"], 33012)
        self.assertEqual([v["rule"] for v in c.sim.violations], ["size"])


def dingtalk_sign(secret, stamp):
    """The DingTalk robot signature, computed independently of wfsim."""
    digest = wfsim.hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), wfsim.hashlib.sha256).digest()
    return wfsim.base64.b64encode(digest).decode()


class Robots(unittest.TestCase):
    """Group robot endpoints: signature checks, rate limit, recorded messages."""

    def send(self, c, stamp, sign, body=None):
        """POST a DingTalk robot message."""
        body = body or {"msgtype": "markdown", "markdown": {"title": "[WARNING] acme", "text": "x"}}
        return c.call("POST", f"/robot/send?access_token=robottoken&timestamp={stamp}"
                              f"&sign={quote(sign, safe='')}", body=body)

    def test_dingtalk_signed_message_taken(self):
        c = Client()
        stamp = int(START * 1000)
        status, obj, _ = self.send(c, stamp, dingtalk_sign("SECrobotsecret", stamp))
        self.assertEqual((status, obj["errcode"]), (200, 0))
        msgs = c.control("GET", "/_sim/robot_messages")[1]
        self.assertEqual([(m["platform"], m["severity"], m["signature_ok"]) for m in msgs],
                         [("dingtalk", "WARNING", True)])

    def test_dingtalk_bad_or_stale_signature_refused(self):
        c = Client()
        stamp = int(START * 1000)
        self.assertEqual(self.send(c, stamp, "bogus")[1]["errcode"], 310000)
        old = stamp - 3601 * 1000
        self.assertEqual(self.send(c, old, dingtalk_sign("SECrobotsecret", old))[1]["errcode"], 310000)
        status, obj, _ = c.call("POST", "/robot/send?access_token=nope", body={"msgtype": "text"})
        self.assertEqual(obj["errcode"], 300001)
        self.assertEqual(c.control("GET", "/_sim/robot_messages")[1], [])

    def test_dingtalk_rate_limit(self):
        c = Client()
        codes = []
        for _ in range(21):
            stamp = int(c.clock() * 1000)
            codes.append(self.send(c, stamp, dingtalk_sign("SECrobotsecret", stamp))[1]["errcode"])
            c.clock.advance(1)
        self.assertEqual(codes, [0] * 20 + [130101])
        c.clock.advance(60)
        stamp = int(c.clock() * 1000)
        self.assertEqual(self.send(c, stamp, dingtalk_sign("SECrobotsecret", stamp))[1]["errcode"], 0)

    def test_feishu_signed_in_body(self):
        c = Client()
        stamp = int(START)
        key = f"{stamp}\nfeishurobotsecret"
        sign = wfsim.base64.b64encode(wfsim.hmac.new(key.encode(), b"", wfsim.hashlib.sha256).digest()).decode()
        body = {"timestamp": str(stamp), "sign": sign, "msg_type": "text",
                "content": {"text": "[FAILURE] acme: 12 departures today"}}
        status, obj, _ = c.call("POST", "/open-apis/bot/v2/hook/robothook", body=body)
        self.assertEqual((status, obj["code"]), (200, 0))
        status, obj, _ = c.call("POST", "/open-apis/bot/v2/hook/robothook", body={**body, "sign": "x"})
        self.assertEqual(obj["code"], 19021)
        status, obj, _ = c.call("POST", "/open-apis/bot/v2/hook/other", body=body)
        self.assertEqual(obj["code"], 19001)
        msgs = c.control("GET", "/_sim/robot_messages")[1]
        self.assertEqual([(m["platform"], m["severity"], m["msgtype"]) for m in msgs],
                         [("feishu", "FAILURE", "text")])

    def test_unsigned_robot(self):
        c = Client()
        c.control("POST", "/_sim/robots", {"dingtalk": {"secret": ""}})
        status, obj, _ = c.call("POST", "/robot/send?access_token=robottoken",
                                body={"msgtype": "text", "text": {"content": "[OKAY] fine"}})
        self.assertEqual(obj["errcode"], 0)
        self.assertIsNone(c.control("GET", "/_sim/robot_messages")[1][0]["signature_ok"])


class VacationPages(unittest.TestCase):
    """vacation/record/list: "每次返回50条数据", at most 50 records a call whatever size asks; the next
    offset is offset + the records returned."""

    def setUp(self):
        self.c = OrgClient(employees=200, leave_history=8)
        self.tok = self.c.token()
        self.code = self.c.leave_types(self.tok)[0]["leave_code"]
        self.users = [f"u{i:05d}" for i in range(1, 51)]
        self.body = {"op_userid": "manager01", "leave_code": self.code, "userids": ",".join(self.users)}

    def test_pages_of_at_most_50_with_size_200(self):
        c, tok = self.c, self.tok
        offset, lengths, records = 0, [], []
        while True:
            obj = c.post(VR, tok, {**self.body, "offset": offset, "size": 200})[1]
            self.assertEqual(obj["errcode"], 0, obj)
            page = obj["result"]["leave_records"]
            records += page
            lengths.append(len(page))
            c.clock.advance(0.06)
            if not obj["result"]["has_more"]:
                break
            offset += len(page)                   # the next offset: offset + the records returned
        self.assertGreater(len(records), 400)     # 8 quota records a user, plus the rest
        self.assertEqual(lengths[:-1], [50] * (len(lengths) - 1))
        self.assertTrue(1 <= lengths[-1] <= 50, lengths)
        self.assertEqual(len({r["record_id"] for r in records}), len(records))
        self.assertEqual(records, c.sim.vacation_records(c.sim.orgs["k1"], self.users, self.code))
        for size in (1, 7, 49, 50, 51, 199):      # the same records whatever size asks
            again, calls = c.vacation(tok, self.users, self.code, size=size)
            self.assertEqual((again, calls), (records, math.ceil(len(records) / min(size, 50))), size)
        self.assertEqual(c.rules(), [])

    def test_offset_plus_size_is_a_cursor_violation(self):
        c, tok = self.c, self.tok
        records, calls = c.vacation(tok, self.users, self.code, size=200, assume_full=True)
        self.assertEqual((len(records), calls), (50, 2))          # the first page, then refused
        self.assertEqual(c.rules(), ["cursor"])
        v = c.sim.violations[0]
        self.assertEqual((v["endpoint"], v["seq"]), ("vacationRecords", c.sim.requests[-1]["seq"]))
        self.assertIn("200", v["detail"])
        self.assertEqual(c.sim.requests[-1]["errcode"], 40035)
        c.sim.violations.clear()
        # 50 was issued for this list only: another list (other users, other type) may not use it
        other = [{**self.body, "userids": "u00051,u00052"},
                 {**self.body, "leave_code": c.leave_types(tok)[1]["leave_code"]}]
        for body in other:
            self.assertEqual(c.post(VR, tok, {**body, "offset": 50, "size": 200})[1]["errcode"], 40035)
            c.clock.advance(0.06)
        self.assertEqual(c.rules(), ["cursor", "cursor"])
        c.sim.violations.clear()
        self.assertEqual(c.post(VR, tok, {**self.body, "offset": 50, "size": 200})[1]["errcode"], 0)
        self.assertEqual(c.rules(), [])

    def test_size_range_still_checked(self):
        c, tok = self.c, self.tok
        for size, code in ((0, 40035), (201, 40035), (200, 0), (1, 0)):
            self.assertEqual(c.post(VR, tok, {**self.body, "offset": 0, "size": size})[1]["errcode"], code, size)
            c.clock.advance(0.06)
        self.assertEqual(c.rules(), ["size", "size"])


def follow(c, tok, path, body, cursor_key, list_key, size, how="follow"):
    """Every page of an offset or cursor list; returns (items, page lengths, errcode of the last answer).

    how: "follow" goes on where the answer says (next_cursor, or offset + the
    items returned when it has none) while next_cursor is present or has_more
    is true; "full" goes on at cursor + size (a client that assumes full
    pages); "stop_short" also takes a page shorter than size for the last.
    """
    items, lengths, cursor = [], [], 0
    while True:
        obj = c.post(path, tok, {**body, cursor_key: cursor, "size": size})[1]
        c.clock.advance(0.06)
        if obj["errcode"] != 0:
            return items, lengths, obj["errcode"]
        res = obj["result"]
        page = res[list_key]
        items += page
        lengths.append(len(page))
        more = res["has_more"] if "has_more" in res else "next_cursor" in res
        if "has_more" in res and path != VR:
            assert res["has_more"] == ("next_cursor" in res), res
        if not more or (how == "stop_short" and len(page) < size):
            return items, lengths, 0
        cursor = cursor + size if how == "full" else res.get("next_cursor", cursor + len(page))


class ShortPages(unittest.TestCase):
    """--short-pages N: every paged endpoint answers shorter pages while more remain."""

    N = 7

    def setUp(self):
        self.c = OrgClient(employees=200, short_pages=self.N)
        self.tok = self.c.token()

    def assert_short(self, lengths, full):
        """Every page but the last holds 1..min(N, full - 1) items, and the lengths vary."""
        self.assertGreater(len(lengths), 2, lengths)
        self.assertTrue(all(1 <= n <= min(self.N, full - 1) for n in lengths[:-1]), lengths)
        self.assertTrue(lengths[-1] <= full, lengths)
        self.assertGreater(len(set(lengths[:-1])), 1, lengths)

    def normal(self, read):
        """What read() returns with short pages switched off at run time (then on again)."""
        self.c.control("POST", "/_sim/config", {"short_pages": 0})
        try:
            return read()
        finally:
            self.c.control("POST", "/_sim/config", {"short_pages": self.N})

    def test_formula_and_runtime_switch(self):
        c, tok = self.c, self.tok
        body = {"status_list": "2,3,5,-1", "offset": 0, "size": 50}
        h = int.from_bytes(hashlib.sha256(b"queryonjob:0").digest()[:4], "big")
        first = c.onjob(tok, body)[1]["result"]
        self.assertEqual(len(first["data_list"]), 1 + h % min(self.N, 49))
        self.assertEqual(first["next_cursor"], len(first["data_list"]))
        self.assertEqual(c.onjob(tok, body)[1]["result"], first)          # the same for the same request
        self.assertEqual(c.control("POST", "/_sim/config", {"short_pages": 0})[1]["short_pages"], 0)
        self.assertEqual(len(c.onjob(tok, body)[1]["result"]["data_list"]), 50)
        c.control("POST", "/_sim/config", {"short_pages": 1})
        self.assertEqual(len(c.onjob(tok, body)[1]["result"]["data_list"]), 1)
        for bad in (-1, "3", True, 1.5):
            self.assertEqual(c.control("POST", "/_sim/config", {"short_pages": bad})[0], 400, bad)
        self.assertEqual(c.control("GET", "/_sim/config")[1]["short_pages"], 1)
        self.assertEqual(c.rules(), [])

    def test_queryonjob_and_querypreentry(self):
        c, tok = self.c, self.tok
        body = {"status_list": "2,3,5,-1"}
        ids, _, err = follow(c, tok, QOJ, body, "offset", "data_list", 50, how="full")
        self.assertEqual((err, c.rules()), (40035, ["cursor"]))          # offset + size: caught
        c.sim.violations.clear()
        ids, lengths, err = follow(c, tok, QOJ, body, "offset", "data_list", 50)
        self.assertEqual((err, ids), (0, c.sim.truth()["employees"]))    # each exactly once
        self.assert_short(lengths, 50)
        some, _, _ = follow(c, tok, QOJ, body, "offset", "data_list", 50, how="stop_short")
        self.assertLess(len(some), len(ids))                             # a short page is not the end
        pre, lengths, err = follow(c, tok, QPE, {}, "offset", "data_list", 5)
        self.assertEqual(pre, [f"p{i:05d}" for i in range(1, 8)])
        self.assertTrue(all(1 <= n <= 4 for n in lengths[:-1]) and len(lengths) >= 2, lengths)
        self.assertEqual(c.rules(), [])

    def test_emp_leave_records(self):
        c, tok = self.c, self.tok
        start = iso(START - 365 * 86400 + 60)
        records, pages = c.all_leave(tok, startTime=start, maxResults=50)
        self.assertEqual(records, self.normal(lambda: c.all_leave(tok, startTime=start, maxResults=50)[0]))
        self.assertGreater(pages, math.ceil(len(records) / self.N))
        self.assertEqual(len({(r["userId"], r["leaveTime"]) for r in records}), len(records))
        truth = c.sim.truth()
        month = [r for r in records if wfsim.parse_rfc3339(r["leaveTime"]) >= TODAY0 - 29 * 86400]
        self.assertEqual(len(month), sum(truth["departures_30d"].values()))
        obj = c.leave(tok, startTime=start, maxResults=50)[1]              # a short first page with a token
        self.assertTrue(1 <= len(obj["records"]) <= self.N and "nextToken" in obj, obj)
        self.assertEqual(c.rules(), [])

    def test_vacation_records(self):
        c, tok = self.c, self.tok
        types = c.leave_types(tok)
        users = [f"u{i:05d}" for i in range(1, 51)]
        body = {"op_userid": "manager01", "userids": users}
        records = []
        for t in types:
            got, lengths, err = follow(c, tok, VR, {**body, "leave_code": t["leave_code"]}, "offset",
                                       "leave_records", 200)
            self.assertEqual(err, 0)
            self.assertTrue(all(1 <= n <= self.N for n in lengths[:-1]), lengths)   # min(N, 50 - 1)
            self.assertEqual(got, self.normal(lambda: c.vacation(tok, users, t["leave_code"])[0]))
            records += got
        self.assertEqual((c.sim.truth(userids=",".join(users))["on_leave"],
                          c.sim.truth(userids=",".join(users))["leave_pending"]),
                         count_leaves(records, types, ms(c.clock())))
        self.assertEqual(c.rules(), [])
        got, lengths, err = follow(c, tok, VR, {**body, "leave_code": types[0]["leave_code"]}, "offset",
                                   "leave_records", 20, how="full")
        self.assertEqual((err, c.rules()), (40035, ["cursor"]))

    def test_report_list_and_templates(self):
        c, tok = self.c, self.tok
        body = {"start_time": ms(TODAY0), "end_time": ms(START)}
        reports, lengths, err = follow(c, tok, RL, body, "cursor", "data_list", 20)
        self.assertEqual(err, 0)
        self.assert_short(lengths, 20)
        self.assertEqual(len(reports), sum(c.sim.truth()["reports_today"].values()))
        self.assertEqual(reports, self.normal(lambda: c.reports(tok, ms(TODAY0), ms(START))[0]))
        self.assertEqual(c.rules(), [])
        _, _, err = follow(c, tok, RL, body, "cursor", "data_list", 20, how="full")
        self.assertEqual((err, c.rules()), (40035, ["cursor"]))
        c.sim.violations.clear()
        names, lengths, err = follow(c, tok, RT, {}, "offset", "template_list", 3)
        self.assertEqual([t["name"] for t in names], ["日报", "周报", "Sales Weekly", "月报", "季报"])
        self.assertTrue(all(1 <= n <= 2 for n in lengths[:-1]) and len(lengths) >= 3, lengths)
        self.assertEqual(c.rules(), [])

    def test_checkin_records(self):
        c, tok = self.c, self.tok
        plan = c.sim.orgs["k1"].signin_plan(TODAY0, c.sim.started)
        users = list(dict.fromkeys(r["userid"] for r in plan))[:10]
        body = {"userid_list": ",".join(users), "start_time": ms(TODAY0), "end_time": ms(START)}
        signins, lengths, err = follow(c, tok, CKR, body, "cursor", "page_list", 100)
        self.assertEqual(err, 0)
        self.assert_short(lengths, 100)
        self.assertEqual(len(signins), c.sim.truth(userids=",".join(users))["signins_today"])
        self.assertEqual(signins, self.normal(lambda: c.signins(tok, users, ms(TODAY0), ms(START))[0]))
        self.assertEqual(c.rules(), [])

    def test_blackboard_until_an_empty_page(self):
        c, tok = self.c, self.tok

        def read(size, until_short=False):
            """listids page by page until an empty page (or a short one); returns (ids, lengths)."""
            ids, lengths, page = [], [], 1
            while True:
                q = {"operation_userid": "manager01", "page_size": size, "page": page}
                obj = c.post(BL, tok, {"query_request": q})[1]
                self.assertEqual(obj["errcode"], 0, obj)
                c.clock.advance(0.06)
                ids += obj["result"]
                lengths.append(len(obj["result"]))
                if not obj["result"] or (until_short and len(obj["result"]) < size):
                    return ids, lengths
                page += 1

        ids, lengths = read(30)
        self.assertEqual(ids, self.normal(lambda: c.board_ids(tok)[0]))     # 35 ids, each once
        self.assertEqual((len(ids), lengths[-1]), (35, 0))
        self.assert_short(lengths[:-1], 30)
        self.assertLess(len(read(30, until_short=True)[0]), 35)            # a short page is not the end
        self.assertEqual(c.post(BL, tok, {"query_request": {"operation_userid": "manager01", "page_size": 30,
                                                            "page": 999}})[1]["result"], [])
        self.assertEqual(self.normal(lambda: read(10)[1]), [10, 10, 10, 5, 0])
        self.assertEqual(c.rules(), [])


class LeaveHistory(unittest.TestCase):
    """--leave-history: quota records piled up over the years, at 10,000 employees."""

    def test_ten_thousand_employees(self):
        c = OrgClient(employees=10000, leave_history=8)
        c.sim.warm()                               # as the server does before READY
        tok = c.token()
        types = c.leave_types(tok)
        users = [f"u{i:05d}" for i in range(1, 51)]                       # with the guaranteed cases
        t0 = time.perf_counter()
        records, calls = c.vacation(tok, users, types[0]["leave_code"])
        per_page = (time.perf_counter() - t0) / calls
        self.assertGreater(len(records), 400)                              # hundreds in one batch
        self.assertEqual(calls, math.ceil(len(records) / 50))
        self.assertLess(per_page, 0.1)                                     # milliseconds, not seconds
        history = [r for r in records if r["leave_record_type"] != "leave" and r["start_time"] < ms(START - 300 * 86400)]
        self.assertGreaterEqual(len(history), 50 * 6)
        self.assertLess(min(r["start_time"] for r in records), ms(START - 3.5 * 365 * 86400))
        self.assertEqual({(r["leave_record_type"], r["cal_type"]) for r in history},
                         {("modify_quota", "add"), ("update", "update")})
        # by user in request order, then by start_time: each user's history first, oldest first
        self.assertEqual([r["userid"] for r in records], sorted((r["userid"] for r in records), key=users.index))
        for uid in users:
            starts = [r["start_time"] for r in records if r["userid"] == uid]
            self.assertEqual(starts, sorted(starts))
        # the truth counts leave records only: it matches a hand count and does not move with the history
        everything = [r for t in types for r in c.vacation(tok, users, t["leave_code"])[0]]
        t0 = time.perf_counter()
        truth = c.sim.truth(userids=",".join(users))
        self.assertLess(time.perf_counter() - t0, 3.0)
        self.assertEqual((truth["on_leave"], truth["leave_pending"]), count_leaves(everything, types, ms(c.clock())))
        self.assertTrue(any(r["leave_status"] == "success" and spans_now(r, ms(c.clock())) for r in history))
        self.assertTrue(any(r["leave_status"] == "init" for r in records if r["leave_record_type"] == "update"))
        self.assertEqual(c.control("POST", "/_sim/config", {"leave_history": 0})[1]["leave_history"], 0)
        without = [r for t in types for r in c.vacation(tok, users, t["leave_code"])[0]]
        self.assertEqual(len(everything) - len(without), 50 * 8 * len(types))
        self.assertEqual([r for r in everything if r["leave_record_type"] == "leave"],
                         [r for r in without if r["leave_record_type"] == "leave"])
        again = c.sim.truth(userids=",".join(users))
        self.assertEqual((again["on_leave"], again["leave_pending"]), (truth["on_leave"], truth["leave_pending"]))
        self.assertEqual(c.rules(), [])

    def test_history_leaves_the_other_records_alone(self):
        plain, piled = OrgClient(employees=60, leave_history=0), OrgClient(employees=60, leave_history=3)
        self.assertEqual(plain.sim.truth(), piled.sim.truth())
        org = piled.sim.orgs["k1"]
        code = org.leave_types[2]["leave_code"]
        mine = piled.sim.vacation_records(org, ["u00007"], code)
        self.assertEqual(len(mine) - len(plain.sim.vacation_records(plain.sim.orgs["k1"], ["u00007"], code)), 3)
        self.assertEqual(mine, piled.sim.vacation_records(org, ["u00007"], code))     # deterministic


class Latency(unittest.TestCase):
    """--latency MS: every platform answer waits, control answers do not."""

    def test_in_process(self):
        c = Client(latency_ms=30)
        tok = c.token()
        self.assertEqual(c.slept, [0.03])
        c.onjob(tok, {"status_list": "3", "offset": 0, "size": 99})              # errors wait too
        c.call("GET", "/nowhere")
        self.assertEqual(c.slept, [0.03] * 3)
        c.control("GET", "/_sim/config")
        self.assertEqual(c.control("POST", "/_sim/config", {"latency_ms": 0})[1]["latency_ms"], 0.0)
        c.onjob(tok, {"status_list": "3", "offset": 0, "size": 1})
        self.assertEqual(c.slept, [0.03] * 3)
        for bad in (-1, "5", None):
            self.assertEqual(c.control("POST", "/_sim/config", {"latency_ms": bad})[0], 400)


def start_sim(*args):
    """wfsim.py as a process with args; returns (process, port)."""
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "wfsim.py"), "--port", "0", "--quiet",
                             "--employees", "60", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    return proc, read_ready(proc)


def stop_sim(proc):
    """SIGTERM the process and wait for it."""
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    proc.stdout.close()
    proc.stderr.close()


def at_once(port, calls):
    """Send the (method, path, body, headers) calls at the same moment, one connection each;
    returns ([(status, headers, decoded body)] in call order, seconds from release to the last answer)."""
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in calls]
    for conn in conns:
        conn.connect()
    gate = threading.Barrier(len(calls) + 1)
    out = [None] * len(calls)

    def run(i):
        method, path, body, headers = calls[i]
        gate.wait()
        conns[i].request(method, path, body=None if body is None else json.dumps(body),
                         headers={"Content-Type": "application/json", **(headers or {})})
        resp = conns[i].getresponse()
        out[i] = (resp.status, dict(resp.getheaders()), json.loads(resp.read()))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    gate.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    for conn in conns:
        conn.close()
    return out, elapsed


class ConcurrentHTTP(unittest.TestCase):
    """Latency and the per-app per-API limits with concurrent requests over HTTP."""

    @classmethod
    def setUpClass(cls):
        cls.proc, cls.port = start_sim("--latency", "200", "--short-pages", "3", "--leave-history", "2",
                                       "--ip-limit", "5000", "--ip-window", "10", "--ip-block", "60")
        conn = http.client.HTTPConnection("127.0.0.1", cls.port, timeout=10)
        conn.request("GET", "/_sim/config")
        cls.initial = json.loads(conn.getresponse().read())       # before setUp changes anything
        conn.close()

    @classmethod
    def tearDownClass(cls):
        stop_sim(cls.proc)

    def setUp(self):
        self.control("POST", "/_sim/reset")
        self.control("POST", "/_sim/config", {"latency_ms": 0, "qps_limit": 20})

    def control(self, method, path, body=None):
        """One control call on a fresh connection; returns the decoded answer."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, body=None if body is None else json.dumps(body))
        obj = json.loads(conn.getresponse().read())
        conn.close()
        return obj

    def dingtalk_token(self):
        """A DingTalk token (one gettoken call)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", "/gettoken?appkey=dingsimkey&appsecret=dingsimsecret")
        tok = json.loads(conn.getresponse().read())["access_token"]
        conn.close()
        return tok

    def test_flags_reach_the_config(self):
        cfg = self.initial
        self.assertEqual((cfg["latency_ms"], cfg["short_pages"], cfg["leave_history"], cfg["ip_limit"],
                          cfg["ip_window"], cfg["ip_block"]), (200.0, 3, 2, 5000, 10.0, 60.0))
        self.control("POST", "/_sim/config", {"latency_ms": 200})
        self.control("POST", "/_sim/reset")
        self.assertEqual(self.control("GET", "/_sim/config")["latency_ms"], 200.0)   # reset keeps settings

    def test_latency_overlaps(self):
        self.control("POST", "/_sim/config", {"latency_ms": 200, "qps_limit": 100})
        tok = self.dingtalk_token()
        body = {"status_list": "2,3,5,-1", "offset": 0, "size": 50}
        t0 = time.perf_counter()
        self.control("GET", "/_sim/config")
        self.assertLess(time.perf_counter() - t0, 0.15)                    # control answers do not wait
        out, elapsed = at_once(self.port, [("POST", f"{QOJ}?access_token={tok}", body, None)] * 50)
        self.assertEqual({o[2]["errcode"] for o in out}, {0})
        self.assertGreaterEqual(elapsed, 0.2)
        self.assertLess(elapsed, 1.5)              # one after the other it would take 50 x 0.2 s = 10 s
        stats = self.control("GET", "/_sim/stats")["endpoints"]["queryonjob"]
        self.assertEqual((stats["requests"], stats["max_per_second"]), (50, 50))

    def test_per_api_limits_under_concurrency(self):
        tok = self.dingtalk_token()
        body = {"status_list": "3", "offset": 0, "size": 1}
        out, _ = at_once(self.port, [("POST", f"{QOJ}?access_token={tok}", body, None)] * 30)
        codes = collections.Counter(o[2]["errcode"] for o in out)
        self.assertEqual(codes, {0: 20, 90018: 10})
        out, _ = at_once(self.port, [("GET", f"{ELR}?startTime={quote(iso(time.time() - 86400))}", None,
                                      {HDR: tok})] * 25)
        self.assertEqual(collections.Counter((o[0], o[2].get("code")) for o in out),
                         {(200, None): 20, (403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"): 5})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("POST", FTOK, body=json.dumps({"app_id": "cli_simapp", "app_secret": "feishusimsecret"}))
        ftok = json.loads(conn.getresponse().read())["tenant_access_token"]
        conn.close()
        today = int(time.strftime("%Y%m%d", time.gmtime(time.time() + 8 * 3600)))
        task = {"user_ids": ["fe00001"], "check_date_from": today, "check_date_to": today}
        out, _ = at_once(self.port, [("POST", f"{UT}?employee_type=employee_id", task,
                                      {"Authorization": f"Bearer {ftok}"})] * 60)
        self.assertEqual(collections.Counter((o[0], o[2]["code"]) for o in out), {(200, 0): 50, (429, 99991400): 10})
        self.assertTrue(all(o[1].get("x-ogw-ratelimit-reset") == "1" for o in out if o[0] == 429))
        violations = self.control("GET", "/_sim/violations")
        self.assertEqual(collections.Counter((v["endpoint"], v["rule"]) for v in violations),
                         {("queryonjob", "qps"): 10, ("empLeaveRecords", "qps"): 5, ("userTasks", "qps"): 10})
        stats = self.control("GET", "/_sim/stats")
        self.assertEqual({name: (e["requests"], e["max_per_second"]) for name, e in stats["endpoints"].items()},
                         {"gettoken": (1, 1), "queryonjob": (30, 30), "empLeaveRecords": (25, 25),
                          "tenantToken": (1, 1), "userTasks": (60, 60)})
        self.assertEqual(stats["endpoints"]["userTasks"]["apps"], {"cli_simapp": {"requests": 60, "max_per_second": 60}})
        self.assertEqual(stats["violations"], {"qps": 25})
        self.assertEqual(stats["ip"]["clients"]["127.0.0.1"]["requests"], 56)   # DingTalk calls only


class PerIP(unittest.TestCase):
    """DingTalk's per-IP limit: calls per window over all apps, then a block."""

    BLOCK = {"status": 1111, "wait": 5, "source": "x5", "punish": "deny"}

    def test_limit_block_and_release(self):
        c = Client(apps=[("k1", "s1"), ("k2", "s2")], ip_limit=5, ip_window=20, ip_block=300)
        tok1, tok2 = c.token(), c.token("k2", "s2")                 # calls 1 and 2, two apps
        c.clock.advance(1)
        for _ in range(3):                                           # calls 3 to 5
            self.assertEqual(c.onjob(tok1, {"status_list": "3", "offset": 0, "size": 1})[1]["errcode"], 0)
            c.clock.advance(0.1)
        status, obj, reply = c.leave(tok2, startTime=iso(TODAY0))     # the 6th within 20 s
        self.assertEqual((status, obj, reply.errcode), (200, self.BLOCK, None))
        self.assertEqual(c.rules(), ["ip_limit"])
        for call in (lambda: c.call("GET", "/gettoken?appkey=k1&appsecret=s1"),
                     lambda: c.onjob(tok1, {"status_list": "3", "offset": 0, "size": 1}),
                     lambda: c.call("GET", f"{QOJ}?access_token={tok1}"),           # before the method check
                     lambda: c.call("POST", f"{VR}?access_token=bogus", body={})):  # before the token check
            c.clock.advance(10)
            self.assertEqual(call()[1], self.BLOCK)
        self.assertEqual(c.rules(), ["ip_limit"] + ["ip_blocked"] * 4)
        self.assertEqual(c.ftoken() and c.sim.violations[-1]["rule"], "ip_blocked")   # Feishu goes on
        other = c.sim.handle("POST", f"{QOJ}?access_token={tok1}", {}, b'{"status_list":"3","offset":0,"size":1}',
                             client="10.0.0.2")
        self.assertEqual(json.loads(other.body)["errcode"], 0)                        # another address goes on
        stats = c.control("GET", "/_sim/stats")[1]
        self.assertEqual(stats["ip"]["clients"]["127.0.0.1"]["blocked"], True)
        self.assertEqual(stats["ip"]["clients"]["10.0.0.2"], {"requests": 1, "max_per_window": 1,
                                                               "blocked": False, "blocked_until": None})
        self.assertEqual(stats["violations"], {"ip_blocked": 4, "ip_limit": 1})
        c.clock.advance(300 - 40 - 0.3 + 1)
        self.assertEqual(c.onjob(tok1, {"status_list": "3", "offset": 0, "size": 1})[1]["errcode"], 0)
        self.assertFalse(c.control("GET", "/_sim/stats")[1]["ip"]["clients"]["127.0.0.1"]["blocked"])

    def test_sliding_window_config_and_reset(self):
        c = Client(ip_limit=3, ip_window=2, ip_block=60)
        tok = c.token()
        codes = []
        for _ in range(6):                          # one call every 0.7 s: never 4 within 2 s
            c.clock.advance(0.7)
            codes.append(c.onjob(tok, {"status_list": "3", "offset": 0, "size": 1})[1].get("errcode"))
        self.assertEqual((codes, c.rules()), ([0] * 6, []))
        c.control("POST", "/_sim/config", {"ip_limit": 0})                  # unlimited
        for _ in range(10):
            self.assertEqual(c.onjob(tok, {"status_list": "3", "offset": 0, "size": 1})[1]["errcode"], 0)
            c.clock.advance(0.06)
        c.control("POST", "/_sim/config", {"ip_limit": 2, "ip_window": 5})
        c.clock.advance(5)
        results = [c.onjob(tok, {"status_list": "3", "offset": 0, "size": 1})[1] for _ in range(3)]
        self.assertEqual(results[2], self.BLOCK)
        c.control("POST", "/_sim/reset")                                    # lifts the block
        self.assertEqual(c.token() and c.rules(), [])
        for bad in ({"ip_limit": -1}, {"ip_window": 0}, {"ip_block": -5}, {"ip_limit": 2.5}):
            self.assertEqual(c.control("POST", "/_sim/config", bad)[0], 400, bad)

    def test_ip_block_fault(self):
        c = Client()
        tok = c.token()
        c.control("POST", "/_sim/fault", {"endpoint": "*", "kind": "ip_block"})
        self.assertEqual(c.onjob(tok, {"status_list": "3", "offset": 0, "size": 1})[1], self.BLOCK)
        self.assertEqual(c.onjob(tok, {"status_list": "3", "offset": 0, "size": 1})[1]["errcode"], 0)
        self.assertEqual(c.control("POST", "/_sim/fault", {"endpoint": "userTasks", "kind": "ip_block"})[0], 400)
        self.assertEqual(c.rules(), [])

    def test_over_http(self):
        proc, port = start_sim("--ip-limit", "3", "--ip-window", "20", "--ip-block", "300")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/gettoken?appkey=dingsimkey&appsecret=dingsimsecret")
            resp = conn.getresponse()
            answers = [(resp.status, json.loads(resp.read()))]
            tok = answers[0][1]["access_token"]
            for _ in range(4):
                conn.request("POST", f"{QOJ}?access_token={tok}", body=json.dumps({"status_list": "3", "offset": 0,
                                                                                    "size": 1}))
                resp = conn.getresponse()
                answers.append((resp.status, json.loads(resp.read())))
            self.assertEqual([a[1].get("errcode") for a in answers[:3]], [0, 0, 0])
            self.assertEqual(answers[3:], [(200, self.BLOCK)] * 2)
            conn.request("GET", "/_sim/violations")
            rules = [v["rule"] for v in json.loads(conn.getresponse().read())]
            self.assertEqual(rules, ["ip_limit", "ip_blocked"])
            conn.request("GET", "/_sim/stats")
            clients = json.loads(conn.getresponse().read())["ip"]["clients"]
            self.assertEqual((clients["127.0.0.1"]["requests"], clients["127.0.0.1"]["blocked"]), (5, True))
            conn.close()
        finally:
            stop_sim(proc)


class Stats(unittest.TestCase):
    """/_sim/stats: requests and the busiest second per API, from the request log."""

    def test_counts_and_busiest_second(self):
        c = Client(apps=[("k1", "s1"), ("k2", "s2")])
        tok1 = c.token()
        tok2 = c.token("k2", "s2")
        body = {"status_list": "3", "offset": 0, "size": 1}
        for gap in (0.3, 0.3, 0.3, 0.3, 2.0, 0.1):                # 4 within one second, then 2
            c.onjob(tok1, body)
            c.clock.advance(gap)
        c.onjob(tok2, body)
        c.onjob("bogus", body)
        c.call("GET", "/nowhere")
        stats = c.control("GET", "/_sim/stats")[1]
        onjob = stats["endpoints"]["queryonjob"]
        self.assertEqual((onjob["requests"], onjob["max_per_second"]), (8, 4))
        self.assertEqual(onjob["apps"], {"k1": {"requests": 6, "max_per_second": 4},
                                         "k2": {"requests": 1, "max_per_second": 1},
                                         "-": {"requests": 1, "max_per_second": 1}})
        self.assertEqual(set(stats["endpoints"]), {"gettoken", "queryonjob"})
        since = c.sim.requests[-3]["seq"] - 1                      # k2, bogus and /nowhere
        part = c.control("GET", f"/_sim/stats?since={since}")[1]["endpoints"]["queryonjob"]
        self.assertEqual(part["requests"], 2)
        c.control("POST", "/_sim/requests/clear")
        self.assertEqual(c.control("GET", "/_sim/stats")[1]["endpoints"], {})


class SimHTTPTest(unittest.TestCase):
    """The tests of wfsim.py as a process on cls.port: each has a connection of its own, self.conn, and
    starts on a reset simulator. Subclasses start the process and define request()."""

    def setUp(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        self.request("POST", "/_sim/reset")

    def tearDown(self):
        self.conn.close()


class HTTPServer(SimHTTPTest):
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


class FeishuHTTP(SimHTTPTest):
    """The new command-line flags and the Feishu endpoints over HTTP."""

    @classmethod
    def setUpClass(cls):
        cls.proc, cls.port = start_sim(
            "--feishu-app", "cli_a:sa", "--feishu-app", "cli_b:sb", "--odd-results", "--monthly-quota", "2",
            "--feishu-unauthorized", "1", "--feishu-same-token-window", "60", "--admin", "boss01")

    @classmethod
    def tearDownClass(cls):
        stop_sim(cls.proc)

    def request(self, method, path, body=None, headers=None):
        """One request; returns (response, decoded JSON or raw bytes)."""
        data = json.dumps(body).encode() if body is not None else None
        self.conn.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
        resp = self.conn.getresponse()
        raw = resp.read()
        try:
            return resp, json.loads(raw)
        except ValueError:
            return resp, raw

    def test_flags_reach_the_config(self):
        cfg = self.request("GET", "/_sim/config")[1]
        self.assertEqual((cfg["monthly_quota"], cfg["odd_results"], cfg["feishu_unauthorized"],
                          cfg["feishu_same_token_window"], cfg["feishu_qps_limit"], cfg["quota_used"]),
                         (2, True, 1, 60.0, 50, {"dingsimkey": 0}))

    def test_feishu_over_http(self):
        resp, obj = self.request("POST", FTOK, {"app_id": "cli_b", "app_secret": "sb"})
        self.assertEqual((resp.status, obj["code"], obj["expire"]), (200, 0, 7200))
        tok = obj["tenant_access_token"]
        today = int(time.strftime("%Y%m%d", time.gmtime(time.time() + 8 * 3600)))
        truth = self.request("GET", "/_sim/truth?platform=feishu&appid=cli_b")[1]
        resp, obj = self.request("POST", f"{UT}?employee_type=employee_id",
                                 {"user_ids": truth["employees"][:50], "check_date_from": today, "check_date_to": today},
                                 {"Authorization": f"Bearer {tok}"})
        self.assertEqual((resp.status, obj["data"]["unauthorized_user_ids"]), (200, ["fe00001"]))
        results = obj["data"]["user_task_results"]
        resp, obj = self.request("POST", f"{UT}?employee_type=employee_id",
                                 {"user_ids": truth["employees"][50:], "check_date_from": today, "check_date_to": today},
                                 {"Authorization": f"Bearer {tok}"})
        results += obj["data"]["user_task_results"]
        truth = self.request("GET", "/_sim/truth?platform=feishu&appid=cli_b")[1]
        self.assertEqual(nonzero(truth["checkins"]), count_tasks(results)[0])
        self.assertEqual(truth["checkins"]["overtime"], 1)
        log = self.request("GET", "/_sim/requests")[1]
        self.assertEqual([(e["app"], e["endpoint"], e["errcode"]) for e in log],
                         [("cli_b", "tenantToken", 0), ("cli_b", "userTasks", 0), ("cli_b", "userTasks", 0)])
        self.assertEqual(self.request("GET", "/_sim/violations")[1], [])

    def test_throttle_headers_on_the_wire(self):
        tok = self.request("POST", FTOK, {"app_id": "cli_a", "app_secret": "sa"})[1]["tenant_access_token"]
        self.request("POST", "/_sim/fault", {"endpoint": "userTasks", "kind": "throttle", "reset": 2})
        resp, obj = self.request("POST", f"{UT}?employee_type=employee_id",
                                 {"user_ids": ["fe00002"], "check_date_from": 20240101, "check_date_to": 20240101},
                                 {"Authorization": f"Bearer {tok}"})
        self.assertEqual((resp.status, obj["code"]), (429, 99991400))
        self.assertEqual((resp.getheader("x-ogw-ratelimit-limit"), resp.getheader("x-ogw-ratelimit-reset")), ("50", "2"))
        resp, _ = self.request("POST", "/open-apis/nothing")
        self.assertEqual(resp.status, 404)

    def test_get_with_a_body_on_the_wire(self):
        tok = self.request("POST", FTOK, {"app_id": "cli_a", "app_secret": "sa"})[1]["tenant_access_token"]
        truth = self.request("GET", "/_sim/truth?platform=feishu&appid=cli_a")[1]
        tid = truth["leave_types"][0]["leave_type_id"]
        today = dt.date.fromisoformat(time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600)))
        body = {"employment_id": truth["employment_by_employee"]["fe00001"], "leave_type_id": tid,
                "start_expiration_date": today.isoformat(),
                "end_expiration_date": (today + dt.timedelta(days=30)).isoformat(), "time_offset": 480}
        resp, obj = self.request("GET", f"{LEX}{tid}?user_id_type=people_corehr_id", body,
                                 {"Authorization": f"Bearer {tok}"})
        self.assertEqual((resp.status, obj["code"]), (200, 0))
        dates = {r["expiration_date"] for r in obj["data"]["records"]}
        self.assertIn(today.isoformat(), dates)
        self.assertTrue(all(body["start_expiration_date"] <= d <= body["end_expiration_date"] for d in dates))
        resp, obj = self.request("GET", f"{LEX}{tid}", None, {"Authorization": f"Bearer {tok}"})
        self.assertEqual((resp.status, obj["code"]), (400, 1220016))            # the body is required
        log = self.request("GET", "/_sim/requests")[1]
        self.assertEqual((log[1]["method"], log[1]["body"], log[2]["body"]), ("GET", body, None))
        self.assertEqual([v["rule"] for v in self.request("GET", "/_sim/violations")[1]], ["body"])

    def test_admin_flag(self):
        self.assertEqual(self.request("GET", "/_sim/config")[1]["admins"], ["boss01"])
        tok = self.request("GET", "/gettoken?appkey=dingsimkey&appsecret=dingsimsecret")[1]["access_token"]
        codes = [self.request("POST", f"{VT}?access_token={tok}", {"op_userid": op, "vacation_source": "all"})[1]
                 for op in ("boss01", "manager01")]
        codes = [obj["errcode"] for obj in codes]
        self.assertEqual(codes, [0, 60011])
        truth = self.request("GET", "/_sim/truth?readers=boss01,manager01,ghost")[1]
        self.assertEqual(set(truth["unread_reports"]), {"boss01", "manager01"})

    def test_monthly_quota_flag_and_list_record(self):
        tok = self.request("GET", "/gettoken?appkey=dingsimkey&appsecret=dingsimsecret")[1]["access_token"]
        day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
        body = {"userIds": '["u00001","u00002"]', "checkDateFrom": f"{day} 00:00:00",
                "checkDateTo": f"{day} 23:59:59", "isI18n": False}
        codes = [self.request("POST", f"{LR}?access_token={tok}", body)[1]["errcode"] for _ in range(3)]
        self.assertEqual(codes, [0, 0, 90020])
        truth = self.request("GET", "/_sim/truth?userids=u00001,u00002")[1]
        self.assertEqual(truth["quota_used"], 2)
        self.assertIn("overtime", truth["checkins"])


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
        for args in (["--app", "nocolon"], ["--feishu-app", "nocolon"], ["--monthly-quota", "-1"],
                     ["--feishu-unauthorized", "-2"], ["--admin"], ["--short-pages", "-1"],
                     ["--leave-history", "-1"], ["--latency", "-5"], ["--ip-limit", "-1"], ["--ip-window", "0"],
                     ["--ip-block", "-1"]):
            bad = subprocess.run([sys.executable, os.path.join(HERE, "wfsim.py"), *args],
                                 capture_output=True, text=True, timeout=10)
            self.assertEqual(bad.returncode, 2, args)


if __name__ == "__main__":
    unittest.main(verbosity=1)
