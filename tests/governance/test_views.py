"""The governance pages: recording a committee meeting (members due from the team, attendance, the
decision sheet refusing and then passing a major matter), the democratic life meeting's talks shown
without their content, the compliance pages within the user's scope, and the API's decision step
and read-only figures."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banzi.core.errors import Code
from banzi.governance.models import AgendaItem, Attendance, Meeting, MeetingKind, Opinion
from banzi.talks.models import Talk
from tests import factories as f
from tests.errors import ALL, api_codes, form_codes
from tests.governance.cases import agenda_item, meeting, recent, team

pytestmark = pytest.mark.django_db


def test_committee_meeting_recorded_through_the_pages(township, township_client):
    members = team(township, 4)
    response = township_client.post(reverse("governance:meeting_add"), {
        "organization": township.pk, "kind": MeetingKind.COMMITTEE, "held_on": recent().isoformat(),
        "topic": "党委会", "chair": members[0].pk, "recorder": members[3].pk, "lecturer": "",
        "duration_minutes": "120", "other_members_due": "0", "minutes": "", "opinions_solicited": "0",
        "opinions_solicited_from": ""})
    assert response.status_code == 302, response.context["form"].errors
    record = Meeting.objects.get()
    assert list(record.attendances.order_by("sort_order").values_list("cadre_id", flat=True)) == [c.pk for c in members]

    url = reverse("governance:meeting_attendance", args=[record.pk])
    data = {f"status_{c.pk}": "present" for c in members}
    data[f"status_{members[3].pk}"] = "absent"
    response = township_client.post(url, data)
    assert form_codes(response.context["form"]) == {ALL: [Code.REQUIRED]}
    assert not record.attendances.exclude(present=None).exists()
    data[f"reason_{members[3].pk}"] = "病假"
    assert township_client.post(url, data).status_code == 302
    assert record.attendances.filter(present=True).count() == 3

    item = agenda_item(township, record, category=AgendaItem.Category.MAJOR_DECISION)
    url = reverse("governance:agendaitem_decision", args=[item.pk])
    page = township_client.get(url).content.decode()
    assert members[3].name not in page.split("decision-form")[1]  # the absent member has no row
    sheet = {"outcome": "passed", f"stance_{members[1].pk}": "agree", f"order_{members[1].pk}": "1",
             f"order_{members[2].pk}": "2", f"stance_{members[0].pk}": "agree", f"order_{members[0].pk}": "3"}
    response = township_client.post(url, sheet)
    assert response.status_code == 200
    assert form_codes(response.context["form"]) == {ALL: [Code.OPINION_MISSING]}
    assert members[2].name in response.context["form"].non_field_errors()[0]  # who is missing
    assert not Opinion.objects.exists()
    sheet[f"stance_{members[2].pk}"] = "agree"
    response = township_client.post(url, sheet)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.PASSED and item.votes_for == 3
    assert [o.cadre_id for o in item.opinions.order_by("order")] == [members[1].pk, members[2].pk, members[0].pk]
    detail = township_client.get(item.get_absolute_url()).content.decode()
    assert reverse("governance:agendaitem_edit", args=[item.pk]) not in detail  # decided: no edit
    assert "reconsiders=" in detail


def test_life_meeting_page_shows_who_talked_but_never_what_was_said(township, township_client, county_client):
    members = team(township, 3)
    record = meeting(township, MeetingKind.LIFE_MEETING, members=members, present=3)
    talk = Talk.objects.create(talker=members[0], talkee=members[1], held_on=record.held_on - datetime.timedelta(days=5),
                               summary="谈话内容：涉及个人隐私", follow_up="回访")
    response = township_client.post(reverse("governance:meeting_talks", args=[record.pk]), {"talks-talks": [talk.pk]})
    assert response.status_code == 302
    assert list(record.talks.all()) == [talk]
    for client in (township_client, county_client):
        page = client.get(record.get_absolute_url()).content.decode()
        assert members[1].name in page and "涉及个人隐私" not in page and "回访" not in page
        body = client.get(reverse("governance-meeting-detail", args=[record.pk])).content.decode()
        assert "涉及个人隐私" not in body and members[1].name in body


def test_compliance_pages_stay_within_the_township(township, other_township, township_client):
    mine, theirs = f.VillageFactory(parent=township, name="本镇村"), f.VillageFactory(parent=other_township, name="外镇村")
    meeting(mine, MeetingKind.THEME_PARTY_DAY, members=[], present=None, held_on=recent())
    page = township_client.get(reverse("governance:compliance")).content.decode()
    assert mine.name in page and theirs.name not in page
    page = township_client.get(reverse("governance:compliance"), {"township": other_township.pk}).content.decode()
    assert theirs.name not in page
    rows = township_client.get(reverse("governance-overview-list")).json()
    assert [r["township_name"] for r in rows] == [township.name]
    data = township_client.get(reverse("governance-compliance-list"), {"township": other_township.pk}).json()
    assert theirs.name not in {r["organization_name"] for r in data}


def test_compliance_page_queries_do_not_grow_with_organizations(township, county_client):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert county_client.get(reverse("governance:compliance"), {"township": township.pk}).status_code == 200
        return len(ctx.captured_queries)

    f.VillageFactory(parent=township)
    count()
    few = count()
    for _ in range(5):
        village = f.VillageFactory(parent=township)
        meeting(village, MeetingKind.BRANCH_COMMITTEE, members=[], present=None, held_on=recent())
    assert count() == few


def test_api_decision_is_refused_then_recorded(township, township_client):
    members = team(township, 3)
    record = meeting(township, MeetingKind.COMMITTEE, members=members, present=3)
    item = agenda_item(township, record, category=AgendaItem.Category.LARGE_SUM)
    url = reverse("governance-agendaitem-decision", args=[item.pk])
    chair_first = [{"cadre": members[0].pk, "stance": "agree"}, {"cadre": members[1].pk, "stance": "agree"},
                   {"cadre": members[2].pk, "stance": "agree"}]
    response = township_client.post(url, {"opinions": chair_first, "outcome": "passed"}, content_type="application/json")
    assert api_codes(response) == {"opinions": [Code.CHAIR_NOT_LAST]}
    assert not Opinion.objects.exists()
    response = township_client.post(url, {"opinions": chair_first[1:] + chair_first[:1], "outcome": "passed"},
                                    content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["outcome"] == "passed" and [o["order"] for o in response.json()["opinions"]] == [1, 2, 3]


def test_api_attendance_refuses_someone_not_due(township, township_client, other_township):
    members = team(township, 2)
    record = meeting(township, MeetingKind.COMMITTEE, members=members, present=None)
    outsider = f.CadreFactory(organization=township)
    url = reverse("governance-meeting-attendance", args=[record.pk])
    response = township_client.post(url, {"present": [m.pk for m in members] + [outsider.pk]},
                                    content_type="application/json")
    assert api_codes(response) == {"present": [Code.NOT_DUE]}
    hidden = f.CadreFactory(organization=other_township)
    response = township_client.post(url, {"present": [hidden.pk]}, content_type="application/json")
    assert response.status_code == 400
    response = township_client.post(url, {"present": [m.pk for m in members]}, content_type="application/json")
    assert response.status_code == 200
    assert Attendance.objects.filter(meeting=record, present=True).count() == 2


def test_figure_pages_export_to_excel(township, township_client):
    from tests.generic import xlsx_rows

    head, member = team(township, 2)
    village = f.VillageFactory(parent=township, name="东王村")
    meeting(village, MeetingKind.ORG_LIFE, members=[head], present=1, held_on=recent())
    rows = xlsx_rows(township_client.get(reverse("governance:dual_life"), {"_export": "xlsx"}))
    counts = {r[1]: r[3] for r in rows[1:]}
    assert counts == {head.name: "1", member.name: "0"}
    rows = xlsx_rows(township_client.get(reverse("governance:compliance"), {"_export": "xlsx"}))
    assert any(r[0] == "东王村" and r[4] == "Held" for r in rows[1:])
    rows = xlsx_rows(township_client.get(reverse("governance:overview"), {"_export": "xlsx"}))
    assert [r[0] for r in rows[1:]] == [township.name]


def test_attachment_is_checked_by_content_and_served_only_in_scope(township, township_client, other_township_admin,
                                                                   settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    settings.MEDIA_ROOT = tmp_path

    village = f.VillageFactory(parent=township)
    data = {"organization": village.pk, "kind": MeetingKind.THEME_PARTY_DAY, "held_on": recent().isoformat(),
            "topic": "主题党日", "chair": "", "recorder": "", "lecturer": "", "duration_minutes": "90",
            "other_members_due": "10", "minutes": "", "opinions_solicited": "0", "opinions_solicited_from": ""}
    fake = SimpleUploadedFile("会议纪要.pdf", b"this is not a pdf at all", content_type="application/pdf")
    response = township_client.post(reverse("governance:meeting_add"), {**data, "attachment": fake})
    assert response.status_code == 200 and response.context["form"].errors["attachment"]
    assert not Meeting.objects.exists()
    real = SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")
    response = township_client.post(reverse("governance:meeting_add"), {**data, "attachment": real})
    assert response.status_code == 302, response.context["form"].errors
    record = Meeting.objects.get()
    url = reverse("governance:meeting_file", args=[record.pk])
    assert township_client.get(url).status_code == 200
    other = Client()
    other.force_login(other_township_admin)
    assert other.get(url).status_code == 404


@pytest.mark.parametrize("name", ["governance-meeting-list", "governance-agendaitem-list"])
def test_api_lists_keep_their_query_count(name, township, county_client):
    from tests.core.test_query_counts import assert_same_queries

    def grow(n):
        for _ in range(n):
            record = meeting(township, MeetingKind.COMMITTEE, present=3)
            agenda_item(township, record)

    assert_same_queries(county_client, reverse(name), grow)


def test_cadre_sees_the_meetings_they_were_due_at_and_only_their_own_talks(township, cadre_user, cadre_client):
    me = cadre_user.cadre
    head = f.CadreFactory(organization=township)
    mine = meeting(township, MeetingKind.LIFE_MEETING, members=[head, me], present=2)
    theirs = meeting(township, MeetingKind.COMMITTEE, members=[head], present=1)
    talk = Talk.objects.create(talker=head, talkee=me, held_on=mine.held_on - datetime.timedelta(days=3), summary="x")
    mine.talks.add(talk)
    assert cadre_client.get(mine.get_absolute_url()).status_code == 200
    assert cadre_client.get(theirs.get_absolute_url()).status_code == 404
    page = cadre_client.get(mine.get_absolute_url()).content.decode()
    assert 'id="talks"' in page and "No talks linked." in page  # held by someone else: not theirs to see
    assert cadre_client.get(reverse("governance-meeting-detail", args=[mine.pk])).json()["talks"] == []
