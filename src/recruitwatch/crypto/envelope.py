"""AES-256-GCM sealing of values and wrapping of data keys (pure functions over bytes).

A sealed blob is ``VERSION (1 byte) | nonce (12 bytes) | ciphertext | tag (16 bytes)``. The
nonce is random for every seal: with 96-bit random nonces a key may seal about 2^32 values
before a repeat becomes a concern, and a data key seals the handful of fields of one person.
"""

from __future__ import annotations

import os

# cryptography is imported where a value is sealed or opened: most commands open a store without
# sealing anything, and its import cost every command about 0.1 s of start-up.
from recruitwatch.crypto.errors import ConfidentialDataError, WrongKey

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12
VERSION = b"\x01"
_PREFIX = b"recruitwatch/v1"


def new_data_key() -> bytes:
    """A fresh random data key."""
    return os.urandom(KEY_BYTES)


def aad(table: str, row: str, field: str) -> bytes:
    """The associated data binding a ciphertext to its table, row and field."""
    for part in (table, row, field):
        if "\x00" in part:
            raise ValueError("a table, row or field name cannot contain NUL")
    return b"\x00".join((_PREFIX, table.encode(), row.encode(), field.encode()))


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """Encrypt and authenticate ``plaintext`` under ``key``, bound to ``associated``."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def open_sealed(key: bytes, blob: bytes, associated: bytes, *, what: str = "a confidential value") -> bytes:
    """The plaintext of a :func:`seal` blob; :class:`ConfidentialDataError` when it does not open
    (another key, another row or field, or altered bytes)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    blob = bytes(blob)
    if len(blob) < 1 + NONCE_BYTES + 16 or blob[:1] != VERSION:
        raise ConfidentialDataError(f"{what} is not a recruitwatch ciphertext (damaged or from another program)")
    try:
        return AESGCM(key).decrypt(blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :], associated)
    except InvalidTag:
        raise ConfidentialDataError(
            f"{what} does not open: it was altered, or it was moved from another row or field"
        ) from None


def _wrap_aad(data_key_id: str, master_key_id: str) -> bytes:
    return aad("data_keys", data_key_id, f"wrapped_key/{master_key_id}")


def wrap_key(master_key: bytes, master_key_id: str, data_key_id: str, data_key: bytes) -> bytes:
    """``data_key`` encrypted under the master key, bound to the data key's id and the master key's id."""
    return seal(master_key, data_key, _wrap_aad(data_key_id, master_key_id))


def unwrap_key(master_key: bytes, master_key_id: str, data_key_id: str, wrapped: bytes) -> bytes:
    """The data key inside ``wrapped``; :class:`WrongKey` when this master key does not open it."""
    try:
        return open_sealed(master_key, wrapped, _wrap_aad(data_key_id, master_key_id))
    except ConfidentialDataError:
        raise WrongKey(
            f"the master key {master_key_id} does not unwrap data key {data_key_id}: the key file is not "
            "the one this store was encrypted with, or the wrapped key was altered"
        ) from None
