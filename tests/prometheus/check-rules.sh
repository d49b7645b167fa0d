#!/bin/sh
# SPDX-License-Identifier: MIT
# Checks contrib/prometheus/workforce.rules.yml with promtool: the syntax and
# the expressions (`promtool check rules`), then the unit tests in
# workforce.rules.test.yml (`promtool test rules`). promtool's output is
# printed as it is.
#
# Exit status: 0 when both pass, 1 when one fails, 77 (automake's "skipped")
# when promtool is missing, except when CI is set: there a missing promtool
# is a failure. PROMTOOL names the binary (default: promtool on PATH);
# WF_SRCDIR the source tree (default: two levels above this script).
set -u

srcdir=${WF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
rules_dir="$srcdir/contrib/prometheus"
promtool=${PROMTOOL:-promtool}

if ! command -v "$promtool" >/dev/null 2>&1; then
  echo "check-rules.sh: promtool not found (\"$promtool\"); install Debian's prometheus package or set PROMTOOL" >&2
  if [ -n "${CI:-}" ]; then
    exit 1
  fi
  echo "SKIP: the Prometheus rules are not checked" >&2
  exit 77
fi

status=0
echo "== $promtool check rules workforce.rules.yml"
"$promtool" check rules "$rules_dir/workforce.rules.yml" || status=1

# promtool reads rule_files relative to the test file: run it from there.
echo "== $promtool test rules workforce.rules.test.yml"
(cd "$rules_dir" && "$promtool" test rules workforce.rules.test.yml) || status=1

if [ "$status" -eq 0 ]; then
  echo "check-rules.sh: PASS"
else
  echo "check-rules.sh: FAIL" >&2
fi
exit "$status"
