"""Envelope encryption and the master key file, as a user of the library meets them."""

from __future__ import annotations

import base64
import os
import stat

import pytest

from recruitwatch.crypto import (
    ConfidentialDataError,
    CryptoError,
    KeyNotConfigured,
    WrongKey,
    aad,
    init_key_file,
    load_keyring,
    new_data_key,
    open_sealed,
    seal,
    unwrap_key,
    wrap_key,
)

pytestmark = pytest.mark.issue(10)


@pytest.fixture(autouse=True)
def no_key_in_environment(monkeypatch, tmp_path):
    for name in ("RECRUITWATCH_KEY_FILE", "RECRUITWATCH_MASTER_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_a_sealed_value_opens_only_in_its_own_place():
    key = new_data_key()
    blob = seal(key, "Алишер Каримов".encode(), aad("people", "p1", "details"))
    assert "Алишер".encode() not in blob
    assert open_sealed(key, blob, aad("people", "p1", "details")).decode() == "Алишер Каримов"
    for place in (aad("people", "p2", "details"), aad("people", "p1", "name"), aad("testimonies", "p1", "details")):
        with pytest.raises(ConfidentialDataError, match="moved from another row"):
            open_sealed(key, blob, place)
    with pytest.raises(ConfidentialDataError):
        open_sealed(new_data_key(), blob, aad("people", "p1", "details"))
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(ConfidentialDataError):
        open_sealed(key, tampered, aad("people", "p1", "details"))


def test_two_seals_of_one_value_differ():
    key = new_data_key()
    assert seal(key, b"same", b"ad") != seal(key, b"same", b"ad")


def test_a_data_key_unwraps_only_with_its_master_key_and_ids():
    master, other = new_data_key(), new_data_key()
    data_key = new_data_key()
    wrapped = wrap_key(master, "mk-a", "dk-1", data_key)
    assert unwrap_key(master, "mk-a", "dk-1", wrapped) == data_key
    with pytest.raises(WrongKey, match="does not unwrap"):
        unwrap_key(other, "mk-a", "dk-1", wrapped)
    with pytest.raises(WrongKey):
        unwrap_key(master, "mk-a", "dk-2", wrapped)  # moved to another data key's row


def test_keys_init_creates_a_private_key_file_and_never_overwrites_it(tmp_path):
    path = tmp_path / "keys" / "master.key"
    keyring = init_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keyring.current.id.startswith("mk-")
    assert base64.b64encode(keyring.current.key).decode() not in repr(keyring)
    before = path.read_bytes()
    with pytest.raises(CryptoError, match="refusing to overwrite"):
        init_key_file(path)
    assert path.read_bytes() == before
    assert load_keyring(path).current == keyring.current


def test_the_default_key_file_is_in_the_users_config_folder(tmp_path):
    keyring = init_key_file()
    assert keyring.path == tmp_path / "config" / "recruitwatch" / "master.key"
    assert load_keyring().current.id == keyring.current.id


def test_no_key_says_how_to_create_one():
    with pytest.raises(KeyNotConfigured, match="recruitwatch keys init"):
        load_keyring()


def test_a_key_file_others_can_read_is_refused(tmp_path):
    path = tmp_path / "master.key"
    init_key_file(path)
    os.chmod(path, 0o644)
    with pytest.raises(CryptoError, match="chmod 600"):
        load_keyring(path)


def test_the_key_may_come_from_the_environment(monkeypatch):
    key = new_data_key()
    monkeypatch.setenv("RECRUITWATCH_MASTER_KEY", base64.b64encode(key).decode())
    keyring = load_keyring()
    assert keyring.current.key == key and keyring.path is None
    with pytest.raises(CryptoError, match="--key-file FILE --from-env"):
        keyring.start_rotation()  # nowhere to write a new key
    monkeypatch.setenv("RECRUITWATCH_MASTER_KEY", "not base64!")
    with pytest.raises(CryptoError, match="base64"):
        load_keyring()


def test_a_damaged_key_file_is_named(tmp_path):
    path = tmp_path / "master.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"{not json")
    os.close(fd)
    with pytest.raises(CryptoError, match="not a recruitwatch key file"):
        load_keyring(path)
