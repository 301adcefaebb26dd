"""The home page per role: what each user sees, computed only from records in their scope."""
import datetime
import json
import re

import pytest

from banzi.core import clock
from banzi.core.models import AuditEvent
from banzi.org.metrics import add_months
from tests import factories as f

pytestmark = pytest.mark.django_db


def years_ago(years, days=0):
    today = clock.today()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def cards_of(response):
    return {str(c["label"]): c["value"] for c in response.context["cards"]}


def actions_of(response):
    return {str(a["label"]): a for a in response.context["actions"]}


def chart_of(response):
    html = response.content.decode()
    match = re.search(r'<script id="chart-members-per-township-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)) if match else None


@pytest.fixture
def head():
    return f.PositionFactory(name="党委书记", is_head=True, sort_order=1)


@pytest.fixture
def member():
    return f.PositionFactory(name="组织委员", sort_order=10)


@pytest.fixture
def county_records(township, other_township, head, member):
    """新城镇: a team in its second year with a head and two members; 赵康镇: a team whose term ends
    in three months, with one member and no head; a third township with no team in its term."""
    own_team = f.TeamFactory(township=township, elected_on=years_ago(2))
    f.TeamMembershipFactory(team=own_team, position=head, is_head=True, started_on=own_team.elected_on)
    f.TeamMembershipFactory(team=own_team, position=member, started_on=own_team.elected_on)
    f.TeamMembershipFactory(team=own_team, position=f.PositionFactory(name="宣传委员"), started_on=own_team.elected_on)
    ending = add_months(clock.today(), 3)
    other_team = f.TeamFactory(township=other_township, elected_on=ending.replace(year=ending.year - 5))
    f.TeamMembershipFactory(team=other_team, position=member, started_on=other_team.elected_on)
    lapsed = f.TownshipFactory(name="汾城镇", parent=township.parent)
    f.TeamFactory(township=lapsed, elected_on=years_ago(6))
    f.CadreFactory(organization=township, name="缺证甲", id_number=None)
    f.CadreFactory(organization=other_township, name="缺证乙", id_number=None, phone="")
    return {"own_team": own_team, "other_team": other_team, "lapsed": lapsed}


def test_county_admin_sees_county_figures_and_what_to_act_on(county_client, county_records, township):
    response = county_client.get("/")
    assert response.status_code == 200
    cards = cards_of(response)
    assert cards["Townships"] == 3
    assert cards["Current leadership teams"] == 2
    assert cards["Current team members"] == 4
    # 4 team members (each a cadre) + 2 cadres without ID numbers
    assert cards["Active cadres"] == 6

    actions = actions_of(response)
    headless = actions["Current leadership teams without a team head"]
    assert headless["count"] == 1
    assert [i["url"] for i in headless["items"]] == [county_records["other_team"].get_absolute_url()]
    ending = actions["Leadership teams whose term ends within 6 months"]
    assert ending["count"] == 1 and str(county_records["other_team"]) == ending["items"][0]["label"]
    no_team = actions["Townships without a leadership team in its term"]
    assert [i["label"] for i in no_team["items"]] == ["汾城镇"]
    assert no_team["items"][0]["url"] == f"/org/teams/add/?township={county_records['lapsed'].pk}"
    incomplete = actions["Cadres with incomplete records"]
    assert incomplete["count"] == 6  # the factories leave education and work start date empty
    assert "ID number" in next(i["note"] for i in incomplete["items"] if i["label"] == "缺证甲")

    html = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in html
    chart = chart_of(response)
    assert dict(zip(chart["labels"], chart["values"], strict=True)) == {"新城镇": 3, "赵康镇": 1, "汾城镇": 0}
    assert chart["series"] == "Current team members"


def test_township_admin_figures_count_only_their_township(township_client, county_records, township):
    response = township_client.get("/")
    assert response.status_code == 200
    cards = cards_of(response)
    assert cards["Townships"] == 1
    assert cards["Current leadership teams"] == 1
    assert cards["Current team members"] == 3
    assert cards["Active cadres"] == 4  # 3 team members and 缺证甲, not 赵康镇's cadres

    actions = actions_of(response)
    assert "Current leadership teams without a team head" not in actions  # 赵康镇's headless team is not theirs
    assert "Leadership teams whose term ends within 6 months" not in actions
    assert "Townships without a leadership team in its term" not in actions
    names = [i["label"] for i in actions["Cadres with incomplete records"]["items"]]
    assert "缺证甲" in names and "缺证乙" not in names
    assert actions["Cadres with incomplete records"]["count"] == 4

    # Their own team instead of a county chart.
    assert chart_of(response) is None
    team_panel = next(p for p in response.context["panels"] if p["template"] == "dashboard/panels/team.html")
    assert team_panel["team"] == county_records["own_team"]
    assert len(team_panel["members"]) == 3 and team_panel["members"][0].is_head
    assert "赵康镇" not in response.content.decode()


def test_township_admin_is_told_when_their_township_has_no_team_in_its_term(client_for, county_records):
    user = f.UserFactory(role="township_admin", organization=county_records["lapsed"])
    response = client_for(user).get("/")
    no_team = actions_of(response)["Townships without a leadership team in its term"]
    assert no_team["count"] == 1
    assert "No leadership team in its term is on record for your township." in response.content.decode()


def test_cadre_sees_own_record_and_positions_with_links(client_for, township, head):
    team = f.TeamFactory(township=township, elected_on=years_ago(1))
    membership = f.TeamMembershipFactory(team=team, position=head, is_head=True, started_on=team.elected_on,
                                         cadre__name="王芳", cadre__organization=township)
    f.CadreFactory(organization=township, name="李雷")
    user = f.UserFactory(role="cadre", cadre=membership.cadre)
    response = client_for(user).get("/")
    assert response.status_code == 200
    assert "Active cadres" not in cards_of(response)  # county and township figures are not theirs
    html = response.content.decode()
    assert "My record" in html and "王芳" in html
    assert f'href="{membership.cadre.get_absolute_url()}"' in html
    assert f'href="{membership.get_absolute_url()}"' in html
    # The team's page is not theirs to open, so the home page does not link to it.
    assert f'href="{team.get_absolute_url()}"' not in html
    assert "李雷" not in html
    panel = response.context["panels"][0]
    assert panel["memberships"] == [membership]
    assert "full-time education" in panel["missing"]


def test_cadre_menu_holds_no_registry_or_audit(cadre_client):
    html = cadre_client.get("/").content.decode()
    assert "/org/cadres/" not in html.split('id="main"')[0]
    assert "/core/audit/" not in html


def test_auditor_sees_security_events_and_recent_changes(auditor_client, client, township, county_admin):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "intruder", "password": "wrong"})
    f.CadreFactory(organization=township, name="赵敏")
    response = auditor_client.get("/")
    assert response.status_code == 200
    cards = cards_of(response)
    assert cards["Failed logins in the last 7 days"] == 3
    assert cards["Data changes in the last 7 days"] >= 1
    actions = actions_of(response)
    repeated = actions["Usernames with repeated failed logins in the last 24 hours"]
    assert [i["label"] for i in repeated["items"]] == ["intruder"]
    assert "/core/audit/?" in repeated["items"][0]["url"] and "q=intruder" in repeated["items"][0]["url"]
    html = response.content.decode()
    assert "Recent security events" in html and "Recent changes" in html
    assert "赵敏" in html
    assert 'href="/core/audit/?kind=security"' in html
    # The auditor reads; the registry's to-dos are for those who write.
    assert "Cadres with incomplete records" not in actions
    assert chart_of(response) is None


def test_county_and_township_admins_do_not_see_the_audit_panels(county_client, township_client):
    for client in (county_client, township_client):
        html = client.get("/").content.decode()
        assert "Recent security events" not in html


def test_failed_logins_count_only_recent_ones(auditor_client, travel):
    travel.shift(-datetime.timedelta(days=30))
    AuditEvent.objects.create(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN_FAILED, username="x")
    travel.shift(datetime.timedelta(days=30))
    AuditEvent.objects.create(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN_FAILED, username="y")
    assert cards_of(auditor_client.get("/"))["Failed logins in the last 7 days"] == 1


def test_incomplete_filter_lists_exactly_the_cadres_the_home_page_counts(county_client, township):
    f.CadreFactory(organization=township, name="齐全", education_fulltime="university",
                   work_started_on=datetime.date(2000, 7, 1))
    f.CadreFactory(organization=township, name="缺学历", work_started_on=datetime.date(2000, 7, 1))
    response = county_client.get("/org/cadres/", {"incomplete": "true", "status": "active"})
    html = response.content.decode()
    assert "缺学历" in html and "齐全" not in html
    assert actions_of(county_client.get("/"))["Cadres with incomplete records"]["count"] == 1


def test_home_page_queries_do_not_grow_with_the_county(county_client, county, head, django_assert_max_num_queries):
    def add_townships(n):
        for _ in range(n):
            town = f.TownshipFactory(parent=county)
            team = f.TeamFactory(township=town, elected_on=years_ago(1))
            f.TeamMembershipFactory(team=team, position=head, is_head=True, started_on=team.elected_on)

    add_townships(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        county_client.get("/")
    add_townships(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        county_client.get("/")


def test_add_months_clips_to_the_end_of_the_month():
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2026, 11, 29), 6) == datetime.date(2027, 5, 29)


def test_recent_changes_leave_out_saves_that_changed_nothing(auditor_client, township):
    cadre = f.CadreFactory(organization=township, name="周瑜")
    cadre.save()  # no field changed
    panel = next(p for p in auditor_client.get("/").context["panels"] if p["title"] == "Recent changes")
    events = [e for e in panel["events"] if e.object_repr == "周瑜"]
    assert [e.action for e in events] == [AuditEvent.Action.CREATE]
