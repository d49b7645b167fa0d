#!/usr/bin/env python3
"""Prints what collectd holds of the workforce plugin, read through its
unixsock plugin, and the new lines of its log, every few seconds.

Usage: demo-watch.py --socket PATH --log PATH [--robots URL]
                     [--seconds N] [--every S]

--robots names the simulator: the messages its group robots received are
printed too, each with whether its signature checked out.
"""

import argparse
import json
import os
import socket
import sys
import time
import unicodedata
import urllib.request


def command(path, line):
    """One unixsock command; returns the lines of its answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(path)
        f = s.makefile("rw", encoding="utf-8", newline="\n")
        f.write(line + "\n")
        f.flush()
        head = f.readline()
        n = int(head.split(" ", 1)[0])
        return [f.readline().rstrip("\n") for _ in range(max(n, 0))]


def snapshot(path):
    """{(account, type, instance): value} of every workforce value."""
    values = {}
    for line in command(path, "LISTVAL"):
        ident = line.split(" ", 1)[1]
        host, plugin, type_ = ident.split("/")
        if not plugin.startswith("workforce-"):
            continue
        answer = command(path, 'GETVAL "%s"' % ident)
        if not answer:
            continue
        value = answer[0].split("=", 1)[1]
        t, _, instance = type_.partition("-")
        values[(plugin[len("workforce-"):], t, instance)] = float(value)
    return values


def pad(text, width):
    """`text` left-aligned in `width` terminal columns: Chinese template and
    leave type names take two columns a character."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - columns, 0)


def show(values):
    """Prints one block per account and type. Counters (api_requests,
    api_errors) show as rates per second, as collectd's GETVAL gives them."""
    print("\n=== %s" % time.strftime("%H:%M:%S"))
    last = None
    for (account, type_, instance), value in sorted(values.items()):
        if (account, type_) != last:
            print("%s %s" % (pad(account, 10), pad(type_, 18)), end="")
            last = (account, type_)
        else:
            print("%-29s" % "", end="")
        if value != value:  # NaN: a rate before its second sample
            shown = "-"
        elif value == int(value):
            shown = "%d" % value
        else:
            shown = "%.3f" % value
        print(" %s %s" % (pad(instance or "-", 16), shown))
    sys.stdout.flush()


def robot_messages(simulator, seen):
    """Prints the robot messages the simulator received since the last call;
    returns how many it holds now."""
    with urllib.request.urlopen(simulator + "/_sim/robot_messages", timeout=5) as r:
        messages = json.loads(r.read().decode("utf-8"))
    for m in messages[seen:]:
        signed = "signature ok" if m.get("signature_ok") else "signature WRONG"
        # The message is the first line that is neither a heading nor a list.
        lines = [line for line in (m.get("text") or "").splitlines()
                 if line.strip() and not line.startswith(("#", "-"))]
        print("robot (%s, %s): %s %s" % (m.get("platform"), signed, m.get("title") or "",
                                         lines[0] if lines else ""))
    return len(messages)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--robots", help="the simulator's URL")
    parser.add_argument("--seconds", type=float, default=0)
    parser.add_argument("--every", type=float, default=5)
    args = parser.parse_args()

    deadline = time.monotonic() + args.seconds if args.seconds > 0 else None
    offset = 0
    robots_seen = 0
    while deadline is None or time.monotonic() < deadline:
        time.sleep(args.every)
        if os.path.exists(args.log):
            with open(args.log, encoding="utf-8", errors="replace") as f:
                f.seek(offset)
                for line in f:
                    if "workforce" in line or "Notification" in line:
                        print("log: " + line.rstrip())
                offset = f.tell()
        if args.robots:
            try:
                robots_seen = robot_messages(args.robots, robots_seen)
            except (OSError, ValueError) as e:
                print("simulator not answering: %s" % e)
        try:
            show(snapshot(args.socket))
        except OSError as e:
            print("collectd not answering yet: %s" % e)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
