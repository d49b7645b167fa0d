#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Adds up the test cases of every test program's log and prints one line,
"N passed, N failed, N skipped", so that a run of `make check` closes with
the number of test cases rather than the number of programs.

Usage: summary.py LOG...  (automake's per-test .log files)
"""

import re
import sys


def count(text):
    """(passed, failed, skipped) of one log: cmocka or Python unittest."""
    passed = failed = skipped = 0
    found = False
    for m in re.finditer(r"^\[  PASSED  \] (\d+) test", text, re.M):
        passed += int(m.group(1))
        found = True
    for m in re.finditer(r"^\[  FAILED  \] (\d+) test", text, re.M):
        failed += int(m.group(1))
        found = True
    for m in re.finditer(r"^\[  SKIPPED \] (\d+) test", text, re.M):
        skipped += int(m.group(1))
    # tests/fuzz/replay: one case, passed when it got to the end.
    if re.search(r"^replayed \d+ inputs through the answer readers$", text, re.M):
        found = True
        passed += 1
    # unittest: one "Ran N tests" per program run, then OK or FAILED (...).
    for ran in re.finditer(r"^Ran (\d+) tests? in .*\n+(OK|FAILED)(?: \((.*)\))?$",
                           text, re.M):
        found = True
        total = int(ran.group(1))
        detail = ran.group(3) or ""
        bad = skip = 0
        for key in ("failures", "errors"):
            m = re.search(key + r"=(\d+)", detail)
            bad += int(m.group(1)) if m else 0
        m = re.search(r"skipped=(\d+)", detail)
        skip = int(m.group(1)) if m else 0
        passed += total - bad - skip
        failed += bad
        skipped += skip
    return found, passed, failed, skipped


def main(paths):
    passed = failed = skipped = 0
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        found, p, fl, s = count(text)
        if not found:
            # A program that died before reporting counts as one failure,
            # unless automake says it was skipped.
            trs = path[:-4] + ".trs"
            try:
                with open(trs, encoding="utf-8") as f:
                    res = re.search(r":test-result: (\w+)", f.read()).group(1)
            except (OSError, AttributeError):
                res = "FAIL"
            if res == "SKIP":
                s = 1
            elif res == "PASS":
                p = 1
            else:
                fl = 1
        passed, failed, skipped = passed + p, failed + fl, skipped + s
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
