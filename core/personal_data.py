"""Personal numbers (ID numbers, phones) encrypted at rest, with a keyed blind index for exact lookups.

A stored value is text: base64 of [cipher byte][key id length][key id][nonce][ciphertext and tag]. The cipher
byte says how the value was written (1: AES-256-GCM, 2: SM4-GCM), so a value stays readable when the configured
cipher (`PERSONAL_DATA_CIPHER`) changes. The first key of the keyring encrypts; every listed key decrypts, so
keys rotate without downtime (`manage.py personal_data_rotate` re-encrypts what an older key wrote).

Every key is 32 random bytes: AES-256-GCM uses all of them, SM4-GCM the first 16. The blind index is an
HMAC (SHA-256, or SM3 with the sm4 setting) of the normalised value under a key of its own, stored hex in a
sibling column that carries the uniqueness and answers every exact lookup; it never changes with a rotation.
"""

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import migrations, transaction
from django.dispatch import receiver

AES_GCM, SM4_GCM = 1, 2
CIPHERS = {"aes-gcm": AES_GCM, "sm4-gcm": SM4_GCM}
NONCE_BYTES, TAG_BYTES = 12, 16


class PersonalDataError(ValueError):
    """A stored value no configured key can read (or text that is not a stored value)."""


@dataclass(frozen=True)
class Keyring:
    cipher: int
    keys: tuple[tuple[str, bytes], ...]  # (id, 32 bytes); the first encrypts
    index_key: bytes

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    def key(self, key_id: str) -> bytes:
        for kid, key in self.keys:
            if kid == key_id:
                return key
        raise PersonalDataError(f"no key {key_id!r} in PERSONAL_DATA_KEYS")


def parse_keys(text: str) -> tuple[tuple[str, bytes], ...]:
    """`id:base64key` entries separated by commas or new lines; '#' starts a comment line."""
    keys = []
    for entry in text.replace(",", "\n").splitlines():
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        kid, sep, encoded = entry.partition(":")
        kid = kid.strip()
        if not sep or not kid or len(kid.encode()) > 255:
            raise ImproperlyConfigured("personal data keys read id:base64key, one per entry")
        key = _decode_key(encoded, f"personal data key {kid!r}")
        if any(k == kid for k, _ in keys):
            raise ImproperlyConfigured(f"personal data key id {kid!r} is listed twice")
        keys.append((kid, key))
    if not keys:
        raise ImproperlyConfigured("no personal data key is configured")
    return tuple(keys)


def _decode_key(encoded: str, what: str) -> bytes:
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{what} is not base64") from error
    if len(key) != 32:
        raise ImproperlyConfigured(f"{what} must be 32 bytes (base64 of 32 random bytes)")
    return key


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    cipher = CIPHERS.get(settings.PERSONAL_DATA_CIPHER)
    if cipher is None:
        raise ImproperlyConfigured("PERSONAL_DATA_CIPHER must be aes-gcm or sm4-gcm")
    keys = parse_keys(settings.PERSONAL_DATA_KEYS)
    index_key = _decode_key(settings.PERSONAL_DATA_INDEX_KEY, "PERSONAL_DATA_INDEX_KEY")
    if any(index_key == key for _, key in keys):
        raise ImproperlyConfigured("PERSONAL_DATA_INDEX_KEY must differ from every encryption key")
    return Keyring(cipher, keys, index_key)


@receiver(setting_changed)
def _settings_changed(*, setting, **kwargs):
    if setting.startswith("PERSONAL_DATA_"):
        keyring.cache_clear()


def _aead(cipher: int, key: bytes, nonce: bytes, tag: bytes | None = None):
    algorithm = algorithms.AES(key) if cipher == AES_GCM else algorithms.SM4(key[:16])
    return Cipher(algorithm, modes.GCM(nonce, tag))


def encrypt(value: str) -> str:
    ring = keyring()
    kid = ring.current_id.encode()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = _aead(ring.cipher, ring.key(ring.current_id), nonce).encryptor()
    encryptor.authenticate_additional_data(bytes([ring.cipher]) + kid)
    body = encryptor.update(value.encode()) + encryptor.finalize() + encryptor.tag
    return base64.b64encode(bytes([ring.cipher, len(kid)]) + kid + nonce + body).decode()


def _parts(token: str) -> tuple[int, str, bytes, bytes]:
    try:
        raw = base64.b64decode(token, validate=True)
        cipher, size = raw[0], raw[1]
        kid = raw[2:2 + size].decode()
    except (ValueError, IndexError, UnicodeDecodeError) as error:
        raise PersonalDataError("not an encrypted value") from error
    rest = raw[2 + size:]
    if cipher not in CIPHERS.values() or len(rest) < NONCE_BYTES + TAG_BYTES:
        raise PersonalDataError("not an encrypted value")
    return cipher, kid, rest[:NONCE_BYTES], rest[NONCE_BYTES:]


def key_id(token: str) -> str:
    """The id of the key a stored value was written with."""
    return _parts(token)[1]


def decrypt(token: str) -> str:
    cipher, kid, nonce, body = _parts(token)
    decryptor = _aead(cipher, keyring().key(kid), nonce, body[-TAG_BYTES:]).decryptor()
    decryptor.authenticate_additional_data(bytes([cipher]) + kid.encode())
    try:
        return (decryptor.update(body[:-TAG_BYTES]) + decryptor.finalize()).decode()
    except InvalidTag as error:
        raise PersonalDataError(f"the value does not decrypt under key {kid!r}") from error


def normalise(value: str) -> str:
    """What the blind index is computed over: ID numbers with an upper-case X, no surrounding spaces."""
    return value.strip().upper()


def blind_index(value: str | None) -> str | None:
    """The keyed hash that exact lookups and uniqueness use; None for no value."""
    if value is None or value == "":
        return None
    ring = keyring()
    data = normalise(value).encode()
    if ring.cipher == SM4_GCM:
        mac = crypto_hmac.HMAC(ring.index_key, hashes.SM3())
        mac.update(data)
        return mac.finalize().hex()
    return hmac.new(ring.index_key, data, hashlib.sha256).hexdigest()


def is_encrypted(value: str) -> bool:
    """Whether text reads as a stored value (a clear ID number or phone never does: the cipher byte of base64
    digits is at least 0xD0); whether a key reads it is decrypt's question."""
    try:
        _parts(value)
    except PersonalDataError:
        return False
    return True


def rewrite_table(connection, table: str, columns: dict[str, str | None], *, mode: str, batch: int = 1000,
                  pk: str = "id", after=None, progress=None) -> dict[str, int]:
    """Rewrite the personal numbers of one table in batches by primary key, each batch in its own transaction
    (its rows locked where the database can), so that the work can stop and resume and the site stays up.

    `columns` maps each encrypted column to its blind-index column (or None). `mode` is "encrypt" (clear values
    become ciphertext: the data migration), "rotate" (values not under the current key are re-encrypted) or
    "decrypt" (back to clear: the migration's reverse). Blind indexes are recomputed in every mode but decrypt.
    Raw SQL on purpose: the rows hold clear text and ciphertext side by side while this runs.
    Returns {"rows": rows read, "changed": rows written}."""
    quote = connection.ops.quote_name
    names = list(columns)
    indexes = [columns[c] for c in names if columns[c]]
    listed = ", ".join(quote(c) for c in [pk, *names, *indexes])
    select = f"SELECT {listed} FROM {quote(table)} WHERE {quote(pk)} > %s ORDER BY {quote(pk)} LIMIT %s"  # noqa: S608
    if connection.features.has_select_for_update:
        select += " FOR UPDATE"
    counts = {"rows": 0, "changed": 0}
    last = after if after is not None else -1
    current = keyring().current_id
    while True:
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute(select, [last, batch])
                rows = cursor.fetchall()
                for row in rows:
                    updates = {}
                    stored = dict(zip(names + indexes, row[1:], strict=True))
                    for column in names:
                        value = stored[column]
                        if value is None or value == "":
                            clear, token = value, value
                        elif is_encrypted(value):
                            clear, token = decrypt(value), value
                            if mode == "decrypt":
                                token = clear
                            elif mode == "rotate" and key_id(value) != current:
                                token = encrypt(clear)
                        elif mode == "decrypt":
                            clear = token = value
                        else:
                            clear, token = value, encrypt(value)
                        if token != value:
                            updates[column] = token
                        index = columns[column]
                        if index and mode != "decrypt" and stored[index] != blind_index(clear):
                            updates[index] = blind_index(clear)
                    if updates:
                        assignments = ", ".join(f"{quote(c)} = %s" for c in updates)
                        sql = f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk)} = %s"  # noqa: S608
                        cursor.execute(sql, [*updates.values(), row[0]])
                        counts["changed"] += 1
                counts["rows"] += len(rows)
        if not rows:
            return counts
        last = rows[-1][0]
        if progress:
            progress(table, last, counts)


def encrypt_in_migration(model_label: str, columns: dict[str, str | None]):
    """A reversible data-migration operation: encrypts `columns` of the model's table and fills their blind
    indexes (backwards: clear values again), in batches."""
    def run(mode):
        def operation(apps, schema_editor):
            model = apps.get_model(model_label)
            rewrite_table(schema_editor.connection, model._meta.db_table, columns, mode=mode,
                          pk=model._meta.pk.column)
        return operation

    return migrations.RunPython(run("encrypt"), run("decrypt"), elidable=False)

