"""The rules of recording talks and planning them: bad input is refused with a clear message (tests
match its code) and nothing is saved; the history records who changed what."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.roles import Role
from banzi.talks import services
from banzi.talks.models import Talk, TalkPlan, TalkPlanEntry
from tests import factories as f
from tests.errors import ALL, form_codes, refused
from tests.talks.factories import entry, plan, talk

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_talk_with_oneself_is_refused_everywhere(township, county_admin, county_client):
    cadre = f.CadreFactory(organization=township)
    with refused("talkee", Code.SAME_PERSON):
        services.save_talk(county_admin, Talk(talker=cadre, talkee=cadre, held_on=D(2025, 3, 1)))
    response = county_client.post(reverse("talks:talk_add"), {
        "talker": cadre.pk, "talkee": cadre.pk, "held_on": "2025-03-01", "kind": Talk.Kind.HEART_TO_HEART})
    assert response.status_code == 200
    assert form_codes(response.context["form"]) == {"talkee": [Code.SAME_PERSON]}
    assert not Talk.objects.exists()


def test_a_talk_in_the_future_is_refused(township, county_admin):
    with pytest.raises(ValidationError) as exc:
        services.save_talk(county_admin, Talk(talker=f.CadreFactory(organization=township),
                                              talkee=f.CadreFactory(organization=township),
                                              held_on=clock.today() + datetime.timedelta(days=2)))
    assert "held_on" in exc.value.message_dict
    assert not Talk.objects.exists()


def test_the_talk_belongs_to_the_talkees_township(township, other_township, county_admin, township_admin):
    county_leader = f.CadreFactory(organization=f.DepartmentFactory(parent=township.parent))
    record = services.save_talk(county_admin, Talk(talker=county_leader, talkee=f.CadreFactory(organization=township),
                                                   held_on=D(2025, 3, 1), kind=Talk.Kind.INTEGRITY))
    assert record.organization.township == township
    assert Talk.objects.visible_to(township_admin).filter(pk=record.pk).exists()
    # A township cannot record a talk with another township's cadre.
    with pytest.raises((ValidationError, PermissionDenied)):
        services.save_talk(township_admin, Talk(talker=f.CadreFactory(organization=township),
                                                talkee=f.CadreFactory(organization=other_township),
                                                held_on=D(2025, 3, 1)))
    assert Talk.objects.count() == 1


def test_a_cadre_records_only_talks_they_held(township, other_township, cadre_user, cadre_client):
    me = cadre_user.cadre
    colleague = f.CadreFactory(organization=township)
    response = cadre_client.post(reverse("talks:talk_add"), {
        "talker": me.pk, "talkee": colleague.pk, "held_on": "2025-03-01", "kind": Talk.Kind.HEART_TO_HEART,
        "summary": "谈了分工"})
    assert response.status_code == 302, response.context["form"].errors
    record = Talk.objects.get()
    assert record.talker == me and record.summary == "谈了分工"
    # Someone else's talk, or a talk with another township's cadre: refused.
    with pytest.raises(PermissionDenied):
        services.save_talk(cadre_user, Talk(talker=colleague, talkee=me, held_on=D(2025, 3, 1)))
    with pytest.raises((ValidationError, PermissionDenied)):
        services.save_talk(cadre_user, Talk(talker=me, talkee=f.CadreFactory(organization=other_township),
                                            held_on=D(2025, 3, 1)))
    assert Talk.objects.count() == 1


def test_history_of_a_talk_keeps_who_changed_it(township, county_admin):
    record = talk(township)
    record.place = "谈话室"
    services.save_talk(county_admin, record)
    latest = record.history.latest()
    assert latest.history_user == county_admin and latest.place == "谈话室"
    assert latest.summary.startswith("[") and record.summary not in latest.summary


def test_plan_rules(township, county, county_admin, township_admin):
    with refused("organization", Code.WRONG_KIND):
        services.save_plan(county_admin, TalkPlan(title="计划", organization=f.VillageFactory(parent=township),
                                                  starts_on=D(2025, 1, 1), due_on=D(2025, 3, 1)))
    with refused("due_on", Code.DATE_ORDER):
        services.save_plan(county_admin, TalkPlan(title="计划", organization=township, starts_on=D(2025, 3, 1),
                                                  due_on=D(2025, 3, 1)))
    # A township cannot plan for the county.
    with pytest.raises(PermissionDenied):
        services.save_plan(township_admin, TalkPlan(title="计划", organization=county, starts_on=D(2025, 1, 1),
                                                    due_on=D(2025, 3, 1)))
    assert not TalkPlan.objects.exists()


def test_plan_entry_rules(township, county_admin):
    p = plan(township, starts_on=D(2025, 3, 1), due_on=D(2025, 6, 30))
    talkee = f.CadreFactory(organization=township)
    cases = [
        ({"talkee": talkee, "due_on": D(2025, 5, 1)}, "expected_talker", Code.REQUIRED),
        ({"talkee": talkee, "expected_talker": talkee, "due_on": D(2025, 5, 1)}, "expected_talker", Code.SAME_PERSON),
        ({"talkee": talkee, "talker_organization": township, "due_on": D(2025, 2, 1)}, "due_on", Code.OUTSIDE_PERIOD),
        ({"talkee": talkee, "talker_organization": township, "due_on": D(2025, 7, 1)}, "due_on", Code.OUTSIDE_PERIOD),
    ]
    for fields, field, code in cases:
        with refused(field, code):
            services.save_plan_entry(county_admin, TalkPlanEntry(plan=p, **fields))
    services.save_plan_entry(county_admin, TalkPlanEntry(plan=p, talkee=talkee, talker_organization=township,
                                                         due_on=D(2025, 6, 30)))
    with refused(ALL, "unique_together"):  # the same cadre twice in one plan
        services.save_plan_entry(county_admin, TalkPlanEntry(plan=p, talkee=talkee, talker_organization=township,
                                                             due_on=D(2025, 6, 30)))
    assert p.entries.count() == 1


def test_fill_a_county_plan_from_the_teams(county, township, other_township, county_admin):
    department = f.DepartmentFactory(parent=county, name="县委组织部")
    election = D(2025, 1, 10)
    old = f.TeamFactory(township=township, elected_on=D(2020, 1, 10))
    new = f.TeamFactory(township=township, elected_on=election)
    stays = f.CadreFactory(organization=township, name="留任")
    leaves = f.CadreFactory(organization=township, name="退出")
    newcomer = f.CadreFactory(organization=township, name="新进", is_key_position=True)
    key = f.CadreFactory(organization=township, name="关键", is_key_position=True)
    f.TeamMembershipFactory(team=old, cadre=stays, started_on=D(2020, 1, 10), ended_on=election)
    f.TeamMembershipFactory(team=old, cadre=leaves, started_on=D(2020, 1, 10), ended_on=election)
    f.TeamMembershipFactory(team=old, cadre=key, started_on=D(2020, 1, 10), ended_on=election)
    f.TeamMembershipFactory(team=new, cadre=stays, started_on=election)
    f.TeamMembershipFactory(team=new, cadre=newcomer, started_on=election)
    f.TeamMembershipFactory(team=new, cadre=key, started_on=election)
    f.CadreFactory(organization=township, name="一般干部")  # not a team member: not in a county plan
    p = plan(county, starts_on=D(2025, 1, 15), due_on=D(2025, 4, 15))
    assert services.fill_plan(county_admin, p, talker_organization=department) == 4
    groups = dict(p.entries.values_list("talkee__name", "priority_group"))
    G = TalkPlanEntry.PriorityGroup
    assert groups == {"留任": G.NONE, "新进": G.NEWLY_APPOINTED, "关键": G.KEY_POSITION, "退出": G.LEAVING}
    assert set(p.entries.values_list("due_on", flat=True)) == {p.due_on}
    # Filling again adds nobody twice.
    assert services.fill_plan(county_admin, p, talker_organization=department) == 0


def test_fill_a_township_plan_with_its_general_cadres(township, other_township, township_admin):
    team = f.TeamFactory(township=township, elected_on=D(2024, 1, 10))
    head = f.TeamMembershipFactory(team=team, started_on=D(2024, 1, 10), is_head=True).cadre
    general = [f.CadreFactory(organization=township, name=f"一般{n}") for n in range(3)]
    f.CadreFactory(organization=other_township)
    p = plan(township, starts_on=D(2025, 1, 1), due_on=D(2025, 3, 31))
    assert services.fill_plan(township_admin, p, expected_talker=head, due_on=D(2025, 2, 28)) == 3
    assert set(p.entries.values_list("talkee", flat=True)) == {c.pk for c in general}
    with refused("due_on", Code.OUTSIDE_PERIOD):
        services.fill_plan(township_admin, p, expected_talker=head, due_on=D(2025, 4, 30))
    with refused("talker_organization", Code.REQUIRED):
        services.fill_plan(township_admin, p)


def test_township_admin_who_is_not_the_talker_cannot_change_the_summary(township, township_admin):
    record = talk(township, summary="原话")
    record.summary = "改写"
    services.save_talk(township_admin, record)
    record.refresh_from_db()
    assert record.summary == "原话"


def test_auditor_and_other_roles_cannot_write(township, auditor):
    record = talk(township)
    with pytest.raises(PermissionDenied):
        services.save_talk(auditor, record)
    with pytest.raises(PermissionDenied):
        services.delete_talk(auditor, record)


def test_talk_entries_reference_plan(township, county_admin):
    e = entry(township)
    services.save_plan_entry(county_admin, e)
    assert e.plan.entries.count() == 1
    assert Role.AUDITOR not in Talk.scope.write_roles
