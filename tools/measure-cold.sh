#!/usr/bin/env bash
# Reproduces the numbers in tools/README.md: a true fresh-machine cold build
# (empty tool cache, empty GOMODCACHE, empty GOCACHE) of each tool in the
# order install.sh uses, then a warm run. Needs /usr/bin/time (Debian: `time`).
#
#   bash tools/measure-cold.sh [workdir [tool...]]
#     workdir defaults to /tmp/ss-tools-cold (wiped first); tools default to
#     all three, in install.sh order.
#
# Per tool it reports wall time, the "Maximum resident set size" of
# /usr/bin/time -v (the largest single process: a compile or the link) and the
# peak of system-wide used memory (MemTotal - MemAvailable, sampled every
# second, minus the baseline), which also counts processes running at once.
set -euo pipefail

TOOLS_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="${1:-/tmp/ss-tools-cold}"
shift || true
TOOLS=("$@")
[ "${#TOOLS[@]}" -gt 0 ] || TOOLS=(lambda-rie opentofu terraform-provider-aws)
[ -x /usr/bin/time ] || {
  echo "needs /usr/bin/time (apt-get install -y time)" >&2
  exit 1
}

if [ -d "$WORK" ]; then
  chmod -R u+w "$WORK" 2>/dev/null || true # GOMODCACHE is read-only
  rm -rf "$WORK"
fi
mkdir -p "$WORK"
export SERVERLESS_SPACY_CACHE="$WORK/cache" GOMODCACHE="$WORK/gomodcache" GOCACHE="$WORK/gocache"

used_kib() { awk '/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 } END { print t - a }' /proc/meminfo; }

measure() { # <label> <install.sh args...>
  local label="$1" base peak_file sampler
  shift
  base="$(used_kib)"
  peak_file="$WORK/$label.peak"
  echo "$base" >"$peak_file"
  (
    peak="$base"
    while sleep 1; do
      u="$(used_kib)"
      if [ "$u" -gt "$peak" ]; then
        peak="$u"
        echo "$peak" >"$peak_file"
      fi
    done
  ) &
  sampler=$!
  /usr/bin/time -v -o "$WORK/$label.time" bash "$TOOLS_SRC/install.sh" "$@" >/dev/null 2>"$WORK/$label.log" || {
    kill "$sampler"
    cat "$WORK/$label.log" >&2
    return 1
  }
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  local wall rss sys
  wall="$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$WORK/$label.time")"
  rss="$(awk -F': ' '/Maximum resident set size/ { printf "%.2f GiB", $2 / 1048576 }' "$WORK/$label.time")"
  sys="$(awk -v b="$base" '{ printf "%.2f GiB", ($1 - b) / 1048576 }' "$peak_file")"
  printf '| %-28s | %10s | %12s | %14s |\n' "$label" "$wall" "$rss" "$sys"
}

memory="$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "Go: $(go version 2>/dev/null || /usr/local/go/bin/go version); $(nproc) cores; $memory"
printf '| %-28s | %10s | %12s | %14s |\n' "step" "wall" "max RSS" "system peak"
printf '|%s|%s|%s|%s|\n' "------------------------------" "------------" "--------------" "----------------"
for t in "${TOOLS[@]}"; do
  measure "cold $t" "$t"
done
measure "warm" "${TOOLS[@]}"
echo "disk: GOMODCACHE $(du -sh "$GOMODCACHE" | cut -f1), GOCACHE $(du -sh "$GOCACHE" | cut -f1)," \
  "tools $(du -sh "$SERVERLESS_SPACY_CACHE/tools" | cut -f1)"
ls -l "$SERVERLESS_SPACY_CACHE"/tools/*/*/bin/
