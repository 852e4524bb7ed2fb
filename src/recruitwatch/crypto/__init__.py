"""Encryption at rest of confidential fields: envelope encryption with AES-256-GCM.

* A **master key** (32 random bytes) lives outside the database, in a key file readable by its
  owner only or in ``$RECRUITWATCH_MASTER_KEY`` (see :mod:`recruitwatch.crypto.keyfile`).
* Each person gets a **data key** (32 random bytes). Only the data key *wrapped* (encrypted) by
  the master key is stored, with the master key's id (table ``data_keys``).
* Every confidential value is sealed under its data key with **associated data** naming its
  table, row and field, so a ciphertext moved to another row or field does not open.

    keyring = load_keyring()                       # the master key(s); KeyNotConfigured if none
    data_key = new_data_key()
    wrapped = wrap_key(keyring.current, "dk-1", data_key)
    blob = seal(data_key, b"...", aad("people", "p-1", "details"))
    open_sealed(data_key, blob, aad("people", "p-1", "details"))

See docs/encryption.md. Nothing here logs or prints a key or a plaintext.
"""

from __future__ import annotations

from recruitwatch.crypto.envelope import (
    KEY_BYTES,
    aad,
    new_data_key,
    open_sealed,
    seal,
    unwrap_key,
    wrap_key,
)
from recruitwatch.crypto.errors import (
    ConfidentialDataError,
    CryptoError,
    DataKeyDestroyed,
    KeyNotConfigured,
    WrongKey,
)
from recruitwatch.crypto.keyfile import (
    DEFAULT_KEY_FILE,
    KEY_ENV_VAR,
    KEY_FILE_ENV_VAR,
    Keyring,
    MasterKey,
    default_key_file,
    init_key_file,
    load_keyring,
)

__all__ = [
    "DEFAULT_KEY_FILE",
    "KEY_BYTES",
    "KEY_ENV_VAR",
    "KEY_FILE_ENV_VAR",
    "ConfidentialDataError",
    "CryptoError",
    "DataKeyDestroyed",
    "KeyNotConfigured",
    "Keyring",
    "MasterKey",
    "WrongKey",
    "aad",
    "default_key_file",
    "init_key_file",
    "load_keyring",
    "new_data_key",
    "open_sealed",
    "seal",
    "unwrap_key",
    "wrap_key",
]
