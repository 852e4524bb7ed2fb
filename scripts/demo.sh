#!/usr/bin/env bash
# The main job on the embedded default: a local SQLite store filled from the bundled sample
# reports, then incidents by tactic, place and month.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh papercheck,web
export RECRUITWATCH_DATABASE_URL="${RECRUITWATCH_DATABASE_URL:-sqlite:///recruitwatch.db}"
rw=.venv/bin/recruitwatch
$rw init
# Exit code 1 means some inputs could not be read; they are listed and the rest is stored.
$rw ingest examples/reports || [ $? -eq 1 ]
$rw summary --by tactic --by place --by month
cat <<'NEXT'

What to do next (activate the environment first: source .venv/bin/activate):
  recruitwatch incidents list --tactic document_seizure     incidents, filtered
  recruitwatch incidents show ID                            one incident with its evidence
  recruitwatch incidents queue                              cases to check, least confident first
  recruitwatch users add NAME --role admin                  the first account (for review, the web app, the API)
  recruitwatch documents search "мигрант"                   full-text search (inflected forms match)
  recruitwatch ingest PATH|URL...                           add your own reports, folders or feeds
  recruitwatch papercheck FILE...                           check a stack of papers for a military contract
  recruitwatch --help                                       every command
NEXT
