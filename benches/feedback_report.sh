#!/usr/bin/env bash
# Performance budget of `pave feedback report`, on the release binary:
#
#   `pave feedback report --from FILE --json` over 100,000 items (JSON Lines,
#   every tenth item with an attached diff)                                    budget < 1 s
#
#   benches/feedback_report.sh           # prints the median; exit 1 if the budget is missed
#   ITEMS=20000 benches/feedback_report.sh
#
# Uses hyperfine when installed (apt-get install -y hyperfine, or cargo install hyperfine),
# else a loop timed with date +%s%N. The fixture lives in a temp folder removed at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
items=${ITEMS:-100000}
runs=${RUNS:-10}
budget_ms=${BUDGET_MS:-1000}

cargo build --release --locked --quiet --manifest-path "$repo/Cargo.toml"
bin=${CARGO_TARGET_DIR:-$repo/target}/release/pave
[ -x "$bin" ] || { echo "no release binary at $bin" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/pave-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME=$work/home PAVE_CONFIG=$work/config.yaml PAVE_CACHE_DIR=$work/cache PAVE_STATE_DIR=$work/state
fixture=$work/items.jsonl

# 100,000 items over 20 blueprints x 5 versions, 200 projects, every kind and status.
awk -v n="$items" 'BEGIN {
  split("bug improvement new-pattern question praise", kinds, " ");
  split("open accepted addressed declined", statuses, " ");
  b32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  for (i = 0; i < n; i++) {
    id = "01JC"; x = i;
    for (d = 0; d < 22; d++) { id = id substr(b32, (x % 32) + 1, 1); x = int(x / 32) }
    bp = "blueprint-" (i % 20); ver = "1." (i % 5) ".0";
    diff = "";
    if (i % 10 == 0) {
      diff = ",\"diff\":\"--- a/template.yaml\\n+++ b/template.yaml\\n@@ -" (i % 40) ",3 +" (i % 40) ",4 @@ Resources:\\n+  Cors: true\\n--- a/src/app.py\\n+++ b/src/app.py\\n@@ -1,2 +1,3 @@\\n+import os\\n\"";
    }
    printf "{\"id\":\"%s\",\"kind\":\"%s\",\"rating\":%d,\"message\":\"feedback number %d about the cache settings\",\"blueprint\":\"%s\",\"version\":\"%s\",\"registry\":\"https://git.example.com/platform/blueprints.git\",\"project\":\"project-%d\",\"created\":\"2026-%02d-%02dT10:00:00.000Z\",\"pave_version\":\"0.1.0\",\"status\":\"%s\"%s}\n", \
      id, kinds[(int(i / 7) % 5) + 1], (i % 5) + 1, i, bp, ver, i % 200, (i % 12) + 1, (i % 28) + 1, statuses[(i % 4) + 1], diff;
  }
}' > "$fixture"
echo "fixture: $(wc -l < "$fixture") items, $(du -h "$fixture" | cut -f1)"

cmd="$bin feedback report --from $fixture --json"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 2 --runs "$runs" --export-json "$work/h.json" "$cmd >/dev/null"
  median_ms=$(python3 -c "import json,sys; print(round(json.load(open('$work/h.json'))['results'][0]['median']*1000))")
else
  echo "hyperfine is not installed (apt-get install -y hyperfine, or cargo install hyperfine); timing a loop" >&2
  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N); $cmd >/dev/null; end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  median_ms=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
fi
echo "pave feedback report over $items items: median ${median_ms} ms (budget ${budget_ms} ms)"
[ "$median_ms" -lt "$budget_ms" ]
