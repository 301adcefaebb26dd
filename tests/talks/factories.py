"""Record builders of the talks tests: talks, plans and plan entries."""
import datetime
import itertools

from banzi.talks.models import Talk, TalkPlan, TalkPlanEntry
from tests import factories as f

_seq = itertools.count(1)

SECRET = "谈话中本人反映家庭困难，思想压力较大"


def n():
    return next(_seq)


def talk(township, talker=None, talkee=None, **fields):
    """A talk with a cadre of the township, with a confidential summary."""
    fields.setdefault("held_on", datetime.date(2025, 3, 1))
    fields.setdefault("kind", Talk.Kind.HEART_TO_HEART)
    fields.setdefault("summary", f"{SECRET}{n()}")
    fields.setdefault("follow_up", "一个月后回访")
    return Talk.objects.create(talker=talker or f.CadreFactory(organization=township),
                               talkee=talkee or f.CadreFactory(organization=township), **fields)


def plan(township, **fields):
    fields.setdefault("title", f"换届后谈心谈话计划{n()}")
    fields.setdefault("starts_on", datetime.date(2025, 1, 1))
    fields.setdefault("due_on", datetime.date(2025, 6, 30))
    return TalkPlan.objects.create(organization=township, **fields)


def entry(township, parent=None, talkee=None, **fields):
    parent = parent or plan(township)
    fields.setdefault("due_on", parent.due_on)
    if "expected_talker" not in fields and "talker_organization" not in fields:
        fields["talker_organization"] = township
    return TalkPlanEntry.objects.create(plan=parent, talkee=talkee or f.CadreFactory(organization=township), **fields)
