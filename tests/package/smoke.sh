#!/bin/sh
# SPDX-License-Identifier: MIT
# Smoke test of the built Debian package, after tests/package/build.sh:
# installs OUTDIR/collectd-workforce_*.deb with apt-get (as root), then
# runs Debian's collectd with the installed plugin against the bundled
# simulator and checks the values it reads (tests/package/smoke.py says
# what is checked). Stops every process it started within SMOKE_TIMEOUT
# seconds (300). Last line: "N passed, N failed"; exit status 0 when
# nothing failed.
#
#   tests/package/build.sh OUTDIR && tests/package/smoke.sh OUTDIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: tests/package/smoke.sh OUTDIR" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "smoke.sh: run as root: it installs the package" >&2
  exit 2
fi

limit=${SMOKE_TIMEOUT:-300}
# timeout signals smoke.py's whole process group, so collectd and the
# simulator stop too; smoke.py then prints its own summary.
timeout --kill-after=15 "$limit" python3 "$here/smoke.py" "$1"
status=$?
if [ "$status" -eq 137 ]; then
  echo "smoke.sh: killed after $limit s"
  echo "0 passed, 1 failed"
fi
exit "$status"
