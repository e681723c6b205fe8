#!/bin/sh
# Set-up on a fresh Debian 12 machine: installs the build packages that are
# missing (apt-get, through sudo when not root), bootstraps autotools and
# builds mkpostmortem in the source tree.  Extra arguments go to configure.
# Used by the README's first command and by tools/test.sh.
set -eu
cd "$(dirname "$0")/.."

need="build-essential autoconf automake pkg-config libpcre2-dev libyaml-dev \
libsqlite3-dev zlib1g-dev sqlite3 jq"
missing=""
for p in $need; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

[ -x configure ] && [ configure -nt configure.ac ] && [ configure -nt Makefile.am ] ||
  autoreconf -fi
./configure -q "$@"
make -j"$(nproc)" -s
