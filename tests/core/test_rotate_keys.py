"""`manage.py rotate_keys`: every sealed value (records and history) moves to the new data key, so the
old key can be dropped; `--reindex` recomputes the fingerprints after an index key change."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from banzi.conduct.models import OutingReport
from banzi.core import clock, crypto
from banzi.org.models import Cadre
from banzi.talks.models import Talk
from tests import factories as f

KEY_A = "a:00112233445566778899aabbccddeeff"
KEY_B = "b:ffeeddccbbaa99887766554433221100"


def stored(table, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")
        return [row[0] for row in cursor.fetchall() if row[0]]


SEALED_COLUMNS = [("org_cadre", "id_number"), ("org_cadre", "phone"), ("org_historicalcadre", "id_number"),
                  ("org_historicalcadre", "phone"), ("talks_talk", "summary"), ("talks_talk", "follow_up"),
                  ("talks_historicaltalk", "summary"), ("conduct_outingreport", "contact"),
                  ("conduct_historicaloutingreport", "contact")]


def key_ids():
    return {crypto.sealed_key_id(value) for table, column in SEALED_COLUMNS for value in stored(table, column)}


def rotate(*args):
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def records(township, settings):
    settings.BANZI_DATA_KEYS = crypto.parse_keys(KEY_A)
    talker, talkee = f.CadreFactory(organization=township), f.CadreFactory(organization=township)
    talkee.post = "副镇长"
    talkee.save()  # a second historical row
    talk = Talk.objects.create(talker=talker, talkee=talkee, held_on=clock.today(), summary="谈了家庭困难",
                               follow_up="下月回访")
    now = clock.now()
    outing = OutingReport.objects.create(cadre=talkee, destination="太原", reason="看病", departs_at=now,
                                         planned_return_at=now + datetime.timedelta(days=2), contact="13911112222")
    return talker, talkee, talk, outing


def test_seal_with_a_rotate_to_b_then_only_b_opens_everything(records, settings):
    talker, talkee, talk, outing = records
    assert key_ids() == {"a"}
    settings.BANZI_DATA_KEYS = crypto.parse_keys(f"{KEY_B},{KEY_A}")
    output = rotate()
    assert "org.Cadre: 2 rows re-sealed" in output
    assert "talks.Talk: 1 rows re-sealed" in output
    assert key_ids() == {"b"}
    assert "Re-sealed under key “b”: 0 rows" in rotate()  # idempotent: nothing left to do

    settings.BANZI_DATA_KEYS = crypto.parse_keys(KEY_B)  # the old key is gone
    fresh = Cadre.objects.get(pk=talkee.pk)
    assert (fresh.id_number, fresh.phone) == (talkee.id_number, talkee.phone)
    assert [h.id_number for h in fresh.history.all()] == [talkee.id_number] * fresh.history.count()
    fresh_talk = Talk.objects.get(pk=talk.pk)
    assert (fresh_talk.summary, fresh_talk.follow_up) == ("谈了家庭困难", "下月回访")
    assert OutingReport.objects.get(pk=outing.pk).contact == "13911112222"
    assert OutingReport.history.count() >= 1 and all(h.contact == "13911112222" for h in OutingReport.history.all())


def test_rotation_does_not_add_history_or_audit_rows(records, settings):
    from banzi.core.models import AuditEvent
    before = (Cadre.history.count(), AuditEvent.objects.count())
    settings.BANZI_DATA_KEYS = crypto.parse_keys(f"{KEY_B},{KEY_A}")
    rotate("--batch-size", "1")
    assert (Cadre.history.count(), AuditEvent.objects.count()) == before
    assert key_ids() == {"b"}


def test_dry_run_counts_without_writing(records, settings):
    settings.BANZI_DATA_KEYS = crypto.parse_keys(f"{KEY_B},{KEY_A}")
    assert "Values to re-seal under key “b”" in rotate("--dry-run")
    assert key_ids() == {"a"}


def test_reindex_after_an_index_key_change_finds_cadres_again(records, settings, county_client):
    _talker, talkee, _talk, _outing = records
    settings.BANZI_INDEX_KEY = bytes.fromhex("33" * 32)
    assert not Cadre.objects.filter(id_number_index=Cadre.id_number_fingerprint(talkee.id_number)).exists()
    output = rotate("--reindex")
    assert "org.Cadre: " in output and "fingerprints recomputed" in output
    fresh = Cadre.objects.get(pk=talkee.pk)
    assert fresh.id_number_index == Cadre.id_number_fingerprint(talkee.id_number)
    assert fresh.phone_index == Cadre.phone_fingerprint(talkee.phone)
    assert all(h.id_number_index == fresh.id_number_index for h in fresh.history.all())
    response = county_client.get("/org/cadres/", {"q": talkee.id_number})
    assert [c.pk for c in response.context["table"].data] == [talkee.pk]
    assert "Blind indexes recomputed: 0 rows" in rotate("--reindex")
