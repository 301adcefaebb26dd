"""Overnight duty pages, API, import and reminders: tonight's view across townships, the cadre's
check-in from the shift page, swap decisions through the steps, the roster import (every bad row
named, nothing saved), reminders the day before (sent once), and the API's scope and figures."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from banzi.conduct.duty.models import DutyCheckIn, DutyRoster, DutyShift, DutySwap
from banzi.conduct.duty.reminders import duty_messages
from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.notifications import notify_many
from banzi.core.roles import Role
from tests import factories as f
from tests.api import api_for
from tests.conduct import duty_factories as d
from tests.second_factor import sign_in

pytestmark = pytest.mark.django_db


def test_tonight_shows_every_township_with_check_ins(township, other_township, county_client, township_client):
    here, there = d.shift(township), d.shift(other_township)
    DutyCheckIn.objects.create(shift=here, cadre=here.staff, checked_in_at=timezone.now())
    response = county_client.get(reverse("conduct:duty_tonight"))
    rows = {row["shift"].pk: row for row in response.context["rows"]}
    assert set(rows) == {here.pk, there.pk}
    assert rows[here.pk]["staff_check_in"] is not None and rows[here.pk]["leader_check_in"] is None
    assert rows[there.pk]["staff_check_in"] is None
    response = township_client.get(reverse("conduct:duty_tonight"))
    assert [row["shift"].pk for row in response.context["rows"]] == [here.pk]
    assert other_township.name not in response.content.decode()


def test_cadre_checks_in_from_the_shift_page(township, client_for):
    night = d.shift(township)
    user = f.UserFactory(role=Role.CADRE, cadre=night.staff)
    client = client_for(user)
    page = client.get(night.get_absolute_url())
    assert page.status_code == 200 and page.context["steps"]["check_in"].form is not None
    response = client.post(reverse("conduct:dutyshift_check_in", args=[night.pk]), {"location": "值班室"})
    assert response.status_code == 302
    assert DutyCheckIn.objects.get().cadre == night.staff
    # Someone else's night is not even there.
    other = d.shift(township, clock.today() + datetime.timedelta(days=1))
    assert client.post(reverse("conduct:dutyshift_check_in", args=[other.pk])).status_code == 404


def test_swap_steps(township, township_admin, client_for):
    night = d.shift(township, clock.today() + datetime.timedelta(days=2))
    swap = DutySwap.objects.create(shift=night, requested_by=night.staff,
                                   replacement=f.CadreFactory(organization=township), reason="培训")
    cadre_client = client_for(f.UserFactory(role=Role.CADRE, cadre=night.staff))
    # The cadre who asked may not decide: told so on the swap's page, and nothing changes.
    assert "approve" not in cadre_client.get(swap.get_absolute_url()).context["steps"]
    response = cadre_client.post(reverse("conduct:dutyswap_approve", args=[swap.pk]), follow=True)
    assert "Only the township Party committee" in response.content.decode()
    assert DutySwap.objects.get(pk=swap.pk).status == DutySwap.Status.REQUESTED
    client = client_for(township_admin)
    assert "approve" in client.get(swap.get_absolute_url()).context["steps"]
    client.post(reverse("conduct:dutyswap_approve", args=[swap.pk]), {"approve-note": "同意"})
    night.refresh_from_db()
    assert night.staff == swap.replacement


def test_publish_step(township, township_client):
    roster = d.roster(township, 2026, 1)
    d.shift(township, datetime.date(2026, 1, 5), roster_=roster)
    township_client.post(reverse("conduct:dutyroster_publish", args=[roster.pk]))
    roster.refresh_from_db()
    assert roster.is_published


# --- roster import ------------------------------------------------------------------------------

HEADINGS = ["乡镇", "日期", "带班领导", "值班人员", "备注"]


def xlsx(rows):
    return d.upload("值班表.xlsx", HEADINGS, rows)


errors = d.import_errors


def test_roster_import_drafts_the_month(township, township_admin, client_for):
    client = client_for(township_admin)
    leader = d.team_member(township, f.CadreFactory(organization=township, name="王书记"))
    f.CadreFactory(organization=township, name="赵干事")
    url = reverse("conduct:dutyshift_import")
    response = client.post(url, {"file": xlsx([[township.name, "2026-12-01", "王书记", "赵干事", ""],
                                               [township.name, "2026-12-02", "王书记", "赵干事", ""]])})
    assert not response.context["report"].has_errors, errors(response)
    client.post(url, {"job": response.context["job"].pk})
    roster = DutyRoster.objects.get(township=township, year=2026, month=12)
    assert roster.status == DutyRoster.Status.DRAFT
    assert list(roster.shifts.values_list("leader", flat=True)) == [leader.pk, leader.pk]


def test_a_roster_row_for_tonight_is_no_template_example(township, township_admin, client_for):
    """The template's example row is dated today in one's township; a real row for tonight is too,
    and is imported. Only the example itself (with its example names) is refused."""
    client = client_for(township_admin)
    d.team_member(township, f.CadreFactory(organization=township, name="王书记"))
    f.CadreFactory(organization=township, name="赵干事")
    today = d.today().isoformat()
    url = reverse("conduct:dutyshift_import")
    response = client.post(url, {"file": xlsx([[township.name, today, "王书记", "赵干事", ""]])})
    assert not response.context["report"].has_errors, errors(response)
    response = client.post(url, {"file": xlsx([[township.name, today, "张三", "李四", ""]])})
    assert "the template's example row" in " ".join(errors(response).values())


def test_roster_import_reports_every_bad_row(township, other_township, township_admin, client_for):
    client = client_for(township_admin)
    d.team_member(township, f.CadreFactory(organization=township, name="王书记"))
    f.CadreFactory(organization=township, name="赵干事")
    f.CadreFactory(organization=other_township, name="外镇干部")
    response = client.post(reverse("conduct:dutyshift_import"), {"file": xlsx([
        [township.name, "2026-12-01", "王书记", "赵干事", ""],
        [township.name, "2026-12-02", "王书记", "外镇干部", ""],
        [township.name, "2026-02-30", "王书记", "赵干事", ""],
        [township.name, "2026-12-04", "赵干事", "王书记", ""],
        [township.name, "2026-12-01", "王书记", "赵干事", ""],
    ])})
    assert response.context["job"] is None
    found, codes = errors(response), d.import_codes(response)
    assert codes[(3, "值班人员")] == codes[(4, "日期")] == Code.INVALID and "外镇干部" in found[(3, "值班人员")]
    assert codes[(5, "带班领导")] == Code.NOT_TEAM_MEMBER
    assert (6, "日期") in found  # the same night twice
    assert not DutyShift.objects.exists() and not DutyRoster.objects.exists()


# --- reminders ----------------------------------------------------------------------------------

def test_reminder_the_day_before_is_sent_once(township):
    tomorrow = clock.today() + datetime.timedelta(days=1)
    night = d.shift(township, tomorrow)
    staff_user = f.UserFactory(role=Role.CADRE, cadre=night.staff)
    leader_user = f.UserFactory(role=Role.CADRE, cadre=night.leader)
    messages = list(duty_messages())
    assert {m.user_id for m in messages} == {staff_user.pk, leader_user.pk}
    assert notify_many(messages) == 2
    assert notify_many(list(duty_messages())) == 0
    # A draft roster's night reminds nobody.
    other = f.TownshipFactory(parent=township.parent)
    d.shift(other, tomorrow, published=False)
    assert len(list(duty_messages())) == 2


# --- API ----------------------------------------------------------------------------------------

BASE = "/api/v1/conduct"
ENDPOINTS = {
    "duty-rosters": d.roster,
    "duty-shifts": d.spread_shift,
    "duty-swaps": d.swap,
    "duty-check-ins": d.check_in,
    "spot-checks": d.spot_check,
    "attendance": d.attendance,
}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_api_scope_and_query_counts(endpoint, township, other_township, county_admin, township_admin):
    make = ENDPOINTS[endpoint]
    own, other = make(township), make(other_township)
    client = api_for(township_admin)
    response = client.get(f"{BASE}/{endpoint}/")
    assert response.status_code == 200
    listed = {row["id"] for row in response.json()["results"]}
    assert own.pk in listed and other.pk not in listed
    assert client.get(f"{BASE}/{endpoint}/{other.pk}/").status_code == 404
    # Spot checks are the county's: a township may not write any, so it is refused before any lookup.
    assert client.delete(f"{BASE}/{endpoint}/{other.pk}/").status_code == (403 if endpoint == "spot-checks" else 404)

    county = api_for(county_admin)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert county.get(f"{BASE}/{endpoint}/", {"page_size": 100}).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for _ in range(6):
        make(township)
    assert queries() == few


def test_api_check_in_and_tonight(township):
    night = d.shift(township)
    user = f.UserFactory(role=Role.CADRE, cadre=night.staff)
    response = api_for(user).post(f"{BASE}/duty-shifts/{night.pk}/check-in/", {"location": "值班室"})
    assert response.status_code == 201, response.content
    county = api_for(f.UserFactory(role=Role.COUNTY_ADMIN))
    figures = county.get(f"{BASE}/duty-tonight/").json()
    assert figures["shifts"] == 1 and figures["on_duty"] == 2 and figures["checked_in"] == 1


def test_dashboard_duty_figures_cost_the_same_whatever_the_rows(township, county_client, cadre_user, cadre_client):
    url = reverse("dashboard:home")

    def count(client):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def grow(n):
        for _ in range(n):
            night = d.shift(f.TownshipFactory(parent=township.parent))
            DutyCheckIn.objects.create(shift=night, cadre=night.staff, checked_in_at=timezone.now())
            d.swap(township)

    d.shift(township, staff=cadre_user.cadre)
    grow(2)
    few = (count(county_client), count(cadre_client))
    grow(8)
    assert (count(county_client), count(cadre_client)) == few
    page = county_client.get(url).content.decode()
    assert reverse("conduct:duty_tonight") in page


def test_only_the_county_is_offered_a_spot_check_on_a_night(township, county_admin, township_admin):
    from django.test import Client

    shift = d.spread_shift(township)  # on a published roster
    assert shift.roster.is_published
    pages = {}
    for user in (county_admin, township_admin):
        client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), user)
        pages[user.role] = client.get(shift.get_absolute_url()).context.get("spot_check_url")
    assert pages["township_admin"] is None and pages["county_admin"] is not None
