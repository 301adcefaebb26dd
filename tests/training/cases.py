"""Generic-test cases for the training models (see tests/generic.py)."""
from banzi.training.models import (
    Attendance,
    Enrollment,
    Lecturer,
    TrainingNeed,
    TrainingProgram,
    TrainingSession,
    TrainingTopic,
)
from tests.generic import ModelCase, register

from . import factories as tf


def _attendance(township, cadre=None):
    sess = tf.session(tf.program(township))
    return tf.attend(sess, cadre or tf.cadre(township))


def _attendance_form(township):
    sess = tf.session(tf.program(township))
    enrollment = tf.enroll(sess.program, tf.cadre(township))
    return {"session": sess.pk, "cadre": enrollment.cadre_id, "status": "present", "note": ""}


def _move_session(record, other):
    record.program = tf.program(other)


def _move_attendance(record, other):
    record.session = tf.session(tf.program(other))


def _own_program(cadre):
    prog = tf.program(cadre.organization.township)
    tf.enroll(prog, cadre)
    return prog


def _own_session(cadre):
    return tf.session(_own_program(cadre))


register(ModelCase(
    model=TrainingTopic,
    make=lambda township: tf.topic(),
    form_data=lambda township: {"name": f"新专题{tf.n()}", "description": "", "sort_order": "5", "is_active": "on"},
    update={"description": "乡镇干部急需的本领"},
))

register(ModelCase(
    model=Lecturer,
    make=lambda township: tf.lecturer(township),
    form_data=lambda township: {"name": "王老师", "affiliation_kind": "university", "affiliation": "山西大学",
                                "title": "教授", "organization": township.pk},
    update={"title": "副教授"},
    export_label=lambda record: record.name,
    move=lambda record, other: setattr(record, "organization", other),
))

register(ModelCase(
    model=TrainingProgram,
    make=lambda township: tf.program(township),
    form_data=lambda township: {"name": "机关干部集中培训", "kind": "centralized", "organizer": township.pk,
                                "start_on": "2025-05-01", "end_on": "2025-05-02", "location": "党委会议室",
                                "target_group": "机关干部", "topics": [tf.topic("群众工作").pk], "description": ""},
    update={"location": "新会议室"},
    move=lambda record, other: setattr(record, "organizer", other),
    make_own=_own_program,
))

register(ModelCase(
    model=TrainingSession,
    make=lambda township: tf.session(tf.program(township)),
    form_data=lambda township: {"program": tf.program(township).pk, "title": "政策解读", "topic": tf.topic("政治理论").pk,
                                "lecturer": "", "held_on": tf.START.isoformat(), "starts_at": "09:00",
                                "ends_at": "12:00", "credit_hours": "3", "location": ""},
    update={"title": "新时代群众工作"},
    export_label=lambda record: record.title,
    move=_move_session,
    make_own=_own_session,
))

register(ModelCase(
    model=Enrollment,
    make=lambda township: tf.enroll(tf.program(township), tf.cadre(township)),
    form_data=lambda township: {"program": tf.program(township).pk, "cadre": tf.cadre(township).pk, "note": ""},
    update={"note": "带班"},
    move=lambda record, other: setattr(record, "program", tf.program(other)),
    export_label=lambda record: record.cadre.name,
    make_own=lambda cadre: tf.enroll(tf.program(cadre.organization.township), cadre),
))

register(ModelCase(
    model=Attendance,
    make=_attendance,
    form_data=_attendance_form,
    update={"status": "excused"},
    move=_move_attendance,
    export_label=lambda record: record.cadre.name,
    make_own=lambda cadre: _attendance(cadre.organization.township, cadre),
))

register(ModelCase(
    model=TrainingNeed,
    make=lambda township: tf.need(township),
    form_data=lambda township: {"organization": township.pk, "cadre": "", "topic": tf.topic("应急管理").pk,
                                "source": "committee", "note": "防汛应急", "raised_on": "2025-02-01",
                                "status": "open", "met_by": ""},
    update={"note": "森林防火"},
    move=lambda record, other: setattr(record, "organization", other),
    make_own=lambda cadre: tf.need(cadre.organization, cadre, source="self"),
))
