"""The frontline-practice pages: the figure pages show the computed numbers within the user's scope,
the designated-village list and its export are scoped, a cadre's frontline record shows their
postings, pairs and visits (404 outside the scope), and forms refuse bad input with the rule's
message, saving nothing."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banzi.core.errors import Code
from banzi.practice.models import Mentorship, Posting, StudyVisit, WorkLog
from tests import factories as f
from tests.errors import form_codes
from tests.generic import table_pks, xlsx_rows
from tests.practice import cases as c

pytestmark = pytest.mark.django_db

FIGURE_PAGES = ["practice:designation_grid", "practice:campaign", "practice:enterprise_service", "practice:tempering",
                "practice:mentoring"]


def test_enterprise_service_page_shows_the_counts(township, other_township, county_client, township_client):
    for n in range(3):
        c.posting(township, f.CadreFactory(organization=township, name=f"入企干部{n}"))
    c.posting(other_township)
    body = county_client.get(reverse("practice:enterprise_service")).content.decode()
    assert 'data-figure="cadres">4<' in body and 'data-figure="enterprises">4<' in body
    own = township_client.get(reverse("practice:enterprise_service")).content.decode()
    assert 'data-figure="cadres">3<' in own and other_township.name not in own


def test_campaign_page_lists_each_township_and_flags_the_missing_group(township, other_township, county_client):
    group = c.group(township)
    body = county_client.get(reverse("practice:campaign")).content.decode()
    assert group.leader.name in body and 'data-figure="groups">1<' in body
    assert "No group" in body


def test_tempering_page_lists_the_untempered(township, county_client):
    untempered = c.team_member(township, f.CadreFactory(organization=township, name="未历练委员"))
    tempered = c.team_member(township, f.CadreFactory(organization=township, name="已历练委员"))
    c.posting(township, tempered, kind=Posting.Kind.OTHER)
    response = county_client.get(reverse("practice:tempering"))
    missing = [r["cadre"] for r in response.context["tempering"]["not_tempered"]]
    assert missing == [untempered]
    assert reverse("practice:posting_add") + f"?cadre={untempered.pk}" in response.content.decode()


def test_mentoring_page_lists_new_members_without_a_mentor(township, county_client):
    lonely = c.team_member(township, f.CadreFactory(organization=township, name="待结对委员"))
    paired = c.team_member(township)
    c.mentorship(township, paired)
    response = county_client.get(reverse("practice:mentoring"))
    assert [m.cadre for m in response.context["mentoring"]["without_mentor"]] == [lonely]
    assert "待结对委员" in response.content.decode()


@pytest.mark.parametrize("name", FIGURE_PAGES)
def test_figure_pages_cost_the_same_queries_for_more_records(name, township, county_client):
    def grow(n):
        for _ in range(n):
            c.posting(township, c.team_member(township), kind=Posting.Kind.FIRST_SECRETARY)
            c.work_log(township)
            c.mentorship(township)
    grow(1)
    county_client.get(reverse(name))
    with CaptureQueriesContext(connection) as few:
        assert county_client.get(reverse(name)).status_code == 200
    grow(6)
    with CaptureQueriesContext(connection) as many:
        county_client.get(reverse(name))
    assert len(few.captured_queries) == len(many.captured_queries)


@pytest.mark.parametrize("name", FIGURE_PAGES)
def test_figure_pages_need_a_login_and_show_a_cadre_nothing_of_others(name, township, client, cadre_client):
    c.posting(township)
    assert client.get(reverse(name)).status_code == 302
    assert cadre_client.get(reverse(name)).status_code == 200


def test_designated_villages_list_is_scoped_and_exports(township, other_township, township_client):
    own = c.designation(township)
    other = c.designation(other_township)
    fs = c.posting(township, f.CadreFactory(organization=township, name="驻村书记"), kind=Posting.Kind.FIRST_SECRETARY,
                   place=own.organization)
    response = township_client.get(reverse("practice:designation_overview"))
    assert table_pks(response) == {own.pk}
    assert fs.organization_id == own.organization_id and other.pk not in table_pks(response)
    assert "驻村书记" in response.content.decode()
    rows = xlsx_rows(township_client.get(reverse("practice:designation_overview"), {"_export": "xlsx"}))
    assert len(rows) == 2 and "驻村书记" in rows[1]


def test_designated_villages_list_queries_do_not_grow(township, county_client):
    def grow(n):
        for _ in range(n):
            d = c.designation(township)
            c.posting(township, kind=Posting.Kind.FIRST_SECRETARY, place=d.organization)
    grow(2)
    url = reverse("practice:designation_overview")
    county_client.get(url)
    with CaptureQueriesContext(connection) as few:
        county_client.get(url)
    grow(10)
    with CaptureQueriesContext(connection) as many:
        county_client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_cadre_record_shows_postings_pairs_and_visits(township, other_township, county_client, township_client,
                                                      other_township_admin, client_for):
    cadre = f.CadreFactory(organization=township)
    posting = c.posting(township, cadre, kind=Posting.Kind.OTHER)
    pair = c.mentorship(township, cadre)
    visit = c.visit(township, participants=[cadre])
    url = reverse("practice:record", args=[cadre.pk])
    body = township_client.get(url).content.decode()
    assert posting.get_absolute_url() in body and pair.get_absolute_url() in body and visit.title in body
    assert client_for(other_township_admin).get(url).status_code == 404


def test_a_cadre_opens_their_own_record_only(township, cadre_user, cadre_client):
    response = cadre_client.get(reverse("practice:my_record"))
    assert response.status_code == 302 and response.url == reverse("practice:record", args=[cadre_user.cadre_id])
    assert cadre_client.get(response.url).status_code == 200
    other = f.CadreFactory(organization=township)
    assert cadre_client.get(reverse("practice:record", args=[other.pk])).status_code == 404


def test_posting_form_refuses_an_undesignated_village(township, county_client):
    data = {"cadre": f.CadreFactory(organization=township).pk, "kind": Posting.Kind.FIRST_SECRETARY,
            "organization": c.village(township).pk, "group": "", "started_on": c.earlier_this_year().isoformat(),
            "ended_on": "", "goals": "", "result": "", "result_note": ""}
    response = county_client.post(reverse("practice:posting_add"), data)
    assert response.status_code == 200
    assert form_codes(response.context["form"]) == {"organization": [Code.NOT_DESIGNATED_VILLAGE]}
    assert not Posting.objects.exists()


def test_the_posted_cadre_adds_a_log_to_their_own_posting(township, cadre_user, cadre_client):
    posting = c.posting(township, cadre_user.cadre, started_on=c.days_ago(10))
    page = cadre_client.get(posting.get_absolute_url()).content.decode()
    assert reverse("practice:worklog_add") in page
    day = posting.started_on + datetime.timedelta(days=1)
    response = cadre_client.post(reverse("practice:worklog_add"), {
        "posting": posting.pk, "logged_on": day.isoformat(), "visits": "3", "problems_found": "2",
        "problems_solved": "1", "content": "走访企业三家"})
    assert response.status_code == 302, response.content
    log = WorkLog.objects.get()
    assert log.history.get().history_user == cadre_user


def test_visit_form_saves_the_participants(township, county_client):
    people = [f.CadreFactory(organization=township) for _ in range(3)]
    response = county_client.post(reverse("practice:studyvisit_add"), {
        "title": "赴贾庄村观摩", "organization": township.pk, "host": c.model_unit(township).pk,
        "visited_on": c.earlier_this_year().isoformat(), "participants": [str(p.pk) for p in people], "learned": "经验"})
    assert response.status_code == 302
    assert set(StudyVisit.objects.get().participants.all()) == set(people)


def test_mentorship_form_refuses_a_second_mentor(township, county_client):
    pair = c.mentorship(township)
    response = county_client.post(reverse("practice:mentorship_add"), {
        "mentor": f.CadreFactory(organization=township).pk, "mentee": pair.mentee_id,
        "started_on": c.today().isoformat(), "ended_on": "", "goals": "成长", "mentor_evaluation": "",
        "mentee_evaluation": ""})
    assert response.status_code == 200 and "one mentor at a time" in response.content.decode()
    assert Mentorship.objects.count() == 1


@pytest.mark.parametrize("name", ["practice:campaign", "practice:enterprise_service", "practice:tempering",
                                  "practice:mentoring"])
def test_figure_pages_export_their_table_scoped_and_audited(name, township, other_township, township_admin,
                                                            client_for):
    from banzi.core.models import AuditEvent

    c.group(township, leader=c.team_member(township, f.CadreFactory(organization=township, name="组长甲")))
    c.posting(township, f.CadreFactory(organization=township, name="入企干部甲"))
    c.team_member(other_township, f.CadreFactory(organization=other_township, name="外镇委员"))
    rows = xlsx_rows(client_for(township_admin).get(reverse(name), {"_export": "xlsx"}))
    cells = {cell for row in rows for cell in row}
    assert len(rows) >= 2 and township.name in cells and other_township.name not in cells
    assert "外镇委员" not in cells
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=township_admin).exists()


def test_tempering_export_names_each_new_member_and_since_when(township, county_client):
    member = c.team_member(township, f.CadreFactory(organization=township, name="新委员"))
    posting = c.posting(township, member, kind=Posting.Kind.OTHER)
    rows = xlsx_rows(county_client.get(reverse("practice:tempering"), {"_export": "xlsx"}))
    row = next(r for r in rows if r[0] == "新委员")
    assert row[1] == township.name and posting.started_on.isoformat() in row[4]


def test_posting_list_filters_by_kind_and_serving_now(township, county_client):
    start = c.days_ago(30)  # ended three days later, before today
    serving = c.posting(township)
    ended = c.posting(township, started_on=start, ended_on=start + datetime.timedelta(days=3))
    fs = c.posting(township, kind=Posting.Kind.FIRST_SECRETARY)
    url = reverse("practice:posting_list")
    assert table_pks(county_client.get(url, {"kind": "enterprise"})) == {serving.pk, ended.pk}
    assert table_pks(county_client.get(url, {"active": "true"})) == {serving.pk, fs.pk}
    assert table_pks(county_client.get(url, {"active": "false"})) == {ended.pk}
    assert table_pks(county_client.get(url, {"cadre": fs.cadre_id})) == {fs.pk}


def test_mentorship_list_filters_active_pairs(township, county_client):
    active = c.mentorship(township)
    ended = c.mentorship(township, ended_on=c.today(), mentor_evaluation="好", mentee_evaluation="好")
    url = reverse("practice:mentorship_list")
    assert table_pks(county_client.get(url, {"active": "true"})) == {active.pk}
    assert table_pks(county_client.get(url, {"active": "false"})) == {ended.pk}
