#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the Debian package of collectd-workforce from a clean copy of this
# tree into OUTDIR (the .deb, its -dbgsym, the .changes and .buildinfo, and
# build.log), then runs lintian on them. Exit status 1 when the build fails
# or lintian reports any error or warning (informational tags are shown,
# and do not fail).
#
#   tests/package/build.sh OUTDIR && tests/package/smoke.sh OUTDIR
#
# Needs dpkg-dev, debhelper, lintian and the build dependencies of
# debian/control (contrib/install-deps.sh installs them all).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -ne 1 ]; then
  echo "usage: tests/package/build.sh OUTDIR" >&2
  exit 2
fi
mkdir -p "$1"
outdir=$(cd "$1" && pwd)

# The package version is configure.ac's, with a Debian revision.
version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$top/configure.ac")
debversion=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
if [ "${debversion%-*}" != "$version" ]; then
  echo "build.sh: configure.ac is at $version but debian/changelog at $debversion" >&2
  exit 1
fi
arch=$(dpkg-architecture -qDEB_HOST_ARCH)

work=$(mktemp -d /tmp/wf-package.XXXXXX)
trap 'rm -rf "$work"' EXIT
src="$work/collectd-workforce-$version"
mkdir "$src"

# A clean copy: what git tracks or would add (nothing it ignores, so no
# build products of the tree); from a tree without git, everything but
# what its .gitignore files name.
started=$(date +%s)
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # shellcheck disable=SC2016 # $f is the inner shell's
  (cd "$top" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
    tar --null -T - -cf -) | tar -C "$src" -xf -
else
  (cd "$top" && tar --exclude-vcs --exclude-vcs-ignores -cf - .) |
    tar -C "$src" -xf -
fi

echo "== dpkg-buildpackage -us -uc -b ($debversion, $arch)"
rm -f "$outdir"/collectd-workforce_* "$outdir"/collectd-workforce-dbgsym_*
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$outdir/build.log" 2>&1; then
  tail -n 60 "$outdir/build.log"
  echo "build.sh: dpkg-buildpackage failed; the whole log is $outdir/build.log" >&2
  exit 1
fi
# The unit tests that ran during the build.
grep -E '^(PASS|FAIL|ERROR|SKIP|XFAIL|XPASS): |^# (TOTAL|PASS|FAIL|ERROR):' \
  "$outdir/build.log" || true
for f in "$work"/collectd-workforce*_"$debversion"_*; do
  mv "$f" "$outdir/"
done
built=$(date +%s)
ls -l "$outdir"/collectd-workforce*_"$debversion"_*
echo "build: $((built - started)) s"

echo "== lintian"
changes="$outdir/collectd-workforce_${debversion}_$arch.changes"
# lintian unpacks what it checks: as root, it does that as nobody when
# nobody can read OUTDIR.
as_user=""
if [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null 2>&1 &&
  runuser -u nobody -- test -r "$changes" 2>/dev/null; then
  as_user="runuser -u nobody --"
fi
status=0
$as_user lintian --fail-on error,warning --display-info "$changes" || status=1
echo "lintian: $(($(date +%s) - built)) s, $( [ $status -eq 0 ] &&
  echo "no error or warning" || echo "errors or warnings above")"
exit "$status"
