"""A talk's summary and follow-up are sealed with SM4 at rest, in the talk and in its history; the
pages and API answers that show them are never cached."""
import json

import pytest
from django.db import connection
from django.urls import reverse

from banzi.core import crypto
from banzi.core.models import AuditEvent
from banzi.talks.models import Talk
from tests.api import api_for
from tests.talks.factories import talk

SUMMARY = "本人坦言对分管工作存在畏难情绪"
FOLLOW_UP = "三个月内由组织委员跟踪回访"


@pytest.fixture
def record(township):
    return talk(township, summary=SUMMARY, follow_up=FOLLOW_UP)


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_summary_and_follow_up_are_sealed_in_the_table_and_its_history(record):
    (summary, follow_up), = rows("SELECT summary, follow_up FROM talks_talk WHERE id = %s", [record.pk])
    assert crypto.is_sealed(summary) and crypto.is_sealed(follow_up)
    assert SUMMARY not in summary and FOLLOW_UP not in follow_up
    fresh = Talk.objects.get(pk=record.pk)
    assert (fresh.summary, fresh.follow_up) == (SUMMARY, FOLLOW_UP)
    history = json.dumps(rows("SELECT * FROM talks_historicaltalk"), default=str, ensure_ascii=False)
    assert SUMMARY not in history and FOLLOW_UP not in history
    assert all(crypto.is_sealed(s) for (s,) in rows("SELECT summary FROM talks_historicaltalk") if s)


def test_a_changed_summary_is_only_said_to_have_changed(record, county_client):
    record.summary = "修改后的谈话要点"
    record.save()
    event = AuditEvent.objects.filter(object_id=str(record.pk), action=AuditEvent.Action.UPDATE).latest("id")
    assert {c["field"]: c for c in event.changes}["summary"]["sealed"] is True
    assert "修改后的谈话要点" not in json.dumps(event.changes, ensure_ascii=False)


def test_pages_and_api_showing_the_summary_are_not_cached(record, county_admin, county_client):
    for url in (record.get_absolute_url(), reverse("talks:talk_summary", args=[record.pk]),
                reverse("talks:talk_edit", args=[record.pk])):
        response = county_client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    response = api_for(county_admin).get(f"/api/v1/talks/talks/{record.pk}/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
