# SPDX-License-Identifier: MIT
"""Test harness: the platform simulator and a real collectd daemon.

The simulator is tests/sim/wfsim.py, started on port 0; it says when it
listens, so nothing here sleeps to wait for it. collectd is Debian's
daemon, started in the foreground with the plugin from the build
directory, and read through its own unixsock plugin and log file.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.request

import unixsock
import waiting
from waiting import read_text

SRCDIR = os.environ.get("WF_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILDDIR = os.environ.get("WF_BUILDDIR") or SRCDIR
COLLECTD = os.environ.get("COLLECTD") or shutil.which("collectd") or "/usr/sbin/collectd"
COLLECTD_PLUGINDIR = os.environ.get("COLLECTD_PLUGINDIR") or "/usr/lib/collectd"
TYPES_DB = os.environ.get("COLLECTD_TYPESDB") or "/usr/share/collectd/types.db"
HOSTNAME = "wftest"
SKIP = 77  # automake's "skipped" exit status


def require_tools():
    """Exits with automake's skip status when collectd is missing, except
    in CI, where a missing tool is a failure."""
    missing = [p for p in (COLLECTD, os.path.join(COLLECTD_PLUGINDIR, "unixsock.so"))
               if not os.path.exists(p)]
    if not os.path.exists(os.path.join(BUILDDIR, "workforce.so")):
        missing.append(os.path.join(BUILDDIR, "workforce.so"))
    if missing:
        print("missing: " + ", ".join(missing), file=sys.stderr)
        if os.environ.get("CI"):
            sys.exit(1)
        print("SKIP: collectd or the plugin is not available", file=sys.stderr)
        sys.exit(SKIP)


def wait_for(predicate, timeout=20.0, interval=0.1, what="condition"):
    """Polls `predicate` until it returns a true value, or fails (an
    AssertionError) after `timeout` seconds. Returns the value."""
    if os.environ.get("WF_VALGRIND"):
        timeout *= 4  # memcheck runs the daemon many times slower
    return waiting.wait_for(predicate, timeout, what, interval)


def stop_process(proc, timeout):
    """Terminates a child process, killing it after `timeout` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def sim_extra_args():
    """Simulator flags every test's simulator gets in addition to its own,
    from WF_SIM_ARGS (e.g. "--short-pages 7 --latency 30"), so that a whole
    test class can run once more against harsher answers."""
    return shlex.split(os.environ.get("WF_SIM_ARGS", ""))


def short_pages():
    """True when the simulator's pages are shorter than asked, so that page
    counts differ from the full-page arithmetic."""
    return "--short-pages" in sim_extra_args()


class Simulator:
    """The platform simulator in a child process."""

    def __init__(self, *args):
        self.tmp = tempfile.mkdtemp(prefix="wfsim-")
        cmd = [sys.executable, os.path.join(SRCDIR, "tests", "sim", "wfsim.py"),
               "--port", "0", "--quiet"] + list(args) + sim_extra_args()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("READY port="):
            self.stop()
            raise RuntimeError("simulator did not start: %r" % line)
        self.port = int(line.strip().split("=", 1)[1])
        self.url = "http://127.0.0.1:%d" % self.port

    def get(self, path):
        """GETs a control path and decodes its JSON."""
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return json.loads(r.read().decode("utf-8"))

    def post(self, path, body=None):
        """POSTs JSON to a control path and decodes the answer."""
        data = json.dumps(body or {}).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read().decode("utf-8")
            return json.loads(raw) if raw else None

    def truth(self, appkey=None):
        return self.get("/_sim/truth" + ("?appkey=" + appkey if appkey else ""))

    def requests(self, since=0, endpoint=None):
        """The requests the simulator answered after sequence number
        `since`, oldest first; with `endpoint`, those of that endpoint."""
        answered = self.get("/_sim/requests?since=%d" % since)
        if endpoint is None:
            return answered
        return [r for r in answered if r["endpoint"] == endpoint]

    def last_seq(self):
        """The sequence number of the last request answered, 0 before any:
        requests(last_seq()) are those that come after this call."""
        answered = self.requests()
        return answered[-1]["seq"] if answered else 0

    def wait_requests(self, count, endpoint=None, timeout=20.0, what=None):
        """Waits until `count` more requests (of `endpoint`) are answered
        than when it was called; returns them."""
        since = self.last_seq()
        return wait_for(lambda: len(self.requests(since, endpoint)) >= count
                        and self.requests(since, endpoint), timeout=timeout,
                        what=what or "%d more requests of %s" % (count, endpoint or "any kind"))

    def violations(self):
        return self.get("/_sim/violations")

    def stop(self):
        stop_process(self.proc, 10)
        if self.proc.stdout:
            self.proc.stdout.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Collectd:
    """collectd in the foreground with the workforce plugin, unixsock and a
    log file. `plugin_block` is the text inside <Plugin workforce>."""

    def __init__(self, plugin_block, interval=1, extra="", files=None):
        self.dir = tempfile.mkdtemp(prefix="wfcollectd-")
        # Files to find in BaseDir at start-up, e.g. a saved quota count.
        for name, content in (files or {}).items():
            with open(os.path.join(self.dir, name), "w", encoding="utf-8") as f:
                f.write(content)
        self.socket = os.path.join(self.dir, "sock")
        self.log = os.path.join(self.dir, "collectd.log")
        self.conf = os.path.join(self.dir, "collectd.conf")
        types = os.path.join(SRCDIR, "src", "workforce.types.db")
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(f"""Hostname "{HOSTNAME}"
FQDNLookup false
Interval {interval}
BaseDir "{self.dir}"
PIDFile "{self.dir}/collectd.pid"
TypesDB "{TYPES_DB}" "{types}"
PluginDir "{COLLECTD_PLUGINDIR}"
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "{self.log}"
  Timestamp true
</Plugin>
{unixsock.plugin_config(self.socket)}
LoadPlugin csv
<Plugin csv>
  DataDir "{self.dir}/csv"
  StoreRates false
</Plugin>
{extra}
PluginDir "{BUILDDIR}"
LoadPlugin workforce
<Plugin workforce>
{plugin_block}
</Plugin>
""")
        self.stderr = open(os.path.join(self.dir, "stderr"), "w")
        cmd = [COLLECTD, "-f", "-C", self.conf]
        # WF_VALGRIND=1 runs the daemon, and so the plugin, under memcheck;
        # cleanup() then fails on any error or definite leak it reports.
        self.valgrind_log = None
        if os.environ.get("WF_VALGRIND"):
            self.valgrind_log = os.path.join(self.dir, "valgrind.log")
            cmd = ["valgrind", "--quiet", "--leak-check=full",
                   "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite",
                   "--log-file=" + self.valgrind_log] + cmd
        self.proc = subprocess.Popen(cmd, stdout=self.stderr, stderr=self.stderr)
        # The socket file appears before collectd listens on it: ready is
        # when a command is answered. A daemon that never gets there is
        # stopped and its files removed here, as no caller holds it yet.
        try:
            wait_for(lambda: self.answers() or self.proc.poll() is not None,
                     timeout=60, what="collectd's unixsock socket")
            if self.proc.poll() is not None:
                raise RuntimeError("collectd exited: " + self.read_log())
        except BaseException:
            self.stop()
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    def answers(self):
        """True when collectd answers on its unixsock socket."""
        return unixsock.answers(self.socket)

    def command(self, line):
        """Sends one unixsock command; returns (status, lines)."""
        return unixsock.command(self.socket, line)

    def listval(self):
        """Every identifier collectd holds, with the time of its last value:
        {"workforce-acme/headcount-regular": time}."""
        return unixsock.listval(self.socket, HOSTNAME)

    def getval(self, ident):
        """The value of "workforce-acme/headcount-regular", or None."""
        return unixsock.getval(self.socket, HOSTNAME, ident)

    def wait_polls(self, ident, polls, what=None):
        """Waits until the value `ident` ("workforce-acme/data_age-departures")
        has been dispatched `polls` more times: progress counted in polls,
        not seconds, holds however slowly the daemon runs."""
        seen = {self.listval().get(ident)}

        def advanced():
            seen.add(self.listval().get(ident))
            seen.discard(None)
            return len(seen) > polls
        wait_for(advanced, what=what or "%d more polls of %s" % (polls, ident))

    def values(self, account, type_):
        """{instance: value} of one type of one account."""
        prefix = "workforce-%s/%s" % (account, type_)
        out = {}
        for ident in self.listval():
            if ident == prefix or ident.startswith(prefix + "-"):
                instance = ident[len(prefix) + 1:]
                out[instance] = self.getval(ident)
        return out

    def counter(self, account, type_, instance):
        """The raw value of a derive (unixsock's GETVAL gives rates), or of
        any value at full precision: the last line collectd's csv plugin
        wrote for it, or None."""
        folder = os.path.join(self.dir, "csv", HOSTNAME, "workforce-" + account)
        prefix = "%s-%s-" % (type_, instance) if instance else type_ + "-"
        try:
            names = sorted(n for n in os.listdir(folder)
                           if n.startswith(prefix)
                           and re.fullmatch(r"\d{4}-\d{2}-\d{2}", n[len(prefix):]))
        except FileNotFoundError:
            return None
        if not names:
            return None
        with open(os.path.join(folder, names[-1]), encoding="utf-8") as f:
            lines = [line for line in f.read().splitlines() if line and line[0].isdigit()]
        return float(lines[-1].split(",")[1]) if lines else None

    def counters(self, account, type_):
        """{instance: raw value} of every instance of a derive (or any
        type), from the csv files as counter() reads them."""
        prefix = "workforce-%s/%s-" % (account, type_)
        return {ident[len(prefix):]: self.counter(account, type_, ident[len(prefix):])
                for ident in self.listval() if ident.startswith(prefix)}

    def read_log(self):
        return read_text(self.log)

    def notifications(self, type_):
        """(severity, message) of each notification of `type_` that
        collectd's logfile plugin wrote, oldest first."""
        found = []
        for line in self.read_log().splitlines():
            m = re.search(r"Notification: severity = (\w+), .* type = (\S+), "
                          r"type_instance = ([^,]*), message = (.*)$", line)
            if m and m.group(2) == type_:
                found.append((m.group(1), m.group(4)))
        return found

    def stop(self):
        stop_process(self.proc, 20)
        self.stderr.close()

    def cleanup(self):
        """Stops collectd and removes its files; under WF_VALGRIND, fails
        when memcheck reported anything."""
        self.stop()
        report = read_text(self.valgrind_log) if self.valgrind_log else ""
        shutil.rmtree(self.dir, ignore_errors=True)
        if report.strip():
            raise AssertionError("valgrind reported:\n" + report)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()


def dingtalk_block(name, sim, key="dingsimkey", secret="dingsimsecret", extra=""):
    """A <DingTalk> block pointing at the simulator. Unless `extra` sets
    MonthlyQuota, the account plans no quota (MonthlyQuota 0): tests poll
    counted collectors every second, which a month of 5,000 calls would
    not allow; the quota planner has tests of its own."""
    if "MonthlyQuota" not in extra:
        extra = "    MonthlyQuota 0\n" + extra
    return f"""  <DingTalk "{name}">
    AppKey "{key}"
    AppSecret "{secret}"
    OapiURL "{sim.url}"
    ApiURL "{sim.url}"
    Interval 1
    UTCOffset "+08:00"
    Timeout 5
    MaxRequestsPerSecond 15
{extra}
  </DingTalk>
"""


def feishu_block(name, sim, app_id="cli_simapp", secret="feishusimsecret", extra=""):
    """A <Feishu> block pointing at the simulator, with the settings of
    dingtalk_block; `extra` adds options (Collect, UserID, ...) or
    overrides them, the later value of an option winning."""
    return f"""  <Feishu "{name}">
    AppID "{app_id}"
    AppSecret "{secret}"
    URL "{sim.url}"
    Interval 1
    UTCOffset "+08:00"
    Timeout 5
    MaxRequestsPerSecond 15
{extra}
  </Feishu>
"""


class PluginTestCase(unittest.TestCase):
    """A test case whose simulators and collectd daemons are stopped, and
    their files removed, when the test (or, for the class_ helpers, the
    class) ends, whether it passed, failed or never got past its start.
    They stop in the reverse order of their start: collectd before the
    simulator it polls."""

    def simulator(self, *args):
        """A Simulator for this test."""
        sim = Simulator(*args)
        self.addCleanup(sim.stop)
        return sim

    def collectd(self, plugin_block, **kwargs):
        """A Collectd for this test; its cleanup fails the test when
        valgrind reported anything."""
        cd = Collectd(plugin_block, **kwargs)
        self.addCleanup(cd.cleanup)
        return cd

    @classmethod
    def class_simulator(cls, *args):
        """A Simulator shared by the tests of the class."""
        sim = Simulator(*args)
        cls.addClassCleanup(sim.stop)
        return sim

    @classmethod
    def class_collectd(cls, plugin_block, **kwargs):
        """A Collectd shared by the tests of the class."""
        cd = Collectd(plugin_block, **kwargs)
        cls.addClassCleanup(cd.cleanup)
        return cd
