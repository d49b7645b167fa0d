#!/bin/sh
# SPDX-License-Identifier: MIT
# notify.sh: logs collectd notifications, for collectd's exec plugin.
#
#   LoadPlugin exec
#   <Plugin exec>
#     NotificationExec "nobody" "/path/to/notify.sh"
#   </Plugin>
#
# (notify-exec.conf, installed with the examples, names the path where
# `make install` or the Debian package put this script.)
#
# collectd starts this program once for every notification and writes the
# notification to its standard input (collectd-exec(5)): header lines
# "Name: value" (Severity, Time, Host, Plugin, PluginInstance, Type,
# TypeInstance, then meta data such as CurrentValue or FailureMax), an
# empty line, and the message. The program's standard output goes to
# /dev/null, so this script logs each notification as one line through
# syslog (logger(1), facility daemon, priority by severity) and, with -f,
# appends the line to a file as well.
#
# Options (extra arguments of NotificationExec):
#   -a       every plugin's notifications, not only the workforce plugin's
#   -f FILE  also append the line to FILE (which the user must be able to write)
#   -t TAG   syslog tag (default: collectd-workforce)
#   -n       print the line on standard output instead of calling logger
#            (to try the script by hand)
#
# Example line:
#   WARNING wfhost/workforce-acme/departures_today (value 12, WarningMax 3,
#   FailureMax 10): acme: 12 departures today (all reasons), above the
#   warning bound 3
set -u

all_plugins=false
file=""
tag="collectd-workforce"
use_logger=true
while getopts af:t:n option; do
  case "$option" in
    a) all_plugins=true ;;
    f) file=$OPTARG ;;
    t) tag=$OPTARG ;;
    n) use_logger=false ;;
    *) echo "usage: notify.sh [-a] [-f FILE] [-t TAG] [-n]" >&2; exit 2 ;;
  esac
done

# Meta data numbers come as "1.200000e+01": write them as "12".
number() {
  if formatted=$(printf '%g' "$1" 2>/dev/null); then
    printf '%s' "$formatted"
  else
    printf '%s' "$1"
  fi
}

severity="" time="" host="" plugin="" plugin_instance="" type="" type_instance=""
details=""
# The header ends at the first empty line.
while IFS= read -r line; do
  line=$(printf '%s' "$line" | tr -d '\r')
  [ -z "$line" ] && break
  name=${line%%:*}
  value=${line#*:}
  value=${value# }
  case "$name" in
    Severity) severity=$value ;;
    Time) time=$value ;;
    Host) host=$value ;;
    Plugin) plugin=$value ;;
    PluginInstance) plugin_instance=$value ;;
    Type) type=$value ;;
    TypeInstance) type_instance=$value ;;
    CurrentValue) details="${details:+$details, }value $(number "$value")" ;;
    WarningMin | WarningMax | FailureMin | FailureMax)
      # An unset bound reads "nan": leave it out.
      case "$value" in
        nan | -nan | NaN) ;;
        *) details="${details:+$details, }$name $(number "$value")" ;;
      esac ;;
    *) ;; # unknown headers are ignored, as collectd-exec(5) asks
  esac
done
# The rest is the message; its lines are joined into one.
message=$(tr '\r\n' '  ' | sed 's/  *$//')

if [ -z "$severity" ] && [ -z "$message" ]; then
  exit 0 # nothing came
fi
if [ "$all_plugins" = false ] && [ "$plugin" != "workforce" ]; then
  exit 0
fi

# collectd's identifier: host/plugin-instance/type-instance.
ident="$host/$plugin${plugin_instance:+-$plugin_instance}"
if [ -n "$type" ]; then
  ident="$ident/$type${type_instance:+-$type_instance}"
fi
text="${severity:-UNKNOWN} $ident${details:+ ($details)}: $message"

case "$severity" in
  FAILURE) priority=daemon.err ;;
  WARNING) priority=daemon.warning ;;
  *) priority=daemon.notice ;;
esac

status=0
if [ "$use_logger" = true ]; then
  logger -t "$tag" -p "$priority" -- "$text" || status=1
else
  printf '%s\n' "$text"
fi
if [ -n "$file" ]; then
  # Time is epoch seconds with decimals; GNU date writes it as UTC.
  stamp=$(date -u -d "@${time%%.*}" '+%Y-%m-%dT%H:%M:%SZ' 2>/dev/null) || stamp=$time
  printf '%s %s\n' "$stamp" "$text" >>"$file" || status=1
fi
exit "$status"
