#!/bin/sh
# Installs, from Debian 12's archive, everything collectd-workforce needs to
# build, run its demo and run its tests. Run as root or with sudo rights.
set -eu

packages="
  autoconf automake libtool pkg-config make gcc
  collectd-core collectd-dev
  libcurl4-openssl-dev libjson-c-dev libssl-dev
  libcmocka-dev valgrind python3
  libyajl2 libprotobuf-c1 libmicrohttpd12
  clang-format cppcheck
  prometheus
"

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo"
else
  echo "install-deps.sh: run as root, or install sudo" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update
# shellcheck disable=SC2086 # the package list is meant to split into words
$as_root apt-get install -y --no-install-recommends $packages
