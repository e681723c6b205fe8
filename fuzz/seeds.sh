#!/bin/sh
# Builds the seed corpus of the fuzz harnesses from the repository's own
# inputs, for `make fuzz` (fuzz/run.sh) and `make check`
# (tests/fuzz-replay.sh):
#   OUT/inputs/  every artifact under fixtures/ (bundles and captures) and
#                every hand-written golden input tests/golden/*/*.in,
#                decompressed when gzipped (the parsers see decompressed
#                bytes); for fuzz-parser and fuzz-sniff
#   OUT/rules/   rules/*.yaml and every *.yaml/*.yml under fixtures/ and
#                doc/; for fuzz-rules
# Test metadata (*.expect, *.expected, fixtures.list), scripts, READMEs,
# Go sources and the regression inputs (replayed on their own) are left
# out.  File names are the source path with '/' as '__', so a seed that
# finds something says where it came from.
# Usage: seeds.sh SRCDIR OUT   (OUT is emptied first)
set -eu
src=$1
out=$2
rm -rf "$out"
mkdir -p "$out/inputs" "$out/rules"

flat() { printf '%s' "$1" | sed 's|/|__|g'; }

( cd "$src" && find fixtures tests/golden -type f \
    ! -path 'fixtures/fuzz-regressions/*' ! -path 'fixtures/go/*' \
    ! -name '*.expect' ! -name '*.expected' ! -name 'fixtures.list' \
    ! -name '*.sh' ! -name '*.md' ! -name 'README*' \
    ! -name '*.yaml' ! -name '*.yml' | LC_ALL=C sort ) |
while IFS= read -r f; do
  case $f in
    tests/golden/*) case $f in *.in) ;; *) continue ;; esac ;;
  esac
  name=$(flat "$f")
  case $f in
    *.gz) gzip -dc "$src/$f" >"$out/inputs/${name%.gz}" 2>/dev/null ||
            cp "$src/$f" "$out/inputs/$name" ;;
    *) cp "$src/$f" "$out/inputs/$name" ;;
  esac
done

( cd "$src" && { ls rules/*.yaml 2>/dev/null
    find fixtures doc -type f \( -name '*.yaml' -o -name '*.yml' \) \
      ! -path 'fixtures/fuzz-regressions/*' 2>/dev/null; } | LC_ALL=C sort ) |
while IFS= read -r f; do
  cp "$src/$f" "$out/rules/$(flat "$f")"
done
echo "seeds: $(ls "$out/inputs" | wc -l) inputs, $(ls "$out/rules" | wc -l) rule files in $out"
