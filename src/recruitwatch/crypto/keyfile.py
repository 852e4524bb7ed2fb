"""The master key: where it is kept, how it is created, loaded and replaced.

Where the master key comes from, first found wins:

1. the key file given explicitly (``--key-file``) or in ``$RECRUITWATCH_KEY_FILE``;
2. ``$RECRUITWATCH_MASTER_KEY``: the raw 32-byte key, base64 (for servers whose secrets come from
   the environment; such a key cannot be rotated in place, see docs/encryption.md);
3. the default key file, ``$XDG_CONFIG_HOME/recruitwatch/master.key`` (``~/.config/...``): in
   the user's config folder rather than beside the database, so that copying or backing up the
   data folder does not copy the key with it.

A key file is JSON, created with mode 0600 and refused when anyone but its owner can read it::

    {"format": "recruitwatch-master-key", "version": 1, "current": "mk-…",
     "keys": [{"id": "mk-…", "key": "<base64>", "created": "…"}]}

It holds one key, or two while a rotation is under way (the new ``current`` one and the old one,
kept until every data key is re-wrapped). A key's id is a hash of the key: it names the key in
the database without revealing anything about it.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from recruitwatch.crypto.envelope import KEY_BYTES
from recruitwatch.crypto.errors import CryptoError, KeyNotConfigured

KEY_ENV_VAR = "RECRUITWATCH_MASTER_KEY"
KEY_FILE_ENV_VAR = "RECRUITWATCH_KEY_FILE"
FORMAT = "recruitwatch-master-key"
KEY_FILE_MODE = 0o600


def default_key_file() -> Path:
    """``$XDG_CONFIG_HOME/recruitwatch/master.key``, or ``~/.config/recruitwatch/master.key``."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "recruitwatch" / "master.key"


DEFAULT_KEY_FILE = "~/.config/recruitwatch/master.key"  # for help texts; see default_key_file()


def key_id(key: bytes) -> str:
    return "mk-" + hashlib.sha256(b"recruitwatch master key id\x00" + key).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class MasterKey:
    id: str
    key: bytes = field(repr=False)
    created: str | None = None

    @classmethod
    def generate(cls) -> MasterKey:
        key = os.urandom(KEY_BYTES)
        return cls(key_id(key), key, datetime.now(UTC).isoformat(timespec="seconds"))

    def __repr__(self) -> str:  # never the key
        return f"MasterKey(id={self.id!r})"


@dataclass(slots=True)
class Keyring:
    """The master keys at hand: ``current`` wraps new data keys; the others (an old key during a
    rotation) only unwrap. ``path`` is the key file, None for a key from the environment."""

    current: MasterKey
    others: list[MasterKey] = field(default_factory=list)
    path: Path | None = None

    @property
    def source(self) -> str:
        return f"key file {self.path}" if self.path else f"${KEY_ENV_VAR}"

    def get(self, master_key_id: str | None) -> MasterKey | None:
        for key in (self.current, *self.others):
            if key.id == master_key_id:
                return key
        return None

    @property
    def ids(self) -> list[str]:
        return [self.current.id, *(k.id for k in self.others)]

    @property
    def rotating(self) -> bool:
        """True while the key file holds an old key next to the current one (a rotation not finished)."""
        return bool(self.others)

    def reloaded(self) -> Keyring:
        """The key file as it is now (another process may have rotated it); itself for a key from the environment."""
        return read_key_file(self.path) if self.path is not None else self

    @contextmanager
    def rotation_lock(self) -> Iterator[None]:
        """Hold an exclusive lock (``<key file>.lock``) so two rotations of one key file never run at once."""
        self._need_file("rotate the master key")
        lock = self.path.with_name(self.path.name + ".lock")  # type: ignore[union-attr]
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT, KEY_FILE_MODE)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise CryptoError(f"another `recruitwatch keys rotate` is running on {self.path}; wait for it to finish") from None
            yield
        finally:
            os.close(fd)  # releases the lock

    def start_rotation(self) -> MasterKey:
        """Write a new current key to the key file, keeping the old one(s) beside it. Idempotent
        while a rotation is under way: the key already added is kept, not replaced."""
        self._need_file("rotate the master key")
        if not self.rotating:
            new = MasterKey.generate()
            self.others = [self.current]
            self.current = new
            write_key_file(self.path, self)  # type: ignore[arg-type]
        return self.current

    def finish_rotation(self) -> list[str]:
        """Drop every key but the current one from the key file; returns the ids dropped. Only
        call it once no data key is wrapped by them."""
        self._need_file("finish a rotation")
        dropped = [k.id for k in self.others]
        if dropped:
            self.others = []
            write_key_file(self.path, self)  # type: ignore[arg-type]
        return dropped

    def _need_file(self, action: str) -> None:
        if self.path is None:
            raise CryptoError(
                f"cannot {action} with a key from ${KEY_ENV_VAR}: the new key has to be written somewhere. "
                f"Write the key to a file (recruitwatch keys init --key-file FILE --from-env), unset "
                f"${KEY_ENV_VAR} and pass --key-file FILE"
            )

    def to_json(self) -> str:
        keys = [{"id": k.id, "key": base64.b64encode(k.key).decode("ascii"), "created": k.created}
                for k in (self.current, *self.others)]
        return json.dumps({"format": FORMAT, "version": 1, "current": self.current.id, "keys": keys}, indent=2) + "\n"


def _private_write(path: Path, data: str) -> None:
    """Write ``data`` to ``path`` atomically (a 0600 temporary file, fsync, rename, fsync of the folder)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    try:
        os.fchmod(fd, KEY_FILE_MODE)
        os.write(fd, data.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_key_file(path: Path, keyring: Keyring) -> None:
    _private_write(path, keyring.to_json())


def init_key_file(path: str | os.PathLike | None = None, *, key: bytes | None = None) -> Keyring:
    """Create a key file with a new master key (or ``key``); refuses to overwrite an existing file."""
    target = Path(path).expanduser() if path else default_key_file()
    if target.exists() or target.is_symlink():
        raise CryptoError(
            f"the key file {target} exists already; refusing to overwrite it (that would make everything "
            "encrypted under it unreadable). Use `recruitwatch keys rotate` to replace the key"
        )
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if key is not None:
        if len(key) != KEY_BYTES:
            raise CryptoError(f"a master key has {KEY_BYTES} bytes, this one has {len(key)}")
        master = MasterKey(key_id(key), key, datetime.now(UTC).isoformat(timespec="seconds"))
    else:
        master = MasterKey.generate()
    keyring = Keyring(master, [], target)
    # O_EXCL: never replace a file that appeared meanwhile.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    try:
        os.fchmod(fd, KEY_FILE_MODE)
        os.write(fd, keyring.to_json().encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return keyring


def _decode_key(value: str, where: str) -> bytes:
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise CryptoError(f"{where} is not base64") from None
    if len(key) != KEY_BYTES:
        raise CryptoError(f"{where} holds {len(key)} bytes; a master key has {KEY_BYTES}")
    return key


def read_key_file(path: Path) -> Keyring:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise KeyNotConfigured(
            f"no key file at {path}; create one with `recruitwatch keys init --key-file {path}`"
        ) from None
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise CryptoError(
            f"the key file {path} can be read by other users (mode {stat.S_IMODE(info.st_mode):04o}); "
            f"run `chmod 600 {path}` (and consider the key compromised if others had access)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError
        keys = [MasterKey(k["id"], _decode_key(k["key"], f"a key in {path}"), k.get("created")) for k in data["keys"]]
    except (OSError, ValueError, KeyError, TypeError):
        raise CryptoError(f"{path} is not a recruitwatch key file (damaged, or another file)") from None
    for k in keys:
        if key_id(k.key) != k.id:
            raise CryptoError(f"the key file {path} is damaged: key {k.id} does not match its id")
    current = next((k for k in keys if k.id == data.get("current")), None)
    if current is None:
        raise CryptoError(f"the key file {path} is damaged: its current key is missing")
    return Keyring(current, [k for k in keys if k is not current], path)


def load_keyring(key_file: str | os.PathLike | None = None) -> Keyring:
    """The master key(s): from ``key_file`` or ``$RECRUITWATCH_KEY_FILE``, else
    ``$RECRUITWATCH_MASTER_KEY``, else the default key file. :class:`KeyNotConfigured` when none."""
    explicit = key_file or os.environ.get(KEY_FILE_ENV_VAR)
    if explicit:
        return read_key_file(Path(explicit).expanduser())
    raw = os.environ.get(KEY_ENV_VAR)
    if raw:
        key = _decode_key(raw, f"${KEY_ENV_VAR}")
        return Keyring(MasterKey(key_id(key), key), [], None)
    path = default_key_file()
    if path.exists():
        return read_key_file(path)
    raise KeyNotConfigured(
        f"no master key: no key file at {path}, and neither --key-file, ${KEY_FILE_ENV_VAR} nor ${KEY_ENV_VAR} "
        "is set. Create one with `recruitwatch keys init` (keep a copy somewhere safe: without it the "
        "confidential fields cannot be read)"
    )
