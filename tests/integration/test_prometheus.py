#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: the Grafana dashboard and the Prometheus rules against real
data. The simulator, the real collectd with the plugin and write_prometheus,
and the real Prometheus scraping it every second with
contrib/prometheus/workforce.rules.yml loaded.

- Every target of contrib/grafana/workforce.json is evaluated, with $account
  replaced by all accounts and $__rate_interval by 1m, and must return data:
  the accounts below make the plugin produce every type it has. The
  monthly quota's series are also checked against acme's MonthlyQuota.
- Every rule's expression is evaluated, and every rule must be healthy.
- Alerts wait 5 minutes to an hour (`for:`), so the firing checks use a
  second rule file, generated in the temporary directory: a copy of every
  shipped alert with `for: 0s` and the extra label wf_copy="for-0s", two of
  them with a bound lowered so that a minute can reach it
  (WorkforceDataStale: 900 s and a week -> 8 s; WorkforceApiQuotaNearlyUsed: 80 % of
  MonthlyQuota -> any call). The copies read the shipped recording rules.
  The simulator is then steered (/_sim/mutate, /_sim/fault) so that the
  rules fire, and the ALERTS series must show it; the shipped rules
  themselves must go pending. A <Robot> posting to a closed port loses the
  WARNING of a <Threshold>, which WorkforceRobotMessagesDropped must
  report.
- Departures and turnover are also checked not to fire before the
  simulator is steered, as its truth says they should not; the other
  alerts' quiet cases are promtool's (contrib/prometheus/
  workforce.rules.test.yml).

Skips (exit status 77) when prometheus or collectd's write_prometheus
plugin is missing, except when CI is set.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import PluginTestCase, dingtalk_block, feishu_block, wait_for  # noqa: E402

PROMETHEUS = (shutil.which(os.environ.get("PROMETHEUS") or "prometheus")
              or os.environ.get("PROMETHEUS") or "/usr/bin/prometheus")
RULES = os.path.join(harness.SRCDIR, "contrib", "prometheus", "workforce.rules.yml")
DASHBOARD = os.path.join(harness.SRCDIR, "contrib", "grafana", "workforce.json")
WRITE_PROMETHEUS = os.path.join(harness.COLLECTD_PLUGINDIR, "write_prometheus.so")

# The accounts: "acme" (DingTalk) and "intl" (Feishu) run the collectors
# the simulator has long served; "acme-hr" and "intl-hr", on apps of their
# own, run the leave, reports, announcements and leave_expiry collectors,
# so that a simulator without them fails those accounts alone.
# "acme" plans a MonthlyQuota, so that api_quota_budget and api_quota_limit
# exist; it is so large that the budget line stays far above what polls
# every second spend, even in a month's first minute (100000000 calls a
# month: over 37 a second). The other DingTalk accounts have MonthlyQuota 0
# (the harness's default): no planning, no limit.
# "acme-watch" has a <Threshold> that its departures cross at once; the
# robot "ops" posts that WARNING to a closed port, and so drops it.
ACCOUNTS = ["acme", "intl", "acme-hr", "intl-hr", "acme-watch"]
ROBOTS = ["ops"]
ACME_QUOTA = 100000000
WATCHED = ["u%05d" % i for i in range(1, 51)]
FEISHU_WATCHED = ["fe%05d" % i for i in range(1, 61)]

# What the plugin produces against the simulator in this version: a
# dashboard query over these alone must return data.
# The generated copies of the shipped alerts.
COPY_LABEL = ("wf_copy", "for-0s")
BOUND_OVERRIDES = {
    # 900 s, and a week for a collector the quota planner paces.
    "WorkforceDataStale": [("> 900", "> 8"), ("> 604800", "> 8")],
    "WorkforceApiQuotaNearlyUsed": [("> 0.8", "> 0")],
}
DEPARTURES_BOUND = 5
TURNOVER_BOUND = 0.05


def free_port():
    """A free loopback TCP port (Prometheus cannot listen on port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_prometheus():
    """Exits with automake's skip status when prometheus or write_prometheus
    is missing, except in CI."""
    missing = [p for p in (PROMETHEUS, WRITE_PROMETHEUS) if not os.path.exists(p)]
    if missing:
        print("missing: " + ", ".join(missing), file=sys.stderr)
        if os.environ.get("CI"):
            sys.exit(1)
        print("SKIP: prometheus or collectd's write_prometheus plugin is not "
              "available (Debian: apt-get install prometheus collectd-core "
              "libmicrohttpd12)", file=sys.stderr)
        sys.exit(harness.SKIP)


def dashboard_targets():
    """(panel title, target) of every query target of the dashboard."""
    with open(DASHBOARD, encoding="utf-8") as f:
        dashboard = json.load(f)
    out = []

    def walk(panels):
        for panel in panels:
            walk(panel.get("panels", []))
            for target in panel.get("targets", []):
                out.append((panel.get("title", "?"), target))
    walk(dashboard["panels"])
    return dashboard, out


def regex_escape(value):
    """A value as a regex inside a PromQL string, as Grafana escapes it."""
    return re.sub(r"([\\.+*?^$()\[\]{}|])", r"\\\\\1", value)


def grafana_to_promql(expr, accounts, robots):
    """A panel expression as Grafana sends it: $account and $robot as a
    regex of the selected values, the interval macros as one minute."""
    for name, values in (("account", accounts), ("robot", robots)):
        expr = expr.replace("${%s}" % name, "$" + name)
        expr = expr.replace("$" + name, "(%s)" % "|".join(regex_escape(v) for v in values))
    for macro in ("$__rate_interval", "$__interval", "$__range"):
        expr = expr.replace(macro, "1m")
    return expr


def exposed_names():
    """The name write_prometheus gives each type of workforce.types.db:
    collectd_workforce_<type>, with _total for the counters (DERIVE,
    COUNTER)."""
    names = set()
    with open(os.path.join(harness.SRCDIR, "src", "workforce.types.db"),
              encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            type_, source = line.split()[:2]
            kind = source.split(":")[1]
            names.add("collectd_workforce_" + type_ +
                      ("_total" if kind in ("DERIVE", "COUNTER") else ""))
    return names


def metric_names(expr):
    """The collectd_workforce_* metrics an expression reads."""
    return set(re.findall(r"\bcollectd_workforce_[a-z0-9_]+", expr))


class Prometheus:
    """The real Prometheus in a child process, with its own configuration,
    storage and port, reading `rule_files`."""

    def __init__(self, tmp, target, rule_files):
        self.tmp = tmp
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.config = os.path.join(tmp, "prometheus.yml")
        self.log = os.path.join(tmp, "prometheus.log")
        rules = "".join("  - %s\n" % json.dumps(r) for r in rule_files)
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
{rules}scrape_configs:
  - job_name: collectd
    honor_labels: true
    static_configs:
      - targets: ["{target}"]
""")
        self.stderr = open(self.log, "w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [PROMETHEUS, "--config.file=" + self.config,
             "--storage.tsdb.path=" + os.path.join(tmp, "data"),
             "--web.listen-address=127.0.0.1:%d" % self.port,
             "--web.enable-lifecycle", "--log.level=warn"],
            stdout=self.stderr, stderr=self.stderr)

    def wait_ready(self):
        """Waits until Prometheus answers /-/ready; fails with its log when
        it exits instead."""
        wait_for(lambda: self.proc.poll() is not None or self.ready(), timeout=30,
                 what="prometheus to be ready")
        if self.proc.poll() is not None:
            raise RuntimeError("prometheus exited: " + self.read_log())

    def ready(self):
        try:
            with urllib.request.urlopen(self.url + "/-/ready", timeout=2) as r:
                return r.status == 200
        except (urllib.error.URLError, ConnectionError, OSError):
            return False

    def api(self, path, **params):
        """GETs /api/v1/<path>; returns the decoded answer, errors included."""
        url = self.url + "/api/v1/" + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return json.loads(r.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            return json.loads(e.read().decode("utf-8"))

    def query(self, expr):
        """An instant query: (status, result, error)."""
        answer = self.api("query", query=expr)
        return (answer.get("status"), answer.get("data", {}).get("result", []),
                answer.get("error"))

    def reload(self):
        req = urllib.request.Request(self.url + "/-/reload", data=b"", method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status

    def rule_groups(self):
        return self.api("rules")["data"]["groups"]

    def read_log(self):
        return harness.read_text(self.log)

    def stop(self):
        harness.stop_process(self.proc, 15)
        self.stderr.close()


class DashboardAndRules(PluginTestCase):
    """One simulator, one collectd, one Prometheus for every step; the
    steps run in the order of their names."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="wfprom-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.sim = cls.class_simulator("--employees", "600", "--seed", "7",
                                      "--app", "dingsimkey:dingsimsecret",
                                      "--app", "hrkey:hrsecret", "--app", "watchkey:watchsecret",
                                      "--feishu-app", "cli_simapp:feishusimsecret",
                                      "--feishu-app", "cli_hrapp:hrsecret")

        # The leave collectors' parameters, from the simulator: an
        # administrator, a reader, employments, leave types.
        feishu_truth = cls.sim.get("/_sim/truth?platform=feishu&appid=cli_hrapp")
        employments = feishu_truth["employment_ids"][:3]
        leave_types = [(t["leave_type_id"], "type%d" % i) for i, t in
                       enumerate(feishu_truth["leave_types"])]
        users = " ".join('"%s"' % u for u in WATCHED)
        feishu_users = " ".join('"%s"' % u for u in FEISHU_WATCHED)
        block = (
            dingtalk_block("acme", cls.sim, extra=(
                '    Collect "departures" "headcount" "attendance" "signins"\n'
                '    MonthlyQuota %d\n'
                '    UserID %s' % (ACME_QUOTA, users)))
            + dingtalk_block("acme-hr", cls.sim, key="hrkey", secret="hrsecret", extra=(
                '    Collect "leave" "reports" "announcements"\n'
                '    OperatorUserID "manager01"\n'
                '    ReportReader "manager01" "manager01"'))
            + feishu_block("intl", cls.sim, "cli_simapp", "feishusimsecret",
                           extra='    Collect "attendance"\n    UserID %s' % feishu_users)
            # A threshold that is crossed at once: its WARNING goes to the
            # robot.
            + dingtalk_block("acme-watch", cls.sim, key="watchkey", secret="watchsecret", extra=(
                '    Collect "departures"\n'
                '    <Threshold "departures_today">\n'
                '      WarningMax 0\n'
                '    </Threshold>'))
            + feishu_block("intl-hr", cls.sim, "cli_hrapp", "hrsecret",
                           extra='    Collect "leave_expiry"\n'
                                 '    EmploymentID %s\n%s'
                                 '    ExpiryWindowDays 30' % (
                                     " ".join('"%s"' % e for e in employments),
                                     "".join('    LeaveType "%s" "%s"\n' % t
                                             for t in leave_types)))
            + f"""  <Robot "ops">
    Platform "dingtalk"
    URL "http://127.0.0.1:{free_port()}/robot/send?access_token=closed"
    MinSeverity "warning"
    Timeout 1
  </Robot>
""")
        cls.metrics_port = free_port()
        cls.cd = cls.class_collectd(block, extra=f"""LoadPlugin write_prometheus
<Plugin write_prometheus>
  Host "127.0.0.1"
  Port "{cls.metrics_port}"
</Plugin>
""")
        wait_for(cls.exposition, timeout=30, what="write_prometheus's /metrics")

        cls.copy_rules = os.path.join(cls.tmp, "for-0s.rules.json")
        with open(cls.copy_rules, "w", encoding="utf-8") as f:
            json.dump({"groups": []}, f)
        cls.prom = Prometheus(cls.tmp, "127.0.0.1:%d" % cls.metrics_port,
                              [RULES, cls.copy_rules])
        cls.addClassCleanup(cls.prom.stop)
        cls.prom.wait_ready()

        # Every account's data_age scraped, and the rates computable.
        def scraped():
            status, result, _ = cls.prom.query(
                "count by (workforce) (collectd_workforce_data_age)")
            got = {r["metric"].get("workforce") for r in result}
            status, rates, _ = cls.prom.query(
                'rate(collectd_workforce_api_requests_total{workforce="acme"}[1m])')
            return set(ACCOUNTS) <= got and rates and got
        try:
            wait_for(scraped, timeout=30, what="a scrape with every account")
        except AssertionError:
            _, result, _ = cls.prom.query("count by (workforce) (collectd_workforce_data_age)")
            print("accounts scraped: %s\ncollectd's log:\n%s" % (
                sorted(r["metric"].get("workforce") for r in result), cls.cd.read_log()),
                file=sys.stderr)
            raise

    @classmethod
    def exposition(cls):
        """The text of write_prometheus's /metrics, or None."""
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % cls.metrics_port,
                                        timeout=5) as r:
                return r.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError, OSError):
            return None

    @classmethod
    def produced(cls):
        """The metric names write_prometheus exposes for the plugin."""
        text = cls.exposition() or ""
        return set(re.findall(r"^(collectd_workforce_[a-z0-9_]+)[{ ]", text, re.M))

    def shipped_rules(self):
        """The rules of workforce.rules.yml as Prometheus loaded them."""
        return [rule for group in self.prom.rule_groups()
                if os.path.abspath(group["file"]) == os.path.abspath(RULES)
                for rule in group["rules"]]

    # -- (a) the dashboard ----------------------------------------------------

    def test_a1_dashboard_is_provisionable(self):
        dashboard, targets = dashboard_targets()
        self.assertGreaterEqual(dashboard["schemaVersion"], 36)
        self.assertEqual(dashboard["uid"], "collectd-workforce")
        self.assertIsNone(dashboard.get("id"))
        ids = [p["id"] for p in dashboard["panels"]]
        self.assertEqual(len(ids), len(set(ids)), "panel ids are unique")
        variables = {v["name"]: v for v in dashboard["templating"]["list"]}
        self.assertEqual(variables["datasource"]["type"], "datasource")
        self.assertEqual(variables["datasource"]["query"], "prometheus")
        account = variables["account"]
        self.assertTrue(account["multi"] and account["includeAll"])
        self.assertEqual(account["datasource"]["uid"], "${datasource}")
        self.assertTrue(targets)
        for title, target in targets:
            self.assertEqual(target["datasource"], {"type": "prometheus", "uid": "${datasource}"},
                             title)
            # Account panels select with $account; the robot panel, whose
            # "workforce" label holds robot names, with $robot.
            self.assertTrue('workforce=~"$account"' in target["expr"] or
                            'workforce=~"$robot"' in target["expr"], title)
        # Every metric a panel reads is one write_prometheus makes of our
        # types.
        valid = exposed_names()
        for title, target in targets:
            self.assertLessEqual(metric_names(target["expr"]), valid, title)
        # The variables' queries list every account, and every robot.
        values = {}
        for name in ("account", "robot"):
            match = re.fullmatch(r"label_values\((\w+), *(\w+)\)", variables[name]["query"])
            self.assertIsNotNone(match, variables[name]["query"])
            answer = self.prom.api("label/%s/values" % match.group(2),
                                   **{"match[]": match.group(1)})
            self.assertEqual(answer["status"], "success")
            values[name] = set(answer["data"])
        self.assertEqual(values["account"], set(ACCOUNTS))
        self.assertEqual(values["robot"], set(ROBOTS))

    def test_a2_dashboard_queries_return_data(self):
        # Every type the plugin has, exposed: the accounts of this test run
        # every collector, and the robot fails to deliver.
        try:
            wait_for(lambda: exposed_names() <= self.produced(), timeout=30,
                     what="write_prometheus to expose every type")
        except AssertionError:
            self.fail("write_prometheus does not expose %s"
                      % sorted(exposed_names() - self.produced()))
        _, targets = dashboard_targets()
        covered = set()
        for _, target in targets:
            covered |= metric_names(target["expr"])
        self.assertEqual(exposed_names() - covered, set(), "types without a panel")

        def results():
            out = []
            for title, target in targets:
                expr = grafana_to_promql(target["expr"], ACCOUNTS, ROBOTS)
                out.append((title, target["refId"], expr) + self.prom.query(expr))
            return out

        def settled():
            rows = results()
            return all(status == "success" and result
                       for _, _, expr, status, result, _ in rows) and rows
        # Ratios and rates need a few scrapes; wait for them, but report
        # what is still missing rather than time out without a word.
        try:
            rows = wait_for(settled, timeout=20, what="data for every panel")
        except AssertionError:
            rows = results()
        failures = []
        for title, ref, expr, status, result, error in rows:
            if status != "success":
                failures.append("%s/%s: %s: %s" % (title, ref, error, expr))
            elif not result:
                failures.append("%s/%s: no data: %s" % (title, ref, expr))
        print("\ndashboard: %d queries, %d with data" % (
            len(rows), len([r for r in rows if r[4]])), file=sys.stderr)
        if failures:
            failed = sorted({line.split("] ", 1)[-1] for line in self.cd.read_log().splitlines()
                             if "failed" in line or "refused" in line})
            print("  collectd says:\n    " + "\n    ".join(failed or ["nothing failed"]),
                  file=sys.stderr)
        for line in failures:
            print("  FAILED: " + line, file=sys.stderr)
        self.assertEqual(failures, [])

    # -- (b) the rules ------------------------------------------------------------

    def test_a3_chinese_names_intact(self):
        """Template and leave type names read from the platform (日报, 年假)
        come out of write_prometheus, and Prometheus, as they are."""
        def exposed():
            text = self.exposition() or ""
            return 'type="日报"' in text and 'type="年假"' in text and text
        text = wait_for(exposed, timeout=60, what="日报 and 年假 in write_prometheus")
        line = [ln for ln in text.splitlines()
                if ln.startswith("collectd_workforce_reports_today{") and 'type="日报"' in ln
                and 'workforce="acme-hr"' in ln]
        self.assertEqual(len(line), 1, line)

        # Reports keep coming in as the simulated day goes on: compare with
        # the truth of the moment until they agree.
        def queried():
            status, result, error = self.prom.query(
                'collectd_workforce_reports_today{workforce="acme-hr",type="日报"}')
            want = float(self.sim.truth("hrkey")["reports_today"]["日报"])
            return (status == "success" and result
                    and float(result[0]["value"][1]) == want and result)
        result = wait_for(queried, timeout=60,
                          what="日报 through Prometheus's API, equal to the truth")
        self.assertEqual(result[0]["metric"]["type"], "日报")

    def test_a4_quota_series(self):
        """api_quota_limit is the account's MonthlyQuota and api_quota_used
        stays under api_quota_budget; an account with MonthlyQuota 0 has
        api_quota_used alone."""
        def series(name, workforce):
            _, result, _ = self.prom.query(
                'collectd_workforce_%s{workforce="%s"}' % (name, workforce))
            return {r["metric"].get("instance"): float(r["value"][1]) for r in result}
        limit = wait_for(lambda: series("api_quota_limit", "acme"),
                         what="api_quota_limit of acme")
        self.assertEqual(list(limit.values()), [float(ACME_QUOTA)])
        self.assertNotIn("type", self.prom.query(
            'collectd_workforce_api_quota_limit{workforce="acme"}')[1][0]["metric"])
        used = wait_for(lambda: series("api_quota_used", "acme"), what="api_quota_used of acme")
        budget = series("api_quota_budget", "acme")
        self.assertEqual(budget.keys(), used.keys())
        for instance, value in used.items():
            self.assertGreater(value, 0, instance)
            self.assertLessEqual(value, budget[instance], instance)
            self.assertLessEqual(budget[instance], ACME_QUOTA, instance)
        self.assertTrue(series("api_quota_used", "acme-hr"))
        self.assertEqual(series("api_quota_budget", "acme-hr"), {})
        self.assertEqual(series("api_quota_limit", "acme-hr"), {})

    def test_b_rule_expressions_evaluate(self):
        rules = self.shipped_rules()
        with open(RULES, encoding="utf-8") as f:
            declared = re.findall(r"^\s*- (?:alert|record): *(\S+)", f.read(), re.M)
        self.assertEqual(sorted(r["name"] for r in rules), sorted(declared))
        # Prometheus says 0001-01-01T00:00:00Z until a rule is evaluated.
        wait_for(lambda: all(not r["lastEvaluation"].startswith("0001")
                             for r in self.shipped_rules()),
                 what="an evaluation of every rule")
        valid = exposed_names()
        for rule in self.shipped_rules():
            self.assertEqual(rule["health"], "ok", "%s: %s" % (rule["name"], rule.get("lastError")))
            self.assertLessEqual(metric_names(rule["query"]), valid, rule["name"])
            status, _, error = self.prom.query(rule["query"])
            self.assertEqual(status, "success", "%s: %s" % (rule["name"], error))
            if rule["type"] == "alerting":
                for key in ("summary", "description"):
                    self.assertIn(key, rule["annotations"], rule["name"])
                self.assertIn("{{ $labels.workforce }}", rule["annotations"]["summary"])
                self.assertIn(rule["labels"].get("severity"), ("info", "warning", "critical"))
                self.assertGreater(rule["duration"], 0, rule["name"])
        # The recorded abnormal share is there for the DingTalk account.
        status, result, _ = self.prom.query('workforce:abnormal_checkins:ratio{workforce="acme"}')
        self.assertTrue(result)
        self.assertTrue(0 < float(result[0]["value"][1]) < 1)

    # -- (c) the alerts fire -----------------------------------------------------

    def load_copies(self):
        """Writes the for-0s copies of the shipped alerts and reloads."""
        rules = []
        for rule in self.shipped_rules():
            if rule["type"] != "alerting":
                continue
            expr = rule["query"]
            for old, new in BOUND_OVERRIDES.get(rule["name"], []):
                self.assertIn(old, expr, rule["name"])
                expr = expr.replace(old, new)
            labels = dict(rule["labels"])
            labels[COPY_LABEL[0]] = COPY_LABEL[1]
            rules.append({"alert": rule["name"], "expr": expr, "for": "0s",
                          "labels": labels, "annotations": rule["annotations"]})
        with open(self.copy_rules, "w", encoding="utf-8") as f:
            json.dump({"groups": [{"name": "workforce-for-0s-copies", "rules": rules}]}, f,
                      indent=1)
        self.assertEqual(self.prom.reload(), 200)
        names = {r["alert"] for r in rules}

        def evaluated():
            for group in self.prom.rule_groups():
                if group["name"] == "workforce-for-0s-copies":
                    return ({r["name"] for r in group["rules"]} == names and
                            all(not r["lastEvaluation"].startswith("0001")
                                for r in group["rules"]) and group)
            return None
        wait_for(evaluated, what="the copies to be loaded and evaluated")
        time.sleep(2)  # two more evaluations: a state is settled

    def copy_state(self, alert, workforce, **labels):
        """The state of a copy for one account now: firing, pending, inactive."""
        for group in self.prom.rule_groups():
            if group["name"] != "workforce-for-0s-copies":
                continue
            for rule in group["rules"]:
                if rule["name"] != alert:
                    continue
                for a in rule["alerts"]:
                    if a["labels"].get("workforce") == workforce and all(
                            a["labels"].get(k) == v for k, v in labels.items()):
                        return a["state"]
        return "inactive"

    def fired(self, alert, workforce, **labels):
        """True when a copy has fired for `workforce` in the last 5 minutes."""
        selector = ",".join('%s="%s"' % kv for kv in dict(
            labels, alertname=alert, workforce=workforce, alertstate="firing",
            **{COPY_LABEL[0]: COPY_LABEL[1]}).items())
        _, result, _ = self.prom.query("max_over_time(ALERTS{%s}[5m])" % selector)
        return bool(result)

    def shipped_state(self, alert, workforce):
        for rule in self.shipped_rules():
            if rule["name"] == alert:
                for a in rule["alerts"]:
                    if a["labels"].get("workforce") == workforce:
                        return a["state"]
        return "inactive"

    def test_c_alerts_fire(self):
        self.load_copies()

        # A collector that fails on every poll: sign-ins of acme. Its
        # requests fail (no retry for a refusal) and its data ages.
        self.sim.post("/_sim/fault", {"endpoint": "checkinRecord", "kind": "errcode",
                                      "errcode": 60011, "errmsg": "no permission",
                                      "appkey": "dingsimkey", "count": 100000})

        # Departures and turnover: the shipped bounds, checked against the
        # simulator's truth, then crossed.
        truth = self.sim.truth("dingsimkey")
        today = sum(truth["departures_today"].values())
        month = sum(truth["departures_30d"].values())
        heads = sum(v for k, v in truth["headcount"].items() if k != "preentry")
        self.assertEqual(self.copy_state("WorkforceDeparturesToday", "acme") == "firing",
                         today > DEPARTURES_BOUND, "departures today: %d" % today)
        self.assertEqual(self.copy_state("WorkforceTurnover30dHigh", "acme") == "firing",
                         month / heads > TURNOVER_BOUND,
                         "turnover: %d of %d" % (month, heads))
        more = max(DEPARTURES_BOUND + 1 - today,
                   int(TURNOVER_BOUND * heads) + 1 - month, 1)
        self.sim.post("/_sim/mutate", {"appkey": "dingsimkey", "add_departures":
                                       {"reason": "leave", "count": more}})
        wait_for(lambda: self.fired("WorkforceDeparturesToday", "acme"),
                 what="WorkforceDeparturesToday after %d departures" % more)
        wait_for(lambda: self.fired("WorkforceTurnover30dHigh", "acme"),
                 what="WorkforceTurnover30dHigh after %d departures" % more)
        # The shipped rules agree, and wait for their `for`.
        for alert in ("WorkforceDeparturesToday", "WorkforceTurnover30dHigh"):
            wait_for(lambda: self.shipped_state(alert, "acme") == "pending",
                     what="the shipped %s to be pending" % alert)

        # A spike of abnormal check-ins: late ones, four times as many as
        # all of today's check-ins so far. The 7-day average is the few
        # seconds of history there are, at the usual share.
        wait_for(lambda: self.prom.query(
            'count_over_time(workforce:abnormal_checkins:ratio{workforce="acme"}[10m]) >= 5')[1],
            what="five recorded samples of the abnormal share")
        self.assertFalse(self.fired("WorkforceAbnormalCheckinsSpike", "acme"),
                         "no spike before the late check-ins")
        watched = self.sim.get("/_sim/truth?appkey=dingsimkey&userids=" + ",".join(WATCHED))
        checkins = sum(watched["checkins"].values())
        self.sim.post("/_sim/mutate", {"appkey": "dingsimkey", "add_checkin": {
            "userid": WATCHED[0], "timeResult": "Late", "count": 4 * checkins + 20}})
        wait_for(lambda: self.fired("WorkforceAbnormalCheckinsSpike", "acme"),
                 what="WorkforceAbnormalCheckinsSpike after the late check-ins")

        # The failing sign-ins: errors, and (with the lowered bound) stale data.
        wait_for(lambda: self.fired("WorkforceApiErrors", "acme", type="checkinRecord"),
                 what="WorkforceApiErrors for checkinRecord")
        wait_for(lambda: self.fired("WorkforceDataStale", "acme", type="signins"),
                 timeout=30, what="WorkforceDataStale for signins (bound lowered to 8 s)")
        self.assertFalse(self.fired("WorkforceDataStale", "acme", type="headcount"))
        self.assertFalse(self.fired("WorkforceApiErrors", "acme", type="queryonjob"))

        # The threshold's WARNING reached the robot, which could not deliver
        # it.
        wait_for(lambda: self.fired("WorkforceRobotMessagesDropped", "ops"),
                 timeout=30, what="WorkforceRobotMessagesDropped for the robot ops")

        # The quota copy (lowered to any call): acme spends counted calls
        # on attendance against its MonthlyQuota. acme-hr spends counted
        # calls too, but with MonthlyQuota 0 it has no limit, so no quota
        # alert; the Feishu account has no quota at all.
        wait_for(lambda: self.fired("WorkforceApiQuotaNearlyUsed", "acme"),
                 what="WorkforceApiQuotaNearlyUsed (bound lowered to any call)")
        self.assertTrue(self.prom.query(
            'collectd_workforce_api_quota_used{workforce="acme-hr"} > 0')[1],
            "acme-hr spends counted calls")
        self.assertFalse(self.fired("WorkforceApiQuotaNearlyUsed", "acme-hr"))
        self.assertFalse(self.fired("WorkforceApiQuotaNearlyUsed", "intl"))

        # Leave that expires: the simulator's employments of intl-hr have
        # grants that run out within the window.
        wait_for(lambda: self.fired("WorkforceLeaveExpiring", "intl-hr"),
                 what="WorkforceLeaveExpiring for intl-hr")

        # Every annotation of every alert there is renders.
        for alert in self.prom.api("alerts")["data"]["alerts"]:
            for key, text in alert["annotations"].items():
                self.assertNotIn("error expanding template", text,
                                 "%s %s" % (alert["labels"]["alertname"], key))
                self.assertNotIn("<no value>", text,
                                 "%s %s" % (alert["labels"]["alertname"], key))
        self.sim.post("/_sim/fault/clear")


if __name__ == "__main__":
    harness.require_tools()
    require_prometheus()
    unittest.main(verbosity=2)
