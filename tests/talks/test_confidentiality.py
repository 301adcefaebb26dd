"""A talk's summary and follow-up are read only by the talker and the county organization
department: never on lists, exports, history or the audit trail, absent from the API for everyone
else, 404 on the summary page for those not entitled, and every read an audit event."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from banzi.talks import services
from banzi.talks.models import Talk
from tests import factories as f
from tests.api import api_for
from tests.generic import xlsx_rows
from tests.talks.factories import talk

pytestmark = pytest.mark.django_db

SUMMARY = "本人坦言对分管工作存在畏难情绪"
FOLLOW_UP = "三个月内由组织委员跟踪回访"
NEW_SUMMARY = "修改后的谈话要点：家庭矛盾已化解"


@pytest.fixture
def people(township, other_township, county_admin, township_admin, auditor, client_for):
    """Every role around one talk in the township: who may read what was said and who may not."""
    talker = f.CadreFactory(organization=township, name="王书记")
    talkee = f.CadreFactory(organization=township, name="赵委员")
    record = talk(township, talker=talker, talkee=talkee, summary=SUMMARY, follow_up=FOLLOW_UP)
    users = {
        "county_admin": county_admin,
        "talker_cadre": f.UserFactory(username="talker", role=Role.CADRE, cadre=talker),
        "talkee_cadre": f.UserFactory(username="talkee", role=Role.CADRE, cadre=talkee),
        "township_admin": township_admin,
        "other_township_admin": f.UserFactory(username="far", role=Role.TOWNSHIP_ADMIN, organization=other_township),
        "auditor": auditor,
    }
    return record, users


ENTITLED = {"county_admin", "talker_cadre"}
# Who sees the talk's metadata (who, whom, when, kind) at all.
SEES_TALK = {"county_admin", "talker_cadre", "township_admin"}
# The audit administrator sees no business page at all (三员分立): 403, not even the metadata.
REFUSED = {"auditor"}
ROLES = ["county_admin", "talker_cadre", "talkee_cadre", "township_admin", "other_township_admin", "auditor"]


def reads(record, user):
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.READ,
                                     object_id=str(record.pk), user=user,
                                     content_type=ContentType.objects.get_for_model(Talk))


def assert_secret_absent(text):
    assert SUMMARY not in text and FOLLOW_UP not in text and NEW_SUMMARY not in text


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_export_never_show_the_summary(role, people, client_for):
    record, users = people
    client = client_for(users[role])
    listing = client.get(reverse("talks:talk_list"))
    if role in REFUSED:
        for response in (listing, client.get(reverse("talks:talk_list"), {"_export": "xlsx"}),
                         client.get(record.get_absolute_url())):
            assert response.status_code == 403
            assert_secret_absent(response.content.decode())
        return
    assert listing.status_code == 200
    assert_secret_absent(listing.content.decode())
    rows = xlsx_rows(client.get(reverse("talks:talk_list"), {"_export": "xlsx"}))
    assert_secret_absent(repr(rows))
    assert not any("summary" in cell.lower() or "follow-up" in cell.lower() for cell in rows[0])
    # Searching by a word of the summary finds nothing (the search does not look into it).
    found = client.get(reverse("talks:talk_list"), {"q": SUMMARY[:6]})
    assert record.pk not in {row.record.pk for row in found.context["table"].page.object_list}

    detail = client.get(record.get_absolute_url())
    if role in SEES_TALK:
        assert detail.status_code == 200
        body = detail.content.decode()
        assert_secret_absent(body)
        assert record.talkee.name in body  # the metadata view: who talked with whom
        assert (reverse("talks:talk_summary", args=[record.pk]) in body) == (role in ENTITLED)
    else:
        assert detail.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_summary_page_for_the_entitled_only_and_every_read_logged(role, people, client_for):
    record, users = people
    user = users[role]
    response = client_for(user).get(reverse("talks:talk_summary", args=[record.pk]))
    if role in ENTITLED:
        assert response.status_code == 200
        body = response.content.decode()
        assert SUMMARY in body and FOLLOW_UP in body
        assert reads(record, user).count() == 1
        client_for(user).get(reverse("talks:talk_summary", args=[record.pk]))
        assert reads(record, user).count() == 2
    elif role in REFUSED:
        assert response.status_code == 403
        assert_secret_absent(response.content.decode())
        assert not reads(record, user).exists()
    else:
        assert response.status_code == 404
        assert_secret_absent(response.content.decode())
        assert not reads(record, user).exists()
        assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, object_id=str(record.pk), user=user).exists()


@pytest.mark.parametrize("role", ROLES)
def test_history_and_audit_trail_never_show_the_summary(role, people, client_for, county_admin):
    record, users = people
    record = Talk.objects.get(pk=record.pk)
    record.summary = NEW_SUMMARY
    record.place = "会议室"
    services.save_talk(county_admin, record)
    # The history tables themselves hold no clear text.
    stored = list(record.history.values_list("summary", "follow_up"))
    assert stored and all(SUMMARY not in s and NEW_SUMMARY not in s and FOLLOW_UP not in u for s, u in stored)
    client = client_for(users[role])
    history = client.get(reverse("talks:talk_history", args=[record.pk]))
    if role in SEES_TALK:
        assert history.status_code == 200
        assert_secret_absent(history.content.decode())
    else:
        assert history.status_code == (403 if role in REFUSED else 404)
    trail = client.get(reverse("core:auditevent_list"), {"q": str(record)})
    if trail.status_code == 200:
        assert_secret_absent(trail.content.decode())
        assert_secret_absent(repr(xlsx_rows(client.get(reverse("core:auditevent_list"), {"_export": "xlsx"}))))
    # The change itself is on record, as a change of the summary without its content.
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(record.pk)).latest("id")
    assert "summary" in {c["field"] for c in event.changes}
    assert event.detail


def test_township_admin_edits_the_talk_but_never_sees_or_overwrites_the_summary(people, client_for):
    record, users = people
    client = client_for(users["township_admin"])
    form = client.get(reverse("talks:talk_edit", args=[record.pk]))
    assert form.status_code == 200
    assert "summary" not in form.context["form"].fields
    assert_secret_absent(form.content.decode())
    data = {"talker": record.talker_id, "talkee": record.talkee_id, "held_on": "2025-03-01", "kind": record.kind,
            "place": "党委会议室", "summary": "被改写", "follow_up": "被改写"}
    assert client.post(reverse("talks:talk_edit", args=[record.pk]), data).status_code == 302
    record.refresh_from_db()
    assert record.place == "党委会议室" and record.summary == SUMMARY and record.follow_up == FOLLOW_UP
    # Through the service too.
    record.summary = "被改写"
    services.save_talk(users["township_admin"], record)
    record.refresh_from_db()
    assert record.summary == SUMMARY


def test_township_admin_who_held_the_talk_reads_it(township, client_for):
    talker = f.CadreFactory(organization=township)
    user = f.UserFactory(username="secretary", role=Role.TOWNSHIP_ADMIN, organization=township, cadre=talker)
    record = talk(township, talker=talker, summary=SUMMARY)
    response = client_for(user).get(reverse("talks:talk_summary", args=[record.pk]))
    assert response.status_code == 200 and SUMMARY in response.content.decode()
    assert reads(record, user).count() == 1


def test_opening_the_edit_form_is_a_logged_read(people, client_for):
    record, users = people
    user = users["county_admin"]
    response = client_for(user).get(reverse("talks:talk_edit", args=[record.pk]))
    assert SUMMARY in response.content.decode()
    assert reads(record, user).count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_api_confidentiality(role, people):
    record, users = people
    user = users[role]
    client = api_for(user)
    listing = client.get("/api/v1/talks/talks/")
    if role in REFUSED:
        for response in (listing, client.get(f"/api/v1/talks/talks/{record.pk}/")):
            assert response.status_code == 403
            assert_secret_absent(response.content.decode())
        assert not reads(record, user).exists()
        return
    assert listing.status_code == 200
    assert_secret_absent(listing.content.decode())
    for row in listing.json()["results"]:
        assert "summary" not in row and "follow_up" not in row
    assert not reads(record, user).exists()

    one = client.get(f"/api/v1/talks/talks/{record.pk}/")
    if role in ENTITLED:
        assert one.status_code == 200
        assert one.json()["summary"] == SUMMARY and one.json()["follow_up"] == FOLLOW_UP
        assert reads(record, user).count() == 1
    elif role in SEES_TALK:
        assert one.status_code == 200
        assert "summary" not in one.json() and "follow_up" not in one.json()
        assert one.json()["talkee_name"] == record.talkee.name
        assert not reads(record, user).exists()
    else:
        assert one.status_code == 404
    assert_secret_absent(one.content.decode() if role not in ENTITLED else "")


def test_api_update_by_a_township_admin_keeps_the_summary(people):
    record, users = people
    response = api_for(users["township_admin"]).patch(f"/api/v1/talks/talks/{record.pk}/",
                                                      {"summary": "被改写", "place": "会议室"}, format="json")
    assert response.status_code == 200, response.content
    assert "summary" not in response.json()
    record.refresh_from_db()
    assert record.summary == SUMMARY and record.place == "会议室"


def test_api_summary_written_by_the_talker(people):
    record, users = people
    response = api_for(users["talker_cadre"]).patch(f"/api/v1/talks/talks/{record.pk}/",
                                                    {"summary": NEW_SUMMARY}, format="json")
    assert response.status_code == 200, response.content
    record.refresh_from_db()
    assert record.summary == NEW_SUMMARY
