"""The talks pages beyond the generic ones: a plan's page with its coverage figures and the step
that fills it, an entry's coverage, the integrity page, and the menu."""
import datetime

import pytest
from django.urls import reverse

from banzi.talks.models import Talk, TalkPlanEntry
from tests import factories as f
from tests.talks.factories import entry, plan, talk

pytestmark = pytest.mark.django_db

D = datetime.date


def test_plan_page_shows_coverage_computed_from_talks(township, township_client):
    secretary = f.CadreFactory(organization=township)
    p = plan(township, starts_on=D(2025, 1, 1), due_on=D(2025, 3, 31))
    covered = entry(township, p, expected_talker=secretary, due_on=D(2025, 3, 31),
                    priority_group=TalkPlanEntry.PriorityGroup.KEY_POSITION)
    entry(township, p, expected_talker=secretary, due_on=D(2025, 3, 31))
    entry(township, p, expected_talker=secretary, due_on=D(2025, 3, 31))
    talk(township, secretary, covered.talkee, held_on=D(2025, 2, 1))
    response = township_client.get(p.get_absolute_url())
    assert response.status_code == 200
    coverage = response.context["coverage"]
    assert (coverage["overall"].covered, coverage["overall"].total) == (1, 3)
    assert coverage["overall"].display() == "33.3%"
    assert coverage["priority"].display() == "100%"
    body = response.content.decode()
    assert 'data-figure="overall">33.3%<' in body
    assert covered.talkee.name in body
    assert reverse("talks:talkplan_fill", args=[p.pk]) in body


def test_fill_step_adds_the_township_general_cadres(township, township_client):
    general = [f.CadreFactory(organization=township) for _ in range(2)]
    p = plan(township, starts_on=D(2025, 1, 1), due_on=D(2025, 3, 31))
    response = township_client.post(reverse("talks:talkplan_fill", args=[p.pk]),
                                    {"talker_organization": township.pk, "due_on": ""}, follow=True)
    assert response.status_code == 200
    assert set(p.entries.values_list("talkee", flat=True)) == {c.pk for c in general}
    assert "2 cadres added to the plan." in [str(m) for m in response.context["messages"]]


def test_fill_step_refused_for_auditor_and_out_of_scope(township, other_township, auditor_client, township_client):
    p = plan(other_township)
    assert township_client.post(reverse("talks:talkplan_fill", args=[p.pk]), {}).status_code == 404
    assert auditor_client.post(reverse("talks:talkplan_fill", args=[p.pk]), {}).status_code == 403
    assert not p.entries.exists()


def test_entry_page_shows_its_coverage(township, county_client):
    e = entry(township, due_on=D(2025, 6, 30))
    talk(township, f.CadreFactory(organization=township), e.talkee, held_on=D(2025, 3, 1))
    body = county_client.get(e.get_absolute_url()).content.decode()
    assert 'data-state="covered"' in body


def test_integrity_page_lists_those_without_a_talk_in_time(township, township_client, cadre_client, settings):
    late = f.CadreFactory(organization=township, is_newly_promoted=True, promoted_on=D(2024, 1, 1), name="未谈话")
    done = f.CadreFactory(organization=township, is_newly_promoted=True, promoted_on=D(2024, 1, 1), name="已谈话")
    talk(township, f.CadreFactory(organization=township), done, held_on=D(2024, 1, 10), kind=Talk.Kind.INTEGRITY)
    response = township_client.get(reverse("talks:integrity"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-cadre="{late.pk}"' in body and f'data-cadre="{done.pk}"' not in body
    assert response.context["summary"] == {"total": 2, "on_time": 1, "late": 0, "pending": 0, "missing": 1}
    assert f'data-cadre="{done.pk}"' in township_client.get(reverse("talks:integrity"), {"show": "all"}).content.decode()
    assert cadre_client.get(reverse("talks:integrity")).status_code == 403


def test_add_page_prefills_an_integrity_talk_from_the_link(township, county_client):
    cadre = f.CadreFactory(organization=township, is_newly_promoted=True, promoted_on=D(2024, 1, 1))
    response = county_client.get(reverse("talks:talk_add"), {"talkee": cadre.pk, "kind": "integrity",
                                                             "reason_newly_appointed": "on"})
    form = response.context["form"]
    assert form["talkee"].value() == str(cadre.pk) and form["kind"].value() == "integrity"


def test_menu_entries(township_client, cadre_client):
    body = township_client.get(reverse("talks:talk_list")).content.decode()
    for name in ("talks:talk_list", "talks:talkplan_list", "talks:integrity"):
        assert reverse(name) in body
    body = cadre_client.get(reverse("talks:talk_list")).content.decode()
    assert reverse("talks:talk_list") in body and reverse("talks:talkplan_list") not in body


def test_filters(township, county_client):
    a = talk(township, kind=Talk.Kind.INTEGRITY, reason_key_position=True, held_on=D(2025, 1, 5))
    b = talk(township, kind=Talk.Kind.REMINDER, held_on=D(2025, 5, 5))
    url = reverse("talks:talk_list")

    def pks(params):
        return {row.record.pk for row in county_client.get(url, params).context["table"].page.object_list}

    assert pks({"kind": "integrity"}) == {a.pk}
    assert pks({"reason": "reason_key_position"}) == {a.pk}
    assert pks({"held_after": "2025-02-01"}) == {b.pk}
    assert pks({"q": a.talkee.name}) == {a.pk}


def test_plan_page_query_count_does_not_grow_with_entries(township, county_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = plan(township, starts_on=D(2025, 1, 1), due_on=D(2025, 3, 31))
    secretary = f.CadreFactory(organization=township)

    def grow(n):
        for _ in range(n):
            e = entry(township, p, expected_talker=secretary, due_on=D(2025, 3, 31))
            talk(township, secretary, e.talkee, held_on=D(2025, 2, 1))

    def measure():
        county_client.get(p.get_absolute_url())
        with CaptureQueriesContext(connection) as ctx:
            assert county_client.get(p.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    grow(3)
    few = measure()
    grow(20)
    assert measure() == few
