#!/bin/sh
# SPDX-License-Identifier: MIT
# The quick start: installs what is missing (Debian 12), builds the plugin,
# starts the bundled simulator (a DingTalk and a Feishu organisation of
# 1,000 employees), and runs the real collectd with the plugin against it,
# showing on one screen the live values, the notifications and the group
# robot's deliveries as they come: a threshold on today's departures fires,
# and goes to the log and to a group robot.
#
#   contrib/demo.sh                 runs until Ctrl-C
#   DEMO_SECONDS=20 contrib/demo.sh stops by itself after 20 seconds
#   WF_SKIP_DEPS=1 contrib/demo.sh  skips the check for missing packages
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)

if [ -z "${WF_SKIP_DEPS:-}" ]; then
  contrib/install-deps.sh demo
fi
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j2

collectd=$(command -v collectd || echo /usr/sbin/collectd)
plugindir=/usr/lib/collectd
work=$(mktemp -d /tmp/workforce-demo.XXXXXX)
sim_pid=""
collectd_pid=""
cleanup() {
  [ -n "$collectd_pid" ] && kill "$collectd_pid" 2>/dev/null && wait "$collectd_pid" 2>/dev/null
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The simulator prints "READY port=N" once it listens.
mkfifo "$work/ready"
python3 tests/sim/wfsim.py --port 0 --employees 1000 --seed 1 --quiet \
  --monthly-quota 0 >"$work/ready" 2>"$work/simulator.log" &
sim_pid=$!
read -r ready <"$work/ready"
port=${ready#READY port=}
echo "simulator: http://127.0.0.1:$port (DingTalk and Feishu, 1,000 employees each)"

# Feishu has no employee list in this plugin: watch the first 100
# employees' attendance and the first 20 employments' leave grants. The
# DingTalk account reads every on-job employee; each of its collectors
# dispatches its values as soon as it completes, the first within seconds.
feishu_options=$(python3 -c '
import json, sys, urllib.request
url = "http://127.0.0.1:%s/_sim/truth?platform=feishu" % sys.argv[1]
truth = json.load(urllib.request.urlopen(url))
quote = lambda ids: " ".join("\"%s\"" % i for i in ids)
print("    UserID", quote(truth["employees"][:100]))
print("    EmploymentID", quote(truth["employment_ids"][:20]))
names = {"年假": "annual", "调休假": "compensatory", "病假": "sick"}
for t in truth["leave_types"]:
    print("    LeaveType \"%s\" \"%s\"" % (t["leave_type_id"], names.get(t["name"], "other")))
' "$port")

cat >"$work/collectd.conf" <<CONF
Hostname "demo"
FQDNLookup false
# Other callbacks (the robots' counters among them) every 5 s; each
# account polls at its own Interval below.
Interval 5
BaseDir "$work"
PIDFile "$work/collectd.pid"
TypesDB "/usr/share/collectd/types.db" "$top/src/workforce.types.db"
PluginDir "$plugindir"
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$work/collectd.log"
  Timestamp true
  PrintSeverity true
</Plugin>
LoadPlugin unixsock
<Plugin unixsock>
  SocketFile "$work/collectd.sock"
  SocketGroup "$(id -gn)"
</Plugin>
# The counters' totals: unixsock gives them as rates per second only.
LoadPlugin csv
<Plugin csv>
  DataDir "$work/csv"
  StoreRates false
</Plugin>
PluginDir "$top"
LoadPlugin workforce
<Plugin workforce>
  <DingTalk "acme">
    AppKey "dingsimkey"
    AppSecret "dingsimsecret"
    OapiURL "http://127.0.0.1:$port"
    ApiURL "http://127.0.0.1:$port"
    Interval 20
    UTCOffset "+08:00"
    Timeout 10
    Collect "departures" "headcount" "attendance" "signins" "leave" "reports" "announcements"
    # The simulated organisation has no monthly call quota (a paid
    # edition): nothing to plan. On the standard edition leave this out,
    # and the planner fits the counted collectors into 5,000 calls a month.
    MonthlyQuota 0
    OperatorUserID "manager01"
    ReportReader "manager01" "manager"
    # The simulated organisation has several departures today: this fires.
    <Threshold "departures_today">
      WarningMax 1
      FailureMax 10
    </Threshold>
  </DingTalk>
  <Feishu "acme-intl">
    AppID "cli_simapp"
    AppSecret "feishusimsecret"
    URL "http://127.0.0.1:$port"
    Interval 20
    UTCOffset "+08:00"
    Collect "attendance" "leave_expiry"
$feishu_options
    ExpiryWindowDays 30
  </Feishu>
  # Notifications also go to the simulator's group robot, signed.
  <Robot "ops">
    Platform "dingtalk"
    URL "http://127.0.0.1:$port/robot/send?access_token=robottoken"
    Secret "SECrobotsecret"
    MinSeverity "warning"
  </Robot>
</Plugin>
CONF

"$collectd" -f -C "$work/collectd.conf" >"$work/collectd.out" 2>&1 &
collectd_pid=$!
echo "collectd: $work/collectd.conf"
# collectd writes to the terminal only until its log plugin runs: when it
# refuses the configuration, show why.
tries=0
while [ ! -S "$work/collectd.sock" ] && [ "$tries" -lt 100 ]; do
  if ! kill -0 "$collectd_pid" 2>/dev/null; then
    cat "$work/collectd.out" >&2
    collectd_pid=""
    exit 1
  fi
  tries=$((tries + 1))
  sleep 0.1
done

python3 contrib/demo-watch.py --socket "$work/collectd.sock" \
  --log "$work/collectd.log" --types "$top/src/workforce.types.db" \
  --csv "$work/csv" --simulator "http://127.0.0.1:$port" \
  --config "$work/collectd.conf" --seconds "${DEMO_SECONDS:-0}"
