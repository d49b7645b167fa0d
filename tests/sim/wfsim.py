#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""wfsim - a DingTalk and Feishu open-platform simulator for collectd-workforce.

Serves the DingTalk endpoints the plugin polls (oapi and /v1.0) and the Feishu
endpoints (/open-apis/...) on one base URL from deterministic generated data,
enforces the documented limits, records every request and every broken rule,
and is steered by tests through a control API under /_sim/.  Python 3.11
standard library only; see README.md next to this file.

Adding an endpoint: write a Simulator method decorated with @endpoint(path,
method, kind, name[, counted=True]) that takes a Context and returns a Reply
(helpers: json_body, int_value, id_list, check_offset, offset_page, key_page,
page_length, oapi_ok, Rejected); a path segment ":name" is a path parameter
(ctx.params).  Build every page through cursor_page / key_page / page_length,
so that --short-pages reaches it.
"""

from __future__ import annotations

import argparse
import base64
import collections
import dataclasses
import datetime as dt
import hashlib
import hmac
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
import uuid
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, unquote, urlsplit

DAY = 86400
MAX_PAGE = 50
DEFAULT_QPS = 20
MAX_SPAN = 365 * DAY
REQUEST_LOG_MAX = 200_000
LEAVE_REASONS = ("leave", "delete", "oapi", "cancel", "unknown")
STATUS_NAMES = {2: "probation", 3: "regular", 5: "leaving", -1: "nostatus"}
FAULT_KINDS = ("errcode", "http", "delay", "drop", "garbage", "truncated", "huge",
               "repeat_cursor", "endless_cursor", "token_invalid", "throttle", "quota", "ip_block")
OFFSET_SCOPES_MAX = 50_000         # lists whose issued offsets are remembered (oldest forgotten first)

# DingTalk per-IP limit (doc/platform-notes.md): "Per IP: 10,000 calls per 20 s, then a 5-minute block; the
# answer is HTML or {"status":1111,"wait":5,"source":"x5","punish":"deny"} with no errcode."
IP_LIMIT = 10_000
IP_WINDOW = 20.0
IP_BLOCK = 300.0
IP_BLOCK_ANSWER = {"status": 1111, "wait": 5, "source": "x5", "punish": "deny"}
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田"
            "董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟"
            "熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉力斌"
         "宇浩凯鹏飞俊帅晨欣怡佳琪雪梅婷瑶瑞丹宁博阳鑫慧颖嘉子涵轩然诗雨思源")
RFC3339_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
                        r"(Z|[+-]\d{2}:\d{2})")
TOKEN_HEADER = "x-acs-dingtalk-access-token"
LOCAL_DATETIME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})")

# DingTalk attendance (listRecord) and field sign-ins (checkin/record/get)
TIME_WEIGHTS = {"Normal": 80, "Early": 4, "Late": 4, "SeriousLate": 4, "Absenteeism": 4, "NotSigned": 4}
TIME_RESULTS = tuple(TIME_WEIGHTS)
LOCATION_RESULTS = ("Normal", "Outside", "NotSigned")
OUTSIDE_SHARE = 8 / 96             # of located records: Normal ~88 %, Outside ~8 %, NotSigned ~4 %
SOURCE_TYPES = ("ATM", "ATM", "ATM", "DING_ATM", "BEACON", "USER", "AUTO_CHECK")
CHECK_DELTAS = {                   # seconds from the planned time: (OnDuty range, OffDuty range)
    "Normal": ((-1200, 0), (0, 3600)),
    "Early": ((-3600, -1201), (-3600, -60)),
    "Late": ((60, 1800), (60, 1800)),
    "SeriousLate": ((1801, 5400), (1801, 5400)),
    "Absenteeism": ((5401, 14400), (5401, 14400)),
}
ON_DUTY, OFF_DUTY = 9 * 3600, 18 * 3600
EARLY_SHARE = 0.7                  # employees whose OnDuty record exists today at any hour
FORCED_CHECKS = (("Early", False), ("Late", False), ("SeriousLate", False), ("Absenteeism", False),
                 ("NotSigned", False), ("Normal", True), ("Normal", False))   # (timeResult, Outside)
ATTENDANCE_DAYS = 7                # days with check records / Feishu tasks, today included
SIGNIN_DAYS = 30                   # days before today that can hold field sign-ins
MAX_RECORD_USERS = 50
MAX_RECORD_SPAN = 7 * DAY
RECORD_HISTORY = 180 * DAY
MAX_CHECKIN_USERS = 10
MAX_CHECKIN_SIZE = 100
MAX_CHECKIN_SPAN = 45 * DAY
DEFAULT_MONTHLY_QUOTA = 5000
QUOTA_MESSAGE = "该企业本月调用量已达上限"

# Feishu
FEISHU_QPS = 50
FEISHU_SAME_TOKEN_WINDOW = 1800.0
FEISHU_PARAM_CODE = 1220001
FEISHU_RESULTS = ("NoNeedCheck", "SystemCheck", "Normal", "Early", "Late", "Lack", "Todo")
FEISHU_FIXED = ("normal", "early", "late", "lack", "todo", "noneedcheck")
FEISHU_NOT_ABNORMAL = ("Normal", "NoNeedCheck", "Todo", "SystemCheck")
FEISHU_IN_WEIGHTS = {"Normal": 80, "Late": 6, "Early": 2, "Lack": 4, "NoNeedCheck": 4, "SystemCheck": 4}
FEISHU_OUT_WEIGHTS = {"Normal": 84, "Early": 6, "Late": 1, "Lack": 5, "SystemCheck": 4}
FEISHU_FORCED = ("Early", "Late", "Lack", "NoNeedCheck", "SystemCheck", "Todo", "Normal")
FEISHU_DELTAS = {"Normal": ((-1200, 0), (0, 3600)), "Early": ((-3600, -1201), (-3600, -60)),
                 "Late": ((60, 3600), (60, 1800))}
MAX_TASK_USERS = 50
MAX_TASK_DAYS = 31

# DingTalk leave (vacation/type/list, vacation/record/list)
MANAGERS = ("manager01", "cto")    # users who are not on-job employees but exist (report readers)
DEFAULT_ADMINS = ("manager01",)    # op_userid / operation_userid allowed by default
NO_PERMISSION = (60011, "管理员权限不足")     # op_userid / operation_userid not an admin
UNKNOWN_LEAVE_CODE = (400002, "假期类型不存在")
UNKNOWN_USERID = (33012, "无效的userid")
UNKNOWN_BLACKBOARD = (400001, "公告不存在")
LEAVE_TYPES = (("年假", "day", "general_leave"), ("事假", "hour", "general_leave"),
               ("病假", "halfDay", "general_leave"), ("调休", "hour", "lieu_leave"),
               ("Remote Work", "day", "general_leave"))
LEAVE_STATUSES = ("init", "success", "refuse", "abort", "revoke")
LEAVE_RECORD_TYPES = ("leave", "update", "modify_quota")
LEAVE_NOTES = ("家中老人住院需要陪护", "孩子发烧去医院看急诊", "回老家办理房产过户手续", "筹备婚礼",
               "牙科复诊", "搬家", "陪妻子产检", "参加亲属葬礼", "身体不适在家休息", "办理出国签证",
               "带父亲去医院复查", "参加孩子家长会")
QUOTA_NOTES = ("年度额度发放", "操作员导入", "加班转调休", "额度调整")
MAX_VACATION_USERS = 50
MAX_VACATION_SIZE = 200
# dingtalk-attendance-vacation-record-list.txt: "根据企业或员工分页获取假期消费记录信息 每次返回50条数据"
# (records are returned 50 per call), although size may ask for up to 200.
VACATION_PAGE_MAX = 50
DEFAULT_LEAVE_HISTORY = 4          # quota records per employee and leave type over past years
VACATION_LISTS_CACHED = 16         # vacation/record/list answers' full lists kept for the next pages
LEAVE_QUIET = (-600, 7200)         # no generated leave starts or ends this close to the start

# DingTalk reports (report/getunreadcount, report/simplelist)
REPORT_SHARES = (("日报", 0.25), ("周报", 0.03), ("Sales Weekly", 0.02))   # daily: share of employees
MONTHLY_DAYS = (3, 10, 17, 24)     # days before the start day with 月报 reports
QUARTERLY_DAY = 45                 # the only day (before the start day) with 季报 reports
REPORT_HISTORY = 60                # days before the start day that hold reports
MAX_REPORT_SIZE = 20
MAX_TEMPLATE_PAGE = 100            # report/template/listbyuserid page size
ROBOT_PER_MINUTE = 20              # group robot messages a minute, per robot
ROBOT_SIGN_WINDOW = 3600           # a signature's timestamp may be this far off (s)
DEFAULT_ROBOTS = {"dingtalk": {"token": "robottoken", "secret": "SECrobotsecret"},
                  "feishu": {"hook": "robothook", "secret": "feishurobotsecret"}}
MAX_REPORT_SPAN = 180 * DAY
DEPARTMENTS = ("研发部", "市场部", "销售部", "人事部", "财务部", "客服部")
REPORT_REMARKS = ("今日完成接口联调,明天继续测试", "拜访客户张总,已确认续约意向", "身体不适,下午请假半天",
                  "本周完成季度预算初稿", "跟进李经理的报价单", "处理王女士的投诉,已回访", "孩子生病,明天在家办公",
                  "整理本月销售数据", "面试两名候选人")

# DingTalk announcements (blackboard/listids, blackboard/get)
MAX_BLACKBOARD_PAGE = 30
BLACKBOARD_DEFAULT_SPAN = 30 * DAY
BLACKBOARD_TITLES = ("端午节放假安排", "关于调整考勤制度的通知", "新员工入职培训", "办公室搬迁通知", "年度体检安排",
                     "消防演练通知", "季度全员大会", "IT系统升级维护公告", "食堂菜单调整", "报销流程更新")

# Feishu leave grants (leave_employ_expire_records)
FEISHU_LEAVE_TYPES = (("年假", 1), ("调休假", 2), ("病假", 0))   # granting unit: 1 day, 2 hour, 0 both
FEISHU_USER_ID_TYPES = ("open_id", "union_id", "user_id", "people_corehr_id")
DAY_QUANTITIES = ("0.5", "1", "1.25", "2", "2.5", "3.333333", "5", "7.5", "10")
HOUR_QUANTITIES = ("1", "2.5", "4", "7.333333", "8", "12.75", "16")
SHARES = ("0", "0.25", "0.5", "0.75", "1")
EXPIRY_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# (employee number, leave type index) -> grants (unit, granting, left, expiry in days from the start day)
GRANT_ROLES = {
    (1, 0): ((1, "2.5", "1.25", 0), (1, "5", "3.333333", 30), (1, "1", "1", 31), (1, "2", "2", -1)),
    (1, 1): ((2, "8", "2.5", 1), (2, "4", "0.5", 29), (2, "16", "16", 90)),
    (2, 2): ((1, "2", "1.500000", 7), (2, "7.333333", "7.333333", 14)),
    (3, 0): ((1, "3", "0", 15),),
}

# personal-looking text for addresses, places and remarks
CITIES = (("杭州市", ("余杭区", "西湖区", "滨江区", "拱墅区"), 30.27, 120.15),
          ("上海市", ("浦东新区", "徐汇区", "静安区", "长宁区"), 31.23, 121.47),
          ("北京市", ("海淀区", "朝阳区", "东城区", "丰台区"), 39.90, 116.40),
          ("深圳市", ("南山区", "福田区", "罗湖区", "宝安区"), 22.54, 114.06),
          ("成都市", ("武侯区", "锦江区", "青羊区", "金牛区"), 30.57, 104.07))
ROADS = ("文一西路", "五常大道", "莫干山路", "延安路", "南京西路", "长寿路", "中关村大街", "建国路",
         "深南大道", "科苑路", "人民南路", "天府大道", "学院路", "解放路", "中山北路", "滨江大道")
PLACES = ("未来科技城", "万象城", "银泰城", "国贸中心", "软件园", "创意产业园", "华润大厦", "龙湖天街",
          "来福士广场", "环球中心", "东方广场", "金融港")
VISITS = ("拜访客户,洽谈续约", "设备巡检", "上门安装调试", "合同签署", "售后回访", "项目验收",
          "送货签收", "现场培训", "门店督导")


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


def parse_local_datetime(text: str, offset_min: int) -> int:
    """Parse 'yyyy-MM-dd HH:mm:ss' as local time at offset_min into epoch seconds."""
    m = LOCAL_DATETIME_RE.fullmatch(text)
    if not m:
        raise ValueError(f"not yyyy-MM-dd HH:mm:ss: {text!r}")
    zone = dt.timezone(dt.timedelta(minutes=offset_min))
    return int(dt.datetime(*(int(g) for g in m.groups()), tzinfo=zone).timestamp())


def local_date(ts: float, offset_min: int) -> dt.date:
    """The calendar date at offset_min of the moment ts."""
    return dt.datetime.fromtimestamp(ts, dt.timezone(dt.timedelta(minutes=offset_min))).date()


def date_midnight(day: dt.date, offset_min: int) -> int:
    """Epoch seconds of the local midnight starting day at offset_min."""
    zone = dt.timezone(dt.timedelta(minutes=offset_min))
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=zone).timestamp())


def local_text(ts: float, offset_min: int) -> str:
    """Format the moment ts as local 'yyyy-MM-dd HH:mm:ss' at offset_min."""
    zone = dt.timezone(dt.timedelta(minutes=offset_min))
    return dt.datetime.fromtimestamp(int(math.floor(ts)), zone).strftime("%Y-%m-%d %H:%M:%S")


def decimal_text(value: Decimal) -> str:
    """A Decimal as a plain decimal string without exponent or trailing zeros ('2.5', '0', '100')."""
    return format(value.normalize(), "f") if value else "0"


def ymd(day: dt.date) -> int:
    """A date as the integer yyyyMMdd."""
    return day.year * 10000 + day.month * 100 + day.day


def settle_cutoff(day0: int, started: float) -> int:
    """Latest second at which a record guaranteed to exist on day day0 may lie.

    Guaranteed records (the OnDuty records of ~70 % of employees, most field
    sign-ins) must exist today at any hour without lying in the future: on the
    day the simulator started they lie at least 60 s before the start, on
    later days at the local midnight, on earlier days anywhere in the day.
    """
    return max(day0, int(math.floor(min(day0 + DAY, started))) - 60)


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    """A weighted choice among the keys of weights."""
    return rng.choices(list(weights), list(weights.values()))[0]


def in_range(rng_fraction: float, bounds: tuple[int, int]) -> int:
    """The point at rng_fraction of the integer range bounds (both ends inclusive)."""
    lo, hi = bounds
    return min(hi, lo + int(rng_fraction * (hi - lo + 1)))


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


def fake_address(rng: random.Random) -> tuple[str, str, str]:
    """A Chinese street address with its latitude and longitude (as strings)."""
    city, districts, lat, lon = rng.choice(CITIES)
    address = (f"{city}{rng.choice(districts)}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
               f"{rng.randint(1, 30)}幢{rng.randint(101, 2999)}室")
    return address, f"{lat + rng.uniform(-0.1, 0.1):.6f}", f"{lon + rng.uniform(-0.1, 0.1):.6f}"


class Org:
    """One organisation (one app): employees, pre-entries, departures, attendance.

    Check records, field sign-ins and Feishu tasks are not stored: a day's
    plan is drawn from seed + app + the day's local midnight over the current
    employee list, cached, and filtered by the clock when served, so that
    nothing served lies in the future and the days roll over by themselves.
    """

    def __init__(self, appkey: str, secret: str, rng: random.Random, seed: int = 0, prefix: str = "u"):
        """Create an empty organisation whose later random choices use rng."""
        self.appkey, self.secret, self.rng = appkey, secret, rng
        self.seed, self.prefix = seed, prefix
        self.employees: dict[str, Person] = {}
        self.preentry: dict[str, Person] = {}
        self.departures: list[Departure] = []
        self.mobiles: set[str] = set()
        self.counters = {"u": 0, "p": 0, "d": 0, prefix: 0}
        ids = random.Random(f"wfsim:{seed}:{appkey}:ids")
        self.group_id, self.shift_id = ids.randrange(10 ** 8, 10 ** 9), ids.randrange(10 ** 8, 10 ** 9)
        self.extra_checks: list[dict] = []      # check records added by /_sim/mutate
        self.extra_signins: list[dict] = []     # sign-ins added by /_sim/mutate
        self.quota: dict[tuple[int, int], int] = {}   # (year, month) -> counted calls
        self.plans: dict[tuple, tuple[tuple, Any]] = {}
        self.profiles: dict[str, dict] = {}
        self.extra_rng = random.Random(f"wfsim:{seed}:{appkey}:extras")   # for mutations of the new data
        types = random.Random(f"wfsim:{seed}:{appkey}:leavetypes")
        self.leave_types = [{"leave_code": str(uuid.UUID(int=types.getrandbits(128), version=4)),
                             "leave_name": name, "leave_view_unit": unit, "biz_type": biz, "source": "inner",
                             "hours_in_per_day": 800, "natural_day_leave": False}
                            for name, unit, biz in LEAVE_TYPES]
        self.extra_leaves: list[dict] = []      # vacation records added by /_sim/mutate
        # the full lists behind the last vacation/record/list answers, so that the next pages of
        # the same batch cost a slice: (leave_code, userids, history) -> (plan, extras, list)
        self.vacation_lists: collections.OrderedDict = collections.OrderedDict()
        self.extra_reports: list[dict] = []     # reports added by /_sim/mutate
        self.unread: dict[str, int] = {}        # unread report counts set by /_sim/mutate
        self.announcements: list[dict] = []     # newest first; "t" is gmt_create in epoch seconds
        self.grant_types: list[dict] = []       # Feishu leave types with grants
        self.start_day = dt.date(1970, 1, 1)    # Feishu: local start day the grants are relative to
        self.grants: dict[tuple[str, str], list[dict]] = {}
        self.employments: dict[str, str] = {}   # Feishu employee id -> employment id

    @classmethod
    def generate(cls, seed: int, appkey: str, secret: str, employees: int, preentry: int,
                 start: float, offset_min: int) -> "Org":
        """Build the deterministic data of one app from seed + appkey."""
        org = cls(appkey, secret, random.Random(f"wfsim:{seed}:{appkey}"), seed)
        for status in org.status_plan(employees):
            org.add_employee(status)
        for _ in range(preentry):
            org.add_preentry()
        for t, reason in sorted(org.departure_plan(employees, start, offset_min)):
            org.add_departure(t, reason)
        org.announcements = org.announcement_plan(start)
        return org

    @classmethod
    def generate_feishu(cls, seed: int, app_id: str, secret: str, employees: int,
                        start: float = 0.0, offset_min: int = 480) -> "Org":
        """Build a Feishu app's organisation: employees fe00001, ... from seed + app id, and the
        leave types whose grants (relative to the start day) leave_employ_expire_records serves."""
        org = cls(app_id, secret, random.Random(f"wfsim:{seed}:feishu:{app_id}"), seed, prefix="fe")
        for _ in range(employees):
            org.add_employee(3)
        ids = random.Random(f"wfsim:{seed}:feishu:{app_id}:leavetypes")
        org.grant_types = [{"leave_type_id": str(7 * 10 ** 18 + ids.getrandbits(59)), "name": name,
                            "unit": unit} for name, unit in FEISHU_LEAVE_TYPES]
        org.start_day = local_date(start, offset_min)
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
        person = Person(self.next_id(self.prefix), self.new_name(), self.new_mobile(), status)
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

    # ------------------------------------------------------------ attendance plans

    def profile(self, userid: str) -> dict[str, str]:
        """Personal-looking data of one person (address, coordinates, device, remark)."""
        if userid not in self.profiles:
            rng = random.Random(f"wfsim:{self.seed}:{self.appkey}:profile:{userid}")
            address, lat, lon = fake_address(rng)
            remark = f"{rng.choice(SURNAMES)}{rng.choice(('先生', '女士', '总'))}处{rng.choice(VISITS)}"
            self.profiles[userid] = {"address": address, "latitude": lat, "longitude": lon,
                                     "device": "%032x" % rng.getrandbits(128), "remark": remark}
        return self.profiles[userid]

    def cached(self, key: tuple, build: Callable[[tuple], Any]) -> Any:
        """The plan named key for the current employee list (rebuilt when the list changed)."""
        ids = tuple(self.employees)
        hit = self.plans.get(key)
        if hit is None or hit[0] != ids:
            if len(self.plans) > 512:
                self.plans.clear()
            hit = (ids, build(ids))
            self.plans[key] = hit
        return hit[1]

    def check_plan(self, day0: int, started: float, odd: bool) -> dict[str, list[dict]]:
        """Every DingTalk check record of the work day starting at day0, by userid (not yet
        filtered by the clock)."""
        day0 = int(day0)
        return self.cached(("checks", day0, started, odd),
                           lambda ids: self.build_checks(ids, day0, started, odd))

    def build_checks(self, ids: tuple, day0: int, started: float, odd: bool) -> dict[str, list[dict]]:
        """Draw a day's check records: an OnDuty and an OffDuty record per employee.

        Draws happen per employee in list order, so adding an employee leaves
        the others' records alone. With 50 or more employees the first seven
        employees whose OnDuty record is guaranteed today get one of every
        time and location result, so that each is present at any hour.
        """
        rng = random.Random(f"wfsim:{self.seed}:{self.appkey}:checks:{day0}")
        drafts = []
        for uid in ids:
            early = rng.random() < EARLY_SHARE
            on, off = ([pick(rng, TIME_WEIGHTS), rng.random() < OUTSIDE_SHARE, rng.random(),
                        rng.randrange(1000), rng.choice(SOURCE_TYPES), rng.getrandbits(40)] for _ in "01")
            drafts.append((uid, early, on, off))
        settled = [d for d in drafts if d[1]]
        if len(ids) >= 50:
            for (_, _, on, _), (result, outside) in zip(settled, FORCED_CHECKS):
                on[0], on[1] = result, outside
        cutoff = settle_cutoff(day0, started)
        plan: dict[str, list[dict]] = {uid: [] for uid in ids}
        for uid, early, on, off in drafts:
            plan[uid].append(self.check_record(uid, "OnDuty", day0, on, cutoff if early else None))
            plan[uid].append(self.check_record(uid, "OffDuty", day0, off, None))
        if odd and settled:
            odd_checks = (("Overtime", "Normal"), ("Normal", "Remote"))
            for d, (result, location) in zip((settled[0], settled[-1]), odd_checks):
                draw = [result, False, 0.0, 0, "USER", rng.getrandbits(40)]
                plan[d[0]].append(self.check_record(d[0], "OnDuty", day0, draw, cutoff, location))
        for records in plan.values():
            records.sort(key=lambda r: r["userCheckTime"])
        return plan

    def check_record(self, uid: str, check_type: str, day0: int, draw: list, cutoff: int | None,
                     location: str | None = None) -> dict:
        """One check record from its draws; a guaranteed one (cutoff given) lies no later than cutoff."""
        result, outside, fraction, millis, source, rec_id = draw
        base = day0 + (ON_DUTY if check_type == "OnDuty" else OFF_DUTY)
        deltas = CHECK_DELTAS.get(result)
        planned = base + (in_range(fraction, deltas[check_type != "OnDuty"]) if deltas else 0)
        at = planned if cutoff is None else min(planned, cutoff)
        user_ms = at * 1000 + (millis if at == planned and result != "NotSigned" else 0)
        if location is None:
            location = "NotSigned" if result == "NotSigned" else "Outside" if outside else "Normal"
        return self.check_dict(uid, check_type, result, location, user_ms, base, day0,
                               "SYSTEM" if result == "NotSigned" else source, rec_id)

    def check_dict(self, uid: str, check_type: str, result: str, location: str, user_ms: int,
                   base: int, day0: int, source: str, rec_id: int) -> dict:
        """A check record as listRecord returns it (times in epoch milliseconds)."""
        prof = self.profile(uid)
        located = location != "NotSigned"
        rec = {"id": 10 ** 11 + rec_id, "groupId": self.group_id, "planId": 2 * 10 ** 11 + rec_id,
               "userId": uid, "checkType": check_type, "timeResult": result, "locationResult": location,
               "sourceType": source, "isLegal": "N" if location == "Outside" else "Y",
               "userCheckTime": user_ms, "baseCheckTime": base * 1000, "planCheckTime": base * 1000,
               "workDate": day0 * 1000, "userAddress": prof["address"] if located else "",
               "userLatitude": prof["latitude"] if located else "",
               "userLongitude": prof["longitude"] if located else "",
               "userAccuracy": "30" if located else "", "locationMethod": "MAP" if located else "",
               "deviceId": prof["device"] if located else "", "gmtCreate": user_ms, "gmtModified": user_ms}
        if location == "Outside":
            rec["outsideRemark"] = prof["remark"]
        return rec

    def signin_plan(self, day0: int, started: float) -> list[dict]:
        """Every field sign-in of the day starting at day0, by time (not yet filtered by the clock)."""
        day0 = int(day0)
        return self.cached(("signins", day0, started), lambda ids: self.build_signins(ids, day0, started))

    def build_signins(self, ids: tuple, day0: int, started: float) -> list[dict]:
        """Draw a day's sign-ins: ~15 % of employees (1-3 each) from the start day on, ~2 % before.

        Most sign-ins (and always the day's first) are settled: their times are
        squeezed into [day0, cutoff], so today has sign-ins at any hour.
        """
        rng = random.Random(f"wfsim:{self.seed}:{self.appkey}:signins:{day0}")
        share = 0.15 if day0 + DAY > started else 0.02
        count = min(len(ids), max(1, round(share * len(ids))))
        cutoff = settle_cutoff(day0, started)
        out: list[dict] = []
        for uid in rng.sample(ids, count):
            for _ in range(rng.choices((1, 2, 3), (70, 20, 10))[0]):
                planned = day0 + rng.randint(8 * 3600 + 1800, 19 * 3600)
                settled = rng.random() < EARLY_SHARE or not out
                at = day0 + (planned - day0) * (cutoff - day0) // DAY if settled else planned
                out.append(self.signin_dict(uid, at * 1000 + rng.randrange(1000), rng))
        out.sort(key=lambda r: (r["checkin_time"], r["userid"]))
        return out

    @staticmethod
    def signin_dict(uid: str, checkin_ms: int, rng: random.Random) -> dict:
        """A sign-in as checkin/record/get returns it (image_list only when there are photos)."""
        detail, lat, lon = fake_address(rng)
        rec = {"checkin_time": checkin_ms, "userid": uid, "place": f"{detail[:3]}{rng.choice(PLACES)}",
               "detail_place": detail, "remark": rng.choice(VISITS),
               "visit_user": f"{rng.choice(SURNAMES)}{rng.choice(('先生', '女士', '经理', '总'))}",
               "latitude": lat, "longitude": lon}
        if rng.random() < 0.5:
            rec["image_list"] = [f"https://static.dingtalk.com/media/{rng.getrandbits(64):016x}.jpg"]
        return rec

    def task_plan(self, day0: int, started: float, odd: bool) -> dict[str, dict]:
        """A Feishu day's planned results and times by user id (resolved against the clock when served)."""
        day0 = int(day0)
        return self.cached(("tasks", day0, started, odd), lambda ids: self.build_tasks(ids, day0, started, odd))

    def build_tasks(self, ids: tuple, day0: int, started: float, odd: bool) -> dict[str, dict]:
        """Draw a Feishu day: one shift 09:00-18:00 per employee, mostly Normal.

        With 50 or more employees the first employees whose check-in is
        guaranteed today get one of every result; with odd results the last
        of them checks in with the undocumented result Overtime.
        """
        rng = random.Random(f"wfsim:{self.seed}:feishu:{self.appkey}:tasks:{day0}")
        plan = {uid: {"early": rng.random() < EARLY_SHARE, "in": pick(rng, FEISHU_IN_WEIGHTS),
                      "out": pick(rng, FEISHU_OUT_WEIGHTS), "in_fraction": rng.random(),
                      "out_fraction": rng.random(), "id": rng.getrandbits(40)} for uid in ids}
        settled = [task for task in plan.values() if task["early"]]
        if len(ids) >= 50:
            for task, result in zip(settled, FEISHU_FORCED):
                task["in"] = result
        if odd and settled:
            settled[-1]["in"] = "Overtime"
        cutoff = settle_cutoff(day0, started)
        for task in plan.values():
            if task["in"] == "NoNeedCheck":
                task["out"] = "NoNeedCheck"
            deltas_in, deltas_out = FEISHU_DELTAS.get(task["in"]), FEISHU_DELTAS.get(task["out"])
            t_in = day0 + ON_DUTY + (in_range(task["in_fraction"], deltas_in[0]) if deltas_in else 0)
            task["in_time"] = min(t_in, cutoff) if task["early"] else t_in
            t_out = day0 + OFF_DUTY + (in_range(task["out_fraction"], deltas_out[1]) if deltas_out else 0)
            task["out_time"] = t_out
        return plan

    # ------------------------------------------------------------ leave, reports, announcements (DingTalk)

    def number(self, uid: str) -> int:
        """The running number of a generated userid (u00007 -> 7), 0 for any other id."""
        tail = uid[len(self.prefix):] if uid.startswith(self.prefix) else ""
        return int(tail) if tail.isdigit() else 0

    def leave_type(self, code: Any) -> dict | None:
        """The leave type with this leave_code, if there is one."""
        return next((t for t in self.leave_types if t["leave_code"] == code), None)

    def leave_plan(self, started: float, offset_min: int) -> dict[str, list[dict]]:
        """Every generated vacation record by userid, fixed relative to the start.

        Not filtered by the clock: requests for future leave exist already.
        """
        return self.cached(("leaves", started, offset_min),
                           lambda ids: {uid: self.build_leaves(uid, started, offset_min) for uid in ids})

    def build_leaves(self, uid: str, started: float, offset_min: int) -> list[dict]:
        """Draw one employee's vacation records from seed + app + userid.

        Everyone has an annual-leave quota grant (modify_quota) spanning the
        start and 0-4 random records; employees numbered 1-13 also get the
        guaranteed cases of leave_roles. No random record starts or ends
        within LEAVE_QUIET of the start, so the truth does not move while a
        test runs.
        """
        rng = random.Random(f"wfsim:{self.seed}:{self.appkey}:leaves:{uid}")
        day0 = local_midnight(started, offset_min)

        def at(k: int, hour: float) -> int:
            """Epoch seconds of hour o'clock local on the k-th day after the start day."""
            return day0 + k * DAY + int(hour * 3600)

        by_name = {t["leave_name"]: t for t in self.leave_types}
        plan = [("年假", "success", "modify_quota", at(-120, 0), at(245, 0) - 1), *self.leave_roles(uid, at)]
        lo, hi = int(started) + LEAVE_QUIET[0], int(started) + LEAVE_QUIET[1]
        for _ in range(rng.choices((0, 1, 2, 3, 4), (30, 30, 20, 12, 8))[0]):
            name = rng.choices([t[0] for t in LEAVE_TYPES], (30, 25, 20, 20, 5))[0]
            status = rng.choices(LEAVE_STATUSES, (12, 65, 9, 9, 5))[0]
            rtype = "update" if rng.random() < 0.08 else "leave"
            if name == "Remote Work":             # only in the past and never pending: reads 0 now
                k, status = rng.randint(-60, -4), "refuse" if status == "init" else status
            else:
                k = rng.randint(-60, 30)
            start, end = self.leave_span(by_name[name]["leave_view_unit"], k, at, rng)
            while lo <= start <= hi or lo <= end <= hi:
                start, end = start - DAY, end - DAY
            plan.append((name, status, rtype, start, end))
        records = [self.leave_dict(uid, by_name[name], status, rtype, start, end, rng)
                   for name, status, rtype, start, end in plan]
        return sorted(records, key=lambda r: (r["start_time"], r["record_id"]))

    @staticmethod
    def leave_span(unit: str, k: int, at: Callable[[int, float], int], rng: random.Random) -> tuple[int, int]:
        """(start, end) in epoch seconds of a random leave of the given unit on day k."""
        if unit == "day":
            return at(k, 9), at(k + rng.randint(1, 3) - 1, 18)
        if unit == "halfDay":
            k1, h1, k2, h2 = rng.choice(((0, 9, 0, 12), (0, 13, 0, 18), (0, 9, 0, 18), (0, 9, 1, 12),
                                         (0, 13, 1, 18)))
            return at(k + k1, h1), at(k + k2, h2)
        if rng.random() < 0.1:
            return at(k, 9), at(k + 1, 18)
        hour = rng.randint(9, 16)
        return at(k, hour), at(k, min(18, hour + rng.randint(1, 8)))

    def leave_roles(self, uid: str, at: Callable[[int, float], int]) -> list[tuple]:
        """The guaranteed records (name, status, record type, start, end) of employees 1-13.

        S..E spans the start with more than 15 hours on either side. 1-4 are
        on approved leave now (one type each), 5 has two overlapping approved
        annual leaves, 6 approved leaves in the past and the future only, 7
        pending requests (now, future, past), 8-10 refused, aborted and
        revoked leaves spanning now, 11 quota and update records spanning now,
        12 two types at once, 13 a refused and a revoked Remote Work leave.
        """
        s, e = at(-1, 9), at(2, 18)
        roles = {
            1: [("年假", "success", "leave", s, e)],
            2: [("事假", "success", "leave", s, e)],
            3: [("病假", "success", "leave", s, e)],
            4: [("调休", "success", "leave", s, e)],
            5: [("年假", "success", "leave", at(-2, 9), at(1, 18)), ("年假", "success", "leave", s, at(3, 18))],
            6: [("年假", "success", "leave", at(-10, 9), at(-8, 18)),
                ("事假", "success", "leave", at(4, 9), at(4, 12)),
                ("Remote Work", "success", "leave", at(-20, 9), at(-19, 18)),
                ("Remote Work", "success", "leave", at(6, 9), at(7, 18))],
            7: [("年假", "init", "leave", s, e), ("病假", "init", "leave", at(5, 9), at(5, 12)),
                ("事假", "init", "leave", at(-3, 9), at(-3, 12))],
            8: [("事假", "refuse", "leave", s, e)],
            9: [("病假", "abort", "leave", s, e)],
            10: [("年假", "revoke", "leave", s, e)],
            11: [("调休", "success", "modify_quota", at(-30, 0), at(60, 0)), ("年假", "success", "update", s, e),
                 ("事假", "init", "update", s, e)],
            12: [("事假", "success", "leave", s, e), ("调休", "success", "leave", s, e)],
            13: [("Remote Work", "refuse", "leave", s, e), ("Remote Work", "revoke", "leave", s, e)],
        }
        return roles.get(self.number(uid), [])

    def build_history(self, uid: str, ltype: dict, started: float, offset_min: int, n: int) -> list[dict]:
        """n quota records of one employee and leave type over the past years (--leave-history).

        A real organisation's vacation/record/list answers hold, besides the
        leave requests, the quota records piled up over the years for every
        employee: leave_record_type modify_quota (cal_type add, a grant) and
        update (cal_type update, an adjustment).  Record i lies about
        i // 2 + 1 years before the start: even ones are that year's grant
        (valid a year, some two, so a few span the start), odd ones an
        adjustment (mostly success, some init or refuse).  They never count
        for on_leave or leave_pending, which count only leave records.

        Drawn from seed + app + userid + leave_code alone, so the other
        records stay the same whatever n is.  Not cached here: at 10,000
        employees the history of every employee would take hundreds of MB,
        and one batch of 50 users is drawn in a few milliseconds.
        """
        rng = random.Random(f"wfsim:{self.seed}:{self.appkey}:history:{uid}:{ltype['leave_code']}")
        day0 = local_midnight(started, offset_min)
        out = []
        for i in range(n):
            start = day0 - (i // 2 + 1) * 365 * DAY + rng.randint(-20, 20) * DAY
            if i % 2 == 0:
                end = start + (2 if rng.random() < 0.3 else 1) * 365 * DAY - 1
                out.append(self.leave_dict(uid, ltype, "success", "modify_quota", start, end, rng))
                continue
            start += rng.randint(30, 300) * DAY
            end = start + rng.randint(30, 200) * DAY
            status = rng.choices(("success", "init", "refuse"), (85, 5, 10))[0]
            rec = self.leave_dict(uid, ltype, status, "update", start, end, rng)
            if rec["leave_view_unit"] == "hour":       # an adjustment, not the span's length
                rec["record_num_per_hour"] = rng.choice((100, 400, 800, 1600))
            else:
                rec["record_num_per_day"] = rng.choice((50, 100, 200, 300))
            out.append(rec)
        return out

    @staticmethod
    def leave_dict(uid: str, ltype: dict, status: str, rtype: str, start: int, end: int,
                   rng: random.Random) -> dict:
        """A vacation record as vacation/record/list returns it (quantities in hundredths)."""
        unit = ltype["leave_view_unit"]
        days = math.floor((end - start) / DAY + 0.5) + 1
        per_day = per_hour = None
        if rtype == "modify_quota":
            if unit == "hour":
                per_hour = rng.choice((800, 1600, 2400))
            else:
                per_day = rng.choice((500, 1000, 1500))
        elif unit == "hour":
            per_hour = round((end - start) / 36) if days == 1 else days * 800
        elif unit == "halfDay" and days == 1 and end - start <= 5 * 3600:
            per_day = 50
        else:
            per_day = days * 100
        return {"userid": uid, "leave_code": ltype["leave_code"],
                "record_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "quota_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "start_time": start * 1000, "end_time": end * 1000, "parent_record_id": None,
                "leave_view_unit": "hour" if unit == "hour" else "day",
                "cal_type": None if rtype == "leave" else "add" if rtype == "modify_quota" else "update",
                "leave_reason": rng.choice(LEAVE_NOTES if rtype == "leave" else QUOTA_NOTES),
                "leave_status": status, "leave_record_type": rtype,
                "record_num_per_day": per_day, "record_num_per_hour": per_hour}

    def known_user(self, uid: Any, admins: list[str]) -> bool:
        """Whether uid is a user of the organisation: an on-job employee, a manager or an admin."""
        return isinstance(uid, str) and (uid in self.employees or uid in MANAGERS or uid in admins)

    def unread_count(self, uid: str) -> int:
        """Unread reports of a known user: 3-40 for managers and admins, 0-12 for employees
        (fixed by seed + app + userid) unless /_sim/mutate set it."""
        if uid in self.unread:
            return self.unread[uid]
        rng = random.Random(f"wfsim:{self.seed}:{self.appkey}:unread:{uid}")
        return rng.choice((0, 0, 0, 1, 2, 3, 5, 8, 12)) if uid in self.employees else rng.randint(3, 40)

    def report_plan(self, day0: int, started: float, offset_min: int) -> list[dict]:
        """Every report of the day starting at day0, by time (not yet filtered by the clock)."""
        day0 = int(day0)
        return self.cached(("reports", day0, started, offset_min),
                           lambda ids: self.build_reports(ids, day0, started, offset_min))

    def build_reports(self, ids: tuple, day0: int, started: float, offset_min: int) -> list[dict]:
        """Draw a day's reports: 日报 from ~25 % of employees, 周报 ~3 %, Sales Weekly ~2 % (each at
        least one), 月报 on MONTHLY_DAYS and 季报 on QUARTERLY_DAY before the start day.

        From the start day on, the first report of each template and ~70 %
        of the others are settled into [day0, cutoff] as sign-ins are, so
        today has every daily template at any hour. Nothing before
        REPORT_HISTORY days before the start day.
        """
        back = (local_midnight(started, offset_min) - day0) // DAY
        if not ids or back > REPORT_HISTORY:
            return []
        rng = random.Random(f"wfsim:{self.seed}:{self.appkey}:reports:{day0}")
        shares = list(REPORT_SHARES)
        if back in MONTHLY_DAYS:
            shares.append(("月报", 0.01))
        if back == QUARTERLY_DAY:
            shares.append(("季报", 0.01))
        cutoff = settle_cutoff(day0, started)
        out = []
        for template, share in shares:
            for i, uid in enumerate(rng.sample(ids, min(len(ids), max(1, round(share * len(ids)))))):
                planned = day0 + rng.randint(8 * 3600, 23 * 3600)
                settled = i == 0 or rng.random() < EARLY_SHARE
                at = day0 + (planned - day0) * (cutoff - day0) // DAY if settled else planned
                out.append(self.report_dict(uid, template, at * 1000 + rng.randrange(1000), rng))
        out.sort(key=lambda r: (r["create_time"], r["report_id"]))
        return out

    def report_dict(self, uid: str, template: str, create_ms: int, rng: random.Random) -> dict:
        """A report as report/simplelist returns it."""
        person = self.employees.get(uid)
        return {"report_id": "%032x" % rng.getrandbits(128), "template_name": template, "creator_id": uid,
                "creator_name": person.name if person else "", "dept_name": self.department(uid),
                "create_time": create_ms, "remark": rng.choice(REPORT_REMARKS)}

    def department(self, uid: str) -> str:
        """The department name of an employee."""
        return DEPARTMENTS[self.number(uid) % len(DEPARTMENTS)]

    def announcement_plan(self, started: float) -> list[dict]:
        """44 announcements before the start, newest first (ages from the start):

        8 within 7 days (the oldest at 7 d - 2 h), one at 7 d + 2 h, 26 more
        within 30 days (35 in the default month of listids: two pages of 30),
        one at 30 d + 2 h and 8 up to 40 days old.
        """
        rng = random.Random(f"wfsim:{self.seed}:{self.appkey}:blackboard")
        hour, now_i = 3600, int(math.floor(started))
        ages = [rng.randint(120, hour), rng.randint(3 * hour, 20 * hour)]
        ages += [rng.randint(k * DAY, (k + 1) * DAY) for k in range(1, 5)]
        ages += [rng.randint(5 * DAY, 6 * DAY + 20 * hour), 7 * DAY - 2 * hour, 7 * DAY + 2 * hour]
        ages += [rng.randint(7 * DAY + 3 * hour, 30 * DAY - 3 * hour) for _ in range(26)]
        ages += [30 * DAY + 2 * hour] + [rng.randint(30 * DAY + 3 * hour, 40 * DAY) for _ in range(8)]
        plan = [self.announcement_dict(now_i - age, rng) for age in sorted(ages)]
        if plan[0]["unread_count"] == 0:          # the newest one always has unread receipts
            plan[0]["unread_count"], plan[0]["read_count"] = 1, max(0, plan[0]["read_count"] - 1)
        return plan

    def announcement_dict(self, t: int, rng: random.Random, unread: int | None = None,
                          read: int | None = None, title: str | None = None) -> dict:
        """An announcement for everyone or 3-8 named employees; "t" is gmt_create in epoch seconds."""
        people = list(self.employees.values())
        company = not people or rng.random() < 0.5
        users = [] if company else rng.sample(people, min(len(people), rng.randint(3, 8)))
        total = len(people) if company else len(users)
        unread = rng.randint(0, total) if unread is None else unread
        read = max(0, total - unread) if read is None else read
        title = title or rng.choice(BLACKBOARD_TITLES)
        return {"id": "%024x" % rng.getrandbits(96), "t": t,
                "author": rng.choice(people).name if people else "行政部", "title": title,
                "content": f"{title}:详情请见附件,如有疑问请联系行政部。", "category_id": "%016x" % rng.getrandbits(64),
                "private_level": 0, "depname_list": ["全员"] if company else [],
                "username_list": [p.name for p in users],
                "user_list": [{"staff_id": p.userid, "name": p.name} for p in users],
                "read_count": read, "unread_count": unread,
                "coverpic_url": "https://gw.alicdn.com/tfs/TB1ayl9mpYqK1RjSZLeXXbXppXa-170-62.png"}

    # ------------------------------------------------------------ leave grants (Feishu)

    def employment_id(self, uid: str) -> str:
        """The employment id of a Feishu employee: 19 digits, fixed by seed + app + employee id."""
        if uid not in self.employments:
            rng = random.Random(f"wfsim:{self.seed}:feishu:{self.appkey}:employment:{uid}")
            self.employments[uid] = str(6_900_000_000_000_000_000 + rng.randrange(10 ** 17))
        return self.employments[uid]

    def employment_owner(self, employment_id: str) -> str | None:
        """The employee id with this employment id, if any."""
        return next((uid for uid in self.employees if self.employment_id(uid) == employment_id), None)

    def grant_type(self, type_id: Any) -> dict | None:
        """The Feishu leave type with this leave_type_id, if any."""
        return next((g for g in self.grant_types if g["leave_type_id"] == type_id), None)

    def grant_records(self, uid: str, gtype: dict) -> list[dict]:
        """Every grant of one employee and leave type, by expiration date."""
        key = (uid, gtype["leave_type_id"])
        if key not in self.grants:
            self.grants[key] = self.build_grants(uid, gtype)
        return self.grants[key]

    def build_grants(self, uid: str, gtype: dict) -> list[dict]:
        """Draw 0-4 grants expiring 30 days before to 90 days after the start day, plus GRANT_ROLES."""
        rng = random.Random(f"wfsim:{self.seed}:feishu:{self.appkey}:grants:{uid}:{gtype['leave_type_id']}")
        specs = []
        for _ in range(rng.choices((0, 1, 2, 3, 4), (10, 30, 30, 20, 10))[0]):
            unit = gtype["unit"] or rng.choice((1, 2))
            granting = rng.choice(DAY_QUANTITIES if unit == 1 else HOUR_QUANTITIES)
            left = (Decimal(granting) * Decimal(rng.choice(SHARES))).quantize(Decimal("0.000001"))
            specs.append((unit, granting, decimal_text(left), rng.randint(-30, 90)))
        specs += GRANT_ROLES.get((self.number(uid), self.grant_types.index(gtype)), ())
        records = [self.grant_dict(uid, gtype, *spec, rng) for spec in specs]
        return sorted(records, key=lambda r: (r["expiration_date"], r["id"]))

    def grant_dict(self, uid: str, gtype: dict, unit: int, granting: str, left: str, days: int,
                   rng: random.Random) -> dict:
        """A grant as leave_employ_expire_records returns it, expiring days after the start day."""
        expires = self.start_day + dt.timedelta(days=days)
        return {"id": str(6_893_000_000_000_000_000 + rng.getrandbits(56)),
                "employment_id": self.employment_id(uid),
                "leave_type_id": gtype["leave_type_id"], "granting_quantity": granting,
                "left_granting_quantity": left, "granting_unit": unit,
                "effective_date": (expires - dt.timedelta(days=rng.randint(30, 365))).isoformat(),
                "expiration_date": expires.isoformat(),
                "reason": [{"lang": "zh_CN", "value": f"{expires.year}年度{gtype['name']}发放"},
                           {"lang": "en_US", "value": "Annual grant"}],
                "is_update_by_external": False, "accrual_source": rng.choice((1, 1, 1, 2, 6)),
                "leave_sub_type_id": "", "section_type": 1}


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
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


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


def feishu_error(status: int, code: int, msg: str) -> Reply:
    """A Feishu error: HTTP status with code/msg and a log id."""
    log_id = secrets.token_hex(16).upper()
    return json_reply(status, {"code": code, "msg": msg, "error": {"log_id": log_id}}, code)


def feishu_not_found() -> Reply:
    """The Feishu gateway's answer to an unknown path or a wrong method."""
    return Reply(404, b"404 page not found", "text/plain; charset=utf-8")


def feishu_throttled(limit: int, reset: int = 1) -> Reply:
    """The Feishu per-app per-API rate limit answer, with its x-ogw-ratelimit headers."""
    reply = feishu_error(429, 99991400, "request trigger frequency limit")
    reply.headers = {"x-ogw-ratelimit-limit": str(limit), "x-ogw-ratelimit-reset": str(max(1, int(reset)))}
    return reply


def oapi_ok(result: Any) -> Reply:
    """A successful topapi answer wrapping result."""
    return json_reply(200, {"errcode": 0, "errmsg": "ok", "success": True,
                            "request_id": request_id(), "result": result}, 0)


def param_error(kind: str, detail: str) -> Reply:
    """The documented bad-parameter answer for an endpoint kind."""
    if kind == "oapi":
        return oapi_error(40035, "不合法的参数")
    if kind == "feishu":
        return feishu_error(400, FEISHU_PARAM_CODE, "param is invalid")
    return v1_error(400, "invalidParameter.param.invalid", f"入参错误:{detail}")


def invalid_token(kind: str, expired: bool = False) -> Reply:
    """The answer to an unknown (or expired) access token."""
    if kind == "oapi":
        return oapi_error(42001, "access_token超时") if expired else \
            oapi_error(40014, "不合法的access_token")
    if kind == "feishu":
        return feishu_error(400, 99991663, "Invalid access token for authorization. "
                                           "Please make a request with token attached.")
    return v1_error(400, "InvalidAuthentication", "不合法的access_token")


def throttled(kind: str, limit: int = FEISHU_QPS, reset: int = 1) -> Reply:
    """The per-app per-API QPS limit answer (limit and reset: Feishu headers)."""
    if kind == "feishu":
        return feishu_throttled(limit, reset)
    if kind == "oapi":
        return oapi_error(90018, "当前企业调用该接口超过每秒限制,请降低调用频率")
    return v1_error(403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
                    "调用该接口超过每秒限制,请降低调用频率")


def quota_exhausted(kind: str, errmsg: str = "企业调用次数超过每月限额") -> Reply:
    """The monthly organisation quota answer."""
    if kind == "oapi":
        return oapi_error(90020, errmsg)
    return v1_error(403, "Forbidden.AccessDenied.ApiCountLimitForOrg", "企业调用次数超过每月限额")


def ip_blocked() -> Reply:
    """The DingTalk gateway's per-IP block answer: HTTP 200, no errcode (doc/platform-notes.md: "Per IP: 10,000
    calls per 20 s, then a 5-minute block; the answer is HTML or
    {"status":1111,"wait":5,"source":"x5","punish":"deny"} with no errcode")."""
    return json_reply(200, IP_BLOCK_ANSWER)


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
    kind: str          # "oapi" (errcode in body), "v1" (HTTP status + code) or "feishu"
    endpoint: str      # short name used in logs, faults and violations
    handler: Callable[["Simulator", "Context"], Reply]
    auth: bool = True
    counted: bool = False   # counts against the organisation's monthly call quota
    pattern: re.Pattern | None = None   # for paths with ":name" segments


ROUTES: dict[str, Route] = {}   # filled once at import time by @endpoint


def endpoint(path: str, method: str, kind: str, name: str, auth: bool = True, counted: bool = False):
    """Register a Simulator method as the handler of a platform path; a segment ":name" matches
    any one non-empty segment and is handed over in ctx.params."""
    def register(func):
        pattern = re.compile(re.sub(r":(\w+)", r"(?P<\1>[^/]+)", re.escape(path))) if "/:" in path else None
        ROUTES[path] = Route(path, method, kind, name, func, auth, counted, pattern)
        return func
    return register


def peak(times: list[float], width: float) -> int:
    """The most of the sorted moments times that lie within any window (t - width, t]."""
    best, first = 0, 0
    for last, t in enumerate(times):
        while times[first] <= t - width:
            first += 1
        best = max(best, last - first + 1)
    return best


def find_route(path: str) -> tuple[Route | None, dict[str, str]]:
    """The route answering path and its path parameters (percent-decoded)."""
    route = ROUTES.get(path)
    if route is not None and route.pattern is None:
        return route, {}
    for route in ROUTES.values():
        m = route.pattern.fullmatch(path) if route.pattern else None
        if m:
            return route, {k: unquote(v) for k, v in m.groupdict().items()}
    return None, {}


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
    params: dict[str, str] = dataclasses.field(default_factory=dict)   # path parameters
    client: str = "127.0.0.1"    # the caller's IP address (per-IP limit)


@dataclasses.dataclass
class IpState:
    """DingTalk's per-IP count of one caller address: its calls within the window, and the end
    of its block (0 = not blocked)."""
    calls: collections.deque = dataclasses.field(default_factory=collections.deque)
    blocked_until: float = 0.0


@dataclasses.dataclass
class Token:
    """An issued access token."""
    value: str
    appkey: str
    expires: float
    touched: float     # issued or last renewed


def comma_list(text: str | None) -> list[str]:
    """'a, b,,c' -> ['a', 'b', 'c'] (None -> [])."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def parse_query(raw: str) -> dict[str, str]:
    """Query string to a dict of first values (blank values kept)."""
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def bearer(header: str | None) -> str | None:
    """The token of an 'Authorization: Bearer <token>' header, else None."""
    m = re.fullmatch(r"\s*[Bb][Ee][Aa][Rr][Ee][Rr]\s+(\S+)\s*", header or "")
    return m.group(1) if m else None


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
    if kind == "feishu":
        task = {"result_id": "7000000000000000001", "user_id": "fe00001", "employee_name": "张三",
                "day": 20240101, "group_id": "1", "shift_id": "1",
                "records": [{"check_in_result": "Normal", "check_out_result": "Normal"}]}
        return (b'{"code":0,"msg":"success","data":{"user_task_results":[',
                json.dumps(task, ensure_ascii=False).encode("utf-8"),
                b'],"invalid_user_ids":[],"unauthorized_user_ids":[]}}')
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
                 log: Callable[[str], None] | None = None,
                 feishu_apps: list[tuple[str, str]] | None = None,
                 monthly_quota: int = DEFAULT_MONTHLY_QUOTA, odd_results: bool = False,
                 feishu_same_token_window: float = FEISHU_SAME_TOKEN_WINDOW,
                 feishu_unauthorized: int = 0, admins: list[str] | None = None,
                 short_pages: int = 0, leave_history: int = DEFAULT_LEAVE_HISTORY, latency_ms: float = 0.0,
                 ip_limit: int = IP_LIMIT, ip_window: float = IP_WINDOW, ip_block: float = IP_BLOCK):
        """Generate every app's organisation at the current clock() moment."""
        # One lock guards all state.  It is held while a request is judged and answered, never
        # while a request sleeps (latency, the delay fault), so that slow answers overlap.
        self.lock = threading.RLock()
        self.clock, self.sleep, self.log = clock, sleep, log
        self.started = clock()
        self.config = {"token_ttl": float(token_ttl), "qps_limit": DEFAULT_QPS,
                       "utc_offset": format_utc_offset(utc_offset),
                       "monthly_quota": int(monthly_quota), "odd_results": bool(odd_results),
                       "feishu_qps_limit": FEISHU_QPS,
                       "feishu_same_token_window": float(feishu_same_token_window),
                       "feishu_unauthorized": int(feishu_unauthorized),
                       "admins": list(admins or DEFAULT_ADMINS),
                       "short_pages": int(short_pages), "leave_history": int(leave_history),
                       "latency_ms": float(latency_ms), "ip_limit": int(ip_limit),
                       "ip_window": float(ip_window), "ip_block": float(ip_block)}
        self.start_offset = utc_offset          # the zone the leave records were laid out in
        self.orgs = {key: Org.generate(seed, key, secret, employees, preentry, self.started, utc_offset)
                     for key, secret in apps}
        if feishu_apps is None:
            feishu_apps = [("cli_simapp", "feishusimsecret")]
        self.feishu = {app_id: Org.generate_feishu(seed, app_id, secret, employees, self.started, utc_offset)
                       for app_id, secret in feishu_apps}
        self.tokens: dict[str, Token] = {}
        self.app_tokens: dict[str, str] = {}
        self.feishu_tokens: dict[str, Token] = {}
        self.feishu_app_tokens: dict[str, str] = {}     # app id -> its newest token
        self.feishu_fetched: dict[str, float] = {}      # app id -> time of its last token fetch
        self.seq = 0
        self.requests: collections.deque = collections.deque(maxlen=REQUEST_LOG_MAX)
        self.violations: list[dict] = []
        self.faults: list[dict] = []
        self.qps: dict[tuple, collections.deque] = collections.defaultdict(collections.deque)
        self.ips: dict[str, IpState] = collections.defaultdict(IpState)
        # offsets / next_cursors issued, per list: (appkey, endpoint, the request's list parameters)
        self.offsets: dict[tuple, set] = {}
        self.page_tokens: dict[str, tuple[str, str, tuple]] = {}
        self.robots = json.loads(json.dumps(DEFAULT_ROBOTS))
        self.robot_messages: list[dict] = []
        self.robot_sent: dict[str, collections.deque] = collections.defaultdict(collections.deque)

    def warm(self) -> None:
        """Build the cached plans the truth and the first answers need (seconds at 10,000
        employees) before the server says READY, rather than inside the first request."""
        with self.lock:
            for appkey in self.orgs:
                self.truth(appkey)
            for app_id in self.feishu:
                self.truth(platform="feishu", appid=app_id)

    # ------------------------------------------------------------ dispatch

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes = b"",
               client: str = "127.0.0.1") -> Reply:
        """Answer one request (platform or control) from the address client and return the Reply.

        Platform answers wait latency_ms before they go (control answers do
        not); the wait, like the delay fault's, happens outside the lock, so
        concurrent requests wait at the same time.
        """
        url = urlsplit(target)
        query = parse_query(url.query)
        headers = {k.lower(): v for k, v in headers.items()}
        if url.path.startswith("/_sim/"):
            return self.control(method, url.path, query, body)
        with self.lock:
            latency = self.config["latency_ms"] / 1000.0
            reply = self.judge(method, url.path, query, headers, body, client)
        if latency > 0:
            self.sleep(latency)
        return reply

    def judge(self, method: str, path: str, query: dict, headers: dict, body: bytes, client: str) -> Reply:
        """Answer one platform request (called with the lock held; released only for a delay fault)."""
        ctx = self.begin(method, path, query, headers, body, client)
        route, ctx.params = find_route(path)
        if route is None:
            return self.finish(ctx, self.not_found(path))
        ctx.route = route
        ctx.app = self.peek_app(ctx)
        blocked = self.ip_tick(ctx)
        if blocked is not None:
            return self.finish(ctx, blocked)
        if method != route.method:
            return self.finish(ctx, self.reject(ctx, self.wrong_method(route, method)))
        over = self.qps_tick(ctx)
        ctx.fault = self.take_fault(route, ctx.app)
        if ctx.fault and ctx.fault["kind"] == "delay":
            self.lock.release()             # sleep without holding up the other requests
            try:
                self.sleep(float(ctx.fault.get("seconds", 1.0)))
            finally:
                self.lock.acquire()
        ctx.now = self.clock()
        try:
            reply = self.answer(ctx, over)
        except Rejected as rej:
            reply = self.reject(ctx, rej)
        return self.finish(ctx, reply)

    def begin(self, method, path, query, headers, body, client="127.0.0.1") -> Context:
        """Number the request and open its log entry."""
        self.seq += 1
        entry = {"seq": self.seq, "t": self.clock(), "app": None, "client": client, "method": method,
                 "path": path, "endpoint": None, "query": query, "headers": headers,
                 "body": body_for_log(body), "status": None, "errcode": None, "fault": None}
        self.requests.append(entry)
        return Context(self.seq, method, path, query, headers, body, entry, client=client)

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
            self.violate(ctx, "qps", f"more than {self.qps_limit(route)} calls within 1 s")
        if ctx.fault and ctx.fault["kind"] not in ("delay", "repeat_cursor", "endless_cursor"):
            return self.fault_reply(ctx)
        if over_qps:
            return throttled(route.kind, self.qps_limit(route))
        if route.auth:
            self.authenticate(ctx)
        if route.counted:
            return self.counted_call(ctx)
        return route.handler(self, ctx)

    def counted_call(self, ctx: Context) -> Reply:
        """Answer a call that counts against the monthly quota: 90020 once it is used up,
        else the handler's answer, counted when it is a success (errcode 0)."""
        quota, month = self.config["monthly_quota"], self.month(ctx.now)
        if quota and ctx.org.quota.get(month, 0) >= quota:
            return quota_exhausted(ctx.route.kind, QUOTA_MESSAGE)
        reply = ctx.route.handler(self, ctx)
        if reply.errcode == 0:
            ctx.org.quota[month] = ctx.org.quota.get(month, 0) + 1
        return reply

    def month(self, now: float) -> tuple[int, int]:
        """(year, month) of the moment now at the simulator's UTC offset."""
        day = local_date(now, self.utc_offset())
        return day.year, day.month

    def utc_offset(self) -> int:
        """The simulator's UTC offset in minutes (the organisations' zone)."""
        return parse_utc_offset(self.config["utc_offset"])

    def qps_limit(self, route: Route) -> int:
        """Calls per second allowed per app and API."""
        return self.config["feishu_qps_limit" if route.kind == "feishu" else "qps_limit"]

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
        if path.startswith("/open-apis/"):
            return feishu_not_found()
        if path.startswith("/v1.0/"):
            return v1_error(404, "InvalidAction.NotFound",
                            "Specified api is not found, please check your url and method.")
        return Reply(404, b"404 Not Found\n", "text/plain;charset=utf-8")

    def wrong_method(self, route: Route, method: str) -> Rejected:
        """The rejection of a call with the wrong HTTP method."""
        detail = f"{method} instead of {route.method}"
        if route.kind == "feishu":
            return Rejected("method", detail, feishu_not_found())
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
        if ctx.route.kind == "feishu":
            if not ctx.route.auth:
                body = body_for_log(ctx.body)
                app_id = body.get("app_id") if isinstance(body, dict) else None
                return app_id if isinstance(app_id, str) and app_id in self.feishu else None
            tok = self.feishu_tokens.get(bearer(ctx.headers.get("authorization")) or "")
            return tok.appkey if tok else None
        if not ctx.route.auth:
            key = ctx.query.get("appkey")
            return key if key in self.orgs else None
        value = ctx.query.get("access_token") if ctx.route.kind == "oapi" else ctx.headers.get(TOKEN_HEADER)
        tok = self.tokens.get(value or "")
        return tok.appkey if tok else None

    def authenticate(self, ctx: Context) -> None:
        """Check the access token in its documented place; set ctx.org and ctx.token."""
        kind = ctx.route.kind
        if kind == "feishu":
            return self.authenticate_feishu(ctx)
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

    def authenticate_feishu(self, ctx: Context) -> None:
        """Check 'Authorization: Bearer <tenant_access_token>'; set ctx.org and ctx.token."""
        header = ctx.headers.get("authorization")
        value = bearer(header)
        if not value:
            misplaced = any(ctx.query.get(k) for k in ("access_token", "tenant_access_token"))
            raise Rejected("token_place" if misplaced else "token_missing",
                           "token must be in the Authorization header" if misplaced
                           else "Authorization header missing" if not header
                           else "Authorization is not 'Bearer <token>'",
                           feishu_error(400, 99991661, "Missing access token for authorization. "
                                                       "Please make a request with token attached."))
        tok = self.feishu_tokens.get(value)
        if tok is None or ctx.now >= tok.expires:
            raise Rejected(None, "unknown token" if tok is None else "expired token", invalid_token("feishu"))
        ctx.org, ctx.token = self.feishu[tok.appkey], value

    def issue_token(self, appkey: str, now: float) -> Token:
        """Create a fresh token for an app."""
        tok = Token(secrets.token_hex(16), appkey, now + self.config["token_ttl"], now)
        self.tokens[tok.value] = tok
        self.app_tokens[appkey] = tok.value
        return tok

    def revoke(self, value: str | None = None) -> int:
        """Forget one token (or all of them); returns how many were forgotten."""
        if value is None:
            n = len(self.tokens) + len(self.feishu_tokens)
            self.tokens.clear()
            self.app_tokens.clear()
            self.feishu_tokens.clear()
            self.feishu_app_tokens.clear()
            self.feishu_fetched.clear()
            return n
        gone = 0
        for tokens, newest in ((self.tokens, self.app_tokens), (self.feishu_tokens, self.feishu_app_tokens)):
            tok = tokens.pop(value, None)
            if tok and newest.get(tok.appkey) == value:
                del newest[tok.appkey]
            gone += 1 if tok else 0
        return gone

    # ------------------------------------------------------------ QPS and faults

    def qps_tick(self, ctx: Context) -> bool:
        """Count a call per app and API; True when it is over the limit.

        A sliding one-second window: a call is over the limit when more than
        qps_limit calls of the same app to the same endpoint (itself included)
        arrived within the last second, (now - 1 s, now].  Every call that
        reaches this point counts, refused ones too, as a gateway counts what
        arrives.  Called with the lock held, so concurrent calls are counted
        one at a time.
        """
        if ctx.app is None:
            return False
        now = self.clock()
        window = self.qps[(ctx.app, ctx.route.endpoint)]
        while window and window[0] <= now - 1.0:
            window.popleft()
        window.append(now)
        return len(window) > self.qps_limit(ctx.route)

    def ip_tick(self, ctx: Context) -> Reply | None:
        """DingTalk's per-IP limit over all apps; the block answer, or None to go on.

        doc/platform-notes.md: "Per IP: 10,000 calls per 20 s, then a 5-minute block; the
        answer is HTML or {"status":1111,"wait":5,"source":"x5","punish":"deny"}
        with no errcode."  Every DingTalk call (oapi and /v1.0, token calls
        included; not Feishu) from one address counts in a sliding window of
        ip_window seconds.  The call that makes more than ip_limit within it
        starts a block of ip_block seconds and is a violation (ip_limit);
        every DingTalk call from that address during the block gets the block
        answer, is not counted, and is a violation too (ip_blocked: the client
        did not wait).  Checked before anything else: the gateway answers
        before the platform looks at tokens, methods or faults.
        """
        limit = self.config["ip_limit"]
        if ctx.route.kind not in ("oapi", "v1") or not limit:
            return None
        now, state = self.clock(), self.ips[ctx.client]
        if now < state.blocked_until:
            self.violate(ctx, "ip_blocked", f"call from {ctx.client} while it is blocked for "
                                            f"{state.blocked_until - now:.1f} s more")
            return ip_blocked()
        window = self.config["ip_window"]
        calls = state.calls
        while calls and calls[0] <= now - window:
            calls.popleft()
        calls.append(now)
        if len(calls) <= limit:
            return None
        calls.clear()
        state.blocked_until = now + self.config["ip_block"]
        self.violate(ctx, "ip_limit", f"more than {limit} DingTalk calls from {ctx.client} within "
                                      f"{window:g} s; blocked for {self.config['ip_block']:g} s")
        return ip_blocked()

    def take_fault(self, route: Route, app: str | None) -> dict | None:
        """Consume one use of the first queued fault matching this request."""
        for fault in self.faults:
            if fault["endpoint"] not in ("*", route.endpoint):
                continue
            only = fault.get("appkey") or fault.get("appid")
            if only and only != app:
                continue
            if fault["kind"] in ("quota", "ip_block") and route.kind == "feishu":
                continue                      # Feishu has no monthly quota and no per-IP block
            fault["remaining"] -= 1
            if fault["remaining"] <= 0:
                self.faults.remove(fault)
            return dict(fault)
        return None

    def fault_reply(self, ctx: Context) -> Reply:
        """The answer a short-circuiting fault produces."""
        f, kind = ctx.fault, ctx.route.kind
        k = f["kind"]
        if kind == "feishu" and k in ("errcode", "token_invalid", "throttle"):
            return self.feishu_fault_reply(ctx)
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
        if k == "ip_block":
            return ip_blocked()
        raise AssertionError(f"unhandled fault kind {k}")

    def feishu_fault_reply(self, ctx: Context) -> Reply:
        """The Feishu answers of the errcode, token_invalid and throttle faults."""
        f = ctx.fault
        if f["kind"] == "errcode":
            code = int(f.get("code", f.get("errcode", -1)))
            msg = str(f.get("msg", "internal error"))
            return json_reply(int(f.get("status", 400)), {"code": code, "msg": msg}, code)
        if f["kind"] == "token_invalid":
            if not ctx.route.auth:
                return json_reply(200, {"code": 10014, "msg": "app secret invalid"}, 10014)
            self.revoke(bearer(ctx.headers.get("authorization")))
            return invalid_token("feishu")
        return feishu_throttled(self.config["feishu_qps_limit"], int(f.get("reset", 1)))

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

    # Paging.  Every paged endpoint builds its pages here (page_length, cursor_page, key_page) or
    # from page_length (vacation/record/list, blackboard/listids), so short pages reach them all.

    def page_length(self, ctx: Context, position: int, full: int) -> int:
        """How many items the page starting at item position holds when that many remain.

        full is what the page holds normally: the size asked (for
        vacation/record/list at most 50).  With short pages on (N > 0) it is
        1 + H % min(N, full - 1), H the first 4 bytes (big-endian) of
        SHA-256("<endpoint>:<position>"): between 1 and min(N, full - 1),
        the same for the same request, varying from page to page.  doc/platform-notes.md:
        "In general a page may be shorter than asked while more remain; only
        the answer's own cursor or has_more says whether the list has ended."
        """
        n = self.config["short_pages"]
        if not n or full < 2:
            return full
        digest = hashlib.sha256(f"{ctx.route.endpoint}:{position}".encode()).digest()
        return 1 + int.from_bytes(digest[:4], "big") % min(n, full - 1)

    def issued_offsets(self, ctx: Context, scope: tuple) -> set:
        """The offsets issued for one list: this app, this endpoint and the request's list
        parameters (scope), so that an offset issued for another list does not pass."""
        key = (ctx.org.appkey, ctx.route.endpoint, scope)
        issued = self.offsets.get(key)
        if issued is None:
            if len(self.offsets) >= OFFSET_SCOPES_MAX:
                del self.offsets[next(iter(self.offsets))]      # forget the oldest list
            issued = self.offsets[key] = set()
        return issued

    def check_offset(self, ctx: Context, offset: int, scope: tuple = ()) -> None:
        """Offsets other than 0 must be a next_cursor (or implied next offset) this server issued for
        the same list; anything else (offset + size after a short page, say) skips or repeats items."""
        if offset != 0 and offset not in self.offsets.get((ctx.org.appkey, ctx.route.endpoint, scope), ()):
            raise Rejected("cursor", f"offset {offset} was never returned as next_cursor for this list")

    def offset_page(self, ctx: Context, items: list, offset: int, size: int,
                    list_key: str = "data_list", scope: tuple = ()) -> Reply:
        """A topapi page of items at offset with next_cursor while more follow (faults applied)."""
        page, nxt = self.cursor_page(ctx, items, offset, size, scope)
        result = {list_key: page}
        if nxt is not None:
            result["next_cursor"] = nxt
        return oapi_ok(result)

    def cursor_page(self, ctx: Context, items: list, offset: int, size: int,
                    scope: tuple = ()) -> tuple[list, int | None]:
        """The page of items at offset and the next cursor, offset + the items returned (None at the
        end), recorded as issued for the list scope; endless_cursor: an empty page and offset + size;
        repeat_cursor: the page and offset."""
        kind = ctx.fault["kind"] if ctx.fault else None
        if kind == "endless_cursor":
            page, nxt = [], offset + size
        else:
            page = items[offset:offset + self.page_length(ctx, offset, size)]
            nxt = offset + len(page) if offset + len(page) < len(items) else None
            if kind == "repeat_cursor":
                nxt = offset
        if nxt is not None:
            self.issued_offsets(ctx, scope).add(nxt)
        return page, nxt

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
        page = rest[:self.page_length(ctx, len(items) - len(rest), size)]
        if kind == "repeat_cursor":
            return page, next_token or "0"
        if len(rest) > len(page):
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

    @staticmethod
    def id_list(value: Any, name: str, limit: int, text: str | None = None) -> list[str]:
        """A list of 1..limit user ids (duplicates dropped), or a violation named name.

        value is a JSON array of strings; text also allows a string holding a
        JSON array ("json") or a comma-separated string ("comma").
        """
        if isinstance(value, str) and text == "json":
            try:
                value = json.loads(value)
            except ValueError:
                raise Rejected(name, f"{name}={value!r} is not a JSON array of ids") from None
        elif isinstance(value, str) and text == "comma":
            value = [] if not value.strip() else [v.strip() for v in value.split(",")]
        if value is None:
            raise Rejected(name, f"{name} missing")
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise Rejected(name, f"{name} must be a list of non-empty string ids")
        if not value:
            raise Rejected(name, f"{name} is empty")
        if len(value) > limit:
            raise Rejected(name, f"{name} has {len(value)} ids, at most {limit} allowed")
        return list(dict.fromkeys(value))

    @staticmethod
    def local_datetime_param(value: Any, name: str, offset_min: int) -> int:
        """A 'yyyy-MM-dd HH:mm:ss' parameter read at offset_min, as epoch seconds."""
        if value is None or value == "":
            raise Rejected(name, f"{name} missing")
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return parse_local_datetime(value, offset_min)
        except ValueError:
            raise Rejected(name, f"{name}={value!r} is not yyyy-MM-dd HH:mm:ss") from None

    @staticmethod
    def user_param(value: Any, name: str) -> str:
        """A required userid parameter (op_userid, operation_userid, userid), or a violation."""
        if value is None or value == "":
            raise Rejected(name, f"{name} missing")
        if not isinstance(value, str):
            raise Rejected(name, f"{name}={value!r} is not a string")
        return value

    def require_admin(self, userid: str, name: str) -> None:
        """Answer 60011 (not a violation: a configuration matter) unless userid is an admin."""
        if userid not in self.config["admins"]:
            raise Rejected(None, f"{name}={userid} is not an admin", oapi_error(*NO_PERMISSION))

    @staticmethod
    def optional_text(body: dict, name: str) -> str | None:
        """An optional string parameter ("" = absent), or a violation."""
        value = body.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise Rejected(name, f"{name}={value!r} is not a string")
        return value

    @staticmethod
    def query_request(body: dict) -> dict:
        """The listids request object: body.query_request (an object or a string holding one), or
        the body itself when query_request is absent (the fields flattened to the top level)."""
        if "query_request" not in body:
            return body
        value = body["query_request"]
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise Rejected("query_request", "query_request is not a JSON object") from None
        if not isinstance(value, dict):
            raise Rejected("query_request", "query_request must be an object")
        return value

    @staticmethod
    def expiry_date_param(value: Any, name: str) -> dt.date:
        """A Feishu yyyy-MM-dd body parameter: missing or malformed 1220016, not a date 1220003."""
        if not isinstance(value, str) or not EXPIRY_DATE_RE.fullmatch(value):
            raise Rejected(name, f"{name}={value!r} is not yyyy-MM-dd",
                           feishu_error(400, 1220016, "Invalid param"))
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise Rejected(name, f"{name}={value!r} is not a date",
                           feishu_error(400, 1220003, "Invalid effective date")) from None

    @staticmethod
    def ymd_param(value: Any, name: str) -> dt.date:
        """A yyyyMMdd integer parameter as a date."""
        if value is None:
            raise Rejected(name, f"{name} missing")
        if isinstance(value, bool) or not isinstance(value, int) or not 10000101 <= value <= 99991231:
            raise Rejected(name, f"{name}={value!r} is not a yyyyMMdd integer")
        try:
            return dt.date(value // 10000, value // 100 % 100, value % 100)
        except ValueError:
            raise Rejected(name, f"{name}={value} is not a date") from None

    # ------------------------------------------------------------ attendance data

    def work_days(self, now: float, days: int = ATTENDANCE_DAYS) -> list[int]:
        """Local midnights (simulator offset) of the last days days, today included, oldest first."""
        today0 = local_midnight(now, self.utc_offset())
        return [today0 - k * DAY for k in range(days - 1, -1, -1)]

    def check_records(self, org: Org, users: list[str], lo_ms: int, hi_ms: int, now: float) -> list[dict]:
        """Check records of users (in that order) with workDate in [lo_ms, hi_ms], none after now."""
        now_ms, wanted = int(math.floor(now * 1000)), set(users)
        by_user: dict[str, list[dict]] = {uid: [] for uid in users}
        for day0 in self.work_days(now):
            if lo_ms <= day0 * 1000 <= hi_ms:
                plan = org.check_plan(day0, self.started, self.config["odd_results"])
                for uid in users:
                    by_user[uid].extend(plan.get(uid, ()))
        for rec in org.extra_checks:
            if rec["userId"] in wanted and lo_ms <= rec["workDate"] <= hi_ms:
                by_user[rec["userId"]].append(rec)
        return [rec for uid in users for rec in sorted(by_user[uid], key=lambda r: r["userCheckTime"])
                if rec["userCheckTime"] <= now_ms]

    def signin_records(self, org: Org, users: list[str], lo_ms: int, hi_ms: int, now: float) -> list[dict]:
        """Field sign-ins of users with checkin_time in [lo_ms, hi_ms], none after now, by time."""
        hi_ms, wanted = min(hi_ms, int(math.floor(now * 1000))), set(users)
        items = [rec for day0 in self.work_days(now, SIGNIN_DAYS + 1)
                 if day0 * 1000 <= hi_ms and (day0 + DAY) * 1000 > lo_ms
                 for rec in org.signin_plan(day0, self.started) if rec["userid"] in wanted]
        items += [rec for rec in org.extra_signins if rec["userid"] in wanted]
        return sorted((rec for rec in items if lo_ms <= rec["checkin_time"] <= hi_ms),
                      key=lambda r: (r["checkin_time"], r["userid"]))

    def task_results(self, org: Org, users: list[str], days: list[dt.date],
                     now: float) -> tuple[list[dict], list[str], list[str]]:
        """Feishu user_task_results for users and days, plus the invalid and unauthorized ids."""
        offset = self.utc_offset()
        first, today0 = self.work_days(now)[0], local_midnight(now, offset)
        unauthorized_ids = set(list(org.employees)[:self.config["feishu_unauthorized"]])
        results, invalid, unauthorized = [], [], []
        served = [(day, date_midnight(day, offset)) for day in days]
        served = [(day, day0) for day, day0 in served if first <= day0 <= today0]
        # each day's plan once, not once per user (the plan lookup costs O(employees))
        plans = {day0: org.task_plan(day0, self.started, self.config["odd_results"]) for _, day0 in served}
        for uid in users:
            if uid not in org.employees:
                invalid.append(uid)
            elif uid in unauthorized_ids:
                unauthorized.append(uid)
            else:
                results += [self.task_result(org, uid, day, day0, now, plans[day0]) for day, day0 in served]
        return results, invalid, unauthorized

    def task_result(self, org: Org, uid: str, day: dt.date, day0: int, now: float, plan: dict) -> dict:
        """One user's result for one day (plan: that day's task_plan), resolved against the clock.

        A check-in whose time has not come is Todo; today's check-out is Todo
        until 18:00 (except NoNeedCheck); a planned Todo becomes Lack once the
        day is over.
        """
        task = plan[uid]
        record = {"check_in_result": task["in"], "check_out_result": task["out"],
                  "check_in_result_supplement": "None", "check_out_result_supplement": "None",
                  "check_in_shift_time": str(day0 + ON_DUTY), "check_out_shift_time": str(day0 + OFF_DUTY)}
        over = now >= day0 + DAY
        for side, at, offset_id in (("in", task["in_time"], 1), ("out", task["out_time"], 2)):
            result = task[side]
            if result == "Todo":
                result = "Lack" if over else "Todo"
            elif side == "out" and result != "NoNeedCheck" and not over and now < day0 + OFF_DUTY:
                result = "Todo"
            elif result not in ("Lack", "NoNeedCheck"):
                if at <= now:
                    rec_id = str(6 * 10 ** 18 + task["id"] * 4 + offset_id)
                    record[f"check_{side}_record_id"] = rec_id
                    record[f"check_{side}_record"] = {
                        "record_id": rec_id, "user_id": uid, "creator_id": uid, "check_time": str(at),
                        "location_name": org.profile(uid)["address"], "comment": "",
                        "is_field": False, "is_wifi": False}
                else:
                    result = "Todo"
            record[f"check_{side}_result"] = result
        return {"result_id": str(7 * 10 ** 18 + task["id"]), "user_id": uid,
                "employee_name": org.employees[uid].name, "day": ymd(day),
                "group_id": str(org.group_id), "shift_id": str(org.shift_id), "records": [record]}

    def vacation_records(self, org: Org, users: list[str], code: str) -> list[dict]:
        """Vacation records of users (in that order) with this leave_code: each user's generated
        records, quota history (--leave-history) and added records together, by start_time (so the
        history, being older, comes first), then record_id.

        The list of the last few (leave_code, users) requests is kept, so that
        the following pages of one batch are a slice, not a new draw.
        """
        plan = org.leave_plan(self.started, self.start_offset)
        history = self.config["leave_history"]
        key = (code, tuple(users), history)
        hit = org.vacation_lists.get(key)
        if hit is not None and hit[0] is plan and hit[1] == len(org.extra_leaves):
            org.vacation_lists.move_to_end(key)
            return hit[2]
        ltype = org.leave_type(code)
        extras: dict[str, list[dict]] = collections.defaultdict(list)
        for rec in org.extra_leaves:
            if rec["leave_code"] == code:
                extras[rec["userid"]].append(rec)
        out: list[dict] = []
        for uid in users:
            mine = [r for r in plan.get(uid, ()) if r["leave_code"] == code]
            if uid in plan and ltype is not None and history:
                mine += org.build_history(uid, ltype, self.started, self.start_offset, history)
            mine += extras.get(uid, ())
            out += sorted(mine, key=lambda r: (r["start_time"], r["record_id"]))
        for stale in [k for k, v in org.vacation_lists.items() if v[0] is not plan]:
            del org.vacation_lists[stale]           # built on an older plan: never hit again
        org.vacation_lists[key] = (plan, len(org.extra_leaves), out)
        while len(org.vacation_lists) > VACATION_LISTS_CACHED:
            org.vacation_lists.popitem(last=False)
        return out

    def leave_counts(self, org: Org, users: list[str], now: float) -> tuple[dict, dict]:
        """(on_leave, leave_pending) by leave_name for users at the moment now.

        Only leave records (leave_record_type "leave") count, so the quota
        history, which holds none, is not drawn here: one pass over the
        generated and added records keeps the truth fast at 10,000 employees.
        """
        now_ms = int(math.floor(now * 1000))
        names = {t["leave_code"]: t["leave_name"] for t in org.leave_types}
        on_leave: dict[str, set] = {name: set() for name in names.values()}
        pending = {name: 0 for name in names.values()}
        plan = org.leave_plan(self.started, self.start_offset)
        users = list(dict.fromkeys(users))
        wanted = set(users)
        records = [r for uid in users for r in plan.get(uid, ())]
        records += [r for r in org.extra_leaves if r["userid"] in wanted]
        for r in records:
            name = names.get(r["leave_code"])
            if name is None or r["leave_record_type"] != "leave":
                continue
            if r["leave_status"] == "success" and r["start_time"] <= now_ms <= r["end_time"]:
                on_leave[name].add(r["userid"])
            elif r["leave_status"] == "init":
                pending[name] += 1
        return {name: len(ids) for name, ids in on_leave.items()}, pending

    def report_records(self, org: Org, lo_ms: int, hi_ms: int, now: float, template: str | None = None,
                       userid: str | None = None) -> list[dict]:
        """Reports with create_time in [lo_ms, hi_ms] and not after now, by time; optionally only one
        template and one creator."""
        offset = self.utc_offset()
        hi_ms = min(hi_ms, int(math.floor(now * 1000)))
        if hi_ms < lo_ms:
            return []
        first = max(local_midnight(lo_ms / 1000, offset),
                    local_midnight(self.started, offset) - REPORT_HISTORY * DAY)
        last = min(local_midnight(hi_ms / 1000, offset), local_midnight(now, offset))

        def wanted(r: dict) -> bool:
            """Whether a report passes the template and creator filters."""
            return template in (None, r["template_name"]) and userid in (None, r["creator_id"])

        # Each day's plan is sorted and lies within its day, so the days in order are sorted
        # already: only the days at the ends need the time filter and only added reports a sort.
        items: list[dict] = []
        for day0 in range(first, last + 1, DAY):
            plan = org.report_plan(day0, self.started, offset)
            inside = lo_ms <= day0 * 1000 and (day0 + DAY) * 1000 - 1 <= hi_ms
            if inside and template is None and userid is None:
                items += plan
            else:
                items += [r for r in plan if (inside or lo_ms <= r["create_time"] <= hi_ms) and wanted(r)]
        extra = [r for r in org.extra_reports if lo_ms <= r["create_time"] <= hi_ms and wanted(r)]
        if extra:
            items = sorted(items + extra, key=lambda r: (r["create_time"], r["report_id"]))
        return items

    def announcement_answer(self, item: dict) -> dict:
        """An announcement as blackboard/get returns it (times local at the simulator's offset)."""
        answer = {k: v for k, v in item.items() if k != "t"}
        answer["gmt_create"] = answer["gmt_modified"] = local_text(item["t"], self.utc_offset())
        return answer

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
        scope = tuple(sorted(statuses))
        self.check_offset(ctx, offset, scope)
        ids = [p.userid for p in ctx.org.employees.values() if p.status in statuses]
        return self.offset_page(ctx, ids, offset, size, scope=scope)

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

    @endpoint("/attendance/listRecord", "POST", "oapi", "listRecord", counted=True)
    def ep_list_record(self, ctx: Context) -> Reply:
        """POST attendance/listRecord: every check record of up to 50 users, no paging."""
        body = self.json_body(ctx)
        users = self.id_list(body.get("userIds"), "userIds", MAX_RECORD_USERS, "json")
        offset = self.utc_offset()
        lo = self.local_datetime_param(body.get("checkDateFrom"), "checkDateFrom", offset)
        hi = self.local_datetime_param(body.get("checkDateTo"), "checkDateTo", offset)
        if hi < lo:
            raise Rejected("checkDateTo", "checkDateTo is before checkDateFrom")
        if hi - lo > MAX_RECORD_SPAN:
            raise Rejected("span", "checkDateFrom and checkDateTo more than 7 days apart")
        if lo < local_midnight(ctx.now, offset) - RECORD_HISTORY:
            raise Rejected("history", "checkDateFrom more than 180 days ago")
        if body.get("isI18n") not in (None, True, False, "true", "false"):
            raise Rejected("isI18n", "isI18n must be a boolean")
        records = self.check_records(ctx.org, users, lo * 1000, hi * 1000, ctx.now)
        return json_reply(200, {"errcode": 0, "errmsg": "ok", "recordresult": records}, 0)

    @endpoint("/topapi/checkin/record/get", "POST", "oapi", "checkinRecord", counted=True)
    def ep_checkin_record(self, ctx: Context) -> Reply:
        """POST topapi/checkin/record/get: field sign-ins of up to 10 users, cursor paging."""
        body = self.json_body(ctx)
        users = self.id_list(body.get("userid_list"), "userid_list", MAX_CHECKIN_USERS, "comma")
        start = self.int_value(body.get("start_time"), "start_time", 0, None)
        end = self.int_value(body.get("end_time"), "end_time", 0, None)
        if end < start:
            raise Rejected("end_time", "end_time is before start_time")
        if end - start > MAX_CHECKIN_SPAN * 1000:
            raise Rejected("span", "start_time and end_time more than 45 days apart")
        cursor = self.int_value(body.get("cursor"), "cursor", 0, None)
        size = self.int_value(body.get("size"), "size", 1, MAX_CHECKIN_SIZE)
        scope = (tuple(users), start, end)
        self.check_offset(ctx, cursor, scope)
        items = self.signin_records(ctx.org, users, start, end, ctx.now)
        return self.offset_page(ctx, items, cursor, size, "page_list", scope)

    @endpoint("/open-apis/auth/v3/tenant_access_token/internal", "POST", "feishu", "tenantToken", auth=False)
    def ep_tenant_token(self, ctx: Context) -> Reply:
        """POST tenant_access_token/internal: the same token while enough of it is left."""
        bad = feishu_error(400, 10003, "invalid param")
        try:
            body = self.json_body(ctx)
        except Rejected as rej:
            raise Rejected(rej.rule, rej.detail, bad) from None
        app_id, secret = body.get("app_id"), body.get("app_secret")
        if not isinstance(app_id, str) or not app_id or not isinstance(secret, str) or not secret:
            raise Rejected("param", "app_id and app_secret are required", bad)
        org = self.feishu.get(app_id)
        if org is None or org.secret != secret:
            return json_reply(200, {"code": 10014, "msg": "app secret invalid"}, 10014)
        tok = self.feishu_tokens.get(self.feishu_app_tokens.get(app_id, ""))
        valid = tok is not None and ctx.now < tok.expires
        last = self.feishu_fetched.get(app_id)
        if valid and last is not None and ctx.now - last < 1.0:
            self.violate(ctx, "token_cache", f"tenant token fetched {ctx.now - last:.3f}s after the last "
                                             "fetch while a valid token is held")
        self.feishu_fetched[app_id] = ctx.now
        if valid and tok.expires - ctx.now >= self.config["feishu_same_token_window"]:
            expire = int(tok.expires - ctx.now)
        else:
            tok = Token("t-" + secrets.token_hex(20), app_id, ctx.now + self.config["token_ttl"], ctx.now)
            self.feishu_tokens[tok.value] = tok
            self.feishu_app_tokens[app_id] = tok.value
            expire = max(1, int(self.config["token_ttl"]))
        return json_reply(200, {"code": 0, "msg": "ok", "tenant_access_token": tok.value, "expire": expire}, 0)

    @endpoint("/open-apis/attendance/v1/user_tasks/query", "POST", "feishu", "userTasks")
    def ep_user_tasks(self, ctx: Context) -> Reply:
        """POST attendance/v1/user_tasks/query: daily results of up to 50 users over at most 31 days."""
        employee_type = ctx.query.get("employee_type")
        if employee_type not in ("employee_id", "employee_no"):
            raise Rejected("employee_type", f"employee_type={employee_type!r}: employee_id or employee_no")
        body = self.json_body(ctx)
        users = self.id_list(body.get("user_ids"), "user_ids", MAX_TASK_USERS)
        first = self.ymd_param(body.get("check_date_from"), "check_date_from")
        last = self.ymd_param(body.get("check_date_to"), "check_date_to")
        if last < first:
            raise Rejected("check_date_to", "check_date_to is before check_date_from")
        if (last - first).days >= MAX_TASK_DAYS:
            raise Rejected("span", f"more than {MAX_TASK_DAYS} days from check_date_from to check_date_to")
        days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
        results, invalid, unauthorized = self.task_results(ctx.org, users, days, ctx.now)
        return json_reply(200, {"code": 0, "msg": "success",
                                "data": {"user_task_results": results, "invalid_user_ids": invalid,
                                         "unauthorized_user_ids": unauthorized}}, 0)

    @endpoint("/topapi/attendance/vacation/type/list", "POST", "oapi", "vacationTypes", counted=True)
    def ep_vacation_types(self, ctx: Context) -> Reply:
        """POST vacation/type/list: the organisation's leave types (op_userid must be an admin)."""
        body = self.json_body(ctx)
        operator = self.user_param(body.get("op_userid"), "op_userid")
        if body.get("vacation_source") is not None and not isinstance(body["vacation_source"], str):
            raise Rejected("vacation_source", "vacation_source must be a string such as \"all\"")
        self.require_admin(operator, "op_userid")
        return oapi_ok([dict(t) for t in ctx.org.leave_types])

    @endpoint("/topapi/attendance/vacation/record/list", "POST", "oapi", "vacationRecords", counted=True)
    def ep_vacation_records(self, ctx: Context) -> Reply:
        """POST vacation/record/list: one leave type's records of up to 50 users, offset paging with
        has_more and no cursor in the answer.

        The document: "根据企业或员工分页获取假期消费记录信息 每次返回50条数据" (pages of
        records, 50 a call), although size may be up to 200 ("最大值:200").  So a
        page holds at most min(size, 50) records (fewer with short pages), and
        the next offset is offset + the records returned: the only next offset
        issued.  A client that goes on at offset + size skips records and is
        caught as a cursor violation.
        """
        body = self.json_body(ctx)
        operator = self.user_param(body.get("op_userid"), "op_userid")
        code = body.get("leave_code")
        if not isinstance(code, str) or not code:
            raise Rejected("leave_code", "leave_code missing or not a string")
        users = self.id_list(body.get("userids"), "userids", MAX_VACATION_USERS, "comma")
        offset = self.int_value(body.get("offset"), "offset", 0, None)
        size = self.int_value(body.get("size"), "size", 1, MAX_VACATION_SIZE)
        scope = (code, tuple(users))
        self.check_offset(ctx, offset, scope)
        self.require_admin(operator, "op_userid")
        if ctx.org.leave_type(code) is None:
            return oapi_error(*UNKNOWN_LEAVE_CODE)
        items = self.vacation_records(ctx.org, users, code)
        full = min(size, VACATION_PAGE_MAX)
        kind = ctx.fault["kind"] if ctx.fault else None
        if kind == "endless_cursor":
            page, more = [], True
        elif kind == "repeat_cursor":
            page, more = items[:self.page_length(ctx, 0, full)], True
        else:
            page = items[offset:offset + self.page_length(ctx, offset, full)]
            more = offset + len(page) < len(items)
        if more:
            self.issued_offsets(ctx, scope).add(offset + len(page))
        return oapi_ok({"has_more": more, "leave_records": page})

    @endpoint("/topapi/report/getunreadcount", "POST", "oapi", "reportUnread", counted=True)
    def ep_report_unread(self, ctx: Context) -> Reply:
        """POST report/getunreadcount: a user's unread reports."""
        uid = self.user_param(self.json_body(ctx).get("userid"), "userid")
        if not ctx.org.known_user(uid, self.config["admins"]):
            return oapi_error(*UNKNOWN_USERID)
        return json_reply(200, {"errcode": 0, "errmsg": "ok", "count": ctx.org.unread_count(uid),
                                "request_id": request_id()}, 0)

    @endpoint("/topapi/report/simplelist", "POST", "oapi", "reportList", counted=True)
    def ep_report_list(self, ctx: Context) -> Reply:
        """POST report/simplelist: reports created in [start_time, end_time], cursor paging."""
        body = self.json_body(ctx)
        start = self.int_value(body.get("start_time"), "start_time", 0, None)
        end = self.int_value(body.get("end_time"), "end_time", 0, None)
        if end < start:
            raise Rejected("end_time", "end_time is before start_time")
        if end - start > MAX_REPORT_SPAN * 1000:
            raise Rejected("span", "start_time and end_time more than 180 days apart")
        cursor = self.int_value(body.get("cursor"), "cursor", 0, None)
        size = self.int_value(body.get("size"), "size", 1, MAX_REPORT_SIZE)
        template, userid = self.optional_text(body, "template_name"), self.optional_text(body, "userid")
        scope = (start, end, template, userid)
        self.check_offset(ctx, cursor, scope)
        items = self.report_records(ctx.org, start, end, ctx.now, template, userid)
        page, nxt = self.cursor_page(ctx, items, cursor, size, scope)
        result = {"data_list": page, "has_more": nxt is not None, "size": size}
        if nxt is not None:
            result["next_cursor"] = nxt
        return oapi_ok(result)

    @endpoint("/topapi/blackboard/listids", "POST", "oapi", "blackboardList", counted=True)
    def ep_blackboard_list(self, ctx: Context) -> Reply:
        """POST blackboard/listids: ids of announcements created in [start_time, end_time] (default:
        the last 30 days), newest first, page-number paging.

        The answer has neither cursor nor has_more.  Page k is the k-th chunk of
        the list: page_size ids each (the last shorter) normally; with short
        pages each chunk's length is page_length at its first item, so only an
        empty page reliably ends the list.  A page past the end is empty.
        """
        query = self.query_request(self.json_body(ctx))
        operator = self.user_param(query.get("operation_userid"), "operation_userid")
        size = self.int_value(query.get("page_size"), "page_size", 1, MAX_BLACKBOARD_PAGE)
        page = self.int_value(query.get("page"), "page", 1, None)
        offset = self.utc_offset()
        lo = hi = None
        if query.get("start_time") not in (None, ""):
            lo = self.local_datetime_param(query["start_time"], "start_time", offset)
        if query.get("end_time") not in (None, ""):
            hi = self.local_datetime_param(query["end_time"], "end_time", offset)
        if lo is not None and hi is not None and hi < lo:
            raise Rejected("end_time", "end_time is before start_time")
        if query.get("category_id") is not None and not isinstance(query["category_id"], str):
            raise Rejected("category_id", "category_id must be a string")
        self.require_admin(operator, "operation_userid")
        hi = ctx.now if hi is None else hi
        lo = hi - BLACKBOARD_DEFAULT_SPAN if lo is None else lo
        ids = [a["id"] for a in ctx.org.announcements if lo <= a["t"] <= hi]
        if not self.config["short_pages"]:
            first = (page - 1) * size
        else:                                   # chunk k starts where chunk k - 1 ended
            first = 0
            for _ in range(page - 1):
                if first >= len(ids):
                    break
                first += self.page_length(ctx, first, size)
        kind = ctx.fault["kind"] if ctx.fault else None
        if kind == "repeat_cursor":
            chunk = ids[:self.page_length(ctx, 0, size)]
        elif kind == "endless_cursor":
            chunk = [ids[(first + i) % len(ids)] for i in range(size)] if ids else []
        else:
            chunk = ids[first:first + self.page_length(ctx, first, size)]
        return oapi_ok(chunk)

    @endpoint("/topapi/blackboard/get", "POST", "oapi", "blackboardGet", counted=True)
    def ep_blackboard_get(self, ctx: Context) -> Reply:
        """POST blackboard/get: one announcement with its read and unread counts."""
        body = self.json_body(ctx)
        bid = body.get("blackboard_id")
        if not isinstance(bid, str) or not bid:
            raise Rejected("blackboard_id", "blackboard_id missing or not a string")
        operator = self.user_param(body.get("operation_userid"), "operation_userid")
        self.require_admin(operator, "operation_userid")
        item = next((a for a in ctx.org.announcements if a["id"] == bid), None)
        if item is None:
            return oapi_error(*UNKNOWN_BLACKBOARD)
        return oapi_ok(self.announcement_answer(item))

    @endpoint("/open-apis/attendance/v1/leave_employ_expire_records/:leave_id", "GET", "feishu", "leaveExpiry")
    def ep_leave_expiry(self, ctx: Context) -> Reply:
        """GET (with a JSON body) leave_employ_expire_records/:leave_id: one employment's grants of one
        leave type whose expiration_date lies in [start_expiration_date, end_expiration_date]."""
        def invalid(rule: str, detail: str) -> Rejected:
            """A parameter violation answered HTTP 400 1220016 Invalid param."""
            return Rejected(rule, detail, feishu_error(400, 1220016, "Invalid param"))

        id_type = ctx.query.get("user_id_type")
        if id_type is not None and id_type not in FEISHU_USER_ID_TYPES:
            raise invalid("user_id_type", f"user_id_type={id_type!r}: one of {', '.join(FEISHU_USER_ID_TYPES)}")
        try:
            body = self.json_body(ctx)
        except Rejected as rej:
            raise invalid(rej.rule, rej.detail) from None
        for name in ("employment_id", "leave_type_id"):
            if not isinstance(body.get(name), str) or not body[name]:
                raise invalid(name, f"{name} missing or not a string")
        if body["leave_type_id"] != ctx.params["leave_id"]:
            raise invalid("leave_type_id", f"leave_type_id {body['leave_type_id']} differs from the path's "
                                           f"leave_id {ctx.params['leave_id']}")
        first = self.expiry_date_param(body.get("start_expiration_date"), "start_expiration_date")
        last = self.expiry_date_param(body.get("end_expiration_date"), "end_expiration_date")
        if last < first:
            raise invalid("end_expiration_date", "end_expiration_date is before start_expiration_date")
        minutes = body.get("time_offset")
        if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int)
                                    or not -720 <= minutes <= 840):
            raise invalid("time_offset", f"time_offset={minutes!r} is not minutes in [-720, 840]")
        gtype = ctx.org.grant_type(body["leave_type_id"])
        if gtype is None:
            return feishu_error(400, 1220005, "Accessed data object not found")
        uid = ctx.org.employment_owner(body["employment_id"])
        if uid is None:
            return feishu_error(400, 1220006, "Employment not found")
        records = [r for r in ctx.org.grant_records(uid, gtype)
                   if first <= dt.date.fromisoformat(r["expiration_date"]) <= last]
        return json_reply(200, {"code": 0, "msg": "success", "data": {"records": records}}, 0)

    @endpoint("/topapi/report/template/listbyuserid", "POST", "oapi", "reportTemplates", counted=True)
    def ep_report_templates(self, ctx: Context) -> Reply:
        """POST report/template/listbyuserid: every report template (userid optional), offset
        paging with next_cursor while more follow."""
        body = self.json_body(ctx)
        uid = self.optional_text(body, "userid")
        if uid is not None and not ctx.org.known_user(uid, self.config["admins"]):
            return oapi_error(*UNKNOWN_USERID)
        offset = self.int_value(body.get("offset", 0), "offset", 0, None)
        size = self.int_value(body.get("size", MAX_TEMPLATE_PAGE), "size", 1, MAX_TEMPLATE_PAGE)
        scope = (uid,)
        self.check_offset(ctx, offset, scope)
        names = [name for name, _ in REPORT_SHARES] + ["月报", "季报"]
        items = [{"name": name, "report_code": hashlib.md5(name.encode()).hexdigest(),
                  "icon_url": "https://example.invalid/icon.png",
                  "url": "https://example.invalid/report"} for name in names]
        page, nxt = self.cursor_page(ctx, items, offset, size, scope)
        result = {"template_list": page}
        if nxt is not None:
            result["next_cursor"] = nxt
        return oapi_ok(result)

    # ------------------------------------------------------------ group robots

    def robot_rate_ok(self, platform: str, now: float) -> bool:
        """True while the robot took fewer than ROBOT_PER_MINUTE messages in the last minute."""
        sent = self.robot_sent[platform]
        while sent and sent[0] <= now - 60:
            sent.popleft()
        if len(sent) >= ROBOT_PER_MINUTE:
            return False
        sent.append(now)
        return True

    def robot_record(self, platform: str, ctx: Context, body: dict, signature_ok: bool | None) -> None:
        """Keep a message a robot took, with its severity read from its text."""
        if body.get("msgtype") == "markdown" or body.get("msg_type") == "markdown":
            msgtype, title = "markdown", (body.get("markdown") or {}).get("title", "")
            text = (body.get("markdown") or {}).get("text", "")
        else:
            msgtype, title = body.get("msgtype") or body.get("msg_type") or "", ""
            content = body.get("text") if platform == "dingtalk" else body.get("content")
            text = (content or {}).get("content" if platform == "dingtalk" else "text", "")
        m = re.search(r"\b(FAILURE|WARNING|OKAY)\b", f"{title} {text}")
        self.robot_messages.append({"platform": platform, "t": ctx.now, "msgtype": msgtype,
                                    "title": title, "text": text, "signature_ok": signature_ok,
                                    "severity": m.group(1) if m else None})

    @staticmethod
    def robot_sign(key: str, message: str) -> str:
        """base64(HMAC-SHA256(key, message))."""
        digest = hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    @endpoint("/robot/send", "POST", "oapi", "robotSend", auth=False)
    def ep_robot_send(self, ctx: Context) -> Reply:
        """POST /robot/send?access_token=[&timestamp=&sign=]: a DingTalk custom robot."""
        robot = self.robots["dingtalk"]
        if ctx.query.get("access_token") != robot["token"]:
            return oapi_error(300001, "token is not exist")
        signature_ok = None
        if robot.get("secret"):
            stamp, sign = ctx.query.get("timestamp", ""), ctx.query.get("sign", "")
            expected = self.robot_sign(robot["secret"], f"{stamp}\n{robot['secret']}")
            fresh = stamp.isdigit() and abs(ctx.now * 1000 - int(stamp)) <= ROBOT_SIGN_WINDOW * 1000
            signature_ok = bool(fresh and hmac.compare_digest(sign, expected))
            if not signature_ok:
                raise Rejected("sign", "robot signature or timestamp wrong",
                               oapi_error(310000, "sign not match"))
        body = self.json_body(ctx)
        if body.get("msgtype") not in ("text", "markdown"):
            raise Rejected("msgtype", f"msgtype {body.get('msgtype')!r}", oapi_error(40035, "缺少参数 msgtype"))
        if not self.robot_rate_ok("dingtalk", ctx.now):
            return oapi_error(130101, "send too fast, exceed 20 times per minute")
        self.robot_record("dingtalk", ctx, body, signature_ok)
        return json_reply(200, {"errcode": 0, "errmsg": "ok"}, 0)

    @endpoint("/open-apis/bot/v2/hook/:hook", "POST", "feishu", "robotHook", auth=False)
    def ep_robot_hook(self, ctx: Context) -> Reply:
        """POST /open-apis/bot/v2/hook/<hook>: a Feishu custom bot, signed in the body."""
        robot = self.robots["feishu"]
        if ctx.params["hook"] != robot["hook"]:
            return feishu_error(200, 19001, "param invalid: incoming webhook access token invalid")
        body = self.json_body(ctx)
        signature_ok = None
        if robot.get("secret"):
            stamp, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
            expected = self.robot_sign(f"{stamp}\n{robot['secret']}", "")
            fresh = stamp.isdigit() and abs(ctx.now - int(stamp)) <= ROBOT_SIGN_WINDOW
            signature_ok = bool(fresh and hmac.compare_digest(sign, expected))
            if not signature_ok:
                raise Rejected("sign", "robot signature or timestamp wrong",
                               feishu_error(200, 19021, "sign match fail or timestamp is not "
                                                        "within one hour from current time"))
        if body.get("msg_type") not in ("text", "post", "interactive"):
            raise Rejected("msg_type", f"msg_type {body.get('msg_type')!r}",
                           feishu_error(200, 19002, "params error, msg_type need"))
        if not self.robot_rate_ok("feishu", ctx.now):
            return feishu_error(200, 9499, "too many request")
        self.robot_record("feishu", ctx, body, signature_ok)
        return json_reply(200, {"code": 0, "msg": "success", "data": {}}, 0)

    # ------------------------------------------------------------ control API

    def control(self, method: str, path: str, query: dict, body: bytes) -> Reply:
        """Answer a /_sim/ control request."""
        handlers = {
            ("GET", "/_sim/truth"): lambda: self.truth(query.get("appkey"), query.get("utc_offset"),
                                                       query.get("userids"), query.get("platform"),
                                                       query.get("appid"), query.get("readers"),
                                                       query.get("employments"), query.get("types"),
                                                       query.get("window")),
            ("GET", "/_sim/requests"): lambda: self.list_since(self.requests, query),
            ("POST", "/_sim/requests/clear"): lambda: self.clear(self.requests),
            ("GET", "/_sim/violations"): lambda: self.list_since(self.violations, query),
            ("GET", "/_sim/stats"): lambda: self.stats(query),
            ("POST", "/_sim/violations/clear"): lambda: self.clear(self.violations),
            ("POST", "/_sim/revoke_tokens"): lambda: {"revoked": self.revoke()},
            ("POST", "/_sim/config"): lambda: self.set_config(self.control_body(body)),
            ("GET", "/_sim/config"): self.config_answer,
            ("POST", "/_sim/fault"): lambda: self.add_fault(self.control_body(body)),
            ("GET", "/_sim/faults"): lambda: [dict(f) for f in self.faults],
            ("POST", "/_sim/fault/clear"): lambda: self.clear(self.faults),
            ("POST", "/_sim/mutate"): lambda: self.mutate(self.control_body(body)),
            ("POST", "/_sim/reset"): self.reset,
            ("GET", "/_sim/robot_messages"): lambda: list(self.robot_messages),
            ("POST", "/_sim/robot_messages/clear"): lambda: self.clear(self.robot_messages),
            ("POST", "/_sim/robots"): lambda: self.set_robots(self.control_body(body)),
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

    def truth(self, appkey: str | None = None, utc_offset: str | None = None, userids: str | None = None,
              platform: str | None = None, appid: str | None = None, readers: str | None = None,
              employments: str | None = None, types: str | None = None,
              window: str | int | None = None) -> dict:
        """The values a correct poller reports, computed now.

        userids ("u1,u2") restricts the attendance, sign-in and leave values
        to those users (default: every on-job employee); readers ("manager01,cto",
        the default) names the users of unread_reports. platform=feishu
        answers for the Feishu app appid instead, with leave_expiring for
        employments (default: all), types (default: all) and window days
        (default 30).
        """
        offset = parse_utc_offset(utc_offset or self.config["utc_offset"])
        users = comma_list(userids) or None
        if platform == "feishu":
            return self.feishu_truth(appid, offset, users, comma_list(employments) or None,
                                     comma_list(types) or None, window)
        if platform not in (None, "", "dingtalk"):
            raise ValueError(f"unknown platform {platform}; known: dingtalk, feishu")
        org = self.org_for(appkey)
        now = self.clock()
        today0 = local_midnight(now, offset)
        users = users or list(org.employees)
        lo_ms, hi_ms = today0 * 1000, (today0 + DAY) * 1000 - 1
        records = self.check_records(org, users, lo_ms, hi_ms, now)
        checkins = {r.lower(): 0 for r in TIME_RESULTS}
        locations = {r.lower(): 0 for r in LOCATION_RESULTS}
        if self.config["odd_results"]:
            checkins["overtime"] = locations["remote"] = 0
        abnormal = [r for r in records if r["timeResult"] != "Normal" or r["locationResult"] == "Outside"
                    or r["locationResult"] not in LOCATION_RESULTS]
        for rec in records:
            checkins[rec["timeResult"].lower()] = checkins.get(rec["timeResult"].lower(), 0) + 1
            locations[rec["locationResult"].lower()] = locations.get(rec["locationResult"].lower(), 0) + 1
        on_leave, pending = self.leave_counts(org, users, now)
        reports = self.report_records(org, (today0 - 29 * DAY) * 1000, (today0 + DAY) * 1000 - 1, now)
        templates = sorted({r["template_name"] for r in reports})
        reports_today = {t: 0 for t in templates}
        for rep in reports:
            if rep["create_time"] >= today0 * 1000:
                reports_today[rep["template_name"]] += 1
        week = [a for a in org.announcements if now - 7 * DAY <= a["t"] <= now]
        readers_list = comma_list(readers) or list(MANAGERS)
        return {"appkey": org.appkey,
                "utc_offset": format_utc_offset(offset),
                "departures_today": org.departures_between(today0, today0 + DAY),
                "departures_30d": org.departures_between(today0 - 29 * DAY, today0 + DAY),
                "headcount": org.headcount(),
                "employees": list(org.employees),
                "preentry": list(org.preentry),
                "checkins": checkins,
                "checkin_locations": locations,
                "abnormal_checkins": len(abnormal),
                "abnormal_employees": len({r["userId"] for r in abnormal}),
                "signins_today": len(self.signin_records(org, users, lo_ms, hi_ms, now)),
                "quota_used": org.quota.get(self.month(now), 0),
                "on_leave": on_leave,
                "leave_pending": pending,
                "leave_types": [{"leave_code": t["leave_code"], "leave_name": t["leave_name"]}
                                for t in org.leave_types],
                "unread_reports": {r: org.unread_count(r) for r in readers_list
                                   if org.known_user(r, self.config["admins"])},
                "reports_today": reports_today,
                "report_templates_30d": templates,
                "announcement_unread": sum(a["unread_count"] for a in week),
                "announcements_7d": len(week),
                "names": sorted({p.name for p in org.people()}),
                "mobiles": sorted({p.mobile for p in org.people()}),
                "personal": self.personal(org, now)}

    def personal(self, org: Org, now: float) -> list[str]:
        """Every personal-looking text the attendance and sign-in answers can carry."""
        users = set(org.employees) | {r["userId"] for r in org.extra_checks} | \
            {r["userid"] for r in org.extra_signins}
        values = {org.profile(uid)[k] for uid in users for k in ("address", "device", "remark")}
        signins = [r for day0 in self.work_days(now, SIGNIN_DAYS + 1)
                   for r in org.signin_plan(day0, self.started)] + org.extra_signins
        values |= {r[k] for r in signins for k in ("place", "detail_place", "remark", "visit_user")}
        plan = org.leave_plan(self.started, self.start_offset)
        leaves = [r for recs in plan.values() for r in recs] + org.extra_leaves
        values |= {r["leave_reason"] for r in leaves if r["leave_record_type"] == "leave"}
        first = local_midnight(self.started, self.utc_offset()) - REPORT_HISTORY * DAY
        values |= {r["remark"] for r in self.report_records(org, first * 1000, int(now * 1000), now)}
        values |= {a["author"] for a in org.announcements}
        return sorted(values)

    def feishu_org(self, app_id: str | None) -> Org:
        """The named Feishu app's organisation, or the first one."""
        if not app_id:
            if not self.feishu:
                raise KeyError("no Feishu app")
            return next(iter(self.feishu.values()))
        if app_id not in self.feishu:
            raise KeyError(f"unknown Feishu app id {app_id}")
        return self.feishu[app_id]

    def feishu_truth(self, app_id: str | None, offset: int, users: list[str] | None,
                     employments: list[str] | None = None, types: list[str] | None = None,
                     window: str | int | None = None) -> dict:
        """The Feishu values a correct poller reports for today at offset, computed now."""
        org, now = self.feishu_org(app_id), self.clock()
        if window in (None, ""):
            window = 30
        if isinstance(window, str) and window.strip().isdigit():
            window = int(window)
        if isinstance(window, bool) or not isinstance(window, int) or window < 0:
            raise ValueError("window must be an integer >= 0 (days)")
        results, _, unauthorized = self.task_results(org, users or list(org.employees),
                                                     [local_date(now, offset)], now)
        checkins = {r: 0 for r in FEISHU_FIXED}
        abnormal_users: set[str] = set()
        abnormal = 0
        for res in results:
            for rec in res["records"]:
                for result in (rec["check_in_result"], rec["check_out_result"]):
                    checkins[result.lower()] = checkins.get(result.lower(), 0) + 1
                    if result not in FEISHU_NOT_ABNORMAL:
                        abnormal += 1
                        abnormal_users.add(res["user_id"])
        return {"platform": "feishu", "appid": org.appkey, "utc_offset": format_utc_offset(offset),
                "checkins": checkins, "abnormal_checkins": abnormal,
                "abnormal_employees": len(abnormal_users),
                "employees": list(org.employees), "unauthorized": unauthorized,
                "names": sorted({p.name for p in org.employees.values()}),
                "personal": sorted({org.profile(uid)["address"] for uid in org.employees}),
                "leave_types": [{"leave_type_id": g["leave_type_id"], "name": g["name"]}
                                for g in org.grant_types],
                "employment_ids": [org.employment_id(uid) for uid in org.employees],
                "employment_by_employee": {uid: org.employment_id(uid) for uid in org.employees},
                "leave_expiring": self.expiring(org, employments, types, local_date(now, offset), window)}

    @staticmethod
    def expiring(org: Org, employments: list[str] | None, types: list[str] | None, today: dt.date,
                 window: int) -> dict[str, str]:
        """left_granting_quantity summed per leave type and unit over the grants expiring in
        [today, today + window]: {"<leave_type_id>-days": "2.5", "<leave_type_id>-hours": "0"}.
        Unknown employment ids and leave types contribute nothing."""
        owners = [uid for uid in org.employees if employments is None or org.employment_id(uid) in employments]
        last = today + dt.timedelta(days=window)
        sums: dict[str, str] = {}
        for gtype in org.grant_types:
            if types is not None and gtype["leave_type_id"] not in types:
                continue
            total = {1: Decimal(0), 2: Decimal(0)}
            for uid in owners:
                for rec in org.grant_records(uid, gtype):
                    if today <= dt.date.fromisoformat(rec["expiration_date"]) <= last:
                        total[rec["granting_unit"]] += Decimal(rec["left_granting_quantity"])
            sums[f"{gtype['leave_type_id']}-days"] = decimal_text(total[1])
            sums[f"{gtype['leave_type_id']}-hours"] = decimal_text(total[2])
        return sums

    @staticmethod
    def list_since(items, query: dict) -> list:
        """Entries with seq greater than ?since= (all without it)."""
        since = int(query.get("since") or 0)
        return [dict(e) for e in items if e["seq"] > since]

    def stats(self, query: dict) -> dict:
        """Call counts from the request log (entries with seq > ?since=, all without it).

        endpoints: per endpoint name, how many requests arrived and the most
        that arrived within any one second (the QPS limit's sliding window,
        (t - 1 s, t]), over all apps and per app ("-" = app unknown, e.g. a bad
        token).  ip: the per-IP settings, and per caller address its DingTalk
        calls, the most within any ip_window seconds, and its block.
        violations: how many of each rule (seq > since).  Derived from the
        request log, so /_sim/requests/clear and /_sim/reset start it afresh.
        """
        since = int(query.get("since") or 0)
        entries = [e for e in self.requests if e["seq"] > since]
        by_endpoint: dict[str, dict[str, list[float]]] = {}
        by_client: dict[str, list[float]] = {}
        kinds = {r.endpoint: r.kind for r in ROUTES.values()}
        for e in entries:
            if e["endpoint"] is None:
                continue
            by_endpoint.setdefault(e["endpoint"], {}).setdefault(e["app"] or "-", []).append(e["t"])
            if kinds[e["endpoint"]] in ("oapi", "v1"):
                by_client.setdefault(e.get("client") or "-", []).append(e["t"])
        window, now = self.config["ip_window"], self.clock()
        endpoints = {}
        for name, apps in sorted(by_endpoint.items()):
            every = sorted(t for times in apps.values() for t in times)
            endpoints[name] = {"requests": len(every), "max_per_second": peak(every, 1.0),
                               "apps": {app: {"requests": len(times), "max_per_second": peak(sorted(times), 1.0)}
                                        for app, times in sorted(apps.items())}}
        clients = {}
        for client in sorted(set(by_client) | set(self.ips)):
            times = sorted(by_client.get(client, ()))
            state = self.ips.get(client, IpState())
            clients[client] = {"requests": len(times), "max_per_window": peak(times, window),
                               "blocked": now < state.blocked_until,
                               "blocked_until": state.blocked_until if now < state.blocked_until else None}
        rules = collections.Counter(v["rule"] for v in self.violations if v["seq"] > since)
        return {"endpoints": endpoints,
                "ip": {"limit": self.config["ip_limit"], "window": window, "block": self.config["ip_block"],
                       "clients": clients},
                "violations": dict(sorted(rules.items()))}

    @staticmethod
    def clear(items) -> dict:
        """Empty a list; returns how many entries went."""
        n = len(items)
        items.clear()
        return {"cleared": n}

    def config_answer(self) -> dict:
        """The settings plus this month's counted calls per DingTalk app."""
        month = self.month(self.clock())
        return {**self.config, "quota_used": {k: org.quota.get(month, 0) for k, org in self.orgs.items()}}

    def set_config(self, changes: dict) -> dict:
        """Change settings at run time; quota_used sets this month's counter of the app
        named by appkey (default: every DingTalk app)."""
        def number(key: str, value: Any, lo: float, integer: bool) -> None:
            """Check and store a number setting >= lo."""
            kinds = int if integer else (int, float)
            if isinstance(value, bool) or not isinstance(value, kinds) or value < lo:
                raise ValueError(f"{key} must be {'an integer' if integer else 'a number'} >= {lo}")
            self.config[key] = value if integer else float(value)

        changes = dict(changes)
        appkey = changes.pop("appkey", None)
        if appkey is not None and "quota_used" not in changes:
            raise ValueError("appkey only goes with quota_used")
        for key, value in changes.items():
            if key == "token_ttl":
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                    raise ValueError("token_ttl must be a positive number")
                self.config["token_ttl"] = float(value)
            elif key in ("qps_limit", "feishu_qps_limit"):
                number(key, value, 1, True)
            elif key in ("monthly_quota", "feishu_unauthorized", "short_pages", "leave_history", "ip_limit"):
                number(key, value, 0, True)
            elif key in ("feishu_same_token_window", "latency_ms", "ip_block"):
                number(key, value, 0, False)
            elif key == "ip_window":
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                    raise ValueError("ip_window must be a positive number (seconds)")
                self.config["ip_window"] = float(value)
            elif key == "odd_results":
                if not isinstance(value, bool):
                    raise ValueError("odd_results must be true or false")
                self.config["odd_results"] = value
            elif key == "quota_used":
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError("quota_used must be an integer >= 0")
                month = self.month(self.clock())
                for org in ([self.org_for(appkey)] if appkey else self.orgs.values()):
                    org.quota[month] = value
            elif key == "utc_offset":
                self.config["utc_offset"] = format_utc_offset(parse_utc_offset(str(value)))
            elif key == "admins":
                if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
                    raise ValueError("admins must be a non-empty list of userids")
                self.config["admins"] = list(value)
            else:
                raise ValueError(f"unknown setting {key}")
        return self.config_answer()

    def add_fault(self, spec: dict) -> dict:
        """Queue a fault for the next matching requests."""
        names = {r.endpoint for r in ROUTES.values()}
        if spec.get("endpoint", "*") not in names | {"*"}:
            raise ValueError(f"unknown endpoint {spec.get('endpoint')}; known: {sorted(names)}")
        if spec.get("kind") not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {spec.get('kind')}; known: {', '.join(FAULT_KINDS)}")
        if spec["kind"] in ("quota", "ip_block") and any(r.kind == "feishu" and r.endpoint == spec.get("endpoint")
                                                         for r in ROUTES.values()):
            raise ValueError(f"kind {spec['kind']} is DingTalk's: it does not apply to a Feishu endpoint")
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
        if "add_checkin" in spec:
            done["added_checkins"] = self.add_checkins(org, spec["add_checkin"], recent, now)
        if "add_signin" in spec:
            add = spec["add_signin"]
            uid = org.employees[add["userid"]].userid
            for _ in range(int(add.get("count", 1))):
                org.extra_signins.append(org.signin_dict(uid, recent * 1000, org.rng))
            done["added_signins"] = int(add.get("count", 1))
        if "add_leave" in spec:
            done["added_leave"] = self.add_leave(org, spec["add_leave"], now)
        if "add_report" in spec:
            add = spec["add_report"]
            uid = org.employees[add.get("userid") or next(iter(org.employees), None)].userid
            template = add.get("template_name", "日报")
            if not isinstance(template, str) or not template:
                raise ValueError("template_name must be a non-empty string")
            added = [org.report_dict(uid, template, recent * 1000, org.extra_rng)
                     for _ in range(int(add.get("count", 1)))]
            org.extra_reports += added
            done["added_reports"] = [r["report_id"] for r in added]
        if "set_unread" in spec:
            uid, count = spec["set_unread"]["userid"], spec["set_unread"]["count"]
            if not org.known_user(uid, self.config["admins"]):
                raise KeyError(f"unknown userid {uid}")
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError("count must be an integer >= 0")
            org.unread[uid] = count
            done["set_unread"] = uid
        if "add_announcement" in spec:
            add = spec["add_announcement"]
            numbers = [add.get(k, d) for k, d in (("unread_count", 1), ("read_count", 0))]
            if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in numbers):
                raise ValueError("unread_count and read_count must be integers >= 0")
            item = org.announcement_dict(int(math.floor(now)) - 60, org.extra_rng, *numbers, add.get("title"))
            org.announcements.append(item)
            org.announcements.sort(key=lambda a: (-a["t"], a["id"]))
            done["added_announcement"] = item["id"]
        return done

    def add_leave(self, org: Org, add: dict, now: float) -> str:
        """Add a vacation record for an on-job employee from now + start_offset_s to now + end_offset_s;
        returns its record_id."""
        uid = org.employees[add["userid"]].userid
        if "leave_code" in add:
            ltype = org.leave_type(add["leave_code"])
        else:
            ltype = next((t for t in org.leave_types if t["leave_name"] == add.get("leave_name")), None)
        if ltype is None:
            raise ValueError("leave_code or leave_name must name a leave type")
        status, rtype = add.get("status", "success"), add.get("record_type", "leave")
        if status not in LEAVE_STATUSES or rtype not in LEAVE_RECORD_TYPES:
            raise ValueError(f"status must be one of {LEAVE_STATUSES}, record_type one of {LEAVE_RECORD_TYPES}")
        start = int(math.floor(now + float(add.get("start_offset_s", -3600))))
        end = int(math.floor(now + float(add.get("end_offset_s", 3600))))
        if end < start:
            raise ValueError("end_offset_s is before start_offset_s")
        rec = org.leave_dict(uid, ltype, status, rtype, start, end, org.extra_rng)
        org.extra_leaves.append(rec)
        return rec["record_id"]

    def add_checkins(self, org: Org, add: dict, at: int, now: float) -> list[int]:
        """Add check records at `at` (today) for an on-job employee; returns their ids."""
        uid = org.employees[add["userid"]].userid
        result = str(add.get("timeResult", "Normal"))
        location = str(add.get("locationResult", "NotSigned" if result == "NotSigned" else "Normal"))
        check_type = add.get("checkType", "OnDuty")
        if check_type not in ("OnDuty", "OffDuty"):
            raise ValueError("checkType must be OnDuty or OffDuty")
        day0 = local_midnight(now, self.utc_offset())
        base = day0 + (ON_DUTY if check_type == "OnDuty" else OFF_DUTY)
        ids = []
        for _ in range(int(add.get("count", 1))):
            rec = org.check_dict(uid, check_type, result, location, at * 1000, base, day0, "USER",
                                 org.rng.getrandbits(40))
            org.extra_checks.append(rec)
            ids.append(rec["id"])
        return ids

    def set_robots(self, spec: dict) -> dict:
        """Change the robots' token, hook or secret ("" = unsigned)."""
        for platform, values in spec.items():
            if platform not in self.robots or not isinstance(values, dict):
                raise ValueError(f"robots are {sorted(self.robots)}")
            self.robots[platform].update({k: str(v) for k, v in values.items()})
        return self.robots

    def reset(self) -> dict:
        """Forget requests, violations, faults, tokens, QPS windows, per-IP counts and blocks,
        cursors and quota counters (not the data)."""
        self.requests.clear()
        self.violations.clear()
        self.faults.clear()
        self.qps.clear()
        self.ips.clear()
        self.offsets.clear()
        self.page_tokens.clear()
        for org in self.orgs.values():
            org.quota.clear()
        return {"revoked": self.revoke()}


# ---------------------------------------------------------------- HTTP transport

class SimServer(ThreadingHTTPServer):
    """ThreadingHTTPServer carrying the Simulator."""
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128     # socketserver's default of 5 stalls bursts of concurrent connections

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
            reply = self.server.sim.handle(self.command, self.path, headers, body, self.client_address[0])
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
            for name, value in reply.headers.items():
                self.send_header(name, value)
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

def parse_app(text: str, flag: str = "--app") -> tuple[str, str]:
    """Parse KEY:SECRET."""
    key, sep, secret = text.partition(":")
    if not sep or not key or not secret:
        what = "ID:SECRET" if "feishu" in flag else "KEY:SECRET"
        raise argparse.ArgumentTypeError(f"{flag} wants {what}, got {text!r}")
    return key, secret


def parse_feishu_app(text: str) -> tuple[str, str]:
    """Parse ID:SECRET of --feishu-app."""
    return parse_app(text, "--feishu-app")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(
        description="DingTalk and Feishu open-platform simulator for collectd-workforce")
    p.add_argument("--port", type=int, default=0, help="port to listen on (0 = any free port)")
    p.add_argument("--bind", default="127.0.0.1", help="address to listen on")
    p.add_argument("--seed", type=int, default=1, help="data seed")
    p.add_argument("--employees", type=int, default=200, help="on-job employees per organisation")
    p.add_argument("--preentry", type=int, default=7, help="pre-entry employees per organisation")
    p.add_argument("--token-ttl", type=float, default=7200.0, help="token validity in seconds")
    p.add_argument("--utc-offset", default="+08:00", help="offset defining 'today'")
    p.add_argument("--app", action="append", type=parse_app, metavar="KEY:SECRET",
                   help="an app (= organisation); may repeat")
    p.add_argument("--feishu-app", action="append", type=parse_feishu_app, metavar="ID:SECRET",
                   help="a Feishu app (= organisation); may repeat")
    p.add_argument("--monthly-quota", type=int, default=DEFAULT_MONTHLY_QUOTA,
                   help="counted DingTalk calls per organisation and month (0 = unlimited)")
    p.add_argument("--odd-results", action="store_true",
                   help="add undocumented attendance results (Overtime, Remote)")
    p.add_argument("--feishu-same-token-window", type=float, default=FEISHU_SAME_TOKEN_WINDOW,
                   help="seconds a Feishu token must have left to be handed out again")
    p.add_argument("--feishu-unauthorized", type=int, default=0,
                   help="the first N Feishu employees are outside the app's data scope")
    p.add_argument("--admin", action="append", metavar="USERID",
                   help="a userid allowed as op_userid / operation_userid; may repeat; default manager01")
    p.add_argument("--short-pages", type=int, default=0, metavar="N",
                   help="paged endpoints return pages of 1..min(N, size - 1) items while more remain (0 = off)")
    p.add_argument("--leave-history", type=int, default=DEFAULT_LEAVE_HISTORY, metavar="N",
                   help="quota records per employee and leave type over past years")
    p.add_argument("--latency", type=float, default=0.0, metavar="MS",
                   help="delay every platform answer by MS milliseconds")
    p.add_argument("--ip-limit", type=int, default=IP_LIMIT, metavar="N",
                   help="DingTalk calls per IP within --ip-window before a block (0 = unlimited)")
    p.add_argument("--ip-window", type=float, default=IP_WINDOW, metavar="S", help="per-IP window in seconds")
    p.add_argument("--ip-block", type=float, default=IP_BLOCK, metavar="S", help="per-IP block in seconds")
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
    if args.monthly_quota < 0 or args.feishu_unauthorized < 0 or args.feishu_same_token_window < 0:
        p.error("--monthly-quota, --feishu-unauthorized and --feishu-same-token-window must be >= 0")
    if min(args.short_pages, args.leave_history, args.latency, args.ip_limit, args.ip_block) < 0 \
            or args.ip_window <= 0:
        p.error("--short-pages, --leave-history, --latency, --ip-limit and --ip-block must be >= 0 "
                "and --ip-window > 0")
    args.app = args.app or [("dingsimkey", "dingsimsecret")]
    args.feishu_app = args.feishu_app or [("cli_simapp", "feishusimsecret")]
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
                    log=None if args.quiet else log, feishu_apps=args.feishu_app,
                    monthly_quota=args.monthly_quota, odd_results=args.odd_results,
                    feishu_same_token_window=args.feishu_same_token_window,
                    feishu_unauthorized=args.feishu_unauthorized, admins=args.admin,
                    short_pages=args.short_pages, leave_history=args.leave_history, latency_ms=args.latency,
                    ip_limit=args.ip_limit, ip_window=args.ip_window, ip_block=args.ip_block)
    sim.warm()
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
