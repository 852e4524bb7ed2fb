#!/usr/bin/env bash
# The whole test suite: installs what it needs (system packages as root, Python packages in
# .venv), starts a local PostgreSQL server for the storage tests, then runs pytest.
# Extra arguments go to pytest, e.g. scripts/test.sh -k store
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh
scripts/bootstrap.sh papercheck,web,test,dev
export RECRUITWATCH_TEST_POSTGRES_URL="${RECRUITWATCH_TEST_POSTGRES_URL:-$(scripts/postgres-test-server.sh | tail -n 1)}"
export OMP_THREAD_LIMIT=1
.venv/bin/ruff check src tests bench scripts
exec .venv/bin/python -m pytest "$@"
