#!/usr/bin/env bash
# The Python side of the run-file interoperability check.
#
#   tests/interop/run.sh RUN.h5
#
# Makes a throw-away venv, installs h5py and numpy into it and runs check_run_file.py on RUN.h5
# (and on RUN.h5.expected.json if present). If the venv or the install fails (no network), prints
# "h5py interop check skipped: REASON" and exits 0. The fixture comes from the Swift test:
#
#   AELAB_INTEROP_FIXTURE=/tmp/run.h5 swift test --filter ResultStoreTests.InteropFixtureTests
set -u
file=${1:?usage: tests/interop/run.sh RUN.h5}
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}

skip() { echo "h5py interop check skipped: $1"; exit 0; }

[ -f "$file" ] || { echo "no such file: $file" >&2; exit 2; }
command -v "$python" >/dev/null 2>&1 || skip "$python not found"
work=$(mktemp -d "${TMPDIR:-/tmp}/aelab-interop.XXXXXX") || skip "cannot make a temporary folder"
trap 'rm -rf "$work"' EXIT

"$python" -m venv "$work/venv" >"$work/log" 2>&1 || skip "cannot make a venv: $(tail -n 1 "$work/log")"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check h5py numpy >"$work/log" 2>&1 \
    || skip "pip install h5py numpy failed: $(grep -m 1 -i error "$work/log" || tail -n 1 "$work/log")"

"$work/venv/bin/python" "$here/check_run_file.py" "$file"
