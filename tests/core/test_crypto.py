"""SM4-GCM sealing and HMAC-SM3 fingerprints (banzi/core/crypto.py)."""
import pytest
from django.core.exceptions import ImproperlyConfigured

from banzi.core import crypto

OLD = "old:00112233445566778899aabbccddeeff"
NEW = "new:ffeeddccbbaa99887766554433221100"


def test_a_sealed_text_opens_to_the_same_text_and_does_not_contain_it():
    sealed = crypto.encrypt_text("110101199001011234")
    assert crypto.is_sealed(sealed)
    assert "110101199001011234" not in sealed
    assert crypto.decrypt_text(sealed) == "110101199001011234"
    # A fresh nonce each time: the same value never seals to the same text.
    assert crypto.encrypt_text("110101199001011234") != sealed


def test_empty_values_and_plain_text_pass_through():
    assert crypto.encrypt_text("") == ""
    assert crypto.encrypt_text(None) is None
    assert crypto.decrypt_text("plain") == "plain"


def test_a_changed_byte_is_refused_not_opened_to_garbage():
    sealed = crypto.encrypt_text("13800001111")
    key_part, body = sealed.rsplit(":", 1)
    flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(f"{key_part}:{flipped}")


def test_associated_data_binds_a_value_to_its_place():
    sealed = crypto.encrypt_text("secret", associated=b"cadre:1")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(sealed, associated=b"cadre:2")


def test_the_first_key_seals_and_every_listed_key_opens(settings):
    settings.BANZI_DATA_KEYS = crypto.parse_keys(OLD)
    old_sealed = crypto.encrypt_text("x")
    settings.BANZI_DATA_KEYS = crypto.parse_keys(f"{NEW},{OLD}")
    assert crypto.sealed_key_id(old_sealed) == "old"
    assert crypto.decrypt_text(old_sealed) == "x"
    assert crypto.sealed_key_id(crypto.encrypt_text("x")) == "new"
    settings.BANZI_DATA_KEYS = crypto.parse_keys(NEW)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(old_sealed)


def test_sealed_bytes_round_trip_and_name_their_key(settings):
    settings.BANZI_DATA_KEYS = crypto.parse_keys(f"{NEW},{OLD}")
    blob = crypto.encrypt_bytes(b"backup contents")
    assert b"backup contents" not in blob
    assert crypto.decrypt_bytes(blob) == b"backup contents"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(b"not sealed at all")


@pytest.mark.parametrize("text", ["k1", "k1:0011", ":00112233445566778899aabbccddeeff", "k1:zz112233445566778899aabbccddeeff"])
def test_a_malformed_key_list_is_refused(text):
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keys(text)


def test_blind_index_is_keyed_and_separated_by_purpose(settings):
    first = crypto.blind_index("110101199001011234", "id_number")
    assert first == crypto.blind_index("110101199001011234", "id_number")
    assert first != crypto.blind_index("110101199001011234", "phone")
    assert crypto.blind_index("", "id_number") == ""
    settings.BANZI_INDEX_KEY = bytes(range(32))
    assert crypto.blind_index("110101199001011234", "id_number") != first


def test_hmac_sm3_matches_the_published_test_vector():
    # RFC 2104 construction over SM3 (GB/T 32905-2016); SM3("abc") is the standard's example.
    from cryptography.hazmat.primitives import hashes
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")
    assert digest.finalize().hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert len(crypto.hmac_sm3(b"k" * 16, "abc")) == 32
