"""The rows an import's preview read are kept with its job, sealed, and the confirmation imports them
without reading the workbook again; a job kept without them is still confirmed from its upload."""
import datetime
import io
import zlib

import openpyxl
import pytest
from django.db import transaction

from banzi.core import crypto
from banzi.core.importing import services as import_services
from banzi.core.importing import workbook as import_workbook
from banzi.core.importing.services import (
    JOB_ASSOCIATED_DATA,
    ROWS_ASSOCIATED_DATA,
    commit_import,
    upload_for_preview,
)
from banzi.core.importing.workbook import Sheet, pack_sheet, read_sheet, unpack_sheet
from banzi.core.models import AuditEvent, ImportJob
from banzi.core.services import run
from banzi.org.models import Cadre
from banzi.org.resources import CadreResource
from tests import factories as f

HEADINGS = ["姓名", "性别", "出生日期", "身份证号", "现工作单位", "现任职务", "联系电话", "入党时间", "后备干部"]
COMPARED = ("name", "gender", "birth_date", "id_number", "organization_id", "post", "phone", "party_joined_on",
            "is_reserve", "id_number_index", "phone_index", "name_pinyin", "name_initials")


def roster_workbook(township, existing=()):
    """New cadres written as people type them (dates as dates, as text, as months; a phone as a
    number), and updates of existing cadres."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADINGS)
    for index in range(6):
        birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=index * 97)
        sheet.append([f"新人{index}", "男", birth if index % 2 else birth.isoformat(), f.make_id_number(birth, "male", 3),
                      township.name, "科员", 13900000000 + index, "2008.07" if index % 3 else None, "是" if index % 2 else "否"])
    sheet.append([None] * len(HEADINGS))  # an empty row: the row numbers after it move on
    for cadre in existing:
        sheet.append([cadre.name, "男" if cadre.gender == Cadre.Gender.MALE else "女", cadre.birth_date, cadre.id_number,
                      township.name, "副镇长", "", None, "否"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cadres():
    return sorted(tuple(getattr(c, name) for name in COMPARED) for c in Cadre.objects.all())


def outcomes(report):
    return [(r.number, r.action, r.label, r.changes, r.errors) for r in report.rows], report.counts


def workbook_must_not_be_read(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was read again")

    for target in (import_services, import_workbook):
        monkeypatch.setattr(target, "read_sheet", refuse)
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(import_workbook, "load_workbook", refuse)


@pytest.mark.django_db
def test_the_commit_imports_the_kept_rows_without_reading_the_workbook(county_admin, township, monkeypatch):
    existing = [f.CadreFactory(organization=township, post="科员") for _ in range(2)]
    content = roster_workbook(township, existing)
    preview, job = run(upload_for_preview, county_admin, CadreResource, content, "roster.xlsx")
    assert not preview.has_errors and job is not None

    workbook_must_not_be_read(monkeypatch)
    report = run(commit_import, county_admin, CadreResource, job)

    assert not report.has_errors
    assert report.counts == {**preview.counts} == {"new": 6, "update": 2, "skip": 0, "error": 0}
    assert [r.number for r in report.rows] == [r.number for r in preview.rows]  # the sheet's own row numbers
    assert Cadre.objects.filter(post="副镇长").count() == len(existing)
    assert Cadre.objects.get(name="新人1").party_joined_on == datetime.date(2008, 7, 1)


@pytest.mark.django_db
def test_the_kept_rows_import_exactly_what_the_workbook_imports(county_admin, township):
    existing = [f.CadreFactory(organization=township, post="科员") for _ in range(2)]
    content = roster_workbook(township, existing)
    # The same file twice: one job confirmed from its kept rows, one kept without them (as jobs were
    # before), confirmed from its upload.
    _report, kept = run(upload_for_preview, county_admin, CadreResource, content, "roster.xlsx")
    _report, without = run(upload_for_preview, county_admin, CadreResource, content, "roster.xlsx")
    ImportJob.objects.filter(pk=without.pk).update(rows=b"")
    before = cadres()

    with transaction.atomic():  # rolled back: the second import finds the registry as the first did
        from_rows = outcomes(commit_import(county_admin, CadreResource, kept))
        imported_from_rows = cadres()
        transaction.set_rollback(True)
    assert cadres() == before
    from_workbook = outcomes(commit_import(county_admin, CadreResource, without))

    assert from_rows == from_workbook
    assert imported_from_rows == cadres() != before
    assert len(cadres()) == len(before) + 6


@pytest.mark.django_db
def test_the_kept_rows_are_sealed_and_emptied_by_the_commit(county_admin, township):
    content = roster_workbook(township)
    _report, job = run(upload_for_preview, county_admin, CadreResource, content, "roster.xlsx")

    stored = bytes(ImportJob.objects.get(pk=job.pk).rows)
    assert stored.startswith(crypto.BYTES_MAGIC)
    number = f.make_id_number(datetime.date(1980, 1, 1), "male", 3)
    assert number.encode() not in stored and "新人0".encode() not in stored
    assert unpack_sheet(crypto.decrypt_bytes(stored, ROWS_ASSOCIATED_DATA)) == read_sheet(content)
    with pytest.raises(crypto.DecryptionError):  # sealed apart from the upload: neither passes for the other
        crypto.decrypt_bytes(stored, JOB_ASSOCIATED_DATA)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(bytes(ImportJob.objects.get(pk=job.pk).content), ROWS_ASSOCIATED_DATA)

    run(commit_import, county_admin, CadreResource, job)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and bytes(job.rows) == b"" and bytes(job.content) == b""


@pytest.mark.django_db
def test_a_failed_commit_empties_the_kept_rows_too(township_admin, township, other_township):
    content = roster_workbook(township)
    _report, job = run(upload_for_preview, township_admin, CadreResource, content, "roster.xlsx")
    birth = datetime.date(1980, 1, 1)  # the first row's number, taken by someone else since the preview
    f.CadreFactory(organization=other_township, birth_date=birth, id_number=f.make_id_number(birth, "male", 3))

    report = run(commit_import, township_admin, CadreResource, job)

    assert report.has_errors
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and bytes(job.rows) == b"" and bytes(job.content) == b""


@pytest.mark.django_db
def test_kept_rows_that_cannot_be_opened_fall_back_to_the_upload(county_admin, township):
    content = roster_workbook(township)
    _report, job = run(upload_for_preview, county_admin, CadreResource, content, "roster.xlsx")
    damaged = crypto.encrypt_bytes(b"not a sheet", ROWS_ASSOCIATED_DATA)
    ImportJob.objects.filter(pk=job.pk).update(rows=damaged)

    report = run(commit_import, county_admin, CadreResource, job)

    assert not report.has_errors and report.counts["new"] == Cadre.objects.count() == 6
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, user=county_admin).count() == 1


def test_a_packed_sheet_unpacks_to_the_same_cells():
    cells = ("张三", "", 0, -7, 12345678901234567, 3.25, 1e-300, float("inf"), True, False, None,
             datetime.datetime(2021, 9, 1, 8, 30, 15, 250), datetime.date(2021, 9, 1), datetime.time(23, 59, 1),
             datetime.timedelta(days=2, seconds=7, microseconds=9), '{"$": "date", "v": "2021-09-01"}')
    sheet = Sheet(["甲", "乙"], [cells, tuple(reversed(cells))], [2, 5])

    unpacked = unpack_sheet(pack_sheet(sheet))

    assert unpacked == sheet
    assert [[type(v) for v in row] for row in unpacked.rows] == [[type(v) for v in row] for row in sheet.rows]


def test_what_cannot_be_packed_or_unpacked_is_refused():
    with pytest.raises(TypeError):
        pack_sheet(Sheet(["甲"], [(object(),)], [2]))
    for packed in (b"", b"garbage", zlib.compress(b"[1, 2]"), zlib.compress(b'{"version": 99}'),
                   zlib.compress(b'{"version": 1, "headings": [], "rows": [[{"$": "pickle", "v": ""}]], "row_numbers": []}')):
        with pytest.raises(ValueError):
            unpack_sheet(packed)


@pytest.mark.django_db
def test_rows_that_cannot_be_kept_leave_the_commit_to_the_upload(county_admin, township, monkeypatch):
    def cannot_pack(sheet):
        raise TypeError("a cell of an unknown type")

    monkeypatch.setattr(import_services, "pack_sheet", cannot_pack)
    _report, job = run(upload_for_preview, county_admin, CadreResource, roster_workbook(township), "roster.xlsx")
    assert bytes(ImportJob.objects.get(pk=job.pk).rows) == b""

    report = run(commit_import, county_admin, CadreResource, job)

    assert not report.has_errors and report.counts["new"] == Cadre.objects.count() == 6


@pytest.mark.django_db
def test_the_preview_and_the_commit_run_with_the_cyclic_collector_paused(county_admin, township, monkeypatch):
    import gc

    seen = []
    run_batched = CadreResource.run_batched

    def watched(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return run_batched(self, *args, **kwargs)

    monkeypatch.setattr(CadreResource, "run_batched", watched)
    assert gc.isenabled()
    _preview, job = run(upload_for_preview, county_admin, CadreResource, roster_workbook(township), "roster.xlsx")
    assert gc.isenabled()
    report = run(commit_import, county_admin, CadreResource, job)
    assert not report.has_errors
    assert seen == [False, False]
    assert gc.isenabled()  # given back, also after the commit
