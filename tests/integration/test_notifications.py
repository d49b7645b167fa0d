#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: thresholds and collector health in the real collectd, with
notifications captured through collectd's own logfile and exec plugins
and through signed group robot messages the simulator checks."""

import getpass
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import PluginTestCase, dingtalk_block, wait_for  # noqa: E402

DT_ROBOT_TOKEN = "robottoken"
DT_ROBOT_SECRET = "SECrobotsecret"
FS_ROBOT_HOOK = "robothook"
FS_ROBOT_SECRET = "feishurobotsecret"


class NotificationSinks:
    """collectd's exec plugin running a script that appends every
    notification it is given to a file."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="wfnotify-")
        os.chmod(self.dir, 0o777)
        self.output = os.path.join(self.dir, "exec-notifications.txt")
        self.script = os.path.join(self.dir, "notify.sh")
        with open(self.script, "w", encoding="utf-8") as f:
            f.write('#!/bin/sh\n{ cat; echo "--END--"; } >> "%s"\n' % self.output)
        os.chmod(self.script, 0o755)
        # collectd's exec plugin refuses to run programs as root.
        user = "nobody" if os.geteuid() == 0 else getpass.getuser()
        self.config = ('LoadPlugin exec\n<Plugin exec>\n  NotificationExec "%s" "%s"\n'
                       '</Plugin>\n' % (user, self.script))

    def exec_notifications(self):
        """The notifications the exec script received, as dicts."""
        try:
            with open(self.output, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            return []
        out = []
        for block in text.split("--END--\n"):
            if not block.strip():
                continue
            head, _, message = block.partition("\n\n")
            fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
            fields["message"] = message.strip()
            out.append(fields)
        return out

    def cleanup(self):
        for name in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)


def robot_blocks(sim):
    """A signed DingTalk robot and a signed Feishu robot on the simulator."""
    return f"""  <Robot "ops">
    Platform "dingtalk"
    URL "{sim.url}/robot/send?access_token={DT_ROBOT_TOKEN}"
    Secret "{DT_ROBOT_SECRET}"
    MinSeverity "okay"
  </Robot>
  <Robot "intl">
    Platform "feishu"
    URL "{sim.url}/open-apis/bot/v2/hook/{FS_ROBOT_HOOK}"
    Secret "{FS_ROBOT_SECRET}"
    MinSeverity "okay"
  </Robot>
"""


class ThresholdNotifications(PluginTestCase):
    """A warning, a failure and the return to okay, each exactly once,
    through logfile, exec and two signed robots."""

    def test_transitions_once_each(self):
        sim = self.simulator("--employees", "80", "--seed", "21")
        sinks = NotificationSinks()
        self.addCleanup(sinks.cleanup)
        base = sim.truth()["headcount"]["regular"]
        threshold = f"""    <Threshold "headcount">
      Instance "regular"
      WarningMax {base + 2}
      FailureMax {base + 4}
    </Threshold>
    <Threshold "departures_today">
      FailureMax 1000
    </Threshold>
"""
        cd = self.collectd(dingtalk_block("acme", sim, extra=threshold) + robot_blocks(sim),
                           extra=sinks.config)
        wait_for(lambda: cd.getval("workforce-acme/headcount-regular") == base,
                 what="the baseline headcount")
        # Steady state within bounds: nothing is sent.
        self.assertEqual(cd.notifications("headcount"), [])
        self.assertEqual(cd.notifications("departures_today"), [])

        added = sim.post("/_sim/mutate", {"add_employees": {"status": 3, "count": 3}})
        wait_for(lambda: cd.notifications("headcount"), what="the warning")
        added2 = sim.post("/_sim/mutate", {"add_employees": {"status": 3, "count": 2}})
        wait_for(lambda: len(cd.notifications("headcount")) >= 2,
                 what="the failure")
        for uid in added["added_employees"] + added2["added_employees"]:
            sim.post("/_sim/mutate", {"set_status": {"userid": uid, "status": 2}})
        wait_for(lambda: len(cd.notifications("headcount")) >= 3,
                 what="the return to okay")
        # Three more polls: nothing else may come.
        sim.wait_requests(3, "querypreentry", what="three more polls")

        got = cd.notifications("headcount")
        self.assertEqual([s for s, _ in got], ["WARNING", "FAILURE", "OKAY"], got)
        self.assertIn("acme: %d employees (regular), above the warning bound %d"
                      % (base + 3, base + 2), got[0][1])
        self.assertIn("above the failure bound %d" % (base + 4), got[1][1])
        self.assertIn("back within bounds after failure", got[2][1])
        self.assertEqual(cd.notifications("departures_today"), [])

        # exec: the same three, with the meta data.
        wait_for(lambda: len([n for n in sinks.exec_notifications()
                              if n.get("Type") == "headcount"]) >= 3,
                 what="exec notifications")
        execd = [n for n in sinks.exec_notifications() if n.get("Type") == "headcount"]
        self.assertEqual([n["Severity"] for n in execd], ["WARNING", "FAILURE", "OKAY"])
        self.assertEqual(execd[0]["Plugin"], "workforce")
        self.assertEqual(execd[0]["PluginInstance"], "acme")
        self.assertEqual(execd[0]["TypeInstance"], "regular")
        self.assertEqual(float(execd[1]["CurrentValue"]), base + 5)
        self.assertEqual(float(execd[1]["FailureMax"]), base + 4)
        self.assertEqual(float(execd[1]["WarningMax"]), base + 2)

        # Robots: signed, accepted, one message per transition each.
        def robot(platform):
            return [m for m in sim.get("/_sim/robot_messages")
                    if m["platform"] == platform and "employees (regular)" in m["text"]]
        wait_for(lambda: len(robot("dingtalk")) >= 3 and len(robot("feishu")) >= 3,
                 what="robot messages")
        for platform in ("dingtalk", "feishu"):
            messages = robot(platform)
            self.assertEqual(len(messages), 3, messages)
            self.assertTrue(all(m["signature_ok"] for m in messages), messages)
            self.assertEqual([m["severity"] for m in messages],
                             ["WARNING", "FAILURE", "OKAY"])
        self.assertEqual(robot("dingtalk")[0]["msgtype"], "markdown")
        self.assertEqual(robot("feishu")[0]["msgtype"], "text")
        wait_for(lambda: cd.counter("ops", "robot_messages", "sent") == 3,
                 what="robot_messages-sent of ops")
        self.assertEqual(cd.counter("ops", "robot_messages", "dropped"), 0)
        log = cd.read_log()
        self.assertNotIn(DT_ROBOT_TOKEN, log)
        self.assertNotIn(DT_ROBOT_SECRET, log)
        self.assertNotIn(FS_ROBOT_HOOK, log)


class CollectorHealth(PluginTestCase):
    """Credentials refused: one WARNING naming the cause, one OKAY."""

    def test_failing_collector_warns_once_and_recovers(self):
        sim = self.simulator("--employees", "40", "--seed", "22")
        sinks = NotificationSinks()
        self.addCleanup(sinks.cleanup)
        cd = self.collectd(dingtalk_block("acme", sim, extra='    Collect "departures" "headcount"')
                           + robot_blocks(sim), extra=sinks.config)
        wait_for(lambda: cd.values("acme", "headcount"), what="first values")
        sim.post("/_sim/fault", {"endpoint": "gettoken", "kind": "errcode",
                                 "errcode": 40001, "count": 1000})
        sim.post("/_sim/revoke_tokens")
        wait_for(lambda: len(cd.notifications("data_age")) >= 2,
                 what="the collector warnings")
        sim.wait_requests(3, "gettoken", what="three more failing polls")
        sim.post("/_sim/fault/clear")
        wait_for(lambda: len([n for n in cd.notifications("data_age")
                              if n[0] == "OKAY"]) >= 2, what="the recoveries")
        got = cd.notifications("data_age")
        warnings = [m for s, m in got if s == "WARNING"]
        okays = [m for s, m in got if s == "OKAY"]
        self.assertEqual(len(warnings), 2, got)  # departures and headcount
        self.assertEqual(len(okays), 2, got)
        for m in warnings:
            self.assertIn("credentials refused", m)
            self.assertIn("errcode 40001", m)
        self.assertTrue(any("collector headcount works again" in m for m in okays))
        wait_for(lambda: len([m for m in sim.get("/_sim/robot_messages")
                              if "collector" in m["text"]]) >= 8,
                 what="robot messages about the collectors")


if __name__ == "__main__":
    harness.require_tools()
    unittest.main(verbosity=2)
