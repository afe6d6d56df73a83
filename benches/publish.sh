#!/usr/bin/env bash
# Wall time of `pave publish` of a built-in-sized blueprint (cloudfront-static-site) to a
# registry served by `git daemon` on 127.0.0.1 (pushes enabled), release binary:
#
#   1. gate excluded (hidden --no-gate flag): fetch, bump, commit, tag, push
#   2. gate included: the same plus lint and every example case (checks skipped when the
#      tools they need are missing: the manifest's checks are replaced by none)
#
#   benches/publish.sh        # prints the median of RUNS publishes of each kind (default 5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
runs=${RUNS:-5}

cargo build --release --locked --quiet --manifest-path "$repo/Cargo.toml"
bin=${CARGO_TARGET_DIR:-$repo/target}/release/pave
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
mkdir -p "$HOME" "$work/served"

"$bin" registry init "$work/src" --name bench >/dev/null
git clone -q --bare "$work/src" "$work/served/reg.git"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$(git --exec-path)/git-daemon" --export-all --enable=receive-pack --reuseaddr \
  --listen=127.0.0.1 --port="$port" --base-path="$work/served" "$work/served" 2>/dev/null &
daemon_pid=$!
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
url=git://127.0.0.1:$port/reg.git

cp -r "$repo/blueprints/cloudfront-static-site" "$work/bp"
sed -i '/^checks:/,/^[a-z]/{/^checks:/c\checks: []
/^  -/d}' "$work/bp/blueprint.yaml"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_kind() { # $1: extra flag
  for _ in $(seq "$runs"); do
    t0=$(now)
    "$bin" -q publish "$work/bp" --registry "$url" --bump patch $1 >/dev/null
    echo $(( ($(now) - t0) / 1000000 ))
  done | median
}
"$bin" -q publish "$work/bp" --registry "$url" --no-gate >/dev/null   # the first version
printf 'publish, gate excluded: %s ms (median of %s)\n' "$(time_kind --no-gate)" "$runs"
printf 'publish, gate included: %s ms (median of %s)\n' "$(time_kind '')" "$runs"
