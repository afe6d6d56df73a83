#!/usr/bin/env bash
# Performance budgets of git registries, on the release binary:
#
#   1. warm cache `pave new` of cloudfront-static-site from a git registry   budget < 25 ms
#   2. `pave list --registry big`, 500 blueprints x 20 versions (warm)        budget < 100 ms
#   3. cold clone of that registry (`pave registry sync`), file:// and git daemon, as is
#
#   benches/git_registry.sh            # prints a table of medians; exit 1 if a budget is missed
#
# Uses hyperfine when installed (apt-get install -y hyperfine), else a loop timed with
# date +%s%N. Everything it makes lives in a temp folder that is removed at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
runs=${RUNS:-30}
cold_runs=${COLD_RUNS:-5}

cargo build --release --locked --quiet --manifest-path "$repo/Cargo.toml"
bin=${CARGO_TARGET_DIR:-$repo/target}/release/pave
[ -x "$bin" ] || { echo "no release binary at $bin" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/pave-bench-XXXXXX")
daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export HOME=$work/home PAVE_CONFIG=$work/config.yaml PAVE_CACHE_DIR=$work/cache
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
mkdir -p "$HOME" "$work/out"

# --- registry 1: the static-site blueprint, one tagged version -------------------------------
site=$work/repos/site
mkdir -p "$site/blueprints"
cp -r "$repo/blueprints/cloudfront-static-site" "$site/blueprints/"
cp "$repo/registry.yaml" "$site/registry.yaml"
site_version=$(sed -n 's/^version: *//p' "$site/blueprints/cloudfront-static-site/blueprint.yaml")
git -C "$site" init -q -b main
git -C "$site" add -A
git -C "$site" commit -q -m "static site"
git -C "$site" tag "cloudfront-static-site/v$site_version"

# --- registry 2: 500 blueprints x 20 versions -------------------------------------------------
big=$work/repos/big
mkdir -p "$big"
git -C "$big" init -q -b main
{
  echo "apiVersion: pave/v1"
  echo "name: big"
  echo "blueprints:"
  for i in $(seq -w 1 500); do
    printf '  - name: bp-%s\n    path: blueprints/bp-%s\n    summary: Generated blueprint %s for the list benchmark\n    tags: [bench]\n    maturity: recommended\n' "$i" "$i" "$i"
  done
} > "$big/registry.yaml"
for v in $(seq 0 19); do
  for i in $(seq -w 1 500); do
    d=$big/blueprints/bp-$i
    mkdir -p "$d/template"
    printf 'apiVersion: pave/v1\nname: bp-%s\nversion: 1.%s.0\nsummary: Generated blueprint %s\nparameters:\n  - name: project_name\n' "$i" "$v" "$i" > "$d/blueprint.yaml"
    printf '# bp-%s {{project_name}} 1.%s.0\n' "$i" "$v" > "$d/template/README.md.hbs"
  done
  git -C "$big" add -A
  git -C "$big" commit -q -m "release 1.$v.0"
  commit=$(git -C "$big" rev-parse HEAD)
  for i in $(seq -w 1 500); do echo "create refs/tags/bp-$i/v1.$v.0 $commit"; done |
    git -C "$big" update-ref --stdin
done
git -C "$big" gc -q
echo "generated: $(git -C "$big" tag | wc -l) tags in the big registry"

# --- git daemon for the cold clone over the git protocol -------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$(git --exec-path)/git-daemon" --export-all --base-path="$work/repos" --reuseaddr \
  --listen=127.0.0.1 --port="$port" "$work/repos" >/dev/null 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done

printf 'fetch_interval_secs: 86400\nregistries:\n  - name: site\n    url: file://%s\n  - name: big\n    url: file://%s\n  - name: bigd\n    url: git://127.0.0.1:%s/big\n' \
  "$site" "$big" "$port" > "$PAVE_CONFIG"
"$bin" --quiet registry sync >/dev/null
answers=$repo/blueprints/cloudfront-static-site/tests/01-spa-logs.yaml

# --- measuring --------------------------------------------------------------------------------
results=()
median_ms() { # name budget_ms runs prepare command...
  local name=$1 budget=$2 runs=$3 prepare=$4; shift 4
  local median
  if command -v hyperfine >/dev/null; then
    hyperfine -N --style none --warmup 1 --runs "$runs" --prepare "$prepare" \
      --export-json "$work/h.json" "$*" >/dev/null
    median=$(python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$work/h.json")
  else
    local times=() t0 t1
    for _ in $(seq "$runs"); do
      bash -c "$prepare"
      t0=$(date +%s%N); bash -c "$*" >/dev/null; t1=$(date +%s%N)
      times+=($(( (t1 - t0) / 1000 )))
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}')
  fi
  results+=("$name|$median|$budget")
}

cd "$work/out"
median_ms "new from a warm git cache (static-site blueprint)" 25 "$runs" "rm -rf $work/out/site" \
  "$bin --quiet new site/cloudfront-static-site $work/out/site --answers $answers"
median_ms "new from builtin, same blueprint (for comparison)" - "$runs" "rm -rf $work/out/site" \
  "$bin --quiet new builtin/cloudfront-static-site $work/out/site --answers $answers"
median_ms "list --registry big (500 x 20, warm)" 100 "$runs" "true" \
  "$bin --quiet list --registry big"
rm -rf "$work/cache"
median_ms "cold clone of big over file:// (registry sync)" - "$cold_runs" "rm -rf $work/cache" \
  "$bin --quiet registry sync big"
median_ms "cold clone of big over git daemon (registry sync)" - "$cold_runs" "rm -rf $work/cache" \
  "$bin --quiet registry sync bigd"

echo
printf '%-52s %10s %10s\n' "benchmark" "median ms" "budget ms"
fail=0
for r in "${results[@]}"; do
  IFS='|' read -r name median budget <<<"$r"
  verdict=""
  if [ "$budget" != "-" ]; then
    if awk -v m="$median" -v b="$budget" 'BEGIN {exit !(m < b)}'; then verdict="ok"; else verdict="OVER"; fail=1; fi
  fi
  printf '%-52s %10s %10s  %s\n' "$name" "$median" "$budget" "$verdict"
done
exit "$fail"
