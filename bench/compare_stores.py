"""Whether two SQLite stores hold the same rows: every table but the audit log and the full-text
index (its row sizes are compared), every column but times (``*_at``), compared as sorted rows.

    .venv/bin/python bench/compare_stores.py A.db B.db

Prints each table's row count and whether it matches; exits 1 when a table differs. Use it on the
stores of two runs over the same input (before and after a change to the writer, 1 and 2 workers).
"""

from __future__ import annotations

import sqlite3
import sys


def snapshot(path: str) -> dict[str, list[str]]:
    out = {}
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            if table.startswith("sqlite_") or ("_fts" in table and not table.endswith("_docsize")) \
                    or table in ("audit_log", "alembic_version"):
                continue
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")
                       if not r[1].endswith("_at") and r[1] not in ("at", "timestamp")]
            out[table] = sorted(map(repr, conn.execute(f"SELECT {', '.join(columns)} FROM {table}")))
    return out


def main() -> int:
    a, b = snapshot(sys.argv[1]), snapshot(sys.argv[2])
    same = a.keys() == b.keys()
    for table in sorted(a.keys() | b.keys()):
        ok = a.get(table) == b.get(table)
        same &= ok
        print(f"{table}: {len(a.get(table, []))} / {len(b.get(table, []))} rows, {'same' if ok else 'DIFFERENT'}")
    print("identical" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
