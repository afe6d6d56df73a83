#!/usr/bin/env bash
# Performance of `pave update`, on the release binary, side by side:
#
#   1. `pave update` of a 25-file project with 2 local edits, warm cached git registry,
#      against `pave new` of the same project                      budget: update <= 3x new
#   2. `pave update` of a 2,000-file project (every file changed upstream, 2 local edits),
#      against `cp -r` of the project                               budget: update <= 3x cp -r
#   3. when cruft is importable by python3 (CRUFT_PYTHON overrides), `cruft update` of the
#      same 25-file change from a cookiecutter template, side by side.
#
#   benches/update.sh            # prints hyperfine's tables and the ratios; exit 1 on a miss
#
# Each timed update runs on a fresh copy of the project (hyperfine --prepare), so every run
# does the whole update. Everything lives in a temp folder removed at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
runs=${RUNS:-20}

cargo build --release --locked --quiet --manifest-path "$repo/Cargo.toml"
bin=${CARGO_TARGET_DIR:-$repo/target}/release/pave
[ -x "$bin" ] || { echo "no release binary at $bin" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install -y hyperfine)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/pave-bench-update-XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME=$work/home PAVE_CONFIG=$work/config.yaml PAVE_CACHE_DIR=$work/cache
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
mkdir -p "$HOME"

# A blueprint `name` with `files` text files at `version`; version 1.1.0 changes the first
# line of every file.
make_blueprint() {
  local dir=$1 name=$2 version=$3 files=$4
  rm -rf "$dir/blueprints/$name"
  mkdir -p "$dir/blueprints/$name/template"
  cat > "$dir/blueprints/$name/blueprint.yaml" <<EOF
apiVersion: pave/v1
name: $name
version: $version
summary: bench blueprint with $files files
parameters:
  - name: project_name
    pattern: '^[a-z][a-z0-9-]*\$'
EOF
  for i in $(seq 1 "$files"); do
    local sub=$dir/blueprints/$name/template/d$((i % 20))
    mkdir -p "$sub"
    {
      echo "header of file $i at $version"
      for l in $(seq 1 30); do echo "line $l of file $i"; done
    } > "$sub/f$i.txt"
  done
  echo "# {{project_name}}" > "$dir/blueprints/$name/template/README.md.hbs"
}

reg=$work/reg
mkdir -p "$reg"
git -C "$reg" init -q -b main
cat > "$reg/registry.yaml" <<EOF
apiVersion: pave/v1
name: bench
blueprints:
  - name: small
    path: blueprints/small
    summary: 25 files
  - name: big
    path: blueprints/big
    summary: 2000 files
EOF
for v in 1.0.0 1.1.0; do
  make_blueprint "$reg" small $v 24
  make_blueprint "$reg" big $v 1999
  git -C "$reg" add -A
  git -C "$reg" commit -q -m "release $v"
  git -C "$reg" tag "small/v$v"
  git -C "$reg" tag "big/v$v"
done
"$bin" -q registry add bench "file://$reg" >/dev/null

# Projects at 1.0.0 with 2 local edits (last lines, so the merge is clean).
mkdir -p "$work/projects"
for name in small big; do
  "$bin" -q new "bench/$name@=1.0.0" "$work/projects/$name" --set project_name=p >/dev/null
  echo "local edit" >> "$work/projects/$name/d1/f1.txt"
  echo "local edit" >> "$work/projects/$name/d2/f2.txt"
done

echo "== 25 files: pave update (warm cache) vs pave new =="
hyperfine --warmup 3 --runs "$runs" --export-json "$work/small.json" \
  --prepare "rm -rf $work/t && cp -r $work/projects/small $work/t" \
  -n "pave update" "$bin -q update $work/t" \
  --prepare "rm -rf $work/n" \
  -n "pave new" "$bin -q new bench/small@=1.1.0 $work/n --set project_name=p"

echo "== 2,000 files: pave update vs cp -r =="
hyperfine --warmup 1 --runs "$((runs / 2 > 3 ? runs / 2 : 3))" --export-json "$work/big.json" \
  --prepare "rm -rf $work/t && cp -r $work/projects/big $work/t" \
  -n "pave update" "$bin -q update $work/t" \
  --prepare "rm -rf $work/c" \
  -n "cp -r" "cp -r $work/projects/big $work/c"

ratio() { # file -> median of command 0 / median of command 1 (the machine may be busy)
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print("%.2f" % (r[0]["median"]/r[1]["median"]))' "$1"
}
small=$(ratio "$work/small.json")
big=$(ratio "$work/big.json")
echo "update/new (25 files): ${small}x (budget <= 3x)"
echo "update/cp -r (2,000 files): ${big}x (budget <= 3x)"

py=${CRUFT_PYTHON:-python3}
if "$py" -c 'import cruft' 2>/dev/null; then
  echo "== 25 files: cruft update, same change =="
  tpl=$work/cc
  mkdir -p "$tpl"
  git -C "$tpl" init -q -b main
  for v in 1.0.0 1.1.0; do
    rm -rf "$tpl/{{cookiecutter.project_name}}" "$work/blueprints"
    git -C "$reg" archive "small/v$v" blueprints/small/template | tar -x -C "$work"
    mkdir -p "$tpl/{{cookiecutter.project_name}}"
    cp -r "$work/blueprints/small/template/." "$tpl/{{cookiecutter.project_name}}/"
    rm -f "$tpl/{{cookiecutter.project_name}}/README.md.hbs"
    echo "# {{cookiecutter.project_name}}" > "$tpl/{{cookiecutter.project_name}}/README.md"
    echo '{"project_name": "p"}' > "$tpl/cookiecutter.json"
    git -C "$tpl" add -A && git -C "$tpl" commit -q -m "$v" && git -C "$tpl" tag "v$v"
  done
  (cd "$work" && "$py" -m cruft create "$tpl" --checkout v1.0.0 --no-input >/dev/null)
  git -C "$work/p" init -q -b main
  echo "local edit" >> "$work/p/d1/f1.txt"; echo "local edit" >> "$work/p/d2/f2.txt"
  git -C "$work/p" add -A && git -C "$work/p" commit -q -m start
  rm -rf "$work/cruft-src" && cp -r "$work/p" "$work/cruft-src"
  hyperfine --warmup 1 --runs 5 \
    --prepare "rm -rf $work/p && cp -r $work/cruft-src $work/p" \
    -n "cruft update" "sh -c 'cd $work/p && $py -m cruft update --checkout v1.1.0 --skip-apply-ask --allow-untracked-files -y'"
else
  echo "cruft is not importable by $py: set CRUFT_PYTHON to a python with cruft to compare"
fi

fail=0
python3 -c "import sys; sys.exit(0 if float('$small') <= 3 else 1)" || { echo "MISS: update is ${small}x new"; fail=1; }
python3 -c "import sys; sys.exit(0 if float('$big') <= 3 else 1)" || { echo "MISS: update is ${big}x cp -r"; fail=1; }
exit $fail
