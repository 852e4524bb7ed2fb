"""Issue 10: the SQLite store is readable by its owner only."""

import os

from recruitwatch.store import open_store


def test_a_new_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    """The database and its -wal/-shm files are created with mode 0600, whatever the umask."""
    old = os.umask(0o022)
    try:
        with open_store(str(tmp_path / "private.db")) as store:
            store.init()
            modes = {p.name: oct(p.stat().st_mode & 0o777) for p in tmp_path.iterdir()}
    finally:
        os.umask(old)
    assert modes["private.db"] == "0o600"
    assert all(mode == "0o600" for mode in modes.values()), modes
