"""Generic-test cases for the governance models (see tests/generic.py), and the record builders the
governance tests share: a township with a team of a given size, committee meetings with recorded
attendance, agenda items, branch meetings at villages."""
import itertools

from banzi.core import clock
from banzi.governance.models import AgendaItem, Attendance, Meeting, MeetingKind, OrgLifeRule
from tests import dates
from tests import factories as f
from tests.generic import ModelCase, register

_seq = itertools.count(1)


def n():
    return next(_seq)


def today():
    return clock.today()


def recent():
    """A day of this year that is not in the future (meetings are recorded once held): yesterday, or
    today on 1 January."""
    return max(dates.days_ago(1), dates.new_year())


def team(township, size=5, elected_on=None):
    """A current team of `size` members; the first is the team head. Returns the cadres in order."""
    the_team = f.TeamFactory(township=township, elected_on=elected_on) if elected_on else f.TeamFactory(
        township=township)
    elected_on = the_team.elected_on
    cadres = []
    for i in range(size):
        cadre = f.CadreFactory(organization=township)
        f.TeamMembershipFactory(team=the_team, cadre=cadre, started_on=elected_on, is_head=i == 0, sort_order=i)
        cadres.append(cadre)
    return cadres


def meeting(township, kind=MeetingKind.COMMITTEE, members=None, held_on=None, present=None, **fields):
    """A meeting with its members due as attendance rows; `present` (a count or None) records the
    first `present` members as present and the rest absent."""
    members = members if members is not None else [f.CadreFactory(organization=township) for _ in range(3)]
    fields.setdefault("topic", f"会议{n()}")
    record = Meeting.objects.create(organization=township, kind=kind, held_on=held_on or recent(),
                                    chair=members[0] if members else f.CadreFactory(organization=township), **fields)
    for i, cadre in enumerate(members):
        is_present = None if present is None else i < present
        Attendance.objects.create(meeting=record, cadre=cadre, sort_order=i, present=is_present,
                                  absence_reason="" if is_present in (None, True) else "公出")
    return record


def agenda_item(township, meeting_record=None, **fields):
    fields.setdefault("title", f"议题{n()}")
    return AgendaItem.objects.create(meeting=meeting_record or meeting(township), **fields)


def decided_item(township):
    item = agenda_item(township)
    item.outcome = AgendaItem.Outcome.PASSED
    item.save()
    return item


def _fresh_rule(_township):
    """A rule in a free slot, inactive so that it brings no organization under the compliance figures
    (which would change what the dashboard computes as the generic tests add records)."""
    for org_kind in ("enterprise", "department", "other", "county", "township", "village", "community"):
        for kind in MeetingKind.values:
            if not OrgLifeRule.objects.filter(organization_kind=org_kind, meeting_kind=kind).exists():
                return OrgLifeRule.objects.create(organization_kind=org_kind, meeting_kind=kind, frequency="quarterly",
                                                  is_active=False)
    raise AssertionError("no free rule slot")


def _free_rule_form(_township):
    record = _fresh_rule(None)
    data = {"organization_kind": record.organization_kind, "meeting_kind": record.meeting_kind,
            "frequency": "monthly", "min_attendance": "", "is_active": "on"}
    record.delete()
    return data


def _meeting_form(township):
    village = f.VillageFactory(parent=township)
    return {"organization": village.pk, "kind": MeetingKind.THEME_PARTY_DAY, "held_on": recent().isoformat(),
            "topic": f"主题党日{n()}", "chair": f.CadreFactory(organization=township).pk, "recorder": "",
            "lecturer": "", "duration_minutes": "90", "members_due": [], "other_members_due": "20", "minutes": "学习",
            "opinions_solicited": "0", "opinions_solicited_from": ""}


def _move_meeting(record, other):
    record.organization = other


register(ModelCase(
    model=Meeting,
    make=lambda township: meeting(township, kind=MeetingKind.BRANCH_GENERAL),
    form_data=_meeting_form,
    update={"minutes": "会议纪要已整理"},
    move=_move_meeting,
    make_referenced=lambda township: decided_item(township).meeting,
    make_own=lambda cadre: meeting(cadre.organization, MeetingKind.BRANCH_GENERAL,
                                   members=[cadre, f.CadreFactory(organization=cadre.organization)], present=2),
    export_label=lambda record: record.topic,
))


def _item_form(township):
    return {"meeting": meeting(township).pk, "sort_order": "1", "title": f"普通议题{n()}",
            "category": AgendaItem.Category.ORDINARY, "proposer": "", "description": "", "reconsiders": ""}


register(ModelCase(
    model=AgendaItem,
    make=lambda township: agenda_item(township),
    form_data=_item_form,
    update={"description": "补充说明"},
    move=lambda record, other: setattr(record, "meeting", meeting(other)),
    make_referenced=lambda township: AgendaItem.objects.create(
        meeting=meeting(township), title="复议", reconsiders=decided_item(township)).reconsiders,
    make_own=lambda cadre: agenda_item(cadre.organization, meeting(
        cadre.organization, members=[cadre, f.CadreFactory(organization=cadre.organization)], present=2)),
    export_label=lambda record: record.title,
))


register(ModelCase(
    model=OrgLifeRule,
    make=_fresh_rule,
    form_data=_free_rule_form,
    update={"frequency": "yearly"},
    export_label=lambda record: record.get_meeting_kind_display(),
))
