"""The battle map's and the bulletins' figures through the API: the same figures as the pages, at
each level (county, township, person), scoped to the user (404 outside), in a fixed number of
queries, against the hand-worked scenario."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from banzi.core.roles import Role
from banzi.tasks.models import Bulletin
from tests import factories as f
from tests.api import api_for, assert_matches_schema

from .boards_data import D, county_bulletin, many_tasks
from .scenario import NOW, build

pytestmark = pytest.mark.django_db
MAP = "/api/v1/tasks/figures/battle-map/"
PAGE_DATA = reverse("tasks:battle_map_data")


def figures_url(bulletin):
    return f"/api/v1/tasks/bulletins/{bulletin.pk}/figures/"


@pytest.fixture(autouse=True)
def fixed_time(travel):
    travel.move_to(NOW)


@pytest.fixture
def sc(township, other_township):
    return build(township, other_township)


def battle_map(user, **params):
    response = api_for(user).get(MAP, params)
    assert response.status_code == 200, response.content
    assert_matches_schema(response)
    return response.json()


def without_page_links(data):
    """The page's data less what only the page uses (its own links and breadcrumbs)."""
    data = {k: v for k, v in data.items() if k != "breadcrumbs"}
    data["groups"] = [{k: v for k, v in g.items() if k != "url"} for g in data["groups"]]
    return data


# --- battle map --------------------------------------------------------------------------------

def test_county_level_a_row_per_township(sc, county_admin):
    data = battle_map(county_admin)
    assert data["scope"]["level"] == "county" and data["scope"]["name"] == "襄汾县"
    assert (data["rate"]["due"], data["rate"]["on_time"], data["rate"]["percent"]) == (7, 4, 57.1)
    rows = {g["name"]: g for g in data["groups"]}
    assert (rows["新城镇"]["id"], rows["新城镇"]["level"], rows["新城镇"]["rate"]["percent"]) == (sc.a.pk, "township", 50)
    assert rows["赵康镇"]["rate"]["percent"] == 66.7
    assert data["items_are_overdue_only"] and {i["title"] for i in data["items"]} == {"S1", "T3"}


def test_township_and_person_levels(sc, county_admin):
    data = battle_map(county_admin, township=sc.a.pk)
    assert data["scope"]["level"] == "township"
    people = {g["name"]: g for g in data["groups"]}
    assert (people["张一"]["id"], people["张一"]["level"], people["张一"]["post"]) == (sc.a1.pk, "person", "党委书记")
    assert people["张一"]["rate"]["percent"] == 50 and people["王二"]["counts"]["at_risk"] == 2
    person = battle_map(county_admin, cadre=sc.a1.pk)
    assert person["scope"]["level"] == "person" and person["groups"] == []
    assert {i["title"] for i in person["items"]} == {"T1", "T2", "T3", "S2"}
    t3 = next(i for i in person["items"] if i["title"] == "T3")
    assert (t3["state"], t3["colour"], t3["progress"]) == ("overdue", "#d63939", 60)


@pytest.mark.parametrize("scope", ["county", "township", "person"])
def test_the_api_gives_the_pages_figures(sc, county_admin, county_client, scope):
    params = {"county": {}, "township": {"township": sc.a.pk}, "person": {"cadre": sc.a2.pk}}[scope]
    page = county_client.get(PAGE_DATA, params).json()
    assert battle_map(county_admin, **params) == without_page_links(page)


def test_a_year_asked_for(sc, county_admin):
    data = battle_map(county_admin, year=2025)
    assert data["scope"]["year"] == 2025 and data["rate"]["due"] == 0
    assert battle_map(county_admin, year="nonsense")["scope"]["year"] == 2026


def test_township_admin_sees_their_township_and_nothing_else(sc, township_admin):
    data = battle_map(township_admin)
    assert data["scope"]["level"] == "township" and data["scope"]["name"] == "新城镇"
    assert {i["title"] for i in data["items"]} == {"T1", "T2", "T3", "T4", "T5", "T6", "S2"}
    client = api_for(township_admin)
    assert client.get(MAP, {"township": sc.b.pk}).status_code == 404
    assert client.get(MAP, {"cadre": sc.b1.pk}).status_code == 404
    assert client.get(MAP, {"township": "x"}).status_code == 404
    assert battle_map(township_admin, cadre=sc.a2.pk)["scope"]["name"] == "王二"


def test_cadre_sees_only_their_own_work(sc):
    user = f.UserFactory(username="wang", role=Role.CADRE, cadre=sc.a2)
    data = battle_map(user)
    assert data["scope"]["level"] == "person"
    assert {i["title"] for i in data["items"]} == {"T4", "T5", "T6"}
    client = api_for(user)
    assert client.get(MAP, {"township": sc.a.pk}).status_code == 404
    assert client.get(MAP, {"cadre": sc.a1.pk}).status_code == 404


def test_auditor_gets_no_map_or_figures(sc, auditor, county):
    assert api_for(auditor).get(MAP).status_code == 403
    assert api_for(auditor).get(figures_url(county_bulletin(county))).status_code == 403


def test_a_user_without_a_scope_is_404(sc, township):
    user = f.UserFactory(username="nowhere", role=Role.TOWNSHIP_ADMIN)
    assert api_for(user).get(MAP).status_code == 404


def test_anonymous_is_401(sc):
    assert APIClient().get(MAP).status_code == 401


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


def test_battle_map_queries_do_not_grow_with_rows(township, county_admin):
    client = api_for(county_admin)
    people = [f.CadreFactory(organization=township) for _ in range(3)]
    many_tasks(township, 5, people)
    scopes = ({}, {"township": township.pk}, {"cadre": people[0].pk})
    few = [_queries(client, MAP, scope)[0] for scope in scopes]
    many_tasks(township, 45, people + [f.CadreFactory(organization=township) for _ in range(4)])
    many = [_queries(client, MAP, scope) for scope in scopes]
    assert many[0][1]["total"] == 50 and len(many[1][1]["items"]) == 50
    assert [count for count, _data in many] == few


# --- bulletins ---------------------------------------------------------------------------------

def figures(user, bulletin):
    response = api_for(user).get(figures_url(bulletin))
    assert response.status_code == 200, response.content
    assert_matches_schema(response)
    return response.json()


@pytest.mark.parametrize("role", ["county_admin"])
def test_county_bulletin_figures(request, sc, county, role):
    bulletin = county_bulletin(county)
    data = figures(request.getfixturevalue(role), bulletin)
    assert data["bulletin"]["document_number"] == "襄组通〔2026〕5号" and data["is_county"]
    assert (data["rate"]["due"], data["rate"]["on_time"], data["rate"]["percent"]) == (7, 4, 57.1)
    assert [(r["name"], r["rank"], r["tied"], r["rate"]["percent"]) for r in data["townships"]] == [
        ("赵康镇", 1, False, 66.7), ("新城镇", 2, False, 50)]
    # People are listed by township, unranked (no point rankings, DESIGN.md principle 2).
    assert [r["name"] for r in data["members"]] == ["张一", "王二", "赵三"]
    assert all("rank" not in r for r in data["members"])
    assert data["members"][2]["post"] == "乡镇长" and data["members"][2]["township"] == "赵康镇"
    # The overdue figures add up: due = on time + done late + late; the list is late + carried.
    assert data["rate"]["due"] == data["rate"]["on_time"] + data["done_late"] + data["late"]
    assert len(data["overdue"]) == data["late"] + data["carried"]
    assert {e["title"] for e in data["overdue"]} == {"S1", "T3"}
    assert [e["title"] for e in data["tasks"]][:1] and {e["kind"] for e in data["tasks"]} == {"task"}
    assert (data["opened"], data["closed"]) == (4, 2)
    assert {p["id"] for p in data["problems_closed"]} == {sc.problems["P2"].pk, sc.problems["P3"].pk}
    assert "57.1%" in data["summary"]


def test_the_api_gives_the_bulletin_pages_figures(sc, county, county_admin, county_client):
    bulletin = county_bulletin(county)
    page = county_client.get(reverse("tasks:bulletin_detail", args=[bulletin.pk])).context
    data = figures(county_admin, bulletin)
    assert data["summary"] == page["summary"] and data["intro"] == page["intro"]
    assert [(r["id"], r["total"], r["late"], r["carried"]) for r in data["members"]] == [
        (r["id"], r["total"], r["late"], r["carried"]) for r in page["data"].members]
    assert [(r["id"], r["rank"], r["tied"]) for r in data["townships"]] == [
        (r["id"], r["rank"], r["tied"]) for r in page["data"].townships]
    assert [e["id"] for e in data["tasks"]] == [e.obj.pk for e in page["data"].tasks]


def test_township_bulletin_counts_only_the_township(sc, township, township_admin):
    bulletin = Bulletin.objects.create(title="新城镇通报", organization=township, period_start=D(2026, 1, 1),
                                       period_end=D(2026, 12, 31), issuing_body="中共新城镇委员会")
    data = figures(township_admin, bulletin)
    assert data["rate"]["percent"] == 50 and data["townships"] == [] and not data["is_county"]
    assert {r["name"] for r in data["members"]} == {"张一", "王二"}


def test_bulletins_outside_the_scope_are_404(sc, county, township, other_township, township_admin, cadre_user):
    theirs = Bulletin.objects.create(title="赵康镇通报", organization=other_township, period_start=D(2026, 1, 1),
                                     period_end=D(2026, 12, 31), issuing_body="中共赵康镇委员会")
    ours = Bulletin.objects.create(title="新城镇通报", organization=township, period_start=D(2026, 1, 1),
                                   period_end=D(2026, 12, 31), issuing_body="中共新城镇委员会")
    client = api_for(township_admin)
    assert client.get(figures_url(county_bulletin(county))).status_code == 404
    assert client.get(figures_url(theirs)).status_code == 404
    # Cadres read no bulletins, on the pages or here.
    assert api_for(cadre_user).get(figures_url(ours)).status_code == 404
    assert APIClient().get(figures_url(ours)).status_code == 401


def test_bulletin_figures_queries_do_not_grow_with_rows(township, county, county_admin):
    client = api_for(county_admin)
    bulletin = county_bulletin(county)
    people = [f.CadreFactory(organization=township) for _ in range(3)]
    many_tasks(township, 5, people)
    few, _data = _queries(client, figures_url(bulletin))
    many_tasks(township, 45, people + [f.CadreFactory(organization=township) for _ in range(4)])
    many, data = _queries(client, figures_url(bulletin))
    assert data["total"] == 50 and len(data["tasks"]) == 50
    assert many == few
