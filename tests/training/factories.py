"""Small builders of training records for the tests (the shared registry factories come from
tests.factories). Dates default to a fixed week of 2025 so that figures of a year are exact."""
import datetime
import itertools
from decimal import Decimal

from banzi.training.models import (
    Attendance,
    Enrollment,
    Lecturer,
    TrainingNeed,
    TrainingProgram,
    TrainingSession,
    TrainingTopic,
)
from tests import factories as f

_seq = itertools.count(1)
YEAR = 2025
START = datetime.date(YEAR, 3, 10)
END = datetime.date(YEAR, 3, 14)


def n():
    return next(_seq)


def topic(name=None):
    return TrainingTopic.objects.get_or_create(name=name or f"测试专题{n()}")[0]


def lecturer(organization, **fields):
    fields.setdefault("name", f"讲师{n()}")
    fields.setdefault("affiliation_kind", Lecturer.AffiliationKind.PARTY_SCHOOL)
    fields.setdefault("affiliation", "县委党校")
    return Lecturer.objects.create(organization=organization, **fields)


def program(organizer, topics=(), **fields):
    fields.setdefault("name", f"培训班{n()}")
    fields.setdefault("kind", TrainingProgram.Kind.CENTRALIZED)
    fields.setdefault("start_on", START)
    fields.setdefault("end_on", END)
    record = TrainingProgram.objects.create(organizer=organizer, **fields)
    if topics:
        record.topics.set(topics)
    return record


def session(prog, held_on=None, hours="3", **fields):
    fields.setdefault("title", f"课程{n()}")
    fields.setdefault("topic", topic("政治理论"))
    return TrainingSession.objects.create(program=prog, held_on=held_on or prog.start_on,
                                          credit_hours=Decimal(hours), **fields)


def enroll(prog, cadre):
    return Enrollment.objects.get_or_create(program=prog, cadre=cadre)[0]


def attend(sess, cadre, status=Attendance.Status.PRESENT):
    enroll(sess.program, cadre)
    return Attendance.objects.create(session=sess, cadre=cadre, status=status)


def need(organization, cadre=None, topic_name="乡村振兴", **fields):
    return TrainingNeed.objects.create(organization=organization, cadre=cadre, topic=topic(topic_name), **fields)


def cadre(organization, **fields):
    return f.CadreFactory(organization=organization, **fields)
