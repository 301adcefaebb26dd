"""Commercial cryptography (GB/T 39786-2021): SM4-GCM for personal data and backups, HMAC-SM3 for
blind indexes and the audit chain.

Keys come from the environment (settings.BANZI_DATA_KEYS, BANZI_INDEX_KEY, BANZI_AUDIT_KEY). Data keys
carry an id so that a value or a backup says which key sealed it: the first key seals, every listed
key opens, and `manage.py rotate_keys` re-seals old values under the first key.

A sealed text is "sm4:<key id>:<base64 of nonce + ciphertext + tag>"; sealed bytes are the magic
b"BZS4", the key id's length and the id, the nonce, then ciphertext + tag.
"""
import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TEXT_PREFIX = "sm4:"
BYTES_MAGIC = b"BZS4"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 16  # SM4 has a 128-bit key


class DecryptionError(Exception):
    """A sealed value could not be opened: unknown key, damaged or forged."""


def parse_keys(text):
    """"id:hex,id:hex" → {id: key bytes}, in the order given (the first seals)."""
    keys = {}
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        key_id, sep, hex_key = part.partition(":")
        try:
            key = binascii.unhexlify(hex_key.strip())
        except (binascii.Error, ValueError):
            key = b""
        if not sep or not key_id.strip() or len(key) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"BANZI_DATA_KEYS: each key is <id>:<32 hex digits> (SM4 needs 16 bytes), got {key_id.strip()!r}"
            )
        keys[key_id.strip()] = key
    return keys


def data_keys():
    keys = settings.BANZI_DATA_KEYS
    if not keys:
        raise ImproperlyConfigured("BANZI_DATA_KEYS is empty: no key to seal personal data with.")
    return keys


def current_key_id():
    return next(iter(data_keys()))


def _key(key_id):
    try:
        return data_keys()[key_id]
    except KeyError:
        raise DecryptionError(f"no data key with id {key_id!r}") from None


def _seal(key, plaintext, associated):
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    if associated:
        encryptor.authenticate_additional_data(associated)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return nonce + ciphertext + encryptor.tag


def _open(key, sealed, associated):
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("sealed value too short")
    nonce, body, tag = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:-TAG_BYTES], sealed[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    if associated:
        decryptor.authenticate_additional_data(associated)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise DecryptionError("sealed value damaged or sealed with another key") from None


def is_sealed(text):
    return isinstance(text, str) and text.startswith(TEXT_PREFIX)


def encrypt_text(plaintext, associated=b""):
    """Seal a text under the current data key; '' and None stay as they are."""
    if plaintext is None or plaintext == "":
        return plaintext
    key_id = current_key_id()
    sealed = _seal(_key(key_id), plaintext.encode("utf-8"), associated)
    return f"{TEXT_PREFIX}{key_id}:{base64.b64encode(sealed).decode('ascii')}"


def decrypt_text(token, associated=b""):
    """Open a sealed text; a value that is not sealed (legacy plain text) is returned as it is."""
    if not is_sealed(token):
        return token
    key_id, _sep, body = token[len(TEXT_PREFIX):].partition(":")
    try:
        sealed = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError("sealed value is not base64") from None
    return _open(_key(key_id), sealed, associated).decode("utf-8")


def sealed_key_id(token):
    """The id of the key that sealed a text, or None for plain text."""
    if not is_sealed(token):
        return None
    return token[len(TEXT_PREFIX):].partition(":")[0]


def encrypt_bytes(data, associated=b""):
    key_id = current_key_id().encode("utf-8")
    return BYTES_MAGIC + bytes([len(key_id)]) + key_id + _seal(_key(key_id.decode("utf-8")), data, associated)


def decrypt_bytes(blob, associated=b""):
    if not blob.startswith(BYTES_MAGIC) or len(blob) < len(BYTES_MAGIC) + 1:
        raise DecryptionError("not a Banzi sealed file")
    length = blob[len(BYTES_MAGIC)]
    start = len(BYTES_MAGIC) + 1
    key_id = blob[start:start + length].decode("utf-8", "replace")
    return _open(_key(key_id), blob[start + length:], associated)


def hmac_sm3(key, data):
    """HMAC-SM3 of bytes (or text, as UTF-8) under a key; 32 bytes."""
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data.encode("utf-8") if isinstance(data, str) else data)
    return mac.finalize()


def blind_index(value, purpose):
    """A keyed fingerprint of a value, for uniqueness and exact search without decrypting: hex HMAC-SM3
    under the index key, separated by purpose so two fields' fingerprints never match."""
    if value is None or value == "":
        return ""
    return hmac_sm3(settings.BANZI_INDEX_KEY, f"{purpose}\x00{value}").hex()


def audit_mac(data):
    """HMAC-SM3 under the audit key, for the chain of audit rows."""
    return hmac_sm3(settings.BANZI_AUDIT_KEY, data).hex()
