# SPDX-License-Identifier: MIT
"""Waiting for what a daemon does: polling a condition, and reading a file
(a log, a port file) that it may not have written yet.

Used by the integration tests (harness.py) and by the package's smoke test
(tests/package/smoke.py), which runs without the rest of the harness.
"""

import time


def wait_for(predicate, timeout, what, interval=0.1, error=AssertionError):
    """Polls `predicate` every `interval` seconds until it returns a true
    value, and returns that value; raises `error` after `timeout` seconds,
    saying what was awaited and the last value."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise error("timed out after %.0f s waiting for %s (last: %r)"
                % (timeout, what, last))


def read_text(path):
    """A text file's content, or "" while it does not exist."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""
