"""Generic-test cases for the talks models (see tests/generic.py)."""
from banzi.talks.models import Talk, TalkPlan, TalkPlanEntry
from tests import factories as f
from tests.generic import ModelCase, register
from tests.talks.factories import entry, n, plan, talk


def _move_talk(record, other):
    record.talkee = f.CadreFactory(organization=other)


def _talk_form(township):
    return {"talker": f.CadreFactory(organization=township).pk, "talkee": f.CadreFactory(organization=township).pk,
            "held_on": "2025-04-01", "kind": Talk.Kind.INTEGRITY, "reason_newly_appointed": "on", "place": "党委会议室",
            "summary": "提醒严守纪律", "follow_up": ""}


register(ModelCase(
    model=Talk,
    make=lambda township: talk(township),
    form_data=_talk_form,
    update={"place": "组织部谈话室"},
    move=_move_talk,
    make_own=lambda cadre: talk(cadre.organization, talker=cadre),
    cadre_writes_own=True,
    export_label=lambda record: record.talkee.name,
))


def _set_plan_org(record, other):
    record.organization = other


register(ModelCase(
    model=TalkPlan,
    make=lambda township: plan(township),
    form_data=lambda township: {"title": f"谈话计划{n()}", "organization": township.pk, "starts_on": "2025-01-01",
                                "due_on": "2025-03-31", "description": ""},
    update={"description": "覆盖全体一般干部"},
    move=_set_plan_org,
    export_label=lambda record: record.title,
))


def _entry_form(township):
    parent = plan(township)
    return {"plan": parent.pk, "talkee": f.CadreFactory(organization=township).pk, "expected_talker": "",
            "talker_organization": township.pk, "due_on": "2025-05-31", "priority_group": "key_position"}


def _move_entry(record, other):
    record.plan = plan(other)


register(ModelCase(
    model=TalkPlanEntry,
    make=lambda township: entry(township),
    form_data=_entry_form,
    update={"due_on": "2025-06-15"},
    move=_move_entry,
    export_label=lambda record: record.talkee.name,
))
