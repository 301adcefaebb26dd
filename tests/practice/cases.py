"""Generic-test cases for the frontline-practice models (see tests/generic.py), and the small record
builders the practice tests share: designated villages, current team members, postings of every
kind, work logs, rectification groups, mentoring pairs and study visits."""
import datetime
import itertools

from banzi.org.models import Organization, VillageDesignation
from banzi.practice.models import (
    Mentorship,
    MentorshipMeeting,
    Posting,
    RectificationGroup,
    StudyVisit,
    VillageRectification,
    WorkLog,
)
from tests import factories as f
from tests.dates import days_ago, earlier_this_year, not_after_today, this_year, today  # noqa: F401 (days_ago: for the tests)
from tests.generic import ModelCase, register

_seq = itertools.count(1)
Category = VillageDesignation.Category


def n():
    return next(_seq)


# --- builders -------------------------------------------------------------------------------------

def village(township, **fields):
    return f.VillageFactory(parent=township, **fields)


def enterprise(township, **fields):
    fields.setdefault("name", f"企业{n()}有限公司")
    return Organization.objects.create(parent=township, kind=Organization.Kind.ENTERPRISE, **fields)


def designation(township, category=Category.WEAK_LAX, year=None, place=None, **fields):
    fields.setdefault("designated_on", earlier_this_year() if (year or this_year()) == this_year() else None)
    return VillageDesignation.objects.create(organization=place or village(township), year=year or this_year(),
                                             category=category, reason="班子软弱", **fields)


def team(township, elected_on=None):
    """A team of the township: by default a current one, elected on a day of its own."""
    return f.TeamFactory(township=township, elected_on=elected_on) if elected_on else f.TeamFactory(township=township)


def team_member(township, cadre=None, started_on=None, on_team=None):
    """A cadre on the township's current team (a new team each call unless `on_team` is given)."""
    cadre = cadre or f.CadreFactory(organization=township)
    on_team = on_team or team(township)
    f.TeamMembershipFactory(team=on_team, cadre=cadre, started_on=started_on or on_team.elected_on,
                            position=f.PositionFactory(name=f"职务{n()}"))
    return cadre


def rectification(township, **fields):
    fields.setdefault("target", f"年底前完成整顿转化{n()}")
    return VillageRectification.objects.create(designation=designation(township), **fields)


def group(township, leader=None, **fields):
    fields.setdefault("campaign", f"{this_year()}年软弱涣散村党组织集中整顿{n()}")
    fields.setdefault("started_on", earlier_this_year(30))
    return RectificationGroup.objects.create(township=township, year=this_year(),
                                             leader=leader or team_member(township), **fields)


def posting(township, cadre=None, kind=Posting.Kind.ENTERPRISE, place=None, **fields):
    fields.setdefault("started_on", earlier_this_year(30))
    if place is None:
        if kind == Posting.Kind.FIRST_SECRETARY:
            place = designation(township).organization
        elif kind == Posting.Kind.ENTERPRISE:
            place = enterprise(township)
        else:
            place = village(township)
    if kind == Posting.Kind.RECTIFICATION and "group" not in fields:
        fields["group"] = group(township)
    return Posting.objects.create(cadre=cadre or f.CadreFactory(organization=township), kind=kind,
                                  organization=place, goals="帮助解决实际困难", **fields)


def work_log(township, cadre=None, **fields):
    parent = posting(township, cadre)
    fields.setdefault("logged_on", not_after_today(parent.started_on + datetime.timedelta(days=3)))
    return WorkLog.objects.create(posting=parent, visits=3, problems_found=2, problems_solved=1,
                                  content=f"走访企业{n()}", **fields)


def mentorship(township, mentee=None, mentor=None, **fields):
    fields.setdefault("started_on", earlier_this_year())
    fields.setdefault("goals", "熟悉乡镇党建工作")
    return Mentorship.objects.create(mentor=mentor or f.CadreFactory(organization=township),
                                     mentee=mentee or f.CadreFactory(organization=township), **fields)


def meeting(township, mentee=None):
    pair = mentorship(township, mentee)
    met_on = not_after_today(pair.started_on + datetime.timedelta(days=10))
    return MentorshipMeeting.objects.create(mentorship=pair, met_on=met_on,
                                            topic=f"如何主持村两委会{n()}", notes="先听后说")


def model_unit(township):
    return designation(township, Category.MODEL_UNIT).organization


def visit(township, participants=(), **fields):
    fields.setdefault("title", f"观摩学习{n()}")
    record = StudyVisit.objects.create(organization=township, host=model_unit(township),
                                       visited_on=earlier_this_year(40),
                                       learned="村集体经济发展经验", **fields)
    record.participants.set(list(participants) or [f.CadreFactory(organization=township)])
    return record


def _set(attr, make_target):
    def move(record, other):
        setattr(record, attr, make_target(other))
    return move


# --- cases ----------------------------------------------------------------------------------------

register(ModelCase(
    model=VillageRectification,
    make=lambda township: rectification(township),
    form_data=lambda township: {"designation": designation(township).pk, "target": "转化为先进村",
                                "measures": "选好书记", "due_on": "", "progress": "20", "progress_note": "",
                                "reported_on": ""},
    update={"progress": "60"},
    move=_set("designation", lambda other: designation(other)),
    export_label=lambda record: record.target,
))


def _group_form(township):
    return {"township": township.pk, "campaign": f"集中整顿{n()}", "year": str(this_year()),
            "leader": team_member(township).pk, "started_on": earlier_this_year(20).isoformat(),
            "ended_on": "", "tasks": "逐村整顿", "summary": ""}


register(ModelCase(
    model=RectificationGroup,
    make=lambda township: group(township),
    form_data=_group_form,
    update={"tasks": "逐村整顿，一村一策"},
    move=_set("township", lambda other: other),
    make_own=lambda cadre: group(cadre.organization, team_member(cadre.organization, cadre)),
    make_referenced=lambda township: posting(township, kind=Posting.Kind.RECTIFICATION).group,
    export_label=lambda record: record.campaign,
))


register(ModelCase(
    model=Posting,
    make=lambda township: posting(township),
    form_data=lambda township: {"cadre": f.CadreFactory(organization=township).pk, "kind": Posting.Kind.ENTERPRISE,
                                "organization": enterprise(township).pk, "group": "",
                                "started_on": earlier_this_year().isoformat(), "ended_on": "", "goals": "服务企业",
                                "result": "", "result_note": ""},
    update={"goals": "帮助企业解决用工难题"},
    move=_set("organization", lambda other: enterprise(other)),
    make_own=lambda cadre: posting(cadre.organization, cadre),
    export_label=lambda record: record.cadre.name,
))


register(ModelCase(
    model=WorkLog,
    make=lambda township: work_log(township),
    form_data=lambda township: {"posting": posting(township).pk,
                                "logged_on": (earlier_this_year(40)).isoformat(),
                                "visits": "2", "problems_found": "1", "problems_solved": "0", "content": "走访企业"},
    update={"content": "走访企业，协调用电"},
    move=_set("posting", lambda other: posting(other)),
    make_own=lambda cadre: work_log(cadre.organization, cadre),
    cadre_writes_own=True,
    export_label=lambda record: record.content,
))


register(ModelCase(
    model=Mentorship,
    make=lambda township: mentorship(township),
    form_data=lambda township: {"mentor": f.CadreFactory(organization=township).pk,
                                "mentee": f.CadreFactory(organization=township).pk,
                                "started_on": earlier_this_year().isoformat(), "ended_on": "", "goals": "学习群众工作方法",
                                "mentor_evaluation": "", "mentee_evaluation": ""},
    update={"goals": "学习群众工作方法和信访接待"},
    move=_set("mentee", lambda other: f.CadreFactory(organization=other)),
    make_own=lambda cadre: mentorship(cadre.organization, cadre),
    export_label=lambda record: record.mentee.name,
))


register(ModelCase(
    model=MentorshipMeeting,
    make=lambda township: meeting(township),
    form_data=lambda township: {"mentorship": mentorship(township).pk,
                                "met_on": (earlier_this_year(5)).isoformat(),
                                "topic": "接待来访群众", "notes": ""},
    update={"notes": "记录来访诉求"},
    move=_set("mentorship", lambda other: mentorship(other)),
    make_own=lambda cadre: meeting(cadre.organization, cadre),
    export_label=lambda record: record.topic,
))


register(ModelCase(
    model=StudyVisit,
    make=lambda township: visit(township),
    form_data=lambda township: {"title": f"观摩{n()}", "organization": township.pk, "host": model_unit(township).pk,
                                "visited_on": (earlier_this_year(50)).isoformat(),
                                "participants": [str(f.CadreFactory(organization=township).pk)],
                                "learned": "产业发展经验"},
    update={"learned": "产业发展和基层治理经验"},
    move=_set("organization", lambda other: other),
    export_label=lambda record: record.title,
))
