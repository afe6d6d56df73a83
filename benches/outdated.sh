#!/usr/bin/env bash
# Performance budget of `pave outdated`, on the release binary:
#
#   `pave outdated --recursive` over 1,000 projects of one git registry, warm cache   < 2 s
#
#   benches/outdated.sh            # prints hyperfine's summary; exit 1 if the budget is missed
#
# The registry holds cloudfront-static-site (the built-in blueprint, ~25 files) released as
# 1.0.0 and 1.1.0; the 1,000 projects are made with `pave new`, each with its own
# project_name (so each needs its own pristine render for its drift), half on each version,
# one in ten with a local edit. Needs hyperfine (apt-get install -y hyperfine). Everything
# lives in a temp folder removed at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
count=${PROJECTS:-1000}
budget_ms=2000
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 2; }

cargo build --release --locked --quiet --manifest-path "$repo/Cargo.toml"
bin=${CARGO_TARGET_DIR:-$repo/target}/release/pave

work=$(mktemp -d "${TMPDIR:-/tmp}/pave-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME=$work/home PAVE_CONFIG=$work/config.yaml PAVE_CACHE_DIR=$work/cache
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
mkdir -p "$HOME"

# --- the registry: cloudfront-static-site 1.0.0 and 1.1.0 ------------------------------------
reg=$work/reg
name=cloudfront-static-site
mkdir -p "$reg/blueprints"
cp -r "$repo/blueprints/$name" "$reg/blueprints/"
printf 'apiVersion: pave/v1\nname: bench\nblueprints:\n  - name: %s\n    path: blueprints/%s\n    summary: static site\n    maturity: recommended\n' "$name" "$name" > "$reg/registry.yaml"
set_version() { sed -i "s/^version: .*/version: $1/" "$reg/blueprints/$name/blueprint.yaml"; }
git -C "$reg" init -q -b main
set_version 1.0.0
git -C "$reg" add -A && git -C "$reg" commit -q -m "1.0.0" && git -C "$reg" tag "$name/v1.0.0"
set_version 1.1.0
echo "<!-- 1.1.0 -->" >> "$(find "$reg/blueprints/$name/template" -name 'README*' | head -1)"
git -C "$reg" add -A && git -C "$reg" commit -q -m "1.1.0" && git -C "$reg" tag "$name/v1.1.0"
"$bin" registry add bench "$reg" --quiet

# --- 1,000 projects ------------------------------------------------------------------------------
mkdir -p "$work/services/node_modules/skipped"
for i in $(seq -w 1 "$count"); do
  version=1.0.0
  [ $((10#$i % 2)) -eq 0 ] && version=1.1.0
  "$bin" new "bench/$name@=$version" "$work/services/svc-$i" --set "project_name=svc-$i" --defaults --quiet >/dev/null
  [ $((10#$i % 10)) -eq 0 ] && echo "# local edit" >> "$work/services/svc-$i/README.md"
done
found=$("$bin" outdated "$work/services" --recursive --json | grep -c '"path"' || true)
[ "$found" -eq "$count" ] || { echo "found $found projects, expected $count" >&2; exit 1; }

hyperfine --warmup 2 --runs "${RUNS:-10}" -N -i \
  --export-json "$work/outdated.json" \
  -n "pave outdated --recursive ($count projects)" \
  "$bin outdated $work/services --recursive"
median_ms=$(python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['results'][0]['median']*1000))" "$work/outdated.json")
echo "median: ${median_ms} ms (budget: under ${budget_ms} ms)"
[ "$median_ms" -lt "$budget_ms" ]
