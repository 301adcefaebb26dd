"""Generic-test cases for the study models (see tests/generic.py)."""

from banzi.study.models import (
    LeadDuty,
    LeadDutyEvidence,
    LeadDutyRecord,
    StudyAttendance,
    StudyKind,
    StudyRecord,
    StudySession,
)
from tests import factories as f
from tests.generic import ModelCase, register

from .factories import attendance, duty, duty_record, evidence, leader, n, pdf_file, record, session, today


def _set(attr, make_target):
    def move(record, other):
        setattr(record, attr, make_target(other))
    return move


register(ModelCase(
    model=StudySession,
    make=lambda township: session(township),
    form_data=lambda township: {
        "organization": township.pk, "kind": StudyKind.STAFF_STUDY, "held_on": today().isoformat(), "minutes": "60",
        "topic": f"机关干部学习{n()}", "materials": "党章", "lecturer": "", "lecturer_name": "", "notes": "",
        "attendees": [f.CadreFactory(organization=township).pk]},
    update={"topic": "学习新修订的条例"},
    move=_set("organization", lambda other: other),
    make_referenced=None,
    export_label=lambda r: r.topic,
))

register(ModelCase(
    model=StudyAttendance,
    make=lambda township: attendance(township),
    form_data=lambda township: {"session": session(township).pk, "cadre": f.CadreFactory(organization=township).pk,
                                "role": StudyAttendance.AttendanceRole.ATTENDEE,
                                "status": StudyAttendance.Status.PRESENT, "absence_reason": ""},
    update={"status": StudyAttendance.Status.ABSENT, "absence_reason": "下村"},
    move=_set("session", lambda other: session(other)),
    make_own=lambda cadre: attendance(cadre.organization, cadre),
    export_label=lambda r: r.cadre.name,
))

register(ModelCase(
    model=StudyRecord,
    make=lambda township: record(f.CadreFactory(organization=township)),
    form_data=lambda township: {"cadre": f.CadreFactory(organization=township).pk,
                                "studied_on": today().isoformat(), "minutes": "30", "material": "党章", "note": ""},
    update={"minutes": "45"},
    move=_set("cadre", lambda other: f.CadreFactory(organization=other)),
    make_own=lambda cadre: record(cadre),
    cadre_writes_own=True,
    own_form_data=lambda cadre: {"cadre": cadre.pk, "studied_on": today().isoformat(), "minutes": "30",
                                 "material": "党章", "note": "第一章"},
    export_label=lambda r: r.cadre.name,
))

register(ModelCase(
    model=LeadDuty,
    make=lambda township: LeadDuty.objects.create(name=f"带头示范{n()}", sort_order=100),
    form_data=lambda township: {"name": f"带头新要求{n()}", "description": "", "sort_order": "100", "is_active": "on"},
    update={"description": "县委组织部新增"},
    make_referenced=lambda township: duty_record(township, duty=LeadDuty.objects.create(name=f"带头{n()}")).duty,
))

register(ModelCase(
    model=LeadDutyRecord,
    make=lambda township: duty_record(township),
    form_data=lambda township: {"cadre": leader(township).pk, "duty": duty("village_study").pk,
                                "done_on": today().isoformat(), "description": "指导包村党支部学习"},
    update={"description": "指导包村党支部专题学习"},
    move=_set("cadre", lambda other: leader(other)),
    make_own=lambda cadre: duty_record(cadre.organization, leader(cadre.organization, cadre)),
    cadre_writes_own=True,
    export_label=lambda r: r.cadre.name,
))

register(ModelCase(
    model=LeadDutyEvidence,
    make=lambda township: evidence(township),
    form_data=lambda township: {"record": duty_record(township).pk, "file": pdf_file(f"党课照片{n()}.pdf"),
                                "caption": "党课现场"},
    update={"caption": "党课现场照片"},
    move=_set("record", lambda other: duty_record(other)),
    make_own=lambda cadre: evidence(cadre.organization, leader(cadre.organization, cadre)),
    cadre_writes_own=True,
    export_label=lambda r: r.caption,
))

