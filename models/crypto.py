"""Encryption at rest of ID numbers and phones (GB/T 35273 sensitive personal information).

One data key (32 random bytes, written as 64 hex digits) comes from `DATA_KEY` or
`instance/data_key`, never from the database. HKDF-SHA256 derives three things from it:

- the AES-256-GCM key that encrypts each value (authenticated: a changed byte fails to decrypt),
- the HMAC-SHA256 key of search lookups (`KeyRing.lookup`), so equal values still find each other,
- an 8-hex-digit key id, stored in front of every ciphertext, so a value names the key it needs
  and rotation can read old values while it writes new ones.

A stored value reads `<key id>$<base64url(nonce ‖ ciphertext ‖ tag)>`; an empty string stays
empty (nothing to hide, and queries for "no number" keep working). The table `data_key_check`
holds the key id and an encrypted known text: a process whose key does not open it refuses to
start (`check_data_key`), so a wrong key is never used to write.
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import JSON, Connection, Engine, String, event, inspect, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

ROOT = Path(__file__).resolve().parent.parent
KEY_CHECK_TEXT = "mediation data key check"
_KEY_TEXT = re.compile(r"[0-9a-fA-F]{64}")
_NONCE_BYTES = 12


class DataKeyError(RuntimeError):
    """The data key is missing, malformed, or not the one the database was encrypted with."""


def _derive(secret: bytes, purpose: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose).derive(secret)


class DataKey:
    """One data key and what is derived from it."""

    def __init__(self, text: str, source: str = "DATA_KEY"):
        text = (text or "").strip()
        if not _KEY_TEXT.fullmatch(text):
            raise DataKeyError(f"{source} 格式不正确：应为64位十六进制数字（32字节随机数）。")
        secret = bytes.fromhex(text)
        self.id = _derive(secret, b"mediation key id", 4).hex()
        self._cipher = AESGCM(_derive(secret, b"mediation encryption"))
        self._lookup = _derive(secret, b"mediation lookup")

    def encrypt(self, text: str) -> str:
        header = self.id.encode()
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._cipher.encrypt(nonce, text.encode(), header)
        return f"{self.id}${base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"

    def decrypt(self, token: str) -> str:
        key_id, _, body = token.partition("$")
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return self._cipher.decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], key_id.encode()
        ).decode()

    def lookup(self, text: str) -> str:
        return hmac.new(self._lookup, text.encode(), hashlib.sha256).hexdigest()


class KeyRing:
    """The key that writes (and makes lookups), plus older keys still accepted for reading while
    a rotation re-encrypts their values."""

    def __init__(self, writing: DataKey, *reading: DataKey):
        self.writing = writing
        self._by_id = {key.id: key for key in (*reading, writing)}

    def encrypt(self, text: str | None) -> str | None:
        return self.writing.encrypt(text) if text else text

    def decrypt(self, token: str | None) -> str | None:
        if not token:
            return token
        key = self._by_id.get(token.partition("$")[0])
        if key is None:
            raise DataKeyError(f"数据由密钥 {token.partition('$')[0]} 加密，当前未提供该密钥。")
        try:
            return key.decrypt(token)
        except (InvalidTag, ValueError, binascii.Error):
            raise DataKeyError(f"密文已损坏或被篡改（密钥 {key.id}）。") from None

    def lookup(self, text: str) -> str:
        return self.writing.lookup(text)


class KeySetting(NamedTuple):
    """The key an app uses (None: none yet) and its file (None: DATA_KEY gave it)."""

    key: DataKey | None
    file: Path | None


# -- the key this process uses ------------------------------------------------------------------

_ring: KeyRing | None = None


def _key_from_environment() -> DataKey | None:
    """`DATA_KEY`, else `DATA_KEY_FILE` or instance/data_key, as the app finds it; None when
    there is none."""
    if os.environ.get("DATA_KEY"):
        return DataKey(os.environ["DATA_KEY"])
    path = Path(os.environ.get("DATA_KEY_FILE") or ROOT / "instance" / "data_key")
    if path.exists():
        return DataKey(path.read_text(), source=str(path))
    return None


def install(ring: KeyRing | None) -> None:
    """Make `ring` the process's keys (the app does this once its key passed the check)."""
    global _ring
    _ring = ring


def current() -> KeyRing:
    """The process's keys: those installed, else the environment's (Alembic run on its own)."""
    global _ring
    if _ring is None:
        key = _key_from_environment()
        if key is None:
            raise DataKeyError(
                "未找到数据加密密钥：请设置环境变量 DATA_KEY，或运行 `flask --app app init-db` "
                "生成 instance/data_key。"
            )
        _ring = KeyRing(key)
    return _ring


@contextmanager
def keys_in_use(ring: KeyRing) -> Iterator[KeyRing]:
    """Use `ring` for the duration (a rotation), then restore the keys used before."""
    global _ring
    before = _ring
    _ring = ring
    try:
        yield ring
    finally:
        _ring = before


def new_key_text() -> str:
    return secrets.token_hex(32)


def write_key_file(path: Path, text: str) -> None:
    """Write a key readable by its owner only; never overwrite an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text + "\n")
    os.chmod(path, 0o600)


# -- the column type ----------------------------------------------------------------------------


class Encrypted(TypeDecorator):
    """A text column stored encrypted by the process's data key; reads give the plain text.
    Every writer goes through it, the ORM and Core inserts alike (the ledger import)."""

    impl = String
    cache_ok = True

    class comparator_factory(String.Comparator):  # noqa: N801 (SQLAlchemy's name)
        """Each encryption draws a fresh nonce, so a value never equals its stored ciphertext:
        comparing one in SQL would silently find nothing. Refuse it loudly; compare the
        lookup key instead (identifiers.lookup_key). Empty (no value) compares as usual."""

        def operate(self, op, *other, **kwargs):
            if any(not (isinstance(value, str | None) and not value) for value in other):
                raise TypeError(
                    "an encrypted column cannot be compared with a value in SQL: "
                    "compare its lookup key (id_key, phone_key) instead"
                )
            return super().operate(op, *other, **kwargs)

    def process_bind_param(self, value, dialect):
        return current().encrypt(value)

    def process_result_value(self, value, dialect):
        return current().decrypt(value)


class EncryptedJSON(Encrypted):
    """A JSON document stored as one encrypted text (an online application's data before it
    becomes a case, the values of a message): what is in it is not searched, only read back."""

    cache_ok = True

    def process_bind_param(self, value, dialect):
        return super().process_bind_param(json.dumps(value, ensure_ascii=False), dialect)

    def process_result_value(self, value, dialect):
        text = super().process_result_value(value, dialect)
        return json.loads(text) if text else {}


# Keys of an audit event's changes ({field: [before, after]}) that hold an ID number or a phone.
PERSONAL_CHANGES = frozenset({"id_number", "phone", "employer_phone"})


def _each_personal(changes: dict | None, transform) -> dict | None:
    if not changes:
        return changes
    return {
        name: [transform(v) if isinstance(v, str) else v for v in values]
        if name in PERSONAL_CHANGES and isinstance(values, list)
        else values
        for name, values in changes.items()
    }


class EncryptedChanges(TypeDecorator):
    """An audit event's changes as JSON, the ID numbers and phones among them encrypted: the
    history of a correction must not keep in clear what the worker's row keeps encrypted."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return _each_personal(value, current().encrypt)

    def process_result_value(self, value, dialect):
        return _each_personal(value, current().decrypt)


def holds_personal_data(value) -> bool:
    """Whether a value of an Encrypted or EncryptedChanges column has anything encrypted."""
    if isinstance(value, dict):
        return any(name in PERSONAL_CHANGES for name in value)
    return bool(value)


# -- the key check ------------------------------------------------------------------------------


class DataKeyCheck(SQLModel, table=True):
    """One row: the id of the key the database's values are encrypted with, and a known text
    encrypted by it. Only the key's holder can make or open it."""

    __tablename__ = "data_key_check"

    key_id: str = Field(max_length=16, primary_key=True)
    token: str = Field(max_length=200)


def check_data_key(engine: Engine, key: DataKey | None, key_file: Path | None = None) -> None:
    """Refuse (DataKeyError) a missing or wrong key for a database that holds encrypted values.
    A database that does not answer yet (/healthz says so) is checked on the first connection
    that succeeds instead: until then nothing can be written, and a wrong key never will."""
    try:
        with engine.connect() as connection:
            _verify(connection, key, key_file)
    except OperationalError:
        _verify_when_reachable(engine, key, key_file)


def _verify_when_reachable(engine: Engine, key: DataKey | None, key_file: Path | None) -> None:
    verified = False

    def verify(connection: Connection) -> None:
        nonlocal verified
        if verified:
            return
        try:
            _verify(connection, key, key_file)
        except DataKeyError:
            connection.close()
            raise
        connection.rollback()  # end the check's own transaction: the caller begins its own
        verified = True

    event.listen(engine, "engine_connect", verify)


def _verify(connection: Connection, key: DataKey | None, key_file: Path | None) -> None:
    if not inspect(connection).has_table(DataKeyCheck.__tablename__):
        return  # not migrated this far: nothing is encrypted yet
    stored = connection.execute(select(DataKeyCheck.key_id, DataKeyCheck.token)).first()
    if stored is None:
        raise DataKeyError("数据库缺少密钥校验记录（data_key_check），无法确认加密密钥，拒绝启动。")
    if key is None:
        raise DataKeyError(
            f"数据库中的证件号码和电话已加密（密钥 {stored.key_id}），但未提供密钥："
            f"请设置环境变量 DATA_KEY 或放置 {key_file or 'instance/data_key'}。"
        )
    try:
        opened = KeyRing(key).decrypt(stored.token)
    except DataKeyError:
        opened = None
    if opened != KEY_CHECK_TEXT:
        raise DataKeyError(
            f"DATA_KEY（密钥 {key.id}）不是加密该数据库所用的密钥（{stored.key_id}），拒绝启动。"
        )
