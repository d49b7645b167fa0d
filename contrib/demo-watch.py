#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Shows what collectd holds of the workforce plugin on one compact screen:
every value, one line per account and type with its unit, then the last
notifications, the last group robot deliveries and the last lines the
plugin logged.

Usage: demo-watch.py --socket PATH --log PATH --types FILE [--csv DIR]
                     [--simulator URL] [--config PATH] [--seconds N] [--every S]

Gauges are read through collectd's unixsock plugin. Its GETVAL gives
counters (DERIVE types, named in --types: api_requests, api_errors,
robot_messages) as rates per second, so a counter shows its total instead:
the last raw value collectd's csv plugin wrote under --csv (csv's
StoreRates false). --simulator names the simulator, whose group robots'
messages are shown with whether their signature checked out.

On a terminal the screen is redrawn in place every second (ANSI escape
codes); otherwise a block is printed when something changed, at most every
--every seconds.
"""

import argparse
import collections
import json
import os
import re
import shutil
import socket
import sys
import time
import unicodedata
import urllib.request

# The order types are shown in, and their units. Types not listed come
# after them, without a unit.
TYPES = [
    ("departures_today", "employees"),
    ("departures_30d", "employees"),
    ("headcount", "employees"),
    ("checkins", "check-ins"),
    ("checkin_locations", "check-ins"),
    ("abnormal_checkins", "check-ins"),
    ("abnormal_employees", "employees"),
    ("signins_today", "sign-ins"),
    ("on_leave", "employees"),
    ("leave_pending", "requests"),
    ("leave_expiring", "days/hours"),
    ("unread_reports", "reports"),
    ("reports_today", "reports"),
    ("announcement_unread", "receipts"),
    ("api_requests", "requests"),
    ("api_errors", "requests"),
    ("api_quota_used", "calls"),
    ("api_quota_budget", "calls"),
    ("api_quota_limit", "calls"),
    ("poll_duration", "seconds"),
    ("data_age", "seconds"),
    ("robot_messages", "messages"),
]
ORDER = {name: i for i, (name, _) in enumerate(TYPES)}
UNITS = dict(TYPES)
KEEP = 5  # notifications, robot deliveries and log lines kept on screen


def command(path, line):
    """One unixsock command; returns the lines of its answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(path)
        f = s.makefile("rw", encoding="utf-8", newline="\n")
        f.write(line + "\n")
        f.flush()
        n = int(f.readline().split(" ", 1)[0])
        return [f.readline().rstrip("\n") for _ in range(max(n, 0))]


def derive_types(path):
    """The names of the DERIVE and COUNTER types of a types.db file."""
    names = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if fields and not fields[0].startswith("#") and \
                    any(":DERIVE:" in d or ":COUNTER:" in d for d in fields[1:]):
                names.add(fields[0])
    return names


def workforce_identifiers(path):
    """{identifier: time of its last value} of every workforce value."""
    out = {}
    for line in command(path, "LISTVAL"):
        t, ident = line.split(" ", 1)
        if ident.split("/")[1].startswith("workforce-"):
            out[ident] = float(t)
    return out


def csv_total(csv_dir, ident):
    """The last raw value the csv plugin wrote for `ident`, or None."""
    host, plugin, type_ = ident.split("/")
    folder = os.path.join(csv_dir, host, plugin)
    prefix = type_ + "-"
    try:
        names = sorted(n for n in os.listdir(folder) if n.startswith(prefix)
                       and re.fullmatch(r"\d{4}-\d{2}-\d{2}", n[len(prefix):]))
    except FileNotFoundError:
        return None
    if not names:
        return None
    with open(os.path.join(folder, names[-1]), "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(f.tell() - 512, 0))
        lines = [line for line in f.read().decode("utf-8", "replace").splitlines()
                 if line[:1].isdigit()]
    return float(lines[-1].split(",")[1]) if lines else None


def snapshot(args, idents, derives):
    """{(account, type, instance): value}: gauges from GETVAL, counters as
    totals from the csv files (None until the csv plugin wrote them)."""
    values = {}
    for ident in idents:
        _, plugin, type_instance = ident.split("/")
        type_, _, instance = type_instance.partition("-")
        if type_ in derives and args.csv:
            value = csv_total(args.csv, ident)
        else:
            answer = command(args.socket, 'GETVAL "%s"' % ident)
            value = float(answer[0].split("=", 1)[1]) if answer else None
        values[(plugin[len("workforce-"):], type_, instance)] = value
    return values


def columns(text):
    """Terminal columns of `text`: Chinese names take two a character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text, width):
    return text + " " * max(width - columns(text), 0)


def cut(text, width):
    """`text` cut to `width` terminal columns."""
    if columns(text) <= width:
        return text
    out = ""
    for c in text:
        if columns(out + c) > width - 1:
            break
        out += c
    return out + "…"


def number(value, type_):
    if value is None or value != value:  # not written yet, or NaN
        return "-"
    if type_ in ("poll_duration", "data_age"):
        return "%.1f" % value
    if value == int(value):
        return "%d" % value
    return "%.2f" % value


def value_text(type_, instances, derives):
    """What one line shows of a type: its value, or "instance value, ...".
    Counters are totals; failed requests list only the endpoints that have
    some."""
    if list(instances) == [""]:
        return number(instances[""], type_)
    items = sorted(instances.items())
    prefix = ""
    if type_ in derives:
        known = [v for _, v in items if v is not None]
        prefix = "total %s" % number(sum(known), type_) if known else "total -"
        if type_ == "api_errors":
            items = [(i, v) for i, v in items if v]
            if not items:
                return prefix
        prefix += ": "
    return prefix + ", ".join("%s %s" % (i, number(v, type_)) for i, v in items)


def wrap(text, width, indent):
    """Lines of at most `width` columns, breaking after ", "."""
    lines, line = [], ""
    for part in re.split(r"(?<=, )", text):
        if line.strip() and columns(line + part) > width:
            lines.append(line.rstrip())
            line = " " * indent
        line += part
    lines.append(line)
    return lines


def value_lines(values, derives, width):
    """One line per account and type (wrapped under the values column)."""
    by_type = collections.defaultdict(dict)
    for (account, type_, instance), value in values.items():
        by_type[(account, type_)][instance] = value
    lines = ["%s %s %s %s" % (pad("account", 10), pad("type", 19), pad("unit", 10),
                              "value, by type instance")]
    indent = 10 + 1 + 19 + 1 + 10 + 1
    for account, type_ in sorted(by_type, key=lambda k: (k[0], ORDER.get(k[1], len(ORDER)), k[1])):
        head = "%s %s %s " % (pad(account, 10), pad(type_, 19), pad(UNITS.get(type_, ""), 10))
        text = value_text(type_, by_type[(account, type_)], derives)
        lines += wrap(head + text, max(width, indent + 30), indent)
    return lines


class Log:
    """The new lines of collectd's log file: its notifications and the
    plugin's own lines."""

    NOTIFICATION = re.compile(
        r"^\[\d{4}-\d\d-\d\d (?P<time>[\d:]+)\] (?:\[\w+\] )?Notification: "
        r"severity = (?P<severity>\w+),.*?plugin_instance = (?P<account>[^,]*), "
        r"type = (?P<type>[^,]*), (?:type_instance = (?P<instance>[^,]*), )?"
        r"message = (?P<message>.*)$")
    PLUGIN = re.compile(r"^\[\d{4}-\d\d-\d\d (?P<time>[\d:]+)\] (?:\[(?P<level>\w+)\] )?"
                        r"(?P<text>.*workforce.*)$")

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.notifications = collections.deque(maxlen=KEEP)
        self.lines = collections.deque(maxlen=KEEP)

    def read(self):
        """Takes in the lines written since the last call; True when there
        were some of interest."""
        if not os.path.exists(self.path):
            return False
        new = False
        with open(self.path, encoding="utf-8", errors="replace") as f:
            f.seek(self.offset)
            for line in f:
                if not line.endswith("\n"):
                    break  # half written: read it next time
                self.offset += len(line.encode("utf-8"))
                line = line.rstrip("\n")
                n = self.NOTIFICATION.match(line)
                if n:
                    what = n["type"] + ("-" + n["instance"] if n["instance"] else "")
                    self.notifications.append("%s %-7s %s/%s: %s" % (
                        n["time"], n["severity"], n["account"], what, n["message"]))
                    new = True
                    continue
                p = self.PLUGIN.match(line)
                if p:
                    text = p["text"].replace("workforce plugin: ", "")
                    self.lines.append("%s %-7s %s" % (p["time"], p["level"] or "", text))
                    new = True
        return new


class Robots:
    """The messages the simulator's group robots received."""

    def __init__(self, url):
        self.url = url
        self.seen = 0
        self.messages = collections.deque(maxlen=KEEP)
        self.error = None

    def read(self):
        """Takes in the messages received since the last call; True when
        there were some."""
        if not self.url:
            return False
        try:
            with urllib.request.urlopen(self.url + "/_sim/robot_messages", timeout=5) as r:
                messages = json.loads(r.read().decode("utf-8"))
            self.error = None
        except (OSError, ValueError) as e:
            self.error = "simulator not answering: %s" % e
            return False
        for m in messages[self.seen:]:
            signed = {True: "signature ok", False: "signature WRONG",
                      None: "unsigned"}[m.get("signature_ok")]
            # The message is the first line that is neither a heading nor a list.
            lines = [line for line in (m.get("text") or "").splitlines()
                     if line.strip() and not line.startswith(("#", "-"))]
            self.messages.append("%s %s, %s: %s %s" % (
                time.strftime("%H:%M:%S", time.localtime(m.get("t", time.time()))),
                m.get("platform"), signed, m.get("title") or "", lines[0] if lines else ""))
        new = len(messages) > self.seen
        self.seen = len(messages)
        return new


def section(title, lines, keep):
    lines = list(lines)[-keep:]
    return ["", title] + (["  " + line for line in lines] or ["  (none yet)"])


def screen(args, started, values, log, robots, derives, width, error, rows=None):
    """The lines of one screen; with `rows`, no more than that: the last
    notifications, deliveries and log lines stay, and the values are cut."""
    head = ["collectd-workforce demo   %s, %d s after start   counters: totals%s" % (
        time.strftime("%H:%M:%S"), time.monotonic() - started,
        "   Ctrl-C stops" if sys.stdout.isatty() else "")]
    where = []
    if args.simulator:
        where.append("simulator " + args.simulator)
    if args.config:
        where.append("collectd " + args.config)
    if where:
        head.append("   ".join(where))
    head.append("")
    if error:
        body = [error]
    elif values:
        body = value_lines(values, derives, width)
    else:
        body = ["waiting for the first poll ..."]

    def sections(keep):
        return (section("notifications (last %d)" % keep, log.notifications, keep)
                + section("robot deliveries (last %d)" % keep,
                          list(robots.messages) + ([robots.error] if robots.error else []),
                          keep)
                + section("plugin log (last %d lines)" % keep, log.lines, keep))

    tail = sections(KEEP)
    if rows and len(head) + len(body) + len(tail) > rows:
        tail = sections(3)
        room = rows - len(head) - len(tail)
        if len(body) > room:
            hidden = len(body) - max(room - 1, 1)
            body = body[:max(room - 1, 1)] + [
                "... %d more lines: a taller terminal shows them" % hidden]
    return head + body + tail


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--types", required=True, help="workforce.types.db")
    parser.add_argument("--csv", help="DataDir of the csv plugin (StoreRates false)")
    parser.add_argument("--simulator", help="the simulator's URL")
    parser.add_argument("--config", help="collectd's configuration, to show")
    parser.add_argument("--seconds", type=float, default=0)
    parser.add_argument("--every", type=float, default=5)
    args = parser.parse_args()

    derives = derive_types(args.types)
    tty = sys.stdout.isatty()
    started = time.monotonic()
    deadline = started + args.seconds if args.seconds > 0 else None
    log, robots = Log(args.log), Robots(args.simulator)
    last_draw, last_idents, changed = None, None, True
    while True:
        now = time.monotonic()
        changed |= log.read()
        changed |= robots.read()
        error = None
        try:
            idents = workforce_identifiers(args.socket)
        except OSError as e:
            idents, error = {}, "collectd not answering yet: %s" % e
        if idents != last_idents:  # new values, or new times of values
            changed, last_idents = True, idents
        if last_draw is None:  # the first block once there is something to show
            due = bool(idents) or now - started >= args.every
        else:
            due = now - last_draw >= args.every
        if tty or (changed and due) or (deadline is not None and now >= deadline):
            try:
                values = snapshot(args, sorted(idents), derives)
            except OSError as e:
                values, error = {}, "collectd not answering: %s" % e
            if tty:
                width, rows = shutil.get_terminal_size((120, 40))
                lines = screen(args, started, values, log, robots, derives, width - 1,
                               error, rows)
                # Home, each line over the last screen's, then clear below;
                # no newline after the last line, which would scroll.
                home = "\033[H\033[2J" if last_draw is None else "\033[H"
                sys.stdout.write(home + "\033[K\n".join(cut(line, width - 1) for line in lines)
                                 + "\033[K\033[J")
            else:
                lines = screen(args, started, values, log, robots, derives, 120, error)
                sys.stdout.write("\n" + "\n".join(lines) + "\n")
            sys.stdout.flush()
            last_draw, changed = now, False
        if deadline is not None and now >= deadline:
            return 0
        time.sleep(1)


if __name__ == "__main__":
    try:
        status = main()
    except KeyboardInterrupt:
        status = 0
    if sys.stdout.isatty():
        print()  # below the last screen
    sys.exit(status)
