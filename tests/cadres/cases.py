"""Generic-test cases for the cadre-file models (see tests/generic.py), and the small record builders
the cadre-file tests share."""
import datetime
import itertools

from banzi.cadres.models import (
    CadreProfile,
    EarlierAssessmentResult,
    EducationRecord,
    FamilyMember,
    ResumeEntry,
    RewardPunishment,
)
from banzi.org.models import Cadre
from tests import factories as f
from tests.generic import ModelCase, register

_seq = itertools.count(1)
D = datetime.date


def n():
    return next(_seq)


def cadre(township):
    return f.CadreFactory(organization=township)


def profile(township, who=None, **fields):
    return CadreProfile.objects.create(cadre=who or cadre(township), birthplace=f"山西襄汾{n()}", **fields)


def resume_entry(township, who=None, **fields):
    fields.setdefault("starts_on", D(2010, 1, 1) if who is None else D(2000 + n() % 20, 1, 1))
    fields.setdefault("text", f"某某镇人民政府科员{n()}")
    fields.setdefault("concurrent", who is not None)  # several entries of one cadre never overlap by accident
    return ResumeEntry.objects.create(cadre=who or cadre(township), **fields)


def education(township, who=None, **fields):
    fields.setdefault("kind", EducationRecord.Kind.FULLTIME)
    fields.setdefault("level", Cadre.Education.UNIVERSITY)
    return EducationRecord.objects.create(cadre=who or cadre(township), school=f"山西大学{n()}", major="法学",
                                          graduated_on=D(2008, 7, 1), **fields)


def family_member(township, who=None, **fields):
    fields.setdefault("name", f"王{n()}")
    return FamilyMember.objects.create(cadre=who or cadre(township), relation="妻子", birth_date=D(1985, 3, 2),
                                       political_status="群众", unit_and_post="县一中教师", **fields)


def reward(township, who=None, **fields):
    fields.setdefault("title", f"优秀共产党员{n()}")
    return RewardPunishment.objects.create(cadre=who or cadre(township), kind=RewardPunishment.Kind.REWARD,
                                           decided_on=D(2024, 6, 28), decided_by="中共襄汾县委", **fields)


def earlier_result(township, who=None, **fields):
    fields.setdefault("year", 2000 + n() % 20)
    return EarlierAssessmentResult.objects.create(cadre=who or cadre(township), result="称职", **fields)


def _move(record, other):
    record.cadre = cadre(other)


register(ModelCase(
    model=CadreProfile,
    make=lambda township: profile(township),
    form_data=lambda township: {"cadre": cadre(township).pk, "birthplace": "山西襄汾", "health": "健康",
                                "professional_title": "", "speciality": "农村工作", "proposed_post": "",
                                "proposed_removal": "", "appointment_reason": "", "reporting_unit": "",
                                "age_reference_date": "", "form_filled_on": "", "form_filled_by": "",
                                "rewards_text": "", "assessment_text": ""},
    update={"speciality": "党建工作"},
    move=_move,
    make_own=lambda who: profile(who.organization, who),
    export_label=lambda record: record.cadre.name,
))

register(ModelCase(
    model=ResumeEntry,
    make=lambda township: resume_entry(township),
    form_data=lambda township: {"cadre": cadre(township).pk, "starts_on": "2012-03", "ends_on": "2016-08",
                                "text": f"某某镇党政办主任{n()}", "concurrent": ""},
    update={"text": "某某镇党政办副主任"},
    move=_move,
    make_own=lambda who: resume_entry(who.organization, who),
    export_label=lambda record: record.text,
    api_data=lambda township: {"cadre": cadre(township).pk, "starts_on": "2012-03-01", "ends_on": "2016-08-01",
                               "text": f"某某镇党政办主任{n()}", "concurrent": False},
))

register(ModelCase(
    model=EducationRecord,
    make=lambda township: education(township),
    form_data=lambda township: {"cadre": cadre(township).pk, "kind": EducationRecord.Kind.FULLTIME,
                                "level": Cadre.Education.UNIVERSITY, "degree": "学士", "school": f"山西大学{n()}",
                                "major": "汉语言文学", "graduated_on": "2008-07"},
    update={"major": "公共管理"},
    move=_move,
    make_own=lambda who: education(who.organization, who),
    export_label=lambda record: record.school,
    api_data=lambda township: {"cadre": cadre(township).pk, "kind": EducationRecord.Kind.FULLTIME,
                               "level": Cadre.Education.UNIVERSITY, "degree": "学士", "school": f"山西大学{n()}",
                               "major": "汉语言文学", "graduated_on": "2008-07-01"},
))

register(ModelCase(
    model=FamilyMember,
    make=lambda township: family_member(township),
    form_data=lambda township: {"cadre": cadre(township).pk, "relation": "儿子", "name": f"张{n()}",
                                "birth_date": "2010-05-06", "political_status": "群众", "unit_and_post": "学生",
                                "sort_order": "1"},
    update={"unit_and_post": "县一中学生"},
    move=_move,
    make_own=lambda who: family_member(who.organization, who),
    export_label=lambda record: record.name,
))

register(ModelCase(
    model=RewardPunishment,
    make=lambda township: reward(township),
    form_data=lambda township: {"cadre": cadre(township).pk, "kind": RewardPunishment.Kind.REWARD,
                                "title": f"优秀党务工作者{n()}", "decided_on": "2025-06-28", "decided_by": "中共襄汾县委",
                                "document_number": "襄发〔2025〕12号"},
    update={"decided_by": "中共襄汾县委、襄汾县人民政府"},
    move=_move,
    make_own=lambda who: reward(who.organization, who),
    export_label=lambda record: record.title,
))

register(ModelCase(
    model=EarlierAssessmentResult,
    make=lambda township: earlier_result(township),
    form_data=lambda township: {"cadre": cadre(township).pk, "year": "2019", "result": "优秀"},
    update={"result": "基本称职"},
    move=_move,
    make_own=lambda who: earlier_result(who.organization, who),
    export_label=lambda record: str(record.year),
))
