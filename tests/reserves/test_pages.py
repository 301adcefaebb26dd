"""The reserve pool's pages: the pool list (filters, export, scope), /org/reserves/, an entry's page
(timeline, the checks with their links — not for cadres —, measures), the nomination form of a
township and the county's steps on the page; the dashboard figure and the menu."""

import pytest
from django.urls import reverse

from banzi.conduct.models import Violation
from banzi.reserves.models import ReserveEntry
from tests.dates import days_ago, this_year
from tests.generic import table_pks, xlsx_rows

from .factories import Status, entry, measure, review, young_cadre

pytestmark = pytest.mark.django_db
LIST = "/reserves/"


def test_org_reserves_redirects_to_the_pool(county_client):
    response = county_client.get("/org/reserves/")
    assert response.status_code == 302 and response["Location"] == LIST


def test_pool_list_filters_and_exports(township, other_township, county_client):
    pooled = entry(township, status=Status.IN_POOL)
    nominated = entry(township, nominated_on=days_ago(3))
    elsewhere = entry(other_township, status=Status.IN_POOL)
    assert table_pks(county_client.get(LIST)) == {pooled.pk, nominated.pk, elsewhere.pk}
    assert table_pks(county_client.get(LIST, {"township": township.pk})) == {pooled.pk, nominated.pk}
    assert table_pks(county_client.get(LIST, {"status": Status.IN_POOL})) == {pooled.pk, elsewhere.pk}
    # A year: nominated in it, or in the pool during it.
    assert table_pks(county_client.get(LIST, {"year": this_year()})) == {pooled.pk, nominated.pk, elsewhere.pk}
    assert table_pks(county_client.get(LIST, {"year": 2000})) == set()
    rows = xlsx_rows(county_client.get(LIST, {"status": Status.IN_POOL, "_export": "xlsx"}))
    assert sorted(r[0] for r in rows[1:]) == sorted([pooled.cadre.name, elsewhere.cadre.name])


def test_township_and_cadre_see_only_their_own(township, other_township, township_client, client_for, cadre_user):
    own = entry(township)
    mine = entry(township, cadre=cadre_user.cadre, status=Status.IN_POOL)
    elsewhere = entry(other_township)
    assert table_pks(township_client.get(LIST)) == {own.pk, mine.pk}
    assert township_client.get(elsewhere.get_absolute_url()).status_code == 404
    cadre = client_for(cadre_user)
    assert table_pks(cadre.get(LIST)) == {mine.pk}
    assert cadre.get(own.get_absolute_url()).status_code == 404


def test_entry_page_shows_timeline_checks_with_links_and_measures(township, county_client):
    record = entry(township, status=Status.IN_POOL)
    review(township, entry=record, note="表现良好")
    measure(township, entry=record, description="参加中青班")
    body = county_client.get(record.get_absolute_url()).content.decode()
    assert 'id="timeline"' in body and "Entered the pool" in body and "表现良好" in body
    assert "参加中青班" in body
    nominated = entry(township, nominated_on=days_ago(30))
    violation = Violation.objects.create(cadre=nominated.cadre, occurred_on=days_ago(40), facts="违规",
                                         status=Violation.Status.CONFIRMED, decided_on=days_ago(35))
    body = county_client.get(nominated.get_absolute_url()).content.decode()
    assert reverse("conduct:violation_detail", args=[violation.pk]) in body and "disqualifier" in body


def test_a_cadre_sees_their_entry_without_the_checks(township, client_for, cadre_user):
    mine = entry(township, cadre=cadre_user.cadre, nominated_on=days_ago(30))
    violation = Violation.objects.create(cadre=cadre_user.cadre, occurred_on=days_ago(40), facts="违规",
                                         status=Violation.Status.CONFIRMED, decided_on=days_ago(35))
    response = client_for(cadre_user).get(mine.get_absolute_url())
    assert response.status_code == 200 and 'id="checks"' not in response.content.decode()
    assert f"/conduct/violations/{violation.pk}/" not in response.content.decode()


def test_township_nominates_on_the_form_its_own_cadres_only(township, other_township, township_client):
    data = {"nominated_on": days_ago(2).isoformat(), "source": ReserveEntry.Source.DEMOCRATIC,
            "recommendation": "", "votes_for": "25", "votes_total": "30", "note": ""}
    response = township_client.post(reverse("reserves:reserveentry_add"),
                                     {**data, "cadre": young_cadre(other_township).pk})
    assert response.status_code == 200 and "cadre" in response.context["form"].errors
    response = township_client.post(reverse("reserves:reserveentry_add"), {**data, "votes_for": "31",
                                                                            "cadre": young_cadre(township).pk})
    assert response.status_code == 200 and "votes_for" in response.context["form"].errors
    assert not ReserveEntry.objects.exists()
    response = township_client.post(reverse("reserves:reserveentry_add"), {**data, "cadre": young_cadre(township).pk})
    assert response.status_code == 302
    assert ReserveEntry.objects.get().unit == township


def test_only_the_county_vets_on_the_page(township, township_client, county_client):
    record = entry(township, nominated_on=days_ago(20))
    url = reverse("reserves:reserveentry_vet", args=[record.pk])
    assert "reserveentry_vet" not in str(township_client.get(record.get_absolute_url()).context["steps"])
    township_client.post(url, {"vet-vetted_on": days_ago(1).isoformat()})
    assert ReserveEntry.objects.get(pk=record.pk).status == Status.NOMINATED
    page = county_client.get(record.get_absolute_url())
    assert set(page.context["steps"]) == {"vet", "reject"}
    county_client.post(url, {"vet-vetted_on": days_ago(1).isoformat(), "vet-result": "通过"})
    assert ReserveEntry.objects.get(pk=record.pk).status == Status.VETTED


def test_a_refused_step_explains_itself_and_saves_nothing(township, county_client):
    record = entry(township, status=Status.VETTED)
    for _n in range(5):
        entry(township, status=Status.IN_POOL)
    response = county_client.post(reverse("reserves:reserveentry_enter", args=[record.pk]),
                                  {"enter-development_plan": "培养"}, follow=True)
    assert "already holds 5" in response.content.decode()
    assert ReserveEntry.objects.get(pk=record.pk).status == Status.VETTED


def test_dashboard_figure_and_menu_open_the_pool(township, county_client):
    entry(township, status=Status.IN_POOL)
    body = county_client.get("/").content.decode()
    assert 'href="/reserves/?status=in_pool"' in body
    assert 'href="/reserves/"' in body


def test_history_of_an_entry(township, county_admin, county_client):
    from banzi.reserves import services

    record = entry(township, nominated_on=days_ago(20))
    services.vet(county_admin, record, days_ago(1))
    page = county_client.get(reverse("reserves:reserveentry_history", args=[record.pk]))
    assert page.status_code == 200 and len(page.context["entries"]) >= 1


def test_the_cadre_page_shows_the_cadres_entries_in_the_pool(township, county_client, client_for, cadre_user):
    cadre = cadre_user.cadre
    earlier = entry(township, cadre=cadre, status=Status.REJECTED)
    current = entry(township, cadre=cadre, status=Status.IN_POOL)
    others = entry(township)
    page = county_client.get(cadre.get_absolute_url()).content.decode()
    assert f'data-reserve-entry="{current.pk}"' in page and f'data-reserve-entry="{earlier.pk}"' in page
    assert f'data-reserve-entry="{others.pk}"' not in page
    # The cadre sees their own entries on their own page; a cadre never in the pool shows no section.
    assert f'data-reserve-entry="{current.pk}"' in client_for(cadre_user).get(cadre.get_absolute_url()).content.decode()
    lone = young_cadre(township)
    assert 'id="reserve-entries"' not in county_client.get(lone.get_absolute_url()).content.decode()
