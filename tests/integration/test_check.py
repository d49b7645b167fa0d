#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: collectd-workforce-check, the configuration checker built
here, on configuration files written for each case. Every problem the
plugin refuses at start-up is reported with the plugin's own message and
exit status 1; a good configuration passes with 0; Includes are followed;
--probe reads the token and employee counts from the simulator without
spending one counted call. The name clash of an account and a robot is
also checked in the real collectd, when it is installed."""

import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import PluginTestCase, dingtalk_block, wait_for  # noqa: E402

TOOL = os.path.join(harness.BUILDDIR, "collectd-workforce-check")
TYPES = os.path.join(harness.SRCDIR, "src", "workforce.types.db")
PREAMBLE = f'TypesDB "{harness.TYPES_DB}" "{TYPES}"\nLoadPlugin workforce\n'
PREFIX = "error: workforce plugin: "

DINGTALK = """  <DingTalk "acme">
    AppKey "dingxxxx"
    AppSecret "s3cr3t"
{extra}
  </DingTalk>
"""
FEISHU = """  <Feishu "intl">
    AppID "cli_xxx"
    AppSecret "s3cr3t"
{extra}
  </Feishu>
"""
ROBOT = """  <Robot "{name}">
    Platform "dingtalk"
    URL "https://oapi.dingtalk.com/robot/send?access_token=t0ken"
{extra}
  </Robot>
"""


def dingtalk(extra="", name="acme"):
    return DINGTALK.format(extra=extra).replace('"acme"', '"%s"' % name)


def feishu(extra='    UserID "e1"'):
    return FEISHU.format(extra=extra)


def robot(name="ops", extra=""):
    return ROBOT.format(name=name, extra=extra)


class Tool:
    """Writes configuration files into a temporary directory and runs the
    tool on them."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="wfcheck-")

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text, mode=0o600):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def conf(self, block, preamble=PREAMBLE, name="collectd.conf"):
        """A collectd.conf with `block` inside <Plugin workforce>."""
        return self.write(name, preamble + "<Plugin workforce>\n" + block + "</Plugin>\n")

    def run(self, *args):
        """Runs the tool; returns (exit status, stdout lines, stderr)."""
        proc = subprocess.run([TOOL] + list(args), capture_output=True, text=True,
                              timeout=60, cwd=self.dir)
        return proc.returncode, proc.stdout.splitlines(), proc.stderr

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class CheckCase(unittest.TestCase):
    def setUp(self):
        self.tool = Tool()
        self.addCleanup(self.tool.cleanup)

    def problems(self, lines):
        return [line for line in lines if line.startswith(("error: ", "warning: "))]

    def assert_problems(self, path, expected, status=1):
        """Run on `path`, the tool reports exactly the problems `expected`
        (a list of lines) and exits with `status`. Returns its lines."""
        got_status, lines, err = self.tool.run(path)
        self.assertEqual(self.problems(lines), expected, "\n".join(lines) + err)
        self.assertEqual(got_status, status, "\n".join(lines))
        return lines

    def assert_refused(self, block, expected, preamble=PREAMBLE):
        """The tool reports exactly `expected` (one line or a list), counts
        them on its last line and exits 1."""
        path = self.tool.conf(block, preamble)
        want = [expected] if isinstance(expected, str) else expected
        lines = self.assert_problems(path, want)
        self.assertEqual(lines[-1], "%s: %d problem%s" % (path, len(want),
                                                          "" if len(want) == 1 else "s"))
        return lines


class GoodConfiguration(CheckCase):
    def test_good_configuration_passes(self):
        secret = self.tool.write("acme.secret", "s3cr3t\n", 0o600)
        block = (dingtalk('    Collect "departures" "headcount" "attendance"\n'
                          '    UTCOffset "+05:30"\n'
                          '    <Threshold "departures_today">\n'
                          '      WarningMax 3\n'
                          '    </Threshold>').replace('AppSecret "s3cr3t"',
                                                    'AppSecretFile "%s"' % secret)
                 + feishu('    Collect "attendance" "leave_expiry"\n'
                          '    UserID "e1" "e2"\n'
                          '    EmploymentID "6982509313466189342"\n'
                          '    LeaveType "7111688079785723436" "annual"')
                 + robot("ops", '    MinSeverity "okay"'))
        path = self.tool.conf(block)
        status, lines, err = self.tool.run(path)
        self.assertEqual(lines, [
            'account "acme" (DingTalk): departures, headcount, attendance every 300 s',
            'account "intl" (Feishu): attendance, leave_expiry every 300 s',
            'robot "ops" (DingTalk): all notifications of this plugin',
            "%s: no problems" % path,
        ], err)
        self.assertEqual(status, 0)
        self.assertNotIn("t0ken", "\n".join(lines))
        self.assertNotIn("s3cr3t", "\n".join(lines))

    def test_options_case_insensitive_and_autoload(self):
        block = dingtalk("    interval 60\n    COLLECT departures")
        path = self.tool.conf(block, preamble=f'AutoLoadPlugin true\nTypesDB "{TYPES}"\n')
        status, lines, _ = self.tool.run(path)
        self.assertEqual(lines[0], 'account "acme" (DingTalk): departures every 60 s')
        self.assertEqual(status, 0, lines)


class PluginRefusals(CheckCase):
    """Each bad input the README's Configuration section describes, one
    case each, with the plugin's exact message."""

    def test_bad_utc_offset(self):
        self.assert_refused(dingtalk('    UTCOffset "+25:00"'),
                            PREFIX + '<DingTalk "acme">: option "UTCOffset": "+25:00" is not '
                            'a UTC offset such as "+08:00" (-12:00 to +14:00)')

    def test_unknown_option(self):
        self.assert_refused(dingtalk('    Colour "blue"'),
                            PREFIX + '<DingTalk "acme">: option "Colour": unknown option')

    def test_missing_app_secret(self):
        self.assert_refused(dingtalk().replace('    AppSecret "s3cr3t"\n', ""),
                            PREFIX + '<DingTalk "acme">: AppSecret or AppSecretFile is missing')

    def test_missing_app_key(self):
        self.assert_refused(dingtalk().replace('    AppKey "dingxxxx"\n', ""),
                            PREFIX + '<DingTalk "acme">: AppKey is missing')

    def test_app_secret_and_file(self):
        secret = self.tool.write("acme.secret", "s3cr3t\n")
        self.assert_refused(dingtalk('    AppSecretFile "%s"' % secret),
                            PREFIX + '<DingTalk "acme">: AppSecret and AppSecretFile are '
                            'exclusive; set one')

    def test_secret_file_missing(self):
        block = dingtalk().replace('AppSecret "s3cr3t"', 'AppSecretFile "/nonexistent/acme.secret"')
        self.assert_refused(block, PREFIX + '<DingTalk "acme">: option "AppSecretFile": cannot '
                            'open "/nonexistent/acme.secret": No such file or directory')

    def test_secret_file_readable_by_others(self):
        secret = self.tool.write("acme.secret", "s3cr3t\n", 0o644)
        block = dingtalk().replace('AppSecret "s3cr3t"', 'AppSecretFile "%s"' % secret)
        lines = self.assert_refused(
            block, 'warning: workforce plugin: <DingTalk "acme">: option "AppSecretFile": '
            '"%s" is readable by group or others; chmod 600 it' % secret)
        # A warning: the account still loads.
        self.assertIn('account "acme" (DingTalk): departures, headcount, attendance every 300 s', lines)

    def test_duplicate_account_names(self):
        self.assert_refused(dingtalk() + dingtalk(),
                            PREFIX + '<DingTalk "acme">: an account with this name is already '
                            'configured; each block needs its own name')

    def test_duplicate_robot_names(self):
        self.assert_refused(robot("ops") + robot("ops"),
                            PREFIX + '<Robot "ops">: a robot with this name is already configured')

    def test_robot_named_like_an_account(self):
        self.assert_refused(dingtalk() + robot("acme"),
                            PREFIX + '<Robot "acme">: <DingTalk "acme"> has this name already: '
                            'an account and a robot of one name would share a plugin instance; '
                            'give each its own name')

    def test_account_named_like_a_robot(self):
        self.assert_refused(robot("acme") + dingtalk(),
                            PREFIX + '<DingTalk "acme">: <Robot "acme"> has this name already: '
                            'an account and a robot of one name would share a plugin instance; '
                            'give each its own name')

    def test_bad_collect_value(self):
        self.assert_refused(dingtalk('    Collect "everything"'),
                            PREFIX + '<DingTalk "acme">: option "Collect": unknown collector '
                            '"everything"')

    def test_collector_of_the_other_platform(self):
        self.assert_refused(dingtalk('    Collect "leave_expiry"'),
                            PREFIX + '<DingTalk "acme">: option "Collect": collector '
                            '"leave_expiry" is not available for DingTalk in this version')

    def test_threshold_on_api_requests(self):
        self.assert_refused(dingtalk('    <Threshold "api_requests">\n      WarningMax 1\n'
                                     '    </Threshold>'),
                            PREFIX + '<DingTalk "acme">: option "Threshold": "api_requests" is '
                            'a counter; put a threshold on its rate in your alert rules instead')

    def test_threshold_on_unknown_type(self):
        self.assert_refused(dingtalk('    <Threshold "colour">\n      WarningMax 1\n'
                                     '    </Threshold>'),
                            PREFIX + '<DingTalk "acme">: option "Threshold": "colour" is not a '
                            'type of this plugin')

    def test_threshold_without_bounds(self):
        self.assert_refused(dingtalk('    <Threshold "departures_today">\n      Persist true\n'
                                     '    </Threshold>'),
                            PREFIX + '<DingTalk "acme">: option "Threshold": <Threshold '
                            '"departures_today"> sets no WarningMin, WarningMax, FailureMin or '
                            'FailureMax')

    def test_leave_without_operator(self):
        self.assert_refused(dingtalk('    Collect "leave"'),
                            PREFIX + '<DingTalk "acme">: option "OperatorUserID": is required '
                            'for the leave and announcements collectors: the user id of an '
                            'administrator')

    def test_interval_out_of_range(self):
        self.assert_refused(dingtalk("    Interval 0"),
                            PREFIX + '<DingTalk "acme">: option "Interval": 0 is out of range '
                            '(1 to 86400)')

    def test_url_not_http(self):
        self.assert_refused(dingtalk('    OapiURL "ftp://oapi.example"'),
                            PREFIX + '<DingTalk "acme">: option "OapiURL": "ftp://oapi.example" '
                            'is not an http:// or https:// URL')

    def test_leave_type_name_not_an_instance(self):
        self.assert_refused(dingtalk('    LeaveType "code" "Annual"'),
                            PREFIX + '<DingTalk "acme">: option "LeaveType": name "Annual" must '
                            "be lower case, without '/' and at most 127 bytes")

    def test_feishu_attendance_without_user_id(self):
        self.assert_refused(feishu(""),
                            PREFIX + '<Feishu "intl">: option "UserID": is required for the '
                            'attendance collector: list the employee ids to watch')

    def test_feishu_leave_expiry_without_employment(self):
        self.assert_refused(feishu('    Collect "leave_expiry"\n    LeaveType "t" "annual"'),
                            PREFIX + '<Feishu "intl">: option "EmploymentID": is required for '
                            'the leave_expiry collector')

    def test_robot_without_platform(self):
        self.assert_refused(robot().replace('    Platform "dingtalk"\n', ""),
                            PREFIX + '<Robot "ops">: Platform is missing ("dingtalk" or "feishu")')

    def test_robot_bad_severity(self):
        self.assert_refused(robot(extra='    MinSeverity "loud"'),
                            PREFIX + '<Robot "ops">: option "MinSeverity": "loud" is not okay, '
                            'warning or failure')

    def test_robot_without_url_never_shows_it(self):
        self.assert_refused(robot().replace("https://oapi", "ftp://oapi"),
                            PREFIX + '<Robot "ops">: option "URL": missing, or not an http(s) URL')

    def test_unknown_block_in_plugin(self):
        self.assert_refused('  <Colour "blue">\n    Shade 1\n  </Colour>\n' + dingtalk(),
                            PREFIX + 'unknown option or block "Colour" in <Plugin workforce>')

    def test_broken_account_spares_the_others(self):
        lines = self.assert_refused(dingtalk("    Interval 0") + dingtalk(name="good"),
                                    PREFIX + '<DingTalk "acme">: option "Interval": 0 is out '
                                    'of range (1 to 86400)')
        self.assertIn('account "good" (DingTalk): departures, headcount, attendance every 300 s', lines)


class DaemonRefusals(CheckCase):
    """What collectd needs for the plugin to work at all, and collectd's
    own grammar."""

    def test_no_load_plugin(self):
        path = self.tool.conf(dingtalk(), preamble=f'TypesDB "{TYPES}"\n')
        self.assert_problems(path, [
            'error: %s:2: <Plugin workforce> has no "LoadPlugin workforce": collectd ignores '
            'the block' % path])

    def test_load_plugin_after_the_block(self):
        path = self.tool.write("collectd.conf", f'TypesDB "{TYPES}"\n<Plugin "workforce">\n'
                               + dingtalk() + "</Plugin>\nLoadPlugin workforce\n")
        self.assert_problems(path, [
            'error: %s:2: <Plugin workforce> comes before "LoadPlugin workforce": collectd '
            'ignores the block' % path])

    def test_types_db_missing(self):
        path = self.tool.conf(dingtalk(), preamble='TypesDB "%s"\nLoadPlugin workforce\n'
                              % harness.TYPES_DB)
        self.assert_problems(path, [
            "error: no TypesDB line names workforce.types.db: collectd drops every value of "
            "the plugin"])

    def test_types_db_unreadable(self):
        path = self.tool.conf(dingtalk(), preamble='TypesDB "/nonexistent/workforce.types.db"\n'
                              'LoadPlugin workforce\n')
        self.assert_problems(path, [
            'error: %s:1: TypesDB "/nonexistent/workforce.types.db": cannot read it: No such '
            'file or directory' % path])

    def test_no_plugin_block(self):
        path = self.tool.write("collectd.conf", PREAMBLE)
        self.assert_problems(path, [
            "error: no <Plugin workforce> block: the plugin has nothing to do"])

    def test_syntax_error_with_its_place(self):
        path = self.tool.write("collectd.conf", PREAMBLE + "<Plugin workforce>\n" + dingtalk())
        self.assert_problems(path, [
            "error: %s:3: <Plugin> is never closed: the file ends before its </Plugin>"
            % path])

    def test_missing_final_newline(self):
        path = self.tool.write("collectd.conf", (PREAMBLE + "<Plugin workforce>\n" + dingtalk()
                                                 + "</Plugin>"))
        self.assert_problems(path, [
            "error: %s:9: the file ends without a line end after </Plugin>; collectd refuses "
            "that" % path])

    def test_usage_errors(self):
        status, lines, err = self.tool.run()
        self.assertEqual(status, 2)
        self.assertIn("Usage: collectd-workforce-check", err)
        status, _, err = self.tool.run("--colour", "x.conf")
        self.assertEqual(status, 2)
        self.assertIn('unknown option "--colour"', err)
        status, _, _ = self.tool.run("a.conf", "b.conf")
        self.assertEqual(status, 2)
        status, lines, _ = self.tool.run("--help")
        self.assertEqual(status, 0)

    def test_unreadable_file(self):
        status, lines, _ = self.tool.run(self.tool.path("absent.conf"))
        self.assertEqual(status, 2)
        self.assertEqual(lines, ['error: cannot read "%s": No such file or directory'
                                 % self.tool.path("absent.conf")])


class Includes(CheckCase):
    """collectd's Include, as Debian's collectd.conf uses it."""

    def test_include_directory_with_filter(self):
        included = self.tool.write("collectd.conf.d/workforce.conf",
                                   "LoadPlugin workforce\n<Plugin workforce>\n"
                                   + dingtalk('    UTCOffset "+25:00"') + "</Plugin>\n")
        self.tool.write("collectd.conf.d/notes.txt", "this is not a configuration\n")
        path = self.tool.write("collectd.conf", f'TypesDB "{harness.TYPES_DB}" "{TYPES}"\n'
                               f'<Include "{self.tool.path("collectd.conf.d")}">\n'
                               '  Filter "*.conf"\n</Include>\n')
        self.assert_problems(path, [
            PREFIX + '<DingTalk "acme">: option "UTCOffset": "+25:00" is not a UTC offset '
            'such as "+08:00" (-12:00 to +14:00)'])
        # Fixed in the included file, the whole configuration passes.
        self.tool.write("collectd.conf.d/workforce.conf",
                        "LoadPlugin workforce\n<Plugin workforce>\n" + dingtalk()
                        + "</Plugin>\n")
        self.assert_problems(path, [], status=0)
        self.assertTrue(os.path.exists(included))

    def test_include_file_and_its_errors_place(self):
        inc = self.tool.write("workforce.conf", "<Plugin workforce>\n" + dingtalk() + "\n")
        path = self.tool.write("collectd.conf", PREAMBLE + f'Include "{inc}"\n')
        self.assert_problems(path, [
            "error: %s:1: <Plugin> is never closed: the file ends before its </Plugin>"
            % inc])

    def test_include_loop(self):
        a = self.tool.path("a.conf")
        b = self.tool.write("b.conf", f'Include "{a}"\n')
        self.tool.write("a.conf", PREAMBLE + f'Include "{b}"\n')
        self.assert_problems(a, [
            'error: %s:1: Include loop: "%s" is already being read (%s -> %s -> %s)'
            % (b, a, a, b, a)])


def ceil_div(n, d):
    return math.ceil(n / d)


class Probe(PluginTestCase):
    """--probe against the simulator: the costs follow its employee count,
    and not one counted call is spent."""

    @classmethod
    def setUpClass(cls):
        # Tests of the quota's messages probe with an app of their own: a
        # token fetched by one probe right after another's is the
        # simulator's violation.
        cls.sim = cls.class_simulator("--employees", "320", "--seed", "7",
                                      "--app", "dingsimkey:dingsimsecret",
                                      "--app", "quotakey:quotasecret",
                                      "--app", "freekey:freesecret")
        cls.tool = Tool()
        cls.addClassCleanup(cls.tool.cleanup)

    def account(self, name, extra, key="dingsimkey", secret="dingsimsecret"):
        return f"""  <DingTalk "{name}">
    AppKey "{key}"
    AppSecret "{secret}"
    OapiURL "{self.sim.url}"
    ApiURL "{self.sim.url}"
    Timeout 5
{extra}
  </DingTalk>
"""

    def counted_calls(self):
        """The simulator's own count of this month's counted calls."""
        return self.sim.get("/_sim/config")["quota_used"]["dingsimkey"]

    def test_probe_costs_follow_the_employee_count(self):
        block = self.account("acme", '    Collect "departures" "headcount" "attendance" '
                             '"signins" "leave" "reports" "announcements"\n'
                             '    OperatorUserID "manager01"\n'
                             '    ReportReader "manager01" "boss"\n'
                             '    LeaveType "a" "annual"\n    LeaveType "b" "sick"\n'
                             '    Interval 300')
        block += f"""  <Feishu "intl">
    AppID "cli_simapp"
    AppSecret "feishusimsecret"
    URL "{self.sim.url}"
    Collect "attendance" "leave_expiry"
    UserID "fe00001" "fe00002" "fe00003"
    EmploymentID "e1" "e2"
    LeaveType "t1" "annual"
  </Feishu>
"""
        path = self.tool.conf(block, name="probe.conf")
        mark = self.sim.last_seq()
        status, lines, err = self.tool.run("--probe", path)

        truth = self.sim.truth()
        heads = truth["headcount"]
        onjob = sum(heads[s] for s in ("probation", "regular", "leaving", "nostatus"))
        self.assertEqual(onjob, len(truth["employees"]))
        polls = ceil_div(31 * 86400, 300)
        pages = sum(max(1, ceil_div(heads[s], 50))
                    for s in ("probation", "regular", "leaving", "nostatus", "preentry"))
        attendance = ceil_div(onjob, 50)
        signins = ceil_div(onjob, 10)
        leave = 2 * ceil_div(onjob, 50)
        reports = 1 + 1
        counted = (attendance + leave + reports + 1 + signins) * polls + 31

        sent = self.sim.requests(mark)
        self.assertIn(
            'probe "acme" (DingTalk): token fetched; %d on-job employees (probation %d, '
            'regular %d, leaving %d, nostatus %d), %d pre-entry; %d requests, 0 counted'
            % (onjob, heads["probation"], heads["regular"], heads["leaving"],
               heads["nostatus"], heads["preentry"],
               len([r for r in sent if r["app"] == "dingsimkey"])), lines, err)
        for line in [
                "  departures: at least 1 call a poll, at least %d a month, not counted" % polls,
                "  headcount: %d calls a poll, %d a month, not counted" % (pages, pages * polls),
                "  attendance: %d calls a poll, %d a month, counted"
                % (attendance, attendance * polls),
                "  leave: at least %d calls a poll, at least %d a month, counted"
                % (leave, leave * polls),
                "  reports: at least %d calls a poll and 1 a day, at least %d a month, counted"
                % (reports, reports * polls + 31),
                "  announcements: at least 1 call a poll, at least %d a month, counted" % polls,
                "  signins: at least %d calls a poll, at least %d a month, counted"
                % (signins, signins * polls),
                "  counted calls a month: at least %d (%d polls of a 31-day month, every 300 s), "
                "of MonthlyQuota 5000" % (counted, polls),
                "  the quota planner polls the counted collectors less often than every 300 s, "
                "so that the month fits in 5000 calls",
                "probe \"intl\" (Feishu): token fetched; 1 request, 0 counted",
                "  attendance: 1 call a poll, %d a month, not counted" % polls,
                "  leave_expiry: 2 calls a poll, %d a month, not counted" % (2 * polls),
                "  no call counts against a monthly quota on Feishu"]:
            self.assertIn(line, lines, "\n".join(lines))
        self.assertEqual([line for line in lines if line.startswith("error: ")], [])
        self.assertEqual(status, 0)

        # Not one counted call: by the simulator's count, and by endpoint.
        self.assertEqual(self.counted_calls(), 0)
        self.assertEqual(sorted({r["endpoint"] for r in sent}),
                         ["gettoken", "queryonjob", "querypreentry", "tenantToken"])
        self.assertEqual(self.sim.violations(), [])

    def test_probe_within_the_quota(self):
        block = self.account("small", '    Collect "departures" "headcount" "attendance"\n'
                             '    UserID "u00001" "u00002"\n    Interval 86400')
        path = self.tool.conf(block, name="small.conf")
        status, lines, err = self.tool.run("--probe", path)
        self.assertIn("  attendance: 1 call a poll, 31 a month, counted", lines, err)
        self.assertIn("  counted calls a month: 31 (31 polls of a 31-day month, every 86400 s), "
                      "of MonthlyQuota 5000", lines)
        self.assertFalse([line for line in lines if "quota planner" in line], lines)
        self.assertEqual(lines[-1], "%s: no problems" % path)
        self.assertEqual(status, 0)
        self.assertEqual(self.counted_calls(), 0)

    def test_probe_collector_over_the_monthly_quota(self):
        block = self.account("tight", '    Collect "departures" "reports"\n'
                             '    ReportReader "manager01" "boss"\n'
                             '    ReportReader "manager02" "deputy"\n'
                             '    MonthlyQuota 2', key="quotakey", secret="quotasecret")
        path = self.tool.conf(block, name="tight.conf")
        status, lines, err = self.tool.run("--probe", path)
        self.assertIn("  reports: at least 3 calls a poll and 1 a day, at least %d a month, "
                      "counted" % (3 * ceil_div(31 * 86400, 300) + 31), lines, err)
        self.assertEqual([line for line in lines if line.startswith("error: ")], [
            'error: "tight": collector reports costs at least 3 counted calls a poll, more '
            'than MonthlyQuota 2 allows a month: it would never run'])
        self.assertEqual(status, 1)
        self.assertEqual(self.sim.get("/_sim/config")["quota_used"]["quotakey"], 0)

    def test_probe_without_a_monthly_quota(self):
        block = self.account("free", '    Collect "attendance"\n    MonthlyQuota 0',
                             key="freekey", secret="freesecret")
        path = self.tool.conf(block, name="free.conf")
        status, lines, err = self.tool.run("--probe", path)
        self.assertTrue([line for line in lines
                         if line.startswith("  counted calls a month: ")
                         and line.endswith("no MonthlyQuota to keep")], (lines, err))
        self.assertEqual(status, 0)

    def test_probe_with_refused_credentials(self):
        block = self.account("wrong", "", secret="not-the-secret-77")
        path = self.tool.conf(block, name="wrong.conf")
        status, lines, _ = self.tool.run("--probe", path)
        errors = [line for line in lines if line.startswith("error: ")]
        self.assertEqual(len(errors), 1, lines)
        self.assertTrue(errors[0].startswith('error: "wrong": probe failed: gettoken'), errors)
        self.assertIn("credentials refused", errors[0])
        self.assertNotIn("not-the-secret-77", "\n".join(lines))
        self.assertEqual(status, 1)


class NameClashInCollectd(PluginTestCase):
    """The plugin itself refuses a robot named like an account."""

    def test_robot_named_like_an_account(self):
        missing = [p for p in (harness.COLLECTD,
                               os.path.join(harness.COLLECTD_PLUGINDIR, "unixsock.so"),
                               os.path.join(harness.BUILDDIR, "workforce.so"))
                   if not os.path.exists(p)]
        if missing and not os.environ.get("CI"):
            self.skipTest("missing: " + ", ".join(missing))
        sim = self.simulator("--employees", "40", "--seed", "2")
        block = dingtalk_block("acme", sim) + f"""  <Robot "acme">
    Platform "dingtalk"
    URL "{sim.url}/robot/send?access_token=clash"
  </Robot>
"""
        cd = self.collectd(block)
        wait_for(lambda: cd.values("acme", "headcount"), what="the account's values")
        log = cd.read_log()
        self.assertIn('workforce plugin: <Robot "acme">: <DingTalk "acme"> has this name '
                      'already: an account and a robot of one name would share a plugin '
                      'instance; give each its own name', log)
        self.assertIn("1 block(s) or option(s) refused; 1 account(s) loaded", log)
        self.assertNotIn("robot_messages", " ".join(cd.listval()))


if __name__ == "__main__":
    if not os.path.exists(TOOL):
        print("missing: " + TOOL, file=sys.stderr)
        if os.environ.get("CI"):
            sys.exit(1)
        print("SKIP: collectd-workforce-check is not built", file=sys.stderr)
        sys.exit(harness.SKIP)
    unittest.main(verbosity=2)
