"""Encrypted model fields (banzi/core/fields.py): the clear value in Python, only sealed text in the
database and its history tables, empty values kept, lookups on clear values refused."""
import datetime

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection

from banzi.core import crypto
from banzi.core.fields import reseal
from banzi.org.models import Cadre, refresh_fingerprints
from tests import factories as f

ID_NUMBER = f.make_id_number(datetime.date(1980, 5, 17), "male", 3)
PHONE = "13987654321"


def raw(table, column, pk, pk_column="id"):
    """The stored text of one column of one row, read with SQL, past the ORM's decryption."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {pk_column} = %s", [pk])
        return cursor.fetchone()[0]


def raw_column(table, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def cadre(township):
    return f.CadreFactory(organization=township, birth_date=datetime.date(1980, 5, 17), gender="male",
                          id_number=ID_NUMBER, phone=PHONE)


def test_round_trip_gives_back_the_clear_value(cadre):
    fresh = Cadre.objects.get(pk=cadre.pk)
    assert (fresh.id_number, fresh.phone) == (ID_NUMBER, PHONE)
    assert Cadre.objects.filter(pk=cadre.pk).values_list("id_number", "phone").get() == (ID_NUMBER, PHONE)


def test_the_database_holds_only_sealed_text(cadre):
    stored_id, stored_phone = raw("org_cadre", "id_number", cadre.pk), raw("org_cadre", "phone", cadre.pk)
    for stored, clear in ((stored_id, ID_NUMBER), (stored_phone, PHONE)):
        assert crypto.is_sealed(stored)
        assert clear not in stored
        assert crypto.sealed_key_id(stored) == crypto.current_key_id()
    # Nor the historical table: the history keeps sealed values too.
    for column, clear in (("id_number", ID_NUMBER), ("phone", PHONE)):
        values = raw_column("org_historicalcadre", column)
        assert values and all(crypto.is_sealed(v) and clear not in v for v in values)


def test_each_write_seals_anew(cadre):
    before = raw("org_cadre", "id_number", cadre.pk)
    cadre.save()
    after = raw("org_cadre", "id_number", cadre.pk)
    assert before != after and crypto.decrypt_text(before) == crypto.decrypt_text(after) == ID_NUMBER


def test_empty_values_stay_empty_and_can_be_looked_up(township):
    cadre = f.CadreFactory(organization=township, id_number=None, phone="")
    assert raw("org_cadre", "id_number", cadre.pk) is None
    assert raw("org_cadre", "phone", cadre.pk) == ""
    assert cadre.id_number_index is None and cadre.phone_index == ""
    assert list(Cadre.objects.filter(phone="", id_number__isnull=True)) == [cadre]


def test_a_lookup_on_a_clear_value_is_refused_not_silently_empty(cadre):
    with pytest.raises(FieldError, match="encrypted"):
        list(Cadre.objects.filter(phone=PHONE))
    with pytest.raises(FieldError, match="encrypted"):
        list(Cadre.objects.filter(id_number__in=[ID_NUMBER]))
    with pytest.raises(FieldError):
        list(Cadre.objects.filter(phone__contains="8765"))


def test_validators_and_max_length_apply_to_the_clear_value(cadre):
    # The column holds ~100 characters of sealed text; the limit of 20 is the clear phone number's.
    assert len(raw("org_cadre", "phone", cadre.pk)) > 20
    cadre.phone = "1" * 21
    with pytest.raises(ValidationError) as error:
        cadre.full_clean()
    assert "phone" in error.value.error_dict


def test_legacy_clear_rows_are_sealed_and_fingerprinted(cadre):
    """What the migration does to rows written before encryption: clear text in, sealed text out."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE org_cadre SET id_number = %s, phone = %s, id_number_index = NULL, phone_index = '' "
                       "WHERE id = %s", [ID_NUMBER, PHONE, cadre.pk])
        cursor.execute("UPDATE org_historicalcadre SET id_number = %s WHERE id = %s", [ID_NUMBER, cadre.pk])
    assert Cadre.objects.get(pk=cadre.pk).id_number == ID_NUMBER  # clear legacy text still reads
    assert reseal(Cadre) == 1
    assert reseal(Cadre.history.model) >= 1
    assert refresh_fingerprints(Cadre) == 1
    assert crypto.is_sealed(raw("org_cadre", "id_number", cadre.pk))
    assert all(crypto.is_sealed(v) for v in raw_column("org_historicalcadre", "id_number"))
    fresh = Cadre.objects.get(pk=cadre.pk)
    assert fresh.id_number == ID_NUMBER and fresh.id_number_index == Cadre.id_number_fingerprint(ID_NUMBER)
    assert reseal(Cadre) == 0  # idempotent


def test_a_value_sealed_under_an_unknown_key_is_refused(cadre, settings):
    settings.BANZI_DATA_KEYS = crypto.parse_keys("other:00112233445566778899aabbccddeeff")
    with pytest.raises(crypto.DecryptionError):
        Cadre.objects.get(pk=cadre.pk)
