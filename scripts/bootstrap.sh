#!/usr/bin/env bash
# Creates .venv (if missing) and installs recruitwatch into it with the given extras.
# Usage: scripts/bootstrap.sh [EXTRAS]   e.g. scripts/bootstrap.sh papercheck,web,test,dev
# Re-running is quick: packages are reinstalled only when pyproject.toml or the extras change.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "error: recruitwatch needs Python 3.11 or newer (found: $("$python" --version 2>&1))" >&2
  exit 3
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv"
  "$python" -m venv .venv
fi
stamp=".venv/.recruitwatch-installed"
# The stamp holds pyproject.toml's hash and the extras installed. Extras already there are kept:
# a reinstall asks for the union, so the demo after the tests (or the reverse) installs nothing.
hash="$(sha256sum pyproject.toml | cut -c1-16)"
have=""
if [ -f "$stamp" ]; then
  have="$(sed -E 's/^[^[]*\[(.*)\]$/\1/' "$stamp")"
fi
union="$(printf '%s\n' ${have//,/ } ${extras//,/ } | sort -u | paste -sd, -)"
want="$hash [$union]"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  extras="$union"
  echo "Installing recruitwatch${extras:+ with extras: $extras} (first run takes a minute)"
  # Old pip (23.x) skips lxml's html-clean extra that trafilatura needs, so upgrade first.
  # (Warnings about unreadable local package mirrors in this machine's pip config are dropped.)
  quiet_pip() { .venv/bin/python -m pip "$@" 2> >(grep -v "^WARNING: Location 'file:" >&2); }
  quiet_pip install --quiet --upgrade pip
  quiet_pip install --quiet -e ".${extras:+[$extras]}"
  echo "$want" > "$stamp"
fi
