"""Builders of study records for the study tests (the registry's factories come from tests.factories)."""
import datetime
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from banzi.core import clock
from banzi.study.models import (
    LeadDuty,
    LeadDutyEvidence,
    LeadDutyRecord,
    StudyAttendance,
    StudyKind,
    StudyRecord,
    StudySession,
)
from tests import dates
from tests import factories as f

_seq = itertools.count(1)


def n():
    return next(_seq)


def today():
    return clock.today()


def pdf_file(name="evidence.pdf", size=0):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * size + b"\n%%EOF", content_type="application/pdf")


def png_bytes():
    import struct
    import zlib

    raw = b"\x00\x00\x00\x00"
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def xlsx_bytes(rows):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def leader(township, cadre=None, started_on=None):
    """A cadre on the township's current leadership team (a team of its own, elected within the last
    few years), from its election or from `started_on`."""
    cadre = cadre or f.CadreFactory(organization=township)
    team = f.TeamFactory(township=township)
    f.TeamMembershipFactory(team=team, cadre=cadre, started_on=started_on or team.elected_on)
    return cadre


def session(organization, **fields):
    fields.setdefault("kind", StudyKind.COMMITTEE_THEORY)
    # Yesterday, or today on 1 January: a session of this year, which the year's figures count.
    fields.setdefault("held_on", max(dates.days_ago(1), dates.new_year()))
    fields.setdefault("minutes", 90)
    fields.setdefault("topic", f"学习主题{n()}")
    return StudySession.objects.create(organization=organization, **fields)


def attendance(township, cadre=None, **fields):
    return StudyAttendance.objects.create(session=session(township), cadre=cadre or f.CadreFactory(organization=township),
                                          **fields)


def record(cadre, **fields):
    fields.setdefault("studied_on", today() - datetime.timedelta(days=n() % 300))
    fields.setdefault("minutes", 30)
    fields.setdefault("material", "学习强国")
    return StudyRecord.objects.create(cadre=cadre, **fields)


def duty(key="party_lecture"):
    return LeadDuty.objects.get(key=key)


def duty_record(township, cadre=None, **fields):
    fields.setdefault("duty", duty())
    fields.setdefault("done_on", today())
    fields.setdefault("description", f"讲专题党课{n()}")
    return LeadDutyRecord.objects.create(cadre=cadre or leader(township), **fields)


def evidence(township, cadre=None):
    return LeadDutyEvidence.objects.create(record=duty_record(township, cadre), file=pdf_file(f"证明{n()}.pdf"),
                                           caption=f"照片{n()}")
