#!/bin/sh
# Runs a command and prints its peak anonymous memory (RssAnon, sampled
# every 10 ms from /proc) and wall time on stderr, as "peak_anon_kb=N
# wall_s=S".  File-backed pages (the store's page cache) are not counted:
# they are the kernel's, reclaimable, and not what "flat memory" means.
"$@" &
pid=$!
peak=0
start=$(date +%s.%N)
while kill -0 "$pid" 2>/dev/null; do
  a=$(sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null)
  [ -n "$a" ] && [ "$a" -gt "$peak" ] && peak=$a
  sleep 0.01
done
wait "$pid"
rc=$?
end=$(date +%s.%N)
echo "peak_anon_kb=$peak wall_s=$(echo "$end - $start" | bc)" >&2
exit $rc
