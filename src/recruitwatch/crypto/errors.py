"""Errors of encryption at rest. Messages name what is wrong and what to do; never a key."""

from __future__ import annotations

from recruitwatch.errors import RecruitwatchError


class CryptoError(RecruitwatchError):
    """Base class: confidential data could not be sealed or opened."""


class KeyNotConfigured(CryptoError):
    """No master key: no key file where one was looked for and no $RECRUITWATCH_MASTER_KEY."""


class WrongKey(CryptoError):
    """The master key does not unwrap the store's data keys (another store's key, or an old one)."""


class DataKeyDestroyed(CryptoError):
    """The data key was destroyed (the person was deleted): the data is gone for good."""


class ConfidentialDataError(CryptoError):
    """A ciphertext does not open under its key and its place (tampered, or moved from another row)."""
