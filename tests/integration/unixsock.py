# SPDX-License-Identifier: MIT
"""A client of collectd's unixsock plugin: one command a connection, and
the configuration that has collectd listen for it.

Used by the integration tests (harness.py) and by the package's smoke test
(tests/package/smoke.py), which runs without the rest of the harness.
"""

import grp
import os
import socket


def plugin_config(path):
    """The lines of a collectd.conf that load the unixsock plugin with its
    socket at `path`, in this process's group, for command() to use."""
    return f"""LoadPlugin unixsock
<Plugin unixsock>
  SocketFile "{path}"
  SocketGroup "{grp.getgrgid(os.getgid()).gr_name}"
</Plugin>"""


def command(path, line, timeout=10):
    """Sends one command to the socket at `path`; returns (status, lines):
    the number collectd answers with and, when it is positive, that many
    lines that follow it."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(path)
        f = s.makefile("rw", encoding="utf-8", newline="\n")
        f.write(line + "\n")
        f.flush()
        head = f.readline().strip()
        count_text, _, _ = head.partition(" ")
        status = int(count_text)
        lines = [f.readline().rstrip("\n") for _ in range(max(status, 0))]
        return status, lines


def answers(path):
    """True when collectd answers on the socket at `path`."""
    try:
        command(path, "LISTVAL")
        return True
    except OSError:
        return False


def listval(path, hostname):
    """Every identifier of `hostname` that collectd holds, without the
    host, with the time of its last value:
    {"workforce-acme/headcount-regular": time}."""
    _, lines = command(path, "LISTVAL")
    out = {}
    for line in lines:
        t, ident = line.split(" ", 1)
        host, _, rest = ident.partition("/")
        if host == hostname:
            out[rest] = float(t)
    return out


def getval(path, hostname, ident):
    """The value of `ident` ("workforce-acme/headcount-regular") of
    `hostname`, or None when collectd has none."""
    status, lines = command(path, 'GETVAL "%s/%s"' % (hostname, ident))
    if status < 1:
        return None
    return float(lines[0].split("=", 1)[1])
