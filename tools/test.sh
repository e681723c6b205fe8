#!/bin/sh
# The whole test suite, as CI runs it: set-up (tools/setup.sh) with
# AddressSanitizer and UndefinedBehaviorSanitizer, `make check`, then
# `make distcheck` (the release gate: a tarball that builds, installs
# and passes its own tests).
set -eu
cd "$(dirname "$0")/.."
# What only the tests need: a real browser for the HTML report's test,
# ImageMagick to look at its screenshot, script(1) for the terminal tests,
# valgrind for the leak check of an uninstrumented build.
test_pkgs="chromium imagemagick bsdutils openssl valgrind"
missing=""
for p in $test_pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "test: installing$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi
tools/setup.sh --enable-asan --enable-ubsan --enable-werror
status=0
make -j"$(nproc)" check || status=$?
# One closing line that any CI reader understands.
log=test-suite.log
pass=$(sed -n 's/^# PASS: *//p' "$log" 2>/dev/null | head -n 1 || true)
fail=$(sed -n 's/^# FAIL: *//p' "$log" 2>/dev/null | head -n 1 || true)
err=$(sed -n 's/^# ERROR: *//p' "$log" 2>/dev/null | head -n 1 || true)
skip=$(sed -n 's/^# SKIP: *//p' "$log" 2>/dev/null | head -n 1 || true)
failed=$(( ${fail:-0} + ${err:-0} ))
# A harness that broke before counting anything still failed.
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "tests: ${pass:-0} passed, $failed failed, ${skip:-0} skipped"
if [ "$status" -ne 0 ]; then
  for f in tests/*.log; do
    case "$f" in tests/test-suite.log) continue ;; esac
    if grep -q '^FAIL\|^ERROR' "${f%.log}.trs" 2>/dev/null; then
      echo "==== $f"; tail -n 60 "$f"
    fi
  done
  exit "$status"
fi
make -j"$(nproc)" distcheck DISTCHECK_CONFIGURE_FLAGS="--enable-werror" >/dev/null
echo "distcheck: passed"
