#!/usr/bin/env python3
"""wfsim - a DingTalk open-platform simulator for collectd-workforce.

Serves the DingTalk endpoints the plugin polls (oapi and /v1.0 on one base
URL) from deterministic generated data, enforces the documented limits,
records every request and every broken rule, and is steered by tests through
a control API under /_sim/.  Python 3.11 standard library only; see README.md
next to this file.

Adding an endpoint: write a Simulator method decorated with @endpoint(path,
method, kind, name) that takes a Context and returns a Reply (helpers:
json_body, int_value, check_offset, offset_page, key_page, oapi_ok, Rejected).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

DAY = 86400
MAX_PAGE = 50
DEFAULT_QPS = 20
MAX_SPAN = 365 * DAY
REQUEST_LOG_MAX = 200_000
LEAVE_REASONS = ("leave", "delete", "oapi", "cancel", "unknown")
STATUS_NAMES = {2: "probation", 3: "regular", 5: "leaving", -1: "nostatus"}
FAULT_KINDS = ("errcode", "http", "delay", "drop", "garbage", "truncated", "huge",
               "repeat_cursor", "endless_cursor", "token_invalid", "throttle", "quota")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田"
            "董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟"
            "熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉力斌"
         "宇浩凯鹏飞俊帅晨欣怡佳琪雪梅婷瑶瑞丹宁博阳鑫慧颖嘉子涵轩然诗雨思源")
RFC3339_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
                        r"(Z|[+-]\d{2}:\d{2})")
TOKEN_HEADER = "x-acs-dingtalk-access-token"


# ---------------------------------------------------------------- time helpers

def parse_utc_offset(text: str) -> int:
    """Parse '+08:00', '+0800', '-05:30', '08:00' or 'Z' into minutes east of UTC."""
    s = text.strip()
    if s in ("Z", "z", "UTC"):
        return 0
    m = re.fullmatch(r"([+-]?)(\d{1,2}):?(\d{2})", s)
    if not m or int(m.group(2)) > 23 or int(m.group(3)) > 59:
        raise ValueError(f"bad UTC offset {text!r}")
    minutes = int(m.group(2)) * 60 + int(m.group(3))
    return -minutes if m.group(1) == "-" else minutes


def format_utc_offset(minutes: int) -> str:
    """Format minutes east of UTC as '+HH:MM'."""
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def local_midnight(ts: float, offset_min: int) -> int:
    """Epoch seconds of the local midnight starting the day that contains ts."""
    shift = offset_min * 60
    return int(math.floor(ts + shift) // DAY * DAY - shift)


def rfc3339(ts: float) -> str:
    """Format epoch seconds as RFC 3339 UTC 'YYYY-MM-DDTHH:MM:SSZ'."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def parse_rfc3339(text: str) -> float:
    """Parse an RFC 3339 date-time with 'Z' or '+HH:MM' into epoch seconds."""
    m = RFC3339_RE.fullmatch(text)
    if not m:
        raise ValueError(f"not RFC 3339: {text!r}")
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    zone = m.group(8)
    tz = dt.timezone.utc if zone == "Z" else dt.timezone(
        dt.timedelta(minutes=parse_utc_offset(zone)))
    frac = float("0." + m.group(7)) if m.group(7) else 0.0
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=tz).timestamp() + frac


# ---------------------------------------------------------------- data model

@dataclasses.dataclass
class Person:
    """An on-job or pre-entry employee."""
    userid: str
    name: str
    mobile: str
    status: int | None = None


@dataclasses.dataclass
class Departure:
    """One empLeaveRecords record; t is integer epoch seconds."""
    userid: str
    name: str
    mobile: str
    t: int
    reason: str

    def key(self) -> tuple[int, str]:
        """Sort and paging key: leaveTime, then userId."""
        return (self.t, self.userid)

    def record(self) -> dict:
        """The record as the platform returns it."""
        return {"userId": self.userid, "name": self.name, "stateCode": "86",
                "mobile": self.mobile, "leaveTime": rfc3339(self.t),
                "leaveReason": self.reason}


class Org:
    """One organisation (one app): employees, pre-entries and departures."""

    def __init__(self, appkey: str, secret: str, rng: random.Random):
        """Create an empty organisation whose later random choices use rng."""
        self.appkey, self.secret, self.rng = appkey, secret, rng
        self.employees: dict[str, Person] = {}
        self.preentry: dict[str, Person] = {}
        self.departures: list[Departure] = []
        self.mobiles: set[str] = set()
        self.counters = {"u": 0, "p": 0, "d": 0}

    @classmethod
    def generate(cls, seed: int, appkey: str, secret: str, employees: int, preentry: int,
                 start: float, offset_min: int) -> "Org":
        """Build the deterministic data of one app from seed + appkey."""
        org = cls(appkey, secret, random.Random(f"wfsim:{seed}:{appkey}"))
        for status in org.status_plan(employees):
            org.add_employee(status)
        for _ in range(preentry):
            org.add_preentry()
        for t, reason in sorted(org.departure_plan(employees, start, offset_min)):
            org.add_departure(t, reason)
        return org

    def status_plan(self, n: int) -> list[int]:
        """Statuses for n employees: ~15% probation, 75% regular, 5% leaving, 5% none."""
        if n < 4:
            plan = [3, 2, 5, -1][:n]
        else:
            small = {2: max(1, round(0.15 * n)), 5: max(1, round(0.05 * n)),
                     -1: max(1, round(0.05 * n))}
            plan = [s for s, c in small.items() for _ in range(c)]
            plan += [3] * (n - len(plan))
        self.rng.shuffle(plan)
        return plan

    def departure_plan(self, employees: int, start: float, offset_min: int) -> list[tuple[int, str]]:
        """(leaveTime, reason) pairs over the last 400 days with the guaranteed cases."""
        rng, now_i = self.rng, int(math.floor(start))
        today0 = local_midnight(start, offset_min)
        w30 = today0 - 29 * DAY
        plan = [(rng.randint(now_i - 400 * DAY, now_i - 1), rng.choice(LEAVE_REASONS))
                for _ in range(round(employees * 0.02 * 400 / 30.44))]
        latest_today = max(today0, now_i - 1)
        plan += [(rng.randint(today0, latest_today), r) for r in rng.sample(LEAVE_REASONS, 3)]
        plan += [(rng.randint(w30 + 3600, today0 - 1), r) for r in LEAVE_REASONS]
        plan += [(w30, rng.choice(LEAVE_REASONS)), (w30 + 59, rng.choice(LEAVE_REASONS)),
                 (w30 - 1, rng.choice(LEAVE_REASONS)),
                 (w30 - 3600 - rng.randint(0, 3600), rng.choice(LEAVE_REASONS)),
                 (today0 - 1, rng.choice(LEAVE_REASONS))]
        return plan

    def new_name(self) -> str:
        """A Chinese personal name: surname plus one or two given characters."""
        given = "".join(self.rng.choice(GIVEN) for _ in range(1 if self.rng.random() < 0.3 else 2))
        return self.rng.choice(SURNAMES) + given

    def new_mobile(self) -> str:
        """A fresh 11-digit mobile number 138xxxxxxxx, unique in this org."""
        while True:
            mobile = "138%08d" % self.rng.randrange(10 ** 8)
            if mobile not in self.mobiles:
                self.mobiles.add(mobile)
                return mobile

    def next_id(self, prefix: str) -> str:
        """Next userid with the given prefix (u, p, d)."""
        self.counters[prefix] += 1
        return f"{prefix}{self.counters[prefix]:05d}"

    def add_employee(self, status: int) -> Person:
        """Add an on-job employee with the given HR status."""
        person = Person(self.next_id("u"), self.new_name(), self.new_mobile(), status)
        self.employees[person.userid] = person
        return person

    def add_preentry(self) -> Person:
        """Add a pre-entry employee."""
        person = Person(self.next_id("p"), self.new_name(), self.new_mobile())
        self.preentry[person.userid] = person
        return person

    def add_departure(self, t: int, reason: str, person: Person | None = None) -> Departure:
        """Add a departure record (a new ex-employee unless person is given)."""
        if person is None:
            person = Person(self.next_id("d"), self.new_name(), self.new_mobile())
        dep = Departure(person.userid, person.name, person.mobile, int(t), reason)
        self.departures.append(dep)
        self.departures.sort(key=Departure.key)
        return dep

    def headcount(self) -> dict[str, int]:
        """Employees by HR status name, plus pre-entries."""
        counts = {name: 0 for name in STATUS_NAMES.values()}
        for person in self.employees.values():
            counts[STATUS_NAMES[person.status]] += 1
        counts["preentry"] = len(self.preentry)
        return counts

    def departures_between(self, lo: float, hi: float) -> dict[str, int]:
        """Departures per reason with leaveTime in [lo, hi)."""
        counts = {reason: 0 for reason in LEAVE_REASONS}
        for dep in self.departures:
            if lo <= dep.t < hi:
                counts[dep.reason] += 1
        return counts

    def people(self) -> list[Person | Departure]:
        """Everyone whose personal data the org holds."""
        return [*self.employees.values(), *self.preentry.values(), *self.departures]


# ---------------------------------------------------------------- plumbing

@dataclasses.dataclass
class Reply:
    """One HTTP answer; stream/drop are for faults."""
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json;charset=utf-8"
    errcode: Any = None
    stream: tuple[int, Callable[[], Iterator[bytes]]] | None = None
    drop: bool = False


def json_reply(status: int, obj: Any, errcode: Any = None) -> Reply:
    """A JSON answer (UTF-8, Chinese kept readable)."""
    return Reply(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), errcode=errcode)


def request_id() -> str:
    """A random request id like DingTalk's."""
    return "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12))


def oapi_error(errcode: int, errmsg: str) -> Reply:
    """An oapi error: HTTP 200 with errcode/errmsg/request_id."""
    return json_reply(200, {"errcode": errcode, "errmsg": errmsg, "request_id": request_id()}, errcode)


def v1_error(status: int, code: str, message: str) -> Reply:
    """A /v1.0 error: HTTP status with code/message/requestid."""
    return json_reply(status, {"code": code, "message": message, "requestid": request_id()}, code)


def oapi_ok(result: Any) -> Reply:
    """A successful topapi answer wrapping result."""
    return json_reply(200, {"errcode": 0, "errmsg": "ok", "success": True,
                            "request_id": request_id(), "result": result}, 0)


def param_error(kind: str, detail: str) -> Reply:
    """The documented bad-parameter answer for an endpoint kind."""
    if kind == "oapi":
        return oapi_error(40035, "不合法的参数")
    return v1_error(400, "invalidParameter.param.invalid", f"入参错误:{detail}")


def invalid_token(kind: str, expired: bool = False) -> Reply:
    """The answer to an unknown (or expired) access token."""
    if kind == "oapi":
        return oapi_error(42001, "access_token超时") if expired else \
            oapi_error(40014, "不合法的access_token")
    return v1_error(400, "InvalidAuthentication", "不合法的access_token")


def throttled(kind: str) -> Reply:
    """The per-app per-API QPS limit answer."""
    if kind == "oapi":
        return oapi_error(90018, "当前企业调用该接口超过每秒限制,请降低调用频率")
    return v1_error(403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
                    "调用该接口超过每秒限制,请降低调用频率")


def quota_exhausted(kind: str) -> Reply:
    """The monthly organisation quota answer."""
    if kind == "oapi":
        return oapi_error(90020, "企业调用次数超过每月限额")
    return v1_error(403, "Forbidden.AccessDenied.ApiCountLimitForOrg", "企业调用次数超过每月限额")


class Rejected(Exception):
    """A request that is answered with an error; rule set = a client violation."""

    def __init__(self, rule: str | None, detail: str, reply: Reply | None = None):
        """rule: violation name or None; reply: None = the kind's bad-parameter answer."""
        super().__init__(detail)
        self.rule, self.detail, self.reply = rule, detail, reply


@dataclasses.dataclass
class Route:
    """One platform endpoint: how it is called and who answers it."""
    path: str
    method: str
    kind: str          # "oapi" (errcode in body) or "v1" (HTTP status + code)
    endpoint: str      # short name used in logs, faults and violations
    handler: Callable[["Simulator", "Context"], Reply]
    auth: bool = True


ROUTES: dict[str, Route] = {}   # filled once at import time by @endpoint


def endpoint(path: str, method: str, kind: str, name: str, auth: bool = True):
    """Register a Simulator method as the handler of a platform path."""
    def register(func):
        ROUTES[path] = Route(path, method, kind, name, func, auth)
        return func
    return register


@dataclasses.dataclass
class Context:
    """Everything known about the request being answered."""
    seq: int
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    entry: dict
    route: Route | None = None
    app: str | None = None
    org: Org | None = None
    token: str | None = None
    fault: dict | None = None
    now: float = 0.0


@dataclasses.dataclass
class Token:
    """An issued access token."""
    value: str
    appkey: str
    expires: float
    touched: float     # issued or last renewed


def parse_query(raw: str) -> dict[str, str]:
    """Query string to a dict of first values (blank values kept)."""
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def body_for_log(body: bytes) -> Any:
    """Parsed JSON body, else the raw text, else None."""
    if not body:
        return None
    text = body.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def sample_json(kind: str) -> tuple[bytes, bytes, bytes]:
    """(prefix, element, suffix) of a valid-looking list answer of an endpoint kind."""
    if kind == "oapi":
        return (b'{"errcode":0,"errmsg":"ok","success":true,"result":{"data_list":[',
                b'"u00001"', b']}}')
    rec = {"userId": "d00001", "name": "张三", "stateCode": "86", "mobile": "13800000000",
           "leaveTime": "2024-01-01T00:00:00Z", "leaveReason": "leave"}
    return b'{"records":[', json.dumps(rec, ensure_ascii=False).encode("utf-8"), b"]}"


def huge_stream(kind: str, size: int) -> tuple[int, Callable[[], Iterator[bytes]]]:
    """A streamed valid JSON list answer of exactly max(size, minimum) bytes."""
    prefix, elem, suffix = sample_json(kind)
    room = max(0, size - len(prefix) - len(suffix))
    count = (room + 1) // (len(elem) + 1) if room >= len(elem) else 0
    used = count * len(elem) + max(0, count - 1)
    pad = room - used
    total = len(prefix) + used + pad + len(suffix)

    def chunks() -> Iterator[bytes]:
        """Yield the body in 64 KiB pieces."""
        yield prefix
        per = max(1, 65536 // (len(elem) + 1))
        left = count
        first = True
        while left > 0:
            k = min(per, left)
            piece = b",".join([elem] * k)
            yield piece if first else b"," + piece
            first, left = False, left - k
        yield b" " * pad + suffix
    return total, chunks


# ---------------------------------------------------------------- simulator

class Simulator:
    """All simulator state, guarded by one lock; independent of the HTTP transport."""

    def __init__(self, apps: list[tuple[str, str]], seed: int = 1, employees: int = 200,
                 preentry: int = 7, token_ttl: float = 7200.0, utc_offset: int = 480,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep,
                 log: Callable[[str], None] | None = None):
        """Generate every app's organisation at the current clock() moment."""
        self.lock = threading.RLock()
        self.clock, self.sleep, self.log = clock, sleep, log
        self.started = clock()
        self.config = {"token_ttl": float(token_ttl), "qps_limit": DEFAULT_QPS,
                       "utc_offset": format_utc_offset(utc_offset)}
        self.orgs = {key: Org.generate(seed, key, secret, employees, preentry, self.started, utc_offset)
                     for key, secret in apps}
        self.tokens: dict[str, Token] = {}
        self.app_tokens: dict[str, str] = {}
        self.seq = 0
        self.requests: collections.deque = collections.deque(maxlen=REQUEST_LOG_MAX)
        self.violations: list[dict] = []
        self.faults: list[dict] = []
        self.qps: dict[tuple, collections.deque] = collections.defaultdict(collections.deque)
        self.offsets: dict[tuple, set] = collections.defaultdict(set)
        self.page_tokens: dict[str, tuple[str, str, tuple]] = {}

    # ------------------------------------------------------------ dispatch

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Reply:
        """Answer one request (platform or control) and return the Reply."""
        url = urlsplit(target)
        query = parse_query(url.query)
        headers = {k.lower(): v for k, v in headers.items()}
        if url.path.startswith("/_sim/"):
            return self.control(method, url.path, query, body)
        with self.lock:
            ctx = self.begin(method, url.path, query, headers, body)
            route = ROUTES.get(url.path)
            if route is None:
                return self.finish(ctx, self.not_found(url.path))
            ctx.route = route
            if method != route.method:
                return self.finish(ctx, self.reject(ctx, self.wrong_method(route, method)))
            ctx.app = self.peek_app(ctx)
            over = self.qps_tick(ctx)
            ctx.fault = self.take_fault(route.endpoint, ctx.app)
        if ctx.fault and ctx.fault["kind"] == "delay":
            self.sleep(float(ctx.fault.get("seconds", 1.0)))
        with self.lock:
            ctx.now = self.clock()
            try:
                reply = self.answer(ctx, over)
            except Rejected as rej:
                reply = self.reject(ctx, rej)
            return self.finish(ctx, reply)

    def begin(self, method, path, query, headers, body) -> Context:
        """Number the request and open its log entry."""
        self.seq += 1
        entry = {"seq": self.seq, "t": self.clock(), "app": None, "method": method, "path": path,
                 "endpoint": None, "query": query, "headers": headers,
                 "body": body_for_log(body), "status": None, "errcode": None, "fault": None}
        self.requests.append(entry)
        return Context(self.seq, method, path, query, headers, body, entry)

    def finish(self, ctx: Context, reply: Reply) -> Reply:
        """Complete the log entry (and the stderr line) for a request."""
        e = ctx.entry
        e.update(app=ctx.app, endpoint=ctx.route.endpoint if ctx.route else None,
                 status=0 if reply.drop else reply.status, errcode=reply.errcode,
                 fault=ctx.fault["kind"] if ctx.fault else None)
        if self.log:
            self.log(f"wfsim: #{ctx.seq} {ctx.app or '-'} {ctx.method} {ctx.path} -> "
                     f"{'dropped' if reply.drop else reply.status}"
                     f"{'' if reply.errcode is None else ' ' + str(reply.errcode)}"
                     f"{' fault=' + ctx.fault['kind'] if ctx.fault else ''}")
        return reply

    def answer(self, ctx: Context, over_qps: bool) -> Reply:
        """Apply QPS, fault and token rules, then call the endpoint handler."""
        route = ctx.route
        if over_qps:
            self.violate(ctx, "qps", f"more than {self.config['qps_limit']} calls within 1 s")
        if ctx.fault and ctx.fault["kind"] not in ("delay", "repeat_cursor", "endless_cursor"):
            return self.fault_reply(ctx)
        if over_qps:
            return throttled(route.kind)
        if route.auth:
            self.authenticate(ctx)
        return route.handler(self, ctx)

    def reject(self, ctx: Context, rej: Rejected) -> Reply:
        """Record a violation if the rejection names a rule; return its answer."""
        if rej.rule:
            self.violate(ctx, rej.rule, rej.detail)
        return rej.reply or param_error(ctx.route.kind, rej.detail)

    def violate(self, ctx: Context, rule: str, detail: str) -> None:
        """Append a broken rule to the violation list."""
        self.violations.append({"seq": ctx.seq, "t": self.clock(), "app": ctx.app,
                                "endpoint": ctx.route.endpoint if ctx.route else None,
                                "rule": rule, "detail": detail})

    def not_found(self, path: str) -> Reply:
        """The answer to a path no route knows."""
        if path.startswith("/v1.0/"):
            return v1_error(404, "InvalidAction.NotFound",
                            "Specified api is not found, please check your url and method.")
        return Reply(404, b"404 Not Found\n", "text/plain;charset=utf-8")

    def wrong_method(self, route: Route, method: str) -> Rejected:
        """The rejection of a call with the wrong HTTP method."""
        detail = f"{method} instead of {route.method}"
        if route.kind == "oapi":
            reply = oapi_error(43002, "需要POST请求") if route.method == "POST" else \
                oapi_error(43001, "需要GET请求")
        else:
            reply = v1_error(404, "InvalidAction.NotFound",
                             "Specified api is not found, please check your url and method.")
        return Rejected("method", detail, reply)

    # ------------------------------------------------------------ tokens

    def peek_app(self, ctx: Context) -> str | None:
        """The app a request belongs to, if it can be told (without judging it)."""
        if not ctx.route.auth:
            key = ctx.query.get("appkey")
            return key if key in self.orgs else None
        value = ctx.query.get("access_token") if ctx.route.kind == "oapi" else ctx.headers.get(TOKEN_HEADER)
        tok = self.tokens.get(value or "")
        return tok.appkey if tok else None

    def authenticate(self, ctx: Context) -> None:
        """Check the access token in its documented place; set ctx.org and ctx.token."""
        kind = ctx.route.kind
        if kind == "oapi":
            value = ctx.query.get("access_token")
            if not value:
                misplaced = bool(ctx.headers.get(TOKEN_HEADER))
                raise Rejected("token_place" if misplaced else "token_missing",
                               "access_token must be in the query string" if misplaced
                               else "access_token missing", oapi_error(41001, "缺少参数access_token"))
        else:
            value = ctx.headers.get(TOKEN_HEADER)
            if not value:
                misplaced = bool(ctx.query.get("access_token"))
                raise Rejected("token_place" if misplaced else "token_missing",
                               f"token must be in header {TOKEN_HEADER}" if misplaced
                               else f"header {TOKEN_HEADER} missing",
                               v1_error(401, "MissingAuthentication", "缺少access_token"))
        tok = self.tokens.get(value)
        if tok is None:
            raise Rejected(None, "unknown token", invalid_token(kind))
        if ctx.now >= tok.expires:
            raise Rejected(None, "expired token", invalid_token(kind, expired=True))
        ctx.org, ctx.token = self.orgs[tok.appkey], value

    def issue_token(self, appkey: str, now: float) -> Token:
        """Create a fresh token for an app."""
        tok = Token(secrets.token_hex(16), appkey, now + self.config["token_ttl"], now)
        self.tokens[tok.value] = tok
        self.app_tokens[appkey] = tok.value
        return tok

    def revoke(self, value: str | None = None) -> int:
        """Forget one token (or all of them); returns how many were forgotten."""
        if value is None:
            n = len(self.tokens)
            self.tokens.clear()
            self.app_tokens.clear()
            return n
        tok = self.tokens.pop(value, None)
        if tok and self.app_tokens.get(tok.appkey) == value:
            del self.app_tokens[tok.appkey]
        return 1 if tok else 0

    # ------------------------------------------------------------ QPS and faults

    def qps_tick(self, ctx: Context) -> bool:
        """Count a call per app and API; True when it is over the limit."""
        if ctx.app is None:
            return False
        now = self.clock()
        window = self.qps[(ctx.app, ctx.route.endpoint)]
        while window and window[0] <= now - 1.0:
            window.popleft()
        window.append(now)
        return len(window) > self.config["qps_limit"]

    def take_fault(self, endpoint_name: str, app: str | None) -> dict | None:
        """Consume one use of the first queued fault matching this request."""
        for fault in self.faults:
            if fault["endpoint"] not in ("*", endpoint_name):
                continue
            if fault.get("appkey") and fault["appkey"] != app:
                continue
            fault["remaining"] -= 1
            if fault["remaining"] <= 0:
                self.faults.remove(fault)
            return dict(fault)
        return None

    def fault_reply(self, ctx: Context) -> Reply:
        """The answer a short-circuiting fault produces."""
        f, kind = ctx.fault, ctx.route.kind
        k = f["kind"]
        if k == "errcode":
            if kind == "oapi":
                return oapi_error(int(f.get("errcode", -1)), str(f.get("errmsg", "系统繁忙")))
            return v1_error(int(f.get("status", 500)), str(f.get("code", "system.error")),
                            str(f.get("message", "系统错误")))
        if k == "http":
            body = f.get("body", "")
            if isinstance(body, (dict, list)):
                return json_reply(int(f.get("status", 500)), body)
            return Reply(int(f.get("status", 500)), str(body).encode("utf-8"),
                         str(f.get("content_type", "text/plain;charset=utf-8")))
        if k == "drop":
            return Reply(0, drop=True)
        if k == "garbage":
            return Reply(200, b"<html><head><title>502 Bad Gateway</title></head>"
                              b"<body>upstream error \xe9\x94\x99\xe8\xaf\xaf</body></html>",
                         "text/html;charset=utf-8")
        if k == "truncated":
            prefix, elem, suffix = sample_json(kind)
            full = prefix + b",".join([elem] * 10) + suffix
            return Reply(200, full[:len(full) // 2])
        if k == "huge":
            return Reply(200, stream=huge_stream(kind, int(f.get("bytes", 16 << 20))))
        if k == "token_invalid":
            if not ctx.route.auth:
                return oapi_error(40001, "不合法的appkey或appsecret")
            value = ctx.query.get("access_token") if kind == "oapi" else ctx.headers.get(TOKEN_HEADER)
            self.revoke(value)
            return invalid_token(kind)
        if k == "throttle":
            return throttled(kind)
        if k == "quota":
            return quota_exhausted(kind)
        raise AssertionError(f"unhandled fault kind {k}")

    # ------------------------------------------------------------ parameter helpers

    def json_body(self, ctx: Context) -> dict:
        """The request body as a JSON object, or a 'body' violation."""
        try:
            obj = json.loads(ctx.body.decode("utf-8")) if ctx.body else None
        except (ValueError, UnicodeDecodeError):
            raise Rejected("body", "body is not UTF-8 JSON") from None
        if not isinstance(obj, dict):
            raise Rejected("body", "body must be a JSON object")
        return obj

    @staticmethod
    def int_value(value: Any, name: str, lo: int | None, hi: int | None, rule: str | None = None) -> int:
        """An integer parameter within [lo, hi], or a violation named rule (default name)."""
        if isinstance(value, bool) or value is None:
            raise Rejected(rule or name, f"{name} missing" if value is None else f"{name} not an integer")
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            value = int(value)
        if not isinstance(value, int):
            raise Rejected(rule or name, f"{name}={value!r} is not an integer")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise Rejected(rule or name, f"{name}={value} outside [{lo}, {hi}]")
        return value

    def check_offset(self, ctx: Context, offset: int) -> None:
        """Offsets other than 0 must be a next_cursor this server returned."""
        if offset != 0 and offset not in self.offsets[(ctx.org.appkey, ctx.route.endpoint)]:
            raise Rejected("cursor", f"offset {offset} was never returned as next_cursor")

    def offset_page(self, ctx: Context, items: list, offset: int, size: int,
                    list_key: str = "data_list") -> Reply:
        """A topapi page of items at offset with next_cursor while more follow (faults applied)."""
        issued = self.offsets[(ctx.org.appkey, ctx.route.endpoint)]
        kind = ctx.fault["kind"] if ctx.fault else None
        if kind == "endless_cursor":
            page, nxt = [], offset + size
        else:
            page = items[offset:offset + size]
            nxt = offset + size if offset + size < len(items) else None
            if kind == "repeat_cursor":
                nxt = offset
        result = {list_key: page}
        if nxt is not None:
            issued.add(nxt)
            result["next_cursor"] = nxt
        return oapi_ok(result)

    def key_page(self, ctx: Context, items: list, key: Callable[[Any], tuple],
                 next_token: str | None, size: int) -> tuple[list, str | None]:
        """A page of key-sorted items after an opaque nextToken; returns (page, nextToken)."""
        after = None
        if next_token not in (None, "", "0"):
            known = self.page_tokens.get(next_token)
            if known is None or known[0] != ctx.org.appkey or known[1] != ctx.route.endpoint:
                raise Rejected("cursor", f"nextToken {next_token!r} was never issued")
            after = known[2]
        rest = [x for x in items if after is None or key(x) > after]
        kind = ctx.fault["kind"] if ctx.fault else None
        if kind == "endless_cursor":
            return [], self.new_page_token(ctx, after)
        page = rest[:size]
        if kind == "repeat_cursor":
            return page, next_token or "0"
        if len(rest) > size:
            return page, self.new_page_token(ctx, key(page[-1]))
        return page, None

    def new_page_token(self, ctx: Context, after: tuple | None) -> str:
        """Issue an opaque nextToken meaning 'items after key after'."""
        value = secrets.token_hex(8).upper()
        self.page_tokens[value] = (ctx.org.appkey, ctx.route.endpoint, after)
        return value

    def time_param(self, ctx: Context, name: str, required: bool) -> float | None:
        """An RFC 3339 query parameter as epoch seconds."""
        raw = ctx.query.get(name)
        if raw is None or raw == "":
            if required:
                raise Rejected(name, f"{name} is required")
            return None
        try:
            return parse_rfc3339(raw)
        except ValueError:
            raise Rejected(name, f"{name}={raw!r} is not RFC 3339 (YYYY-MM-DDTHH:mm:ssZ)") from None

    # ------------------------------------------------------------ endpoints

    @endpoint("/gettoken", "GET", "oapi", "gettoken", auth=False)
    def ep_gettoken(self, ctx: Context) -> Reply:
        """GET /gettoken: one token per app, renewed when asked again while valid."""
        key, secret = ctx.query.get("appkey"), ctx.query.get("appsecret")
        if not key or not secret:
            raise Rejected("param", "appkey and appsecret are required")
        org = self.orgs.get(key)
        if org is None or org.secret != secret:
            return oapi_error(40001, "不合法的appkey或appsecret")
        ttl = self.config["token_ttl"]
        tok = self.tokens.get(self.app_tokens.get(key, ""))
        if tok and ctx.now < tok.expires:
            age = ctx.now - tok.touched
            if age < 1.0:
                raise Rejected("gettoken_cache",
                               f"gettoken while a valid token issued/renewed {age:.3f}s ago is held",
                               oapi_error(90018, "gettoken调用过于频繁,请缓存access_token"))
            tok.expires, tok.touched = ctx.now + ttl, ctx.now
        else:
            tok = self.issue_token(key, ctx.now)
        return json_reply(200, {"errcode": 0, "errmsg": "ok", "access_token": tok.value,
                                "expires_in": max(1, int(ttl))}, 0)

    @endpoint("/topapi/smartwork/hrm/employee/queryonjob", "POST", "oapi", "queryonjob")
    def ep_queryonjob(self, ctx: Context) -> Reply:
        """POST queryonjob: on-job userids with the given statuses, offset paging."""
        body = self.json_body(ctx)
        raw = body.get("status_list")
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str) or not raw.strip():
            raise Rejected("status_list", "status_list must be a comma-separated string")
        try:
            statuses = {int(s) for s in raw.split(",")}
        except ValueError:
            raise Rejected("status_list", f"status_list={raw!r} is not a list of integers") from None
        if not statuses <= set(STATUS_NAMES):
            raise Rejected("status_list", f"status_list={raw!r}: statuses are 2, 3, 5, -1")
        offset = self.int_value(body.get("offset"), "offset", 0, None)
        size = self.int_value(body.get("size"), "size", 1, MAX_PAGE)
        self.check_offset(ctx, offset)
        ids = [p.userid for p in ctx.org.employees.values() if p.status in statuses]
        return self.offset_page(ctx, ids, offset, size)

    @endpoint("/topapi/smartwork/hrm/employee/querypreentry", "POST", "oapi", "querypreentry")
    def ep_querypreentry(self, ctx: Context) -> Reply:
        """POST querypreentry: pre-entry userids, offset paging."""
        body = self.json_body(ctx)
        offset = self.int_value(body.get("offset"), "offset", 0, None)
        size = self.int_value(body.get("size"), "size", 1, MAX_PAGE)
        self.check_offset(ctx, offset)
        return self.offset_page(ctx, list(ctx.org.preentry), offset, size)

    @endpoint("/v1.0/contact/empLeaveRecords", "GET", "v1", "empLeaveRecords")
    def ep_emp_leave_records(self, ctx: Context) -> Reply:
        """GET empLeaveRecords: departures with leaveTime in [startTime, endTime], nextToken paging."""
        start = self.time_param(ctx, "startTime", required=True)
        end = self.time_param(ctx, "endTime", required=False)
        if end is not None:
            if end < start:
                raise Rejected("endTime", "endTime is before startTime")
            if end - start > MAX_SPAN:
                raise Rejected("span", "startTime and endTime more than 365 days apart")
        elif ctx.now - start > MAX_SPAN:
            raise Rejected("span", "startTime more than 365 days ago and no endTime")
        raw_max = ctx.query.get("maxResults")
        size = MAX_PAGE if raw_max is None else self.int_value(raw_max, "maxResults", 1, MAX_PAGE)
        hi = math.inf if end is None else end
        items = [d for d in ctx.org.departures if start <= d.t <= hi]
        page, token = self.key_page(ctx, items, Departure.key, ctx.query.get("nextToken"), size)
        answer = {"records": [d.record() for d in page]}
        if token is not None:
            answer = {"nextToken": token, **answer}
        return json_reply(200, answer)

    # ------------------------------------------------------------ control API

    def control(self, method: str, path: str, query: dict, body: bytes) -> Reply:
        """Answer a /_sim/ control request."""
        handlers = {
            ("GET", "/_sim/truth"): lambda: self.truth(query.get("appkey"), query.get("utc_offset")),
            ("GET", "/_sim/requests"): lambda: self.list_since(self.requests, query),
            ("POST", "/_sim/requests/clear"): lambda: self.clear(self.requests),
            ("GET", "/_sim/violations"): lambda: self.list_since(self.violations, query),
            ("POST", "/_sim/violations/clear"): lambda: self.clear(self.violations),
            ("POST", "/_sim/revoke_tokens"): lambda: {"revoked": self.revoke()},
            ("POST", "/_sim/config"): lambda: self.set_config(self.control_body(body)),
            ("GET", "/_sim/config"): lambda: dict(self.config),
            ("POST", "/_sim/fault"): lambda: self.add_fault(self.control_body(body)),
            ("GET", "/_sim/faults"): lambda: [dict(f) for f in self.faults],
            ("POST", "/_sim/fault/clear"): lambda: self.clear(self.faults),
            ("POST", "/_sim/mutate"): lambda: self.mutate(self.control_body(body)),
            ("POST", "/_sim/reset"): self.reset,
        }
        handler = handlers.get((method, path))
        if handler is None:
            known = any(p == path for _, p in handlers)
            return json_reply(405 if known else 404, {"error": f"no control {method} {path}"})
        with self.lock:
            try:
                return json_reply(200, handler())
            except (ValueError, KeyError, TypeError) as exc:
                return json_reply(400, {"error": str(exc)})

    @staticmethod
    def control_body(body: bytes) -> dict:
        """A control request's JSON object body."""
        obj = json.loads(body.decode("utf-8")) if body else {}
        if not isinstance(obj, dict):
            raise ValueError("body must be a JSON object")
        return obj

    def org_for(self, appkey: str | None) -> Org:
        """The named app's organisation, or the first one."""
        if appkey is None or appkey == "":
            return next(iter(self.orgs.values()))
        if appkey not in self.orgs:
            raise KeyError(f"unknown appkey {appkey}")
        return self.orgs[appkey]

    def truth(self, appkey: str | None = None, utc_offset: str | None = None) -> dict:
        """The values a correct poller reports, computed now."""
        org = self.org_for(appkey)
        offset = parse_utc_offset(utc_offset or self.config["utc_offset"])
        today0 = local_midnight(self.clock(), offset)
        return {"appkey": org.appkey,
                "utc_offset": format_utc_offset(offset),
                "departures_today": org.departures_between(today0, today0 + DAY),
                "departures_30d": org.departures_between(today0 - 29 * DAY, today0 + DAY),
                "headcount": org.headcount(),
                "employees": list(org.employees),
                "preentry": list(org.preentry),
                "names": sorted({p.name for p in org.people()}),
                "mobiles": sorted({p.mobile for p in org.people()})}

    @staticmethod
    def list_since(items, query: dict) -> list:
        """Entries with seq greater than ?since= (all without it)."""
        since = int(query.get("since") or 0)
        return [dict(e) for e in items if e["seq"] > since]

    @staticmethod
    def clear(items) -> dict:
        """Empty a list; returns how many entries went."""
        n = len(items)
        items.clear()
        return {"cleared": n}

    def set_config(self, changes: dict) -> dict:
        """Change token_ttl, qps_limit or utc_offset at run time."""
        for key, value in changes.items():
            if key == "token_ttl":
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                    raise ValueError("token_ttl must be a positive number")
                self.config["token_ttl"] = float(value)
            elif key == "qps_limit":
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise ValueError("qps_limit must be a positive integer")
                self.config["qps_limit"] = value
            elif key == "utc_offset":
                self.config["utc_offset"] = format_utc_offset(parse_utc_offset(str(value)))
            else:
                raise ValueError(f"unknown setting {key}")
        return dict(self.config)

    def add_fault(self, spec: dict) -> dict:
        """Queue a fault for the next matching requests."""
        names = {r.endpoint for r in ROUTES.values()}
        if spec.get("endpoint", "*") not in names | {"*"}:
            raise ValueError(f"unknown endpoint {spec.get('endpoint')}; known: {sorted(names)}")
        if spec.get("kind") not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {spec.get('kind')}; known: {', '.join(FAULT_KINDS)}")
        count = spec.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError("count must be a positive integer")
        fault = {**spec, "endpoint": spec.get("endpoint", "*"), "count": count, "remaining": count}
        self.faults.append(fault)
        return {"queued": len(self.faults), "fault": dict(fault)}

    def mutate(self, spec: dict) -> dict:
        """Change an organisation's data so that the truth moves."""
        org = self.org_for(spec.get("appkey"))
        now = self.clock()
        recent = max(int(math.floor(now)) - 2,
                     local_midnight(now, parse_utc_offset(self.config["utc_offset"])))
        done: dict[str, Any] = {"appkey": org.appkey}
        if "add_departures" in spec:
            add = spec["add_departures"]
            reason, count = add.get("reason", "leave"), int(add.get("count", 1))
            if reason not in LEAVE_REASONS:
                raise ValueError(f"reason must be one of {LEAVE_REASONS}")
            at = recent if "seconds_ago" not in add else int(math.floor(now - float(add["seconds_ago"])))
            done["added_departures"] = [org.add_departure(at, reason).userid for _ in range(count)]
        if "set_status" in spec:
            uid, status = spec["set_status"]["userid"], int(spec["set_status"]["status"])
            if status not in STATUS_NAMES:
                raise ValueError("status must be 2, 3, 5 or -1")
            org.employees[uid].status = status
            done["set_status"] = uid
        if "remove_employee" in spec:
            person = org.employees.pop(spec["remove_employee"])
            org.add_departure(recent, "leave", person)
            done["removed"] = person.userid
        if "add_employees" in spec:
            add = spec["add_employees"]
            status = int(add.get("status", 3))
            if status not in STATUS_NAMES:
                raise ValueError("status must be 2, 3, 5 or -1")
            done["added_employees"] = [org.add_employee(status).userid
                                       for _ in range(int(add.get("count", 1)))]
        if "add_preentry" in spec:
            done["added_preentry"] = [org.add_preentry().userid for _ in range(int(spec["add_preentry"]))]
        return done

    def reset(self) -> dict:
        """Forget requests, violations, faults, tokens, QPS windows and cursors (not the data)."""
        self.requests.clear()
        self.violations.clear()
        self.faults.clear()
        self.qps.clear()
        self.offsets.clear()
        self.page_tokens.clear()
        return {"revoked": self.revoke()}


# ---------------------------------------------------------------- HTTP transport

class SimServer(ThreadingHTTPServer):
    """ThreadingHTTPServer carrying the Simulator."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, sim: Simulator):
        """Bind and remember the simulator."""
        self.sim = sim
        super().__init__(address, SimHandler)


class SimHandler(BaseHTTPRequestHandler):
    """Reads one HTTP/1.1 request, asks the Simulator, writes the Reply."""
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        """The Server header."""
        return "wfsim/1"

    def do_any(self) -> None:
        """Handle any method."""
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            reply = self.server.sim.handle(self.command, self.path, headers, body)
        except Exception:  # a simulator bug: say so loudly, keep serving
            traceback.print_exc(file=sys.stderr)
            reply = json_reply(500, {"error": "simulator bug", "trace": traceback.format_exc()})
        self.write_reply(reply)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_any

    def read_body(self) -> bytes:
        """The request body (Content-Length or chunked)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def write_reply(self, reply: Reply) -> None:
        """Send a Reply (or drop the connection)."""
        if reply.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        length = reply.stream[0] if reply.stream else len(reply.body)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            if self.command == "HEAD":
                return
            if reply.stream:
                for chunk in reply.stream[1]():
                    self.wfile.write(chunk)
            else:
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler API
        """Silence http.server's own access log (the Simulator logs requests)."""


# ---------------------------------------------------------------- command line

def parse_app(text: str) -> tuple[str, str]:
    """Parse KEY:SECRET."""
    key, sep, secret = text.partition(":")
    if not sep or not key or not secret:
        raise argparse.ArgumentTypeError(f"--app wants KEY:SECRET, got {text!r}")
    return key, secret


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description="DingTalk open-platform simulator for collectd-workforce")
    p.add_argument("--port", type=int, default=0, help="port to listen on (0 = any free port)")
    p.add_argument("--bind", default="127.0.0.1", help="address to listen on")
    p.add_argument("--seed", type=int, default=1, help="data seed")
    p.add_argument("--employees", type=int, default=200, help="on-job employees per organisation")
    p.add_argument("--preentry", type=int, default=7, help="pre-entry employees per organisation")
    p.add_argument("--token-ttl", type=float, default=7200.0, help="token validity in seconds")
    p.add_argument("--utc-offset", default="+08:00", help="offset defining 'today'")
    p.add_argument("--app", action="append", type=parse_app, metavar="KEY:SECRET",
                   help="an app (= organisation); may repeat")
    p.add_argument("--port-file", help="write the port number here once listening")
    p.add_argument("--quiet", action="store_true", help="no per-request log lines")
    argv = list(sys.argv[1:] if argv is None else argv)
    for i, arg in enumerate(argv[:-1]):          # let "--utc-offset -05:00" through argparse
        if arg == "--utc-offset":
            argv[i:i + 2] = [f"--utc-offset={argv[i + 1]}", ""]
    args = p.parse_args([a for a in argv if a != ""])
    try:
        args.utc_offset_min = parse_utc_offset(args.utc_offset)
    except ValueError as exc:
        p.error(str(exc))
    if args.employees < 0 or args.preentry < 0 or args.token_ttl <= 0:
        p.error("--employees/--preentry must be >= 0 and --token-ttl > 0")
    args.app = args.app or [("dingsimkey", "dingsimsecret")]
    return args


def write_port_file(path: str, port: int) -> None:
    """Write the port atomically (temporary file + rename)."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="ascii") as fh:
        fh.write(f"{port}\n")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    """Run the simulator until SIGTERM or SIGINT."""
    args = parse_args(argv)

    def log(line: str) -> None:
        """One stderr line per request."""
        print(line, file=sys.stderr, flush=True)

    sim = Simulator(args.app, seed=args.seed, employees=args.employees, preentry=args.preentry,
                    token_ttl=args.token_ttl, utc_offset=args.utc_offset_min,
                    log=None if args.quiet else log)
    server = SimServer((args.bind, args.port), sim)
    port = server.server_address[1]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    if args.port_file:
        write_port_file(args.port_file, port)
    print(f"READY port={port}", flush=True)
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
