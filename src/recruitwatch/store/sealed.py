"""A sealed stream: the encrypted file format of backups (docs/backup.md).

AES-256-GCM in chunks, so a database of any size is encrypted and decrypted in constant memory::

    b"RWBK" 0x01                      magic and format version
    u32 n, header (n bytes, JSON)     readable without the key: kind, schema revision, created_at,
                                      salt, key check; authenticated with every chunk
    chunk*                            flag (1 byte: 0 more, 1 last), u32 length, 12-byte nonce,
                                      ciphertext with its 16-byte tag

Each file gets its own key, HKDF-SHA256(backup key, salt), and each chunk a fresh random nonce.
The additional authenticated data of chunk i is SHA-256(header) + i (8 bytes) + flag, so a
changed header, a changed, dropped, repeated or reordered chunk, a file cut after any chunk (no
chunk flagged last) and bytes after the last chunk are all detected. A second HKDF output stored
in the header (``key_check``) tells a wrong key apart from a damaged file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from recruitwatch.errors import StoreError

MAGIC = b"RWBK\x01"
FORMAT = 1
CHUNK = 1 << 20  # plaintext bytes per chunk
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
MAX_HEADER = 64 * 1024
KEY_ENV = "RECRUITWATCH_BACKUP_KEY"


class BackupError(StoreError):
    """A backup could not be written, read or restored; the message says why and what to do."""


class WrongKeyError(BackupError):
    """The key is not the one the backup was made with."""


class DamagedBackupError(BackupError):
    """The backup file was changed, cut short or is not a recruitwatch backup."""


# -- keys -------------------------------------------------------------------------------------

def parse_key(text: str, where: str) -> bytes:
    """A 32-byte key written as 64 hex digits or as (URL-safe) base64."""
    value = text.strip()
    candidates = []
    if len(value) == 2 * KEY_BYTES:
        try:
            candidates.append(bytes.fromhex(value))
        except ValueError:
            pass  # not hex: base64 is tried below
    for decode in (base64.urlsafe_b64decode, base64.b64decode):
        try:
            candidates.append(decode(value + "=" * (-len(value) % 4)))
        except ValueError:
            pass  # not this encoding: the key is refused below if none fits
    for key in candidates:
        if len(key) == KEY_BYTES:
            return key
    raise BackupError(f"{where} does not hold a backup key (32 bytes as 64 hex digits or base64); "
                      "make one with `recruitwatch backup FILE --key-file KEY --new-key`")


def backup_key(key_file: str | Path | None = None) -> bytes:
    """The backup key: from ``key_file`` (``--key-file``), else ``$RECRUITWATCH_BACKUP_KEY``.

    The one place that says where backup keys come from, so it can be pointed at a master key later.
    """
    if key_file is not None:
        path = Path(key_file).expanduser()
        try:
            return parse_key(path.read_text(encoding="ascii"), f"the key file {path}")
        except (OSError, UnicodeDecodeError) as exc:
            raise BackupError(f"cannot read the key file {path}: {exc}") from None
    env = os.environ.get(KEY_ENV)
    if env and env.strip():
        return parse_key(env, f"${KEY_ENV}")
    raise BackupError(f"no backup key: give --key-file FILE or set {KEY_ENV} "
                      "(a new key: `recruitwatch backup FILE --key-file KEY --new-key`)")


def new_key_file(path: str | Path) -> bytes:
    """Write a fresh random key to ``path`` (readable by its owner only); refuses to overwrite one."""
    path = Path(path).expanduser()
    key = os.urandom(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{path} exists already; a new key never replaces one (old backups need it)") from None
    except OSError as exc:
        raise BackupError(f"cannot create the key file {path}: {exc}") from None
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(base64.urlsafe_b64encode(key).decode("ascii") + "\n")
    return key


def _derive(key: bytes, salt: bytes, purpose: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"recruitwatch backup v1 " + purpose).derive(key)


def _aad(header_digest: bytes, index: int, final: bool) -> bytes:
    return header_digest + struct.pack(">QB", index, 1 if final else 0)


# -- writing ----------------------------------------------------------------------------------

class SealedWriter:
    """Encrypts what is written to it into ``out``; :meth:`close` writes the last chunk."""

    def __init__(self, out: IO[bytes], key: bytes, header: dict[str, Any], chunk: int = CHUNK):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        salt = os.urandom(32)
        header = {**header, "format": FORMAT, "cipher": "AES-256-GCM", "kdf": "HKDF-SHA256", "chunk": chunk,
                  "salt": base64.b64encode(salt).decode(),
                  "key_check": base64.b64encode(_derive(key, salt, b"check")[:16]).decode()}
        raw = json.dumps(header, sort_keys=True).encode()
        self._out, self._chunk = out, chunk
        self._aead = AESGCM(_derive(key, salt, b"data"))
        self._digest = hashlib.sha256(raw).digest()
        self._buffer = bytearray()
        self._index = 0
        self.header = header
        out.write(MAGIC + struct.pack(">I", len(raw)) + raw)

    def _emit(self, data: bytes, final: bool) -> None:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, data, _aad(self._digest, self._index, final))
        self._out.write(struct.pack(">BI", 1 if final else 0, len(sealed)) + nonce + sealed)
        self._index += 1

    def write(self, data: bytes) -> None:
        self._buffer += data
        # Keep at least one byte back: the last chunk must be written by close(), flagged last.
        while len(self._buffer) > self._chunk:
            self._emit(bytes(self._buffer[: self._chunk]), final=False)
            del self._buffer[: self._chunk]

    def close(self) -> None:
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()


# -- reading ----------------------------------------------------------------------------------

def read_header(f: IO[bytes], name: str = "the backup") -> tuple[dict[str, Any], bytes]:
    """The header of a sealed file (no key needed) and its raw bytes; ``f`` is left at the first chunk."""
    start = f.read(len(MAGIC) + 4)
    if len(start) < len(MAGIC) + 4 or not start.startswith(MAGIC[:4]):
        raise DamagedBackupError(f"{name} is not a recruitwatch backup (no RWBK header)")
    if start[: len(MAGIC)] != MAGIC:
        raise DamagedBackupError(f"{name} is a backup of format {start[4]}, which this recruitwatch cannot read; "
                                 "use the version that made it")
    (size,) = struct.unpack(">I", start[len(MAGIC):])
    if size > MAX_HEADER:
        raise DamagedBackupError(f"{name} is damaged: its header claims {size} bytes")
    raw = f.read(size)
    try:
        header = json.loads(raw)
        if not isinstance(header, dict):
            raise ValueError("not an object")
    except ValueError:
        raise DamagedBackupError(f"{name} is damaged: its header is not readable") from None
    return header, raw


def open_sealed(f: IO[bytes], key: bytes, name: str = "the backup") -> tuple[dict[str, Any], Iterator[bytes]]:
    """The header and an iterator of the plaintext chunks; raises :class:`WrongKeyError` at once for a
    wrong key, and :class:`DamagedBackupError` at the first chunk that fails (so a caller that acts
    on the plaintext must read it all once first, or undo)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header, raw = read_header(f, name)
    try:
        salt = base64.b64decode(header["salt"])
        check = base64.b64decode(header["key_check"])
    except (KeyError, ValueError, TypeError):
        raise DamagedBackupError(f"{name} is damaged: its header lacks the salt or key check") from None
    if _derive(key, salt, b"check")[:16] != check:
        raise WrongKeyError(f"wrong key for {name}: it was made with another backup key")
    aead = AESGCM(_derive(key, salt, b"data"))
    digest = hashlib.sha256(raw).digest()

    def chunks() -> Iterator[bytes]:
        index = 0
        while True:
            head = f.read(5)
            if not head:
                raise DamagedBackupError(f"{name} is cut short: it ends after {index} chunks, before the last one")
            if len(head) < 5:
                raise DamagedBackupError(f"{name} is cut short inside chunk {index}")
            flag, size = struct.unpack(">BI", head)
            if flag not in (0, 1) or size < TAG_BYTES or size > header.get("chunk", CHUNK) + TAG_BYTES:
                raise DamagedBackupError(f"{name} is damaged at chunk {index}")
            body = f.read(NONCE_BYTES + size)
            if len(body) < NONCE_BYTES + size:
                raise DamagedBackupError(f"{name} is cut short inside chunk {index}")
            try:
                plain = aead.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], _aad(digest, index, flag == 1))
            except InvalidTag:
                raise DamagedBackupError(f"{name} is damaged or was altered: chunk {index} fails its check "
                                         "(changed, reordered or from another file)") from None
            yield plain
            index += 1
            if flag == 1:
                if f.read(1):
                    raise DamagedBackupError(f"{name} has bytes after its last chunk: it was altered")
                return

    return header, chunks()
