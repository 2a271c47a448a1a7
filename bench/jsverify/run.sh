#!/usr/bin/env bash
# Benchmark of the JavaScript verifier (issue 12): verify one 100k-target
# draw with `ssj verify` and with `node verifier/ssj-verify.mjs` on the same
# files, RUNS times each, alternating, and print the medians and the ratio.
# Three draws: targets only, the same with inspector matching (team of 3,
# 300 inspectors), and targets only under the national suite ssj-v1-sm
# (SM3, HMAC-SM3: plain JavaScript in node, no WebCrypto). Both records are locked with a signed lock and verified
# with the keyring and the anchor, so that the lock, the signature, the
# whole-record canonical comparison and the anchor are timed too.
# Usage: bench/jsverify/run.sh [RUNS] (default 5). JSFLAGS adds flags to the
# timed node runs, e.g. JSFLAGS="--threads 2" (the helper thread: both cores,
# as ssj verify uses).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-5}"
W=$(mktemp -d /tmp/ssj-jsbench.XXXXXX)
trap 'rm -rf "$W"' EXIT
go build -o "$W/ssj" ./cmd/ssj
go run ./examples/gendata -targets 100000 -inspectors 300 -out "$W" >/dev/null
cp examples/data/randomness.json "$W/randomness.json"
for kind in targets matching targets-sm; do
  insp=""
  match=""
  suite=""
  [ "$kind" = targets-sm ] && suite='"suite": "ssj-v1-sm", '
  if [ "$kind" = matching ]; then
    insp="--inspectors $W/inspectors.csv"
    match=', "inspectors": {"team_size": 3, "launching_department": "治安", "window_from": "2026-09-18T00:00:00+08:00", "window_to": "2026-12-01T00:00:00+08:00", "cap": 40}'
  fi
  cat > "$W/task-$kind.json" <<JSON
{$suite"id": "BENCH-100K", "name": "100k 基准抽查", "items": ["ZA-01"], "scope": {}, "strata": ["credit_class"],
 "quota": {"default_ratio": "0.01", "rounding": "ceiling"},
 "sources": [{"kind": "drand", "network": "quicknet", "round": 32285086}],
 "commit_time": "2026-09-17T23:13:42+08:00"$match}
JSON
  "$W/ssj" draw commit --task "$W/task-$kind.json" --targets "$W/targets.csv" $insp --out "$W/manifest-$kind.json" >/dev/null 2>&1
  "$W/ssj" draw run --manifest "$W/manifest-$kind.json" --randomness "$W/randomness.json" --targets "$W/targets.csv" $insp --out "$W/run-$kind.json" >/dev/null 2>&1
  if [ ! -f "$W/head.key.json" ]; then
    (cd "$W" && ./ssj publish keygen --unit 基准分局 --holder 张科长 --out head >/dev/null)
  fi
  "$W/ssj" draw lock --record "$W/run-$kind.json" --by 张科长 --at 2026-09-18T09:00:00+08:00 --key "$W/head.key.json" --out "$W/record-$kind.json" >/dev/null 2>&1
  anchor=$("$W/ssj" verify "$W/record-$kind.json" --targets "$W/targets.csv" $insp --json | sed -n 's/.*"anchor": *"\([0-9a-f]*\)".*/\1/p')
  opts="--keyring $W/head.pub.json --anchor $anchor"
  node verifier/ssj-verify.mjs "$W/record-$kind.json" --targets "$W/targets.csv" $insp $opts | grep -q "lock signed: ed25519" || { echo "node did not check the signed lock" >&2; exit 1; }
  load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
  go_t=(); js_t=(); go_c=(); js_c=()
  for i in $(seq "$RUNS"); do
    # wall seconds, and CPU seconds (user + sys): on a shared machine the
    # wall time includes waiting for a core, the CPU time does not.
    /usr/bin/time -f '%e %U %S' -o "$W/t" "$W/ssj" verify "$W/record-$kind.json" --targets "$W/targets.csv" $insp $opts >/dev/null
    read -r wall u sy < "$W/t"; go_t+=("$wall"); go_c+=("$(echo "$u + $sy" | bc)")
    /usr/bin/time -f '%e %U %S' -o "$W/t" node verifier/ssj-verify.mjs "$W/record-$kind.json" --targets "$W/targets.csv" $insp $opts ${JSFLAGS:-} >/dev/null
    read -r wall u sy < "$W/t"; js_t+=("$wall"); js_c+=("$(echo "$u + $sy" | bc)")
  done
  med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  g=$(med "${go_t[@]}"); j=$(med "${js_t[@]}"); gc=$(med "${go_c[@]}"); jc=$(med "${js_c[@]}")
  sel=$(grep -c '"rank"' "$W/record-$kind.json" || true)
  load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
  printf '%-9s 100000 targets, %s ranks in record: wall median ssj verify %.3f s, node %.3f s, ratio %.2fx; CPU median ssj verify %.3f s, node %.3f s, ratio %.2fx (wall runs: go %s; js %s; load average before %s, after %s)\n' \
    "$kind" "$sel" "$g" "$j" "$(echo "$j / $g" | bc -l)" "$gc" "$jc" "$(echo "$jc / $gc" | bc -l)" "${go_t[*]}" "${js_t[*]}" "$load_before" "$load_after"
done
