"""Each registry rule, through the page (the message sits on the field, nothing is saved) and
through the model (full_clean refuses the record)."""
import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils.html import escape

from banzi.core import clock, services
from banzi.core.errors import Code
from banzi.core.validators import id_number_check_digit
from banzi.org.models import Cadre, Organization, Team, TeamMembership, VillageDesignation
from banzi.org.services import archive_cadre, restore_cadre
from tests import factories as f
from tests.errors import ALL, codes, refused
from tests.generic import case_for, instance_form_data

pytestmark = pytest.mark.django_db

TODAY = clock.today()
TOMORROW = TODAY + datetime.timedelta(days=1)
BIRTH = datetime.date(1980, 5, 6)


def valid_id(birth=BIRTH, gender="male"):
    return f.make_id_number(birth, gender, seq=7)


def with_check_digit(first17):
    return first17 + id_number_check_digit(first17)


# -- helpers -------------------------------------------------------------------------------------

def refused_on_page(client, model, data, field, code=None, url=None):
    """POST the add (or given) page: the form comes back with an error on `field`, shown next to
    it, and no record was saved. Returns the error."""
    url = url or reverse(model.url_name("add"))
    count = model.objects.count()
    history = model.history.count()
    response = client.post(url, data)
    assert response.status_code == 200, f"expected the form back, got {response.status_code}"
    form = response.context["form"]
    assert field in form.errors, f"no error on {field}: {form.errors.as_data()}"
    error = form.errors.as_data()[field][0]
    if code is not None:
        assert error.code == code, f"{field}: code {error.code!r}, expected {code!r}"
    message = error.messages[0]
    assert len(message) >= 5  # a sentence, not a bare flag
    body = response.content.decode()
    assert escape(message) in body
    if field != NON_FIELD_ERRORS:
        assert f'data-field-error="{field}"' in body
    assert model.objects.count() == count
    assert model.history.count() == history
    return error


def refused_by_model(instance, field, code=None):
    with pytest.raises(ValidationError) as info:
        instance.full_clean()
    errors = info.value.error_dict
    assert field in errors, errors
    if code is not None:
        assert code in [e.code for e in errors[field]], [e.code for e in errors[field]]
    return errors[field]


def cadre_data(township, **overrides):
    data = {
        "name": "王新", "gender": "male", "ethnicity": "汉族", "birth_date": BIRTH.isoformat(),
        "native_place": "", "id_number": valid_id(), "party_joined_on": "", "work_started_on": "",
        "education_fulltime": "", "education_inservice": "", "organization": township.pk, "post": "科员",
        "rank": "", "phone": "13912345678", "promoted_on": "", "notes": "",
    }
    data.update({k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in overrides.items()})
    return data


def cadre(township, **fields):
    values = {"name": "王新", "gender": "male", "birth_date": BIRTH, "id_number": valid_id(), "organization": township}
    values.update(fields)
    return Cadre(**values)


# -- the baseline is valid -----------------------------------------------------------------------

def test_valid_cadre_is_saved(township, county_client):
    response = county_client.post(reverse("org:cadre_add"), cadre_data(township))
    assert response.status_code == 302
    saved = Cadre.objects.get(name="王新")
    assert saved.id_number == valid_id() and saved.name_initials == "wx"
    cadre(township, birth_date=datetime.date(1981, 1, 1), id_number=valid_id(datetime.date(1981, 1, 1))).full_clean()


def test_lower_case_x_check_digit_is_accepted_and_stored_upper(township, county_client):
    # Find a number whose check digit is X.
    for seq in range(50):
        number = f.make_id_number(BIRTH, "male", seq)
        if number.endswith("X"):
            break
    else:
        pytest.skip("no X check digit in this range")
    response = county_client.post(reverse("org:cadre_add"), cadre_data(township, id_number=number.lower()))
    assert response.status_code == 302
    assert Cadre.objects.get(name="王新").id_number == number


# -- ID number -----------------------------------------------------------------------------------

def test_id_number_with_wrong_check_digit(township, county_client):
    good = valid_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    refused_on_page(county_client, Cadre, cadre_data(township, id_number=bad), "id_number", "id_checksum")
    refused_by_model(cadre(township, id_number=bad), "id_number", "id_checksum")


@pytest.mark.parametrize("number", ["14102319800230001", "14102319801301001", "14102319800000001"])
def test_id_number_with_impossible_date(number, township, county_client):
    bad = with_check_digit(number)
    refused_on_page(county_client, Cadre, cadre_data(township, id_number=bad), "id_number", "id_birth_date")
    refused_by_model(cadre(township, id_number=bad), "id_number", "id_birth_date")


@pytest.mark.parametrize("number", ["12345", "1410231980050600A1", "14102319800506001Y"])
def test_id_number_with_wrong_shape(number, township, county_client):
    refused_on_page(county_client, Cadre, cadre_data(township, id_number=number), "id_number", "id_format")


def test_id_number_birth_date_differs_from_birth_date_field(township, county_client):
    other_day = datetime.date(1980, 5, 7)
    error = refused_on_page(county_client, Cadre, cadre_data(township, birth_date=other_day), "id_number",
                            Code.ID_BIRTH_DATE_MISMATCH)
    assert "1980-05-06" in error.messages[0]
    refused_by_model(cadre(township, birth_date=other_day), "id_number", Code.ID_BIRTH_DATE_MISMATCH)


def test_id_number_gender_digit_differs_from_gender(township, county_client):
    refused_on_page(county_client, Cadre, cadre_data(township, gender="female"), "id_number", Code.ID_GENDER_MISMATCH)
    refused_by_model(cadre(township, gender="female"), "id_number", Code.ID_GENDER_MISMATCH)
    # The female number with the female gender is fine.
    cadre(township, gender="female", id_number=valid_id(gender="female")).full_clean()


def test_id_number_is_unique(township, county_client):
    f.CadreFactory(organization=township, birth_date=BIRTH, id_number=valid_id())
    refused_on_page(county_client, Cadre, cadre_data(township), "id_number", "unique")


# -- phone -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("phone", ["1391234567", "23912345678", "139-1234-5678", "abc", "0357-12"])
def test_phone_format(phone, township, county_client):
    refused_on_page(county_client, Cadre, cadre_data(township, phone=phone), "phone", "phone")
    refused_by_model(cadre(township, phone=phone), "phone", "phone")


@pytest.mark.parametrize("phone", ["13912345678", "0357-1234567", "03571234567", "010-12345678-123"])
def test_phone_formats_accepted(phone, township):
    cadre(township, phone=phone).full_clean()


def test_organization_phone_format(township, county_client):
    data = case_for(Organization).form_data(township)
    refused_on_page(county_client, Organization, {**data, "phone": "12345"}, "phone", "phone")


# -- dates -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["birth_date", "party_joined_on", "work_started_on", "promoted_on"])
def test_cadre_dates_cannot_be_in_the_future(field, township, county_client):
    overrides = {field: TOMORROW}
    if field == "birth_date":
        overrides["id_number"] = ""
    if field == "promoted_on":
        overrides["is_newly_promoted"] = "on"
    refused_on_page(county_client, Cadre, cadre_data(township, **overrides), field, "future_date")
    model_fields = {k: v for k, v in overrides.items() if k != "is_newly_promoted"}
    if field == "birth_date":
        model_fields["id_number"] = None
    refused_by_model(cadre(township, **model_fields), field, "future_date")


def test_party_membership_before_18(township, county_client):
    too_early = datetime.date(1998, 5, 5)  # one day before the 18th birthday
    refused_on_page(county_client, Cadre, cadre_data(township, party_joined_on=too_early), "party_joined_on",
                    Code.PARTY_AGE)
    refused_by_model(cadre(township, party_joined_on=too_early), "party_joined_on", Code.PARTY_AGE)
    cadre(township, party_joined_on=datetime.date(1998, 5, 6)).full_clean()


def test_work_started_before_16(township, county_client):
    refused_on_page(county_client, Cadre, cadre_data(township, work_started_on=datetime.date(1990, 1, 1)),
                    "work_started_on", Code.WORK_AGE)


def test_newly_promoted_needs_the_promotion_date(township, county_client):
    refused_on_page(county_client, Cadre, cadre_data(township, is_newly_promoted="on"), "promoted_on", Code.REQUIRED)


def test_election_date_cannot_be_in_the_future(township, county_client):
    data = {"township": township.pk, "elected_on": TOMORROW.isoformat(), "term_years": "5", "notes": ""}
    refused_on_page(county_client, Team, data, "elected_on", "future_date")
    refused_by_model(Team(township=township, elected_on=TOMORROW, term_years=5), "elected_on", "future_date")


def test_team_term_and_township(township, county_client):
    data = {"township": township.pk, "elected_on": "2021-09-01", "term_years": "0", "notes": ""}
    refused_on_page(county_client, Team, data, "term_years", Code.OUT_OF_RANGE)
    village = f.VillageFactory(parent=township)
    refused_by_model(Team(township=village, elected_on=datetime.date(2021, 9, 1), term_years=5), "township", Code.WRONG_KIND)


# -- memberships -----------------------------------------------------------------------------------

@pytest.fixture
def team(township):
    return f.TeamFactory(township=township, elected_on=datetime.date(2021, 9, 1))


@pytest.fixture
def secretary():
    return f.PositionFactory(name="党委书记")


@pytest.fixture
def member_position():
    return f.PositionFactory(name="组织委员")


def membership_data(team, cadre, position, started_on, ended_on=None, is_head=False):
    data = {"team": team.pk, "cadre": cadre.pk, "position": position.pk, "started_on": started_on.isoformat(),
            "ended_on": ended_on.isoformat() if ended_on else "", "appointment_document": "",
            "sort_order": "0", "notes": ""}
    if is_head:
        data["is_head"] = "on"
    return data


def test_membership_end_date_must_be_after_start(team, member_position, county_client):
    person = f.CadreFactory(organization=team.township)
    start = datetime.date(2022, 3, 1)
    for end in (start, start - datetime.timedelta(days=1)):
        refused_on_page(county_client, TeamMembership, membership_data(team, person, member_position, start, end),
                        "ended_on", Code.DATE_ORDER)
        refused_by_model(TeamMembership(team=team, cadre=person, position=member_position, started_on=start,
                                        ended_on=end), "ended_on", Code.DATE_ORDER)


def test_membership_cannot_start_in_the_future(team, member_position, county_client):
    person = f.CadreFactory(organization=team.township)
    refused_on_page(county_client, TeamMembership, membership_data(team, person, member_position, TOMORROW),
                    "started_on", "future_date")


def test_one_team_head_at_a_time(team, secretary, county_admin, county_client):
    first = f.CadreFactory(organization=team.township)
    second = f.CadreFactory(organization=team.township)
    f.TeamMembershipFactory(team=team, cadre=first, position=secretary, is_head=True,
                            started_on=datetime.date(2021, 9, 1), ended_on=datetime.date(2023, 6, 30))
    # Overlapping by one day: refused.
    refused_on_page(county_client, TeamMembership,
                    membership_data(team, second, secretary, datetime.date(2023, 6, 29), is_head=True), "is_head",
                    Code.HEAD_OVERLAPS)
    # An open-ended head and a new head later: refused too.
    refused_by_model(TeamMembership(team=team, cadre=second, position=secretary, is_head=True,
                                    started_on=datetime.date(2022, 1, 1)), "is_head", Code.HEAD_OVERLAPS)
    # Consecutive: the new head starts the day the old one ends.
    response = county_client.post(reverse("org:teammembership_add"),
                                  membership_data(team, second, secretary, datetime.date(2023, 6, 30), is_head=True))
    assert response.status_code == 302
    assert TeamMembership.objects.filter(team=team, is_head=True).count() == 2
    # A head of another team in the same period is no conflict.
    other_team = f.TeamFactory(township=f.TownshipFactory(), elected_on=datetime.date(2021, 9, 1))
    TeamMembership(team=other_team, cadre=f.CadreFactory(organization=other_team.township), position=secretary,
                   is_head=True, started_on=datetime.date(2022, 1, 1)).full_clean()


def test_editing_the_head_itself_is_no_conflict(team, secretary, county_admin, county_client):
    head = f.TeamMembershipFactory(team=team, position=secretary, is_head=True, started_on=datetime.date(2021, 9, 1))
    data = instance_form_data(case_for(TeamMembership).form_class, head)
    data["appointment_document"] = "襄组字〔2021〕1号"
    response = county_client.post(reverse("org:teammembership_edit", args=[head.pk]), data)
    assert response.status_code == 302
    head.refresh_from_db()
    assert head.appointment_document == "襄组字〔2021〕1号"


def test_no_overlapping_memberships_in_the_same_position(team, member_position, secretary, county_client):
    person = f.CadreFactory(organization=team.township)
    f.TeamMembershipFactory(team=team, cadre=person, position=member_position,
                            started_on=datetime.date(2021, 9, 1), ended_on=datetime.date(2022, 9, 1))
    refused_on_page(county_client, TeamMembership,
                    membership_data(team, person, member_position, datetime.date(2022, 1, 1)), "started_on",
                    Code.POSITION_OVERLAPS)
    # The same position in another team of the same period still overlaps for the cadre.
    later_team = f.TeamFactory(township=team.township, elected_on=datetime.date(2020, 1, 1))
    refused_by_model(TeamMembership(team=later_team, cadre=person, position=member_position,
                                    started_on=datetime.date(2021, 10, 1), ended_on=datetime.date(2021, 12, 1)),
                     "started_on", Code.POSITION_OVERLAPS)
    # Consecutive periods and another position are fine.
    TeamMembership(team=team, cadre=person, position=member_position, started_on=datetime.date(2022, 9, 1)).full_clean()
    TeamMembership(team=team, cadre=person, position=secretary, started_on=datetime.date(2022, 1, 1)).full_clean()


# -- archiving instead of deleting -----------------------------------------------------------------

def test_referenced_cadre_cannot_be_deleted_but_can_be_archived_and_restored(team, member_position, county_admin,
                                                                             county_client):
    membership = f.TeamMembershipFactory(team=team, position=member_position, started_on=datetime.date(2021, 9, 1))
    person = membership.cadre

    response = county_client.post(reverse("org:cadre_delete", args=[person.pk]), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and str(person) in messages[0]
    assert escape(messages[0]) in response.content.decode()
    assert Cadre.objects.filter(pk=person.pk).exists()
    with pytest.raises(ValidationError) as info:
        services.delete_object(county_admin, person)
    assert codes(info.value) == {ALL: [Code.PROTECTED]}

    response = county_client.post(reverse("org:cadre_archive", args=[person.pk]))
    assert response.status_code == 302
    person.refresh_from_db()
    membership.refresh_from_db()
    assert person.status == Cadre.Status.ARCHIVED and person.archived_on == TODAY
    assert membership.ended_on == TODAY
    assert membership.history.first().history_user == county_admin

    # An archived cadre is not offered for a new position, and the model refuses one too.
    refused_on_page(county_client, TeamMembership,
                    membership_data(team, person, member_position, datetime.date(2020, 1, 1),
                                    datetime.date(2020, 6, 1)), "cadre", "invalid_choice")
    refused_by_model(TeamMembership(team=team, cadre=person, position=member_position,
                                    started_on=datetime.date(2020, 1, 1), ended_on=datetime.date(2020, 6, 1)), "cadre",
                     Code.CADRE_ARCHIVED)

    # Archiving twice is refused with a message.
    response = county_client.post(reverse("org:cadre_archive", args=[person.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]]
    with refused(ALL, Code.WRONG_STATE):
        archive_cadre(county_admin, person)

    response = county_client.post(reverse("org:cadre_restore", args=[person.pk]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == Cadre.Status.ACTIVE and person.archived_on is None
    membership.refresh_from_db()
    assert membership.ended_on == TODAY  # history is not rewritten by a restore
    with refused(ALL, Code.WRONG_STATE):
        restore_cadre(county_admin, person)


def test_archiving_needs_write_permission(township, other_township, auditor_client, township_client):
    person = f.CadreFactory(organization=other_township)
    assert auditor_client.post(reverse("org:cadre_archive", args=[person.pk])).status_code == 403
    assert township_client.post(reverse("org:cadre_archive", args=[person.pk])).status_code == 404
    person.refresh_from_db()
    assert person.status == Cadre.Status.ACTIVE


def test_archiving_refuses_a_membership_starting_today_or_later(team, member_position, county_admin):
    membership = f.TeamMembershipFactory(team=team, position=member_position, started_on=TODAY)
    with refused(ALL, Code.ARCHIVE_BEFORE_MEMBERSHIP):
        archive_cadre(county_admin, membership.cadre)
    membership.cadre.refresh_from_db()
    assert membership.cadre.status == Cadre.Status.ACTIVE


# -- organizations ---------------------------------------------------------------------------------

def org_data(**fields):
    data = {"name": "新单位", "kind": "village", "parent": "", "division_code": "", "address": "", "phone": "",
            "sort_order": "0", "is_active": "on"}
    data.update({k: (v.pk if isinstance(v, Organization) else v) for k, v in fields.items()})
    return data


@pytest.mark.parametrize("kind,parent,code", [
    ("village", "county", Code.WRONG_KIND), ("community", "county", Code.WRONG_KIND),
    ("township", "township", Code.WRONG_KIND), ("department", "township", Code.WRONG_KIND),
    ("village", "village", Code.WRONG_KIND), ("township", None, Code.REQUIRED), ("county", "county", Code.NOT_APPLICABLE),
])
def test_organization_parent_kind_rules(kind, parent, code, county, township, county_client):
    parents = {"county": county, "township": township, "village": f.VillageFactory(parent=township), None: ""}
    refused_on_page(county_client, Organization, org_data(kind=kind, parent=parents[parent]), "parent", code)
    refused_by_model(Organization(name="新单位", kind=kind, parent=parents[parent] or None), "parent", code)


@pytest.mark.parametrize("kind,parent,ok", [
    ("village", "township", True), ("community", "township", True), ("township", "county", True),
    ("department", "county", True), ("enterprise", "township", True), ("enterprise", "county", True),
])
def test_organization_parent_kinds_allowed(kind, parent, ok, county, township):
    parents = {"county": county, "township": township}
    Organization(name="新单位", kind=kind, parent=parents[parent]).full_clean()


@pytest.mark.parametrize("kind,parent,code", [
    ("township", "county", "14102310"), ("township", "county", "1410231000"), ("village", "township", "141023100"),
    ("community", "township", "1410231002001"),
])
def test_division_code_length(kind, parent, code, county, township, county_client):
    parents = {"county": county, "township": township}
    field = "division_code"
    if len(code) > 12:
        refused_on_page(county_client, Organization, org_data(kind=kind, parent=parents[parent], division_code=code),
                        field, "max_length")
        return
    refused_on_page(county_client, Organization, org_data(kind=kind, parent=parents[parent], division_code=code), field,
                    Code.DIVISION_CODE_LENGTH)
    refused_by_model(Organization(name="新单位", kind=kind, parent=parents[parent], division_code=code), field,
                     Code.DIVISION_CODE_LENGTH)


def test_division_code_digits_and_uniqueness(county, township, county_client):
    refused_on_page(county_client, Organization, org_data(parent=township, division_code="14102310000A"),
                    "division_code", "digits")
    f.VillageFactory(parent=township, division_code="141023100001")
    refused_on_page(county_client, Organization, org_data(parent=township, division_code="141023100001"),
                    "division_code", Code.UNIQUE)
    Organization(name="新村", kind="village", parent=township, division_code="141023100002").full_clean()


def test_organization_name_unique_within_parent(township, county_client):
    f.VillageFactory(parent=township, name="东村")
    refused_on_page(county_client, Organization, org_data(parent=township, name="东村"), NON_FIELD_ERRORS,
                    "unique_together")
    Organization(name="东村", kind="village", parent=f.TownshipFactory()).full_clean()


def test_organization_cannot_be_its_own_parent(township, county_client):
    data = instance_form_data(case_for(Organization).form_class, township)
    data["parent"] = township.pk
    # No kind of organization may have a parent of its own kind, so the kind rule answers first.
    refused_on_page(county_client, Organization, data, "parent", Code.WRONG_KIND,
                    url=reverse("org:organization_edit", args=[township.pk]))


# -- village designations --------------------------------------------------------------------------

def designation_data(organization, year="2025", category="weak_lax"):
    return {"organization": organization.pk, "year": year, "category": category, "reason": "",
            "designated_on": "", "lifted_on": ""}


def test_designation_only_for_villages(township, county_client):
    refused_on_page(county_client, VillageDesignation, designation_data(township), "organization", Code.WRONG_KIND)
    refused_by_model(VillageDesignation(organization=township, year=2025, category="weak_lax"), "organization",
                     Code.WRONG_KIND)
    # A model unit may be any organization; a community is designated like a village.
    VillageDesignation(organization=township, year=2025, category="model_unit").full_clean()
    community = f.VillageFactory(parent=township, kind=Organization.Kind.COMMUNITY)
    VillageDesignation(organization=community, year=2025, category="weak_lax").full_clean()


def test_designation_unique_per_year_and_category(township, county_client):
    village = f.VillageFactory(parent=township)
    f.VillageDesignationFactory(organization=village, year=2025, category="weak_lax")
    error = refused_on_page(county_client, VillageDesignation, designation_data(village), NON_FIELD_ERRORS)
    assert error.code == "unique_together"
    # Another year or another category is a new designation.
    VillageDesignation(organization=village, year=2024, category="weak_lax").full_clean()
    VillageDesignation(organization=village, year=2025, category="dispute_heavy").full_clean()


def test_designation_year_and_dates(township, county_client):
    village = f.VillageFactory(parent=township)
    refused_on_page(county_client, VillageDesignation, designation_data(village, year="1990"), "year",
                    Code.YEAR_OUT_OF_RANGE)
    refused_on_page(county_client, VillageDesignation, designation_data(village, year=str(TODAY.year + 2)), "year",
                    Code.YEAR_OUT_OF_RANGE)
    data = {**designation_data(village), "designated_on": "2025-03-01", "lifted_on": "2025-02-01"}
    refused_on_page(county_client, VillageDesignation, data, "lifted_on", Code.DATE_ORDER)
    data = {**designation_data(village), "designated_on": TOMORROW.isoformat()}
    refused_on_page(county_client, VillageDesignation, data, "designated_on", "future_date")
