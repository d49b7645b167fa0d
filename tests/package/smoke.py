#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Smoke test of the built Debian package, run by tests/package/smoke.sh.

Installs collectd-workforce_*.deb from OUTDIR with apt-get, then checks
what a user of the package gets:

- the files are where Debian's collectd looks for them, and the snippet
  /etc/collectd/collectd.conf.d/workforce.conf is a conffile whose every
  line is a comment;
- the installed examples name only files that are installed;
- Debian's collectd.conf, which includes collectd.conf.d/*.conf, starts
  with the snippet as shipped and loads nothing of the plugin;
- the snippet, edited as its own comments say (uncommented, the app's key
  and secret put in, plus the simulator's URLs), runs in the real collectd
  (/usr/sbin/collectd) with the installed plugin and types, and the values
  that come back through collectd's unixsock plugin are the simulator's
  truth.

Every process it starts is stopped before it exits, also on SIGTERM (the
time limit of smoke.sh). Last line: "N passed, N failed".

Usage: smoke.py OUTDIR      (as root: it installs the package)
"""

import fnmatch
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIMULATOR = os.path.join(TOP, "tests", "sim", "wfsim.py")

# collectd's unixsock client, and the waiting for a condition or a file,
# as the integration tests have them.
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
import unixsock  # noqa: E402
import waiting  # noqa: E402
from waiting import read_text  # noqa: E402

PACKAGE = "collectd-workforce"
COLLECTD = "/usr/sbin/collectd"
PLUGIN = "/usr/lib/collectd/workforce.so"
CHECK_TOOL = "/usr/bin/collectd-workforce-check"
TYPES_DB = "/usr/share/collectd/types.db"
WORKFORCE_TYPES_DB = "/usr/share/collectd/workforce.types.db"
SNIPPET = "/etc/collectd/collectd.conf.d/workforce.conf"
EXAMPLES = "/usr/share/doc/collectd-workforce/examples"
DATADIR = "/usr/share/collectd-workforce"
# Debian's collectd.conf: the collectd package's conffile, and the same
# file as collectd-core ships it among its examples.
SHIPPED_CONFIGS = ["/etc/collectd/collectd.conf",
                   "/usr/share/doc/collectd-core/examples/collectd.conf"]
HOSTNAME = "smoke"

# The simulator's default DingTalk app.
APP_KEY = "dingsimkey"
APP_SECRET = "dingsimsecret"


class Failure(Exception):
    """A check that failed, with the reason."""


class Stopped(Exception):
    """SIGTERM: the time limit of smoke.sh."""


def on_sigterm(signum, frame):
    raise Stopped("stopped by SIGTERM (time limit)")


def wait_for(predicate, timeout, what):
    """Polls `predicate` until it returns a true value; fails (a Failure)
    after `timeout` seconds."""
    return waiting.wait_for(predicate, timeout, what, interval=0.2,
                            error=Failure)


def stop_process(proc, timeout=10):
    """Terminates a child, killing it after `timeout` seconds; returns its
    exit status and whether it stopped on SIGTERM within the time."""
    if proc.poll() is not None:
        return proc.returncode, True
    proc.terminate()
    try:
        return proc.wait(timeout=timeout), True
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(), False


class Collectd:
    """collectd in the foreground, with a log file and the unixsock plugin
    in a directory of its own, and `body` after them."""

    def __init__(self, tmp, name, body):
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir)
        self.log = os.path.join(self.dir, "collectd.log")
        self.socket = os.path.join(self.dir, "collectd.sock")
        self.conf = os.path.join(self.dir, "collectd.conf")
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(f"""Hostname "{HOSTNAME}"
BaseDir "{self.dir}"
PIDFile "{self.dir}/collectd.pid"
Interval 1
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "{self.log}"
  Timestamp true
  PrintSeverity true
</Plugin>
{unixsock.plugin_config(self.socket)}
{body}
""")
        self.output = open(os.path.join(self.dir, "output"), "w")
        self.proc = subprocess.Popen([COLLECTD, "-f", "-C", self.conf],
                                     stdin=subprocess.DEVNULL,
                                     stdout=self.output, stderr=self.output)

    def wait_ready(self, timeout=30):
        """Waits until collectd answers on its socket; fails when it exits."""
        def ready():
            if self.proc.poll() is not None:
                raise Failure("collectd exited with status %d: %s"
                              % (self.proc.returncode, self.messages()))
            return unixsock.answers(self.socket)
        wait_for(ready, timeout, "collectd's unixsock socket")

    def identifiers(self):
        """The identifiers of this host's values, without the host."""
        return set(unixsock.listval(self.socket, HOSTNAME))

    def getval(self, ident):
        value = unixsock.getval(self.socket, HOSTNAME, ident)
        if value is None:
            raise Failure("GETVAL %s: no value" % ident)
        return value

    def messages(self):
        """The log and what collectd wrote before its log plugin ran."""
        return (read_text(self.log) + read_text(os.path.join(self.dir, "output"))).strip()

    def stop(self):
        status, in_time = stop_process(self.proc)
        self.output.close()
        return status, in_time


class Smoke:
    def __init__(self, outdir):
        self.outdir = outdir
        self.passed = 0
        self.failed = 0
        self.tmp = tempfile.mkdtemp(prefix="wf-package-smoke-")
        self.children = []  # apt-get, collectd and simulator processes to stop
        self.current = None

    def check(self, name, function):
        """Runs one check; prints PASS or FAIL with the reason."""
        self.current = name
        try:
            function()
        except Failure as e:
            self.failed += 1
            print("FAIL: %s: %s" % (name, e), flush=True)
            return False
        self.passed += 1
        print("PASS: %s" % name, flush=True)
        return True

    # ------------------------------------------------------------ install

    def install(self):
        debs = sorted(glob.glob(os.path.join(self.outdir, PACKAGE + "_*.deb")))
        if len(debs) != 1:
            raise Failure("want one %s_*.deb in %s, found %s"
                          % (PACKAGE, self.outdir, debs or "none"))
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        log = os.path.join(self.tmp, "apt-get.log")
        with open(log, "w") as out:
            proc = subprocess.Popen(
                ["apt-get", "install", "-y", "--reinstall", "--no-install-recommends",
                 os.path.abspath(debs[0])],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env)
            self.children.append(proc)
            try:
                status = proc.wait(timeout=240)
            except subprocess.TimeoutExpired:
                stop_process(proc)
                raise Failure("apt-get install took more than 240 s")
        if status != 0:
            raise Failure("apt-get install %s failed:\n%s"
                          % (debs[0], "\n".join(read_text(log).splitlines()[-15:])))
        print("installed %s" % os.path.basename(debs[0]), flush=True)

    # ------------------------------------------------------------ files

    def files(self):
        listed = set(subprocess.run(["dpkg", "-L", PACKAGE], capture_output=True,
                                    text=True, check=True).stdout.split())
        wanted = [PLUGIN, WORKFORCE_TYPES_DB, SNIPPET,
                  "/usr/share/man/man5/collectd-workforce.5.gz",
                  EXAMPLES + "/workforce.conf", EXAMPLES + "/threshold.conf",
                  EXAMPLES + "/notify-exec.conf", EXAMPLES + "/notify.sh",
                  DATADIR + "/notify.sh", DATADIR + "/workforce.rules.yml",
                  DATADIR + "/workforce.json"]
        missing = [p for p in wanted if p not in listed or not os.path.exists(p)]
        if missing:
            raise Failure("not installed: " + ", ".join(missing))
        conffiles = subprocess.run(["dpkg-query", "-W", "-f", "${Conffiles}", PACKAGE],
                                   capture_output=True, text=True, check=True).stdout
        if SNIPPET not in conffiles.split():
            raise Failure("%s is not a conffile (%r)" % (SNIPPET, conffiles.strip()))
        if not os.access(DATADIR + "/notify.sh", os.X_OK):
            raise Failure(DATADIR + "/notify.sh is not executable")

    def snippet_commented(self):
        bad = [line for line in read_text(SNIPPET).splitlines()
               if line.strip() and not line.lstrip().startswith("#")]
        if bad:
            raise Failure("%s has lines that are not comments: %s" % (SNIPPET, bad))
        if not read_text(SNIPPET).strip():
            raise Failure(SNIPPET + " is empty")

    def examples_name_installed_files(self):
        """Every absolute path under /usr that an installed example or the
        snippet names exists."""
        missing = []
        for path in sorted(glob.glob(EXAMPLES + "/*.conf")) + [SNIPPET]:
            for named in re.findall(r"(/usr/[^\s\"'),]+)", read_text(path)):
                named = named.rstrip(".:;")
                if not os.path.exists(named):
                    missing.append("%s names %s" % (os.path.basename(path), named))
        if missing:
            raise Failure("; ".join(missing))

    def notify_script(self):
        """notify.sh, as notify-exec.conf runs it, turns a notification into
        one line (-n: on standard output instead of syslog)."""
        conf = read_text(EXAMPLES + "/notify-exec.conf")
        named = re.search(r'^\s*NotificationExec "[^"]*" "([^"]+)"', conf, re.M)
        if not named:
            raise Failure("notify-exec.conf has no NotificationExec line")
        notification = ("Severity: WARNING\nTime: 1700000000.000\nHost: smoke\n"
                        "Plugin: workforce\nPluginInstance: acme\n"
                        "Type: departures_today\nCurrentValue: 1.200000e+01\n"
                        "WarningMax: 3.000000e+00\nFailureMax: nan\n\n"
                        "acme: 12 departures today (all reasons), above the "
                        "warning bound 3\n")
        result = subprocess.run([named.group(1), "-n"], input=notification,
                                capture_output=True, text=True, timeout=10)
        want = ("WARNING smoke/workforce-acme/departures_today (value 12, "
                "WarningMax 3): acme: 12 departures today (all reasons), "
                "above the warning bound 3")
        if result.returncode != 0 or result.stdout.strip() != want:
            raise Failure("%s -n printed %r (status %d), want %r"
                          % (named.group(1), result.stdout, result.returncode, want))

    # ------------------------------------------------------------ Debian's collectd.conf

    @staticmethod
    def without_plugins(text):
        """collectd.conf without its LoadPlugin lines and <Plugin> and
        <LoadPlugin> blocks: the global options and the Include blocks."""
        out, depth = [], 0
        for line in text.splitlines():
            stripped = line.strip()
            if depth:
                if re.match(r"<(Plugin|LoadPlugin)\b", stripped, re.I):
                    depth += 1
                elif re.match(r"</(Plugin|LoadPlugin)\s*>", stripped, re.I):
                    depth -= 1
                continue
            if re.match(r"<(Plugin|LoadPlugin)\b", stripped, re.I):
                depth = 1
                continue
            if re.match(r"LoadPlugin\b", stripped, re.I):
                continue
            out.append(line)
        return "\n".join(out) + "\n"

    def shipped_config(self):
        """Debian's collectd.conf reads the snippet as shipped without an
        error, and loads nothing of the plugin. Its own plugins (cpu,
        rrdtool, ...) are taken out: they need the collectd package's
        libraries and write to /var/lib/collectd."""
        shipped = next((p for p in SHIPPED_CONFIGS if os.path.exists(p)), None)
        if shipped is None:
            raise Failure("none of %s exists" % ", ".join(SHIPPED_CONFIGS))
        text = read_text(shipped)
        include = re.search(r'^\s*<Include\s+"([^"]+)">\s*\n\s*Filter\s+"([^"]+)"',
                            text, re.M)
        if not include or include.group(1).rstrip("/") != os.path.dirname(SNIPPET):
            raise Failure("%s does not include %s" % (shipped, os.path.dirname(SNIPPET)))
        if not fnmatch.fnmatch(os.path.basename(SNIPPET), include.group(2)):
            raise Failure("%s's Filter %s leaves out %s" % (shipped, include.group(2), SNIPPET))
        collectd = Collectd(self.tmp, "shipped",
                            "# " + shipped + "\n" + self.without_plugins(text))
        self.children.append(collectd.proc)
        try:
            collectd.wait_ready()
            time.sleep(2)  # a few read cycles
            if collectd.proc.poll() is not None:
                raise Failure("collectd exited: " + collectd.messages())
            values = [i for i in collectd.identifiers() if i.startswith("workforce")]
        finally:
            collectd.stop()
        messages = collectd.messages()
        errors = [line for line in messages.splitlines()
                  if "[error]" in line or "Error" in line or "workforce" in line]
        if errors or values:
            raise Failure("with %s: %s" % (shipped, "\n".join(errors + values)))
        print("  %s with %s: collectd ran, nothing of the plugin loaded"
              % (shipped, SNIPPET), flush=True)

    # ------------------------------------------------------------ the plugin at work

    def edited_snippet(self, simulator_url, secret_file):
        """The snippet as a user edits it: every line from "#TypesDB" to
        "#</Plugin>" uncommented, the simulator's app key and secret put in,
        and its URL as the platform's."""
        lines, inside = [], False
        for line in read_text(SNIPPET).splitlines():
            if line.startswith("#TypesDB"):
                inside = True
            if inside:
                if line.startswith("#</Plugin>"):
                    inside = False
                line = line[1:] if line.startswith("#") else line
            line = re.sub(r'^(\s*AppKey\s+)"[^"]*"', r'\1"%s"' % APP_KEY, line)
            line = re.sub(r'^(\s*AppSecretFile\s+)"[^"]*"', r'\1"%s"' % secret_file, line)
            lines.append(line)
            if re.match(r"\s*AppKey\s", line):
                lines.append('    OapiURL "%s"' % simulator_url)
                lines.append('    ApiURL "%s"' % simulator_url)
        text = "\n".join(lines) + "\n"
        for want in ("TypesDB", "LoadPlugin workforce", "AppKey", "AppSecretFile"):
            if not re.search(r"^\s*" + want, text, re.M):
                raise Failure("the uncommented snippet has no %s line:\n%s" % (want, text))
        return text

    def start_simulator(self):
        port_file = os.path.join(self.tmp, "simulator.port")
        log = open(os.path.join(self.tmp, "simulator.log"), "w")
        proc = subprocess.Popen([sys.executable, SIMULATOR, "--port", "0",
                                 "--port-file", port_file, "--quiet",
                                 "--employees", "200", "--utc-offset", "+08:00"],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        self.children.append(proc)

        def port():
            if proc.poll() is not None:
                raise Failure("the simulator exited: " + read_text(log.name))
            return read_text(port_file).strip()
        return "http://127.0.0.1:%s" % wait_for(port, 20, "the simulator's port file")

    def plugin_at_work(self):
        url = self.start_simulator()
        secret_file = os.path.join(self.tmp, "acme.secret")
        with open(secret_file, "w") as f:
            f.write(APP_SECRET + "\n")
        os.chmod(secret_file, 0o600)
        confd = os.path.join(self.tmp, "collectd.conf.d")
        os.makedirs(confd)
        with open(os.path.join(confd, os.path.basename(SNIPPET)), "w", encoding="utf-8") as f:
            f.write(self.edited_snippet(url, secret_file))
        # As Debian's collectd.conf reads it: no PluginDir, so collectd's
        # own, /usr/lib/collectd; the types files the snippet names.
        body = '<Include "%s">\n  Filter "*.conf"\n</Include>\n' % confd
        collectd = Collectd(self.tmp, "edited", body)
        self.children.append(collectd.proc)
        try:
            collectd.wait_ready()
            wanted = ["workforce-acme/headcount-" + s for s in
                      ("probation", "regular", "leaving", "nostatus", "preentry")]
            wanted += ["workforce-acme/departures_today-" + r for r in
                       ("leave", "delete", "oapi", "cancel", "unknown")]
            wait_for(lambda: set(wanted) <= collectd.identifiers(), 60,
                     "headcount and departures_today of acme (log: %s)" % collectd.log)
            with urllib.request.urlopen(url + "/_sim/truth?appkey=" + APP_KEY, timeout=10) as r:
                truth = json.loads(r.read().decode("utf-8"))
            wrong = []
            for ident in wanted:
                type_instance = ident.split("/", 1)[1]
                type_, _, instance = type_instance.partition("-")
                got, want = collectd.getval(ident), truth[type_][instance]
                if got != want:
                    wrong.append("%s is %s, the simulator says %s" % (ident, got, want))
                else:
                    print("  %-40s %g (truth %g)" % (ident, got, want), flush=True)
            # The plugin collectd has loaded, as its memory map names it.
            maps = read_text("/proc/%d/maps" % collectd.proc.pid)
            mapped = [line.split()[-1] for line in maps.splitlines()
                      if line.endswith("/workforce.so")]
        finally:
            status, in_time = collectd.stop()
        if wrong:
            raise Failure("; ".join(wrong))
        if set(mapped) != {PLUGIN}:
            raise Failure("collectd ran the plugin from %s, not %s" % (mapped, PLUGIN))
        if not in_time or status != 0:
            raise Failure("collectd did not stop cleanly on SIGTERM (status %s)" % status)
        problems = [line for line in read_text(collectd.log).splitlines()
                    if "[error]" in line or "TypesDB" in line or "types database" in line]
        if problems:
            raise Failure("collectd logged: " + "\n".join(problems))
        self.checked_config = (collectd.conf, url)

    def check_tool(self):
        """The installed collectd-workforce-check finds no problem in the
        configuration collectd just ran, and its --probe spends no counted
        call."""
        conf, url = self.checked_config

        def counted():
            with urllib.request.urlopen(url + "/_sim/truth?appkey=" + APP_KEY,
                                        timeout=10) as r:
                return json.loads(r.read().decode("utf-8"))["quota_used"]
        # collectd, which ran on this simulator, spent some (attendance).
        before = counted()
        for args in ([CHECK_TOOL, conf], [CHECK_TOOL, "--probe", conf]):
            run = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True,
                                 text=True, timeout=60)
            print("  $ %s\n%s" % (" ".join(args[:-1] + ["collectd.conf"]),
                                  "".join("    " + line + "\n"
                                          for line in run.stdout.splitlines())),
                  end="", flush=True)
            if run.returncode != 0:
                raise Failure("%s exited %d: %s%s" % (" ".join(args), run.returncode,
                                                       run.stdout, run.stderr))
        spent = counted() - before
        if spent != 0:
            raise Failure("counted calls were spent: %s" % spent)

    # ------------------------------------------------------------

    def run(self):
        try:
            if self.check("apt-get install the package", self.install):
                self.check("installed files and conffile", self.files)
                self.check("the snippet is all comments", self.snippet_commented)
                self.check("examples name only installed files",
                           self.examples_name_installed_files)
                self.check("notify.sh formats a notification", self.notify_script)
                self.check("Debian's collectd.conf with the shipped snippet", self.shipped_config)
                if self.check("the edited snippet in collectd against the simulator",
                              self.plugin_at_work):
                    self.check("collectd-workforce-check on that configuration",
                               self.check_tool)
        except Stopped as e:
            self.failed += 1
            print("FAIL: %s: %s" % (self.current, e), flush=True)
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            for proc in self.children:
                stop_process(proc)
            shutil.rmtree(self.tmp, ignore_errors=True)
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)
        return 0 if self.failed == 0 else 1


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, on_sigterm)
    return Smoke(sys.argv[1]).run()


if __name__ == "__main__":
    sys.exit(main())
