"""The registry's REST API: CRUD, scoping, roles, validation, history, filters, ID numbers, query counts."""
import datetime
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.org.models import Cadre, Organization, Position, Team, TeamMembership, VillageDesignation
from tests import dates
from tests import factories as f
from tests.api import api_for, ids
from tests.errors import api_codes

pytestmark = pytest.mark.django_db

BASE = "/api/v1/org"


@pytest.fixture
def secretary(db):
    return f.PositionFactory(name="党委书记", is_head=True, sort_order=1)


@pytest.fixture
def member_position(db):
    return f.PositionFactory(name="组织委员", sort_order=6)


def _records(township, secretary):
    village = f.VillageFactory(parent=township)
    cadre = f.CadreFactory(organization=township)
    team = f.TeamFactory(township=township)
    return SimpleNamespace(
        township=township,
        village=village,
        designation=f.VillageDesignationFactory(organization=village),
        cadre=cadre,
        team=team,
        membership=f.TeamMembershipFactory(team=team, cadre=cadre, position=secretary, is_head=True),
    )


@pytest.fixture
def own(township, secretary):
    return _records(township, secretary)


@pytest.fixture
def other(other_township, secretary):
    return _records(other_township, secretary)


# One entry per endpoint: the model, which record of a township's set it serves, the lookup from
# the model to its township, a valid new record (given the township's records) and a change.
ENDPOINTS = {
    "organizations": SimpleNamespace(
        model=Organization, record="village", township_lookup="township",
        create=lambda r: {"name": "新建村", "kind": "village", "parent": r.township.pk, "division_code": ""},
        change={"address": "新街 1 号"},
    ),
    "designations": SimpleNamespace(
        model=VillageDesignation, record="designation", township_lookup="organization__township",
        create=lambda r: {"organization": r.village.pk, "year": 2025, "category": "dispute_heavy",
                          "reason": "信访多"},
        change={"reason": "矛盾纠纷调处不力"},
    ),
    "cadres": SimpleNamespace(
        model=Cadre, record="cadre", township_lookup="organization__township",
        create=lambda r: {"name": "赵六", "gender": "female", "birth_date": "1988-03-15",
                          "id_number": f.make_id_number(datetime.date(1988, 3, 15), "female", 7),
                          "organization": r.township.pk, "phone": "13912345678", "post": "科员"},
        change={"post": "党政办主任"},
    ),
    "teams": SimpleNamespace(
        model=Team, record="team", township_lookup="township",
        create=lambda r: {"township": r.township.pk, "elected_on": "2016-09-01", "term_years": 5},
        change={"notes": "换届选举顺利"},
    ),
    "memberships": SimpleNamespace(
        model=TeamMembership, record="membership", township_lookup="team__township",
        create=lambda r: {"team": r.team.pk, "cadre": f.CadreFactory(organization=r.township).pk,
                          "position": f.PositionFactory(name="宣传委员").pk, "started_on": "2022-01-10"},
        change={"appointment_document": "县委组〔2022〕8号"},
    ),
}
SCOPED = list(ENDPOINTS)


# --- every endpoint as the county organization department -----------------------------------

@pytest.mark.parametrize("endpoint", SCOPED)
def test_county_admin_lists_and_retrieves_every_township(endpoint, county_admin, own, other):
    spec = ENDPOINTS[endpoint]
    client = api_for(county_admin)
    listed = ids(client.get(f"{BASE}/{endpoint}/", {"page_size": 500}))
    assert {getattr(own, spec.record).pk, getattr(other, spec.record).pk} <= listed
    response = client.get(f"{BASE}/{endpoint}/{getattr(other, spec.record).pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == getattr(other, spec.record).pk


@pytest.mark.parametrize("endpoint", SCOPED)
def test_county_admin_creates_updates_and_deletes(endpoint, county_admin, own):
    spec = ENDPOINTS[endpoint]
    client = api_for(county_admin)
    before = spec.model.objects.count()

    created = client.post(f"{BASE}/{endpoint}/", spec.create(own))
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert spec.model.objects.count() == before + 1

    updated = client.patch(f"{BASE}/{endpoint}/{pk}/", spec.change)
    assert updated.status_code == 200, updated.content
    obj = spec.model.objects.get(pk=pk)
    for field, value in spec.change.items():
        assert getattr(obj, field) == value
        assert updated.json()[field] == value

    deleted = client.delete(f"{BASE}/{endpoint}/{pk}/")
    assert deleted.status_code == 204
    assert not spec.model.objects.filter(pk=pk).exists()
    assert set(spec.model.history.filter(id=pk).values_list("history_type", flat=True)) == {"+", "~", "-"}


def test_positions_catalog_crud_by_county_admin(county_admin):
    client = api_for(county_admin)
    created = client.post(f"{BASE}/positions/", {"name": "挂职副书记", "sort_order": 8})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.get(f"{BASE}/positions/{pk}/").json()["name"] == "挂职副书记"
    assert pk in ids(client.get(f"{BASE}/positions/"))
    assert client.patch(f"{BASE}/positions/{pk}/", {"sort_order": 9}).status_code == 200
    assert Position.objects.get(pk=pk).sort_order == 9
    assert client.delete(f"{BASE}/positions/{pk}/").status_code == 204
    assert not Position.objects.filter(pk=pk).exists()


def test_full_update_with_put(county_admin, own):
    client = api_for(county_admin)
    data = client.get(f"{BASE}/cadres/{own.cadre.pk}/").json()
    data = {k: v for k, v in data.items() if v is not None}
    data["post"] = "副镇长"
    response = client.put(f"{BASE}/cadres/{own.cadre.pk}/", data)
    assert response.status_code == 200, response.content
    own.cadre.refresh_from_db()
    assert own.cadre.post == "副镇长"


def test_session_authentication_works(county_client, own):
    response = county_client.get(f"{BASE}/cadres/")
    assert response.status_code == 200
    assert own.cadre.pk in {row["id"] for row in response.json()["results"]}


# --- a township Party committee sees and changes only its own township ----------------------

@pytest.mark.parametrize("endpoint", SCOPED)
def test_township_admin_lists_only_own_township(endpoint, township_admin, own, other, township, other_township):
    spec = ENDPOINTS[endpoint]
    listed = ids(api_for(township_admin).get(f"{BASE}/{endpoint}/", {"page_size": 500}))
    assert getattr(own, spec.record).pk in listed
    others = set(spec.model.objects.filter(**{spec.township_lookup: other_township}).values_list("pk", flat=True))
    assert others and not (listed & others)
    foreign = set(spec.model.objects.exclude(**{spec.township_lookup: township}).values_list("pk", flat=True))
    assert not (listed & foreign)


@pytest.mark.parametrize("endpoint", SCOPED)
def test_township_admin_gets_404_for_another_township(endpoint, township_admin, other):
    spec = ENDPOINTS[endpoint]
    obj = getattr(other, spec.record)
    url = f"{BASE}/{endpoint}/{obj.pk}/"
    client = api_for(township_admin)
    before = spec.model.history.filter(id=obj.pk).count()
    assert client.get(url).status_code == 404
    assert client.patch(url, spec.change).status_code == 404
    assert client.put(url, spec.change).status_code == 404
    assert client.delete(url).status_code == 404
    assert spec.model.objects.filter(pk=obj.pk).exists()
    assert spec.model.history.filter(id=obj.pk).count() == before


@pytest.mark.parametrize(
    "endpoint, field, target",
    [
        ("organizations", "parent", "township"),
        ("designations", "organization", "village"),
        ("cadres", "organization", "township"),
        ("teams", "township", "township"),
        ("memberships", "team", "team"),
        ("memberships", "cadre", "cadre"),
    ],
)
def test_township_admin_cannot_create_in_another_township(endpoint, field, target, township_admin, own, other):
    spec = ENDPOINTS[endpoint]
    payload = spec.create(own)
    payload[field] = getattr(other, target).pk
    before = spec.model.objects.count()
    response = api_for(township_admin).post(f"{BASE}/{endpoint}/", payload)
    assert api_codes(response) == {field: ["does_not_exist"]}
    assert spec.model.objects.count() == before


@pytest.mark.parametrize("endpoint", SCOPED)
def test_township_admin_creates_in_own_township(endpoint, township_admin, own):
    spec = ENDPOINTS[endpoint]
    response = api_for(township_admin).post(f"{BASE}/{endpoint}/", spec.create(own))
    assert response.status_code == 201, response.content
    assert spec.model.objects.filter(pk=response.json()["id"], **{spec.township_lookup: own.township}).exists()


def test_township_admin_cannot_move_a_cadre_to_another_township(township_admin, own, other):
    response = api_for(township_admin).patch(f"{BASE}/cadres/{own.cadre.pk}/", {"organization": other.township.pk})
    assert api_codes(response) == {"organization": ["does_not_exist"]}
    own.cadre.refresh_from_db()
    assert own.cadre.organization == own.township


def test_township_admin_cannot_edit_the_position_catalog(township_admin, secretary):
    client = api_for(township_admin)
    sort_order = secretary.sort_order
    assert client.post(f"{BASE}/positions/", {"name": "挂职副书记"}).status_code == 403
    assert client.patch(f"{BASE}/positions/{secretary.pk}/", {"sort_order": 99}).status_code == 403
    assert not Position.objects.filter(name="挂职副书记").exists()
    secretary.refresh_from_db()
    assert secretary.sort_order == sort_order


def test_township_filter_cannot_reach_another_township(township_admin, own, other):
    response = api_for(township_admin).get(f"{BASE}/cadres/", {"township": other.township.pk})
    assert response.status_code == 400 or other.cadre.pk not in ids(response)


# --- read-only roles --------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint", SCOPED)
def test_auditor_reads_everything_and_writes_nothing(endpoint, auditor, own, other):
    spec = ENDPOINTS[endpoint]
    client = api_for(auditor)
    obj = getattr(other, spec.record)
    assert obj.pk in ids(client.get(f"{BASE}/{endpoint}/", {"page_size": 500}))
    before = spec.model.objects.count()
    assert client.post(f"{BASE}/{endpoint}/", spec.create(own)).status_code == 403
    assert client.patch(f"{BASE}/{endpoint}/{obj.pk}/", spec.change).status_code == 403
    assert client.delete(f"{BASE}/{endpoint}/{obj.pk}/").status_code == 403
    assert spec.model.objects.count() == before
    assert spec.model.history.filter(id=obj.pk).count() == 1


def test_cadre_sees_only_own_record_and_memberships(cadre_user, own, other, secretary):
    mine = f.TeamMembershipFactory(team=own.team, cadre=cadre_user.cadre, position=f.PositionFactory(name="宣传委员"))
    client = api_for(cadre_user)
    assert ids(client.get(f"{BASE}/cadres/")) == {cadre_user.cadre.pk}
    assert ids(client.get(f"{BASE}/memberships/")) == {mine.pk}
    assert client.get(f"{BASE}/cadres/{own.cadre.pk}/").status_code == 404
    assert client.get(f"{BASE}/memberships/{own.membership.pk}/").status_code == 404
    assert ids(client.get(f"{BASE}/organizations/")) == set()
    assert ids(client.get(f"{BASE}/teams/")) == set()
    assert secretary.pk in ids(client.get(f"{BASE}/positions/"))


def test_cadre_cannot_write_even_their_own_record(cadre_user):
    client = api_for(cadre_user)
    me = cadre_user.cadre
    assert client.patch(f"{BASE}/cadres/{me.pk}/", {"post": "镇长"}).status_code == 403
    assert client.delete(f"{BASE}/cadres/{me.pk}/").status_code == 403
    assert client.post(f"{BASE}/cadres/", {"name": "新人"}).status_code == 403
    me.refresh_from_db()
    assert me.post != "镇长"


def test_anonymous_gets_401(own):
    response = APIClient().get(f"{BASE}/cadres/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")


# --- validation: model rules come back as 400 on the field, nothing saved ---------------------

def test_bad_id_checksum_is_400_on_the_field(county_admin, own):
    payload = ENDPOINTS["cadres"].create(own)
    good = payload["id_number"]
    payload["id_number"] = good[:17] + ("0" if good[17] != "0" else "1")
    before = Cadre.objects.count()
    response = api_for(county_admin).post(f"{BASE}/cadres/", payload)
    assert api_codes(response) == {"id_number": [Code.ID_CHECKSUM]}
    assert Cadre.objects.count() == before


def test_id_number_not_matching_birth_date_is_400(county_admin, own):
    payload = ENDPOINTS["cadres"].create(own)
    payload["birth_date"] = "1988-03-16"
    before = Cadre.objects.count()
    response = api_for(county_admin).post(f"{BASE}/cadres/", payload)
    assert api_codes(response) == {"id_number": [Code.ID_BIRTH_DATE_MISMATCH]}
    assert Cadre.objects.count() == before


def test_duplicate_id_number_is_400(county_admin, own):
    payload = ENDPOINTS["cadres"].create(own)
    payload.update(id_number=own.cadre.id_number, birth_date=own.cadre.birth_date.isoformat(), gender="male")
    response = api_for(county_admin).post(f"{BASE}/cadres/", payload)
    assert api_codes(response) == {"id_number": [Code.UNIQUE]}
    assert Cadre.objects.filter(id_number_index=own.cadre.id_number_index).count() == 1


def test_failed_update_changes_nothing(county_admin, own):
    old_phone = own.cadre.phone
    response = api_for(county_admin).patch(f"{BASE}/cadres/{own.cadre.pk}/", {"phone": "12345", "post": "镇长"})
    assert api_codes(response) == {"phone": [Code.PHONE]}
    own.cadre.refresh_from_db()
    assert (own.cadre.phone, own.cadre.post) == (old_phone, "科员")


def test_newly_promoted_needs_a_date(county_admin, own):
    payload = ENDPOINTS["cadres"].create(own) | {"is_newly_promoted": True}
    response = api_for(county_admin).post(f"{BASE}/cadres/", payload)
    assert api_codes(response) == {"promoted_on": [Code.REQUIRED]}


def test_second_team_head_at_the_same_time_is_400(county_admin, own, member_position):
    payload = {"team": own.team.pk, "cadre": f.CadreFactory(organization=own.township).pk,
               "position": member_position.pk, "is_head": True, "started_on": "2023-01-01"}
    before = TeamMembership.objects.count()
    response = api_for(county_admin).post(f"{BASE}/memberships/", payload)
    assert api_codes(response) == {"is_head": [Code.HEAD_OVERLAPS]}
    assert TeamMembership.objects.count() == before


def test_overlapping_membership_in_the_same_position_is_400(county_admin, own, secretary):
    payload = {"team": own.team.pk, "cadre": own.cadre.pk, "position": secretary.pk, "started_on": "2024-01-01"}
    before = TeamMembership.objects.count()
    response = api_for(county_admin).post(f"{BASE}/memberships/", payload)
    assert api_codes(response) == {"started_on": [Code.POSITION_OVERLAPS]}
    assert TeamMembership.objects.count() == before


def test_membership_end_before_start_is_400(county_admin, own):
    response = api_for(county_admin).patch(f"{BASE}/memberships/{own.membership.pk}/", {"ended_on": "2020-01-01"})
    assert api_codes(response) == {"ended_on": [Code.DATE_ORDER]}
    own.membership.refresh_from_db()
    assert own.membership.ended_on is None


def test_village_under_a_village_is_400(county_admin, own):
    payload = {"name": "错村", "kind": "village", "parent": own.village.pk}
    response = api_for(county_admin).post(f"{BASE}/organizations/", payload)
    assert api_codes(response) == {"parent": [Code.WRONG_KIND]}
    assert not Organization.objects.filter(name="错村").exists()


# --- cadres who are referenced are archived, not deleted --------------------------------------

def test_referenced_cadre_cannot_be_deleted_but_can_be_archived(township_admin, own):
    client = api_for(township_admin)
    response = client.delete(f"{BASE}/cadres/{own.cadre.pk}/")
    assert api_codes(response) == {"non_field_errors": [Code.PROTECTED]}
    assert Cadre.objects.filter(pk=own.cadre.pk).exists()

    left = dates.days_ago(30)  # after the membership began, with the team's election
    response = client.post(f"{BASE}/cadres/{own.cadre.pk}/archive/", {"on": left.isoformat(), "reason": "调离"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "archived"
    own.membership.refresh_from_db()
    assert own.membership.ended_on == left

    response = client.post(f"{BASE}/cadres/{own.cadre.pk}/restore/")
    assert response.status_code == 200
    assert response.json()["status"] == "active"


def test_archive_is_scoped_and_needs_a_writer(township_admin, auditor, other):
    assert api_for(township_admin).post(f"{BASE}/cadres/{other.cadre.pk}/archive/").status_code == 404
    assert api_for(auditor).post(f"{BASE}/cadres/{other.cadre.pk}/archive/").status_code == 403
    other.cadre.refresh_from_db()
    assert other.cadre.status == Cadre.Status.ACTIVE


# --- history records the API user -------------------------------------------------------------

def test_history_user_is_the_api_user(township_admin, own):
    client = api_for(township_admin)
    created = client.post(f"{BASE}/cadres/", ENDPOINTS["cadres"].create(own))
    pk = created.json()["id"]
    client.patch(f"{BASE}/cadres/{pk}/", {"post": "副镇长"})
    client.delete(f"{BASE}/cadres/{pk}/")
    history = Cadre.history.filter(id=pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert all(h.history_user == township_admin for h in history)
    events = AuditEvent.objects.filter(
        kind=AuditEvent.Kind.DATA, content_type=ContentType.objects.get_for_model(Cadre), object_id=str(pk)
    )
    assert events.count() == 3
    assert set(events.values_list("user", flat=True)) == {township_admin.pk}


# --- the same filters as the list page --------------------------------------------------------

@pytest.fixture
def named(township, other_township):
    return SimpleNamespace(
        zhang=f.CadreFactory(name="张三", organization=township),
        wang=f.CadreFactory(name="王五", organization=township, is_newly_promoted=True,
                            promoted_on=datetime.date(2024, 5, 1)),
        zhao=f.CadreFactory(name="赵四", organization=other_township, is_reserve=True),
    )


def test_filter_by_pinyin_initials(county_admin, named):
    found = ids(api_for(county_admin).get(f"{BASE}/cadres/", {"q": "zs"}))
    assert named.zhang.pk in found
    assert named.wang.pk not in found
    assert named.zhao.pk in found  # 赵四 is zs too


def test_filter_by_township(county_admin, named, other_township):
    found = ids(api_for(county_admin).get(f"{BASE}/cadres/", {"township": other_township.pk}))
    assert found == {named.zhao.pk}


def test_filter_newly_promoted_and_reserve(county_admin, named):
    client = api_for(county_admin)
    assert ids(client.get(f"{BASE}/cadres/", {"is_newly_promoted": "true"})) == {named.wang.pk}
    assert ids(client.get(f"{BASE}/cadres/", {"is_reserve": "true"})) == {named.zhao.pk}
    assert named.wang.pk in ids(client.get(f"{BASE}/cadres/", {"is_newly_promoted": "false"})) ^ {named.wang.pk}


def test_filter_by_current_position(county_admin, own, other, named, secretary):
    found = ids(api_for(county_admin).get(f"{BASE}/cadres/", {"position": secretary.pk}))
    assert found == {own.cadre.pk, other.cadre.pk}


def test_membership_and_designation_filters(county_admin, own, other):
    client = api_for(county_admin)
    assert ids(client.get(f"{BASE}/memberships/", {"township": own.township.pk})) == {own.membership.pk}
    assert ids(client.get(f"{BASE}/designations/", {"township": other.township.pk})) == {other.designation.pk}
    assert ids(client.get(f"{BASE}/organizations/", {"kind": "village", "township": own.township.pk})) == {
        own.village.pk}


def test_filter_is_scoped_for_township_admin(township_admin, named):
    assert ids(api_for(township_admin).get(f"{BASE}/cadres/", {"is_reserve": "true"})) == set()


def test_ordering_and_pagination(county_admin, township):
    for name in ["王一", "安二", "张三"]:
        f.CadreFactory(name=name, organization=township)
    client = api_for(county_admin)
    page = client.get(f"{BASE}/cadres/", {"ordering": "name_pinyin", "page_size": 2}).json()
    assert page["count"] == 3
    assert [row["name"] for row in page["results"]] == ["安二", "王一"]
    assert page["next"]


# --- ID numbers are shown in full only to those entitled --------------------------------------

def test_id_number_full_for_editors_masked_for_the_auditor(county_admin, township_admin, auditor, own):
    full = own.cadre.id_number
    url = f"{BASE}/cadres/{own.cadre.pk}/"
    assert api_for(county_admin).get(url).json()["id_number"] == full
    assert api_for(township_admin).get(url).json()["id_number"] == full
    masked = api_for(auditor).get(url).json()["id_number"]
    assert masked == own.cadre.masked_id_number
    assert masked != full and "*" in masked and full[6:14] not in masked
    listed = api_for(auditor).get(f"{BASE}/cadres/").json()["results"]
    assert all(full not in str(row) for row in listed)


def test_cadre_sees_own_full_id_number(cadre_user):
    response = api_for(cadre_user).get(f"{BASE}/cadres/{cadre_user.cadre.pk}/")
    assert response.json()["id_number"] == cadre_user.cadre.id_number


# --- a list costs the same number of queries for 5 rows as for 50 -----------------------------

def _rows(endpoint, n, township):
    """n more rows of the endpoint's model, all in the township where the model is scoped."""
    for _ in range(n):
        day = datetime.date(2000, 1, 1) + datetime.timedelta(days=Team.objects.count())
        if endpoint == "organizations":
            f.VillageFactory(parent=township)
        elif endpoint == "designations":
            f.VillageDesignationFactory(organization=f.VillageFactory(parent=township))
        elif endpoint == "cadres":
            f.CadreFactory(organization=township)
        elif endpoint == "positions":
            f.PositionFactory(name=f"职务{Position.objects.count()}")
        elif endpoint == "teams":
            f.TeamFactory(township=township, elected_on=day)
        elif endpoint == "memberships":
            f.TeamMembershipFactory(team=f.TeamFactory(township=township, elected_on=day))


def _list_queries(client, endpoint):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{BASE}/{endpoint}/", {"page_size": 100})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


