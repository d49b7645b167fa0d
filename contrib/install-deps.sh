#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs, from Debian 12's archive, what collectd-workforce needs. Run as
# root or with sudo rights.
#
#   contrib/install-deps.sh        everything: build, tests, CI's checks, and
#                                  the Debian package (tests/package/)
#   contrib/install-deps.sh demo   what contrib/demo.sh needs: build and run
#
# Packages already installed are left alone: apt-get runs (update, then
# install) only when one of them is missing.
set -eu

# Building the plugin and running it in collectd.
demo_packages="
  autoconf automake libtool pkg-config make gcc
  collectd-core collectd-dev
  libcurl4-openssl-dev libjson-c-dev libssl-dev
  python3
"
# The tests (unit tests under valgrind, write_prometheus and Prometheus),
# CI's format and static checks, and building and checking the Debian
# package.
all_packages="$demo_packages
  libcmocka-dev valgrind
  libyajl2 libprotobuf-c1 libmicrohttpd12
  clang-format cppcheck
  prometheus
  build-essential debhelper dpkg-dev lintian
"

case "${1:-all}" in
  all) packages=$all_packages ;;
  demo) packages=$demo_packages ;;
  *)
    echo "usage: contrib/install-deps.sh [all|demo]" >&2
    exit 2
    ;;
esac

# A package counts as installed when dpkg has it installed and configured
# ("ii"); anything else (absent, removed, half-configured) is installed again.
missing=""
for package in $packages; do
  state=$(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null || true)
  if [ "$state" != "ii " ]; then
    missing="$missing $package"
  fi
done
if [ -z "$missing" ]; then
  echo "install-deps.sh: every package needed is installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo"
else
  echo "install-deps.sh: run as root, or install sudo, to install:$missing" >&2
  exit 1
fi

echo "install-deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update
# shellcheck disable=SC2086 # the package list is meant to split into words
$as_root apt-get install -y --no-install-recommends $missing
