"""The cadre roster import in batches: the preview writes nothing, the queries do not grow with the
rows, the commit still leaves one history row and one chained audit event per record, the records
written in bulk are those `Cadre.save` would have written, and the progress is reported."""
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banzi.core import crypto, progress
from banzi.core.audit import field_changes
from banzi.core.audit_chain import verify
from banzi.core.errors import Code
from banzi.core.fields import raw_values
from banzi.core.importing.services import commit_import, preview_import, upload_for_preview
from banzi.core.models import AuditEvent, ImportJob
from banzi.core.services import run
from banzi.org.models import Cadre
from banzi.org.resources import CadreResource
from tests import factories as f

HEADINGS = ["姓名", "性别", "出生日期", "身份证号", "现工作单位", "现任职务", "职级", "联系电话", "后备干部"]


def row(name, birth, unit, seq, **extra):
    values = {"姓名": name, "性别": "男", "出生日期": birth, "身份证号": f.make_id_number(birth, "male", seq),
              "现工作单位": unit, "现任职务": "科员", "职级": "科员", "联系电话": "", "后备干部": "否"}
    values.update(extra)
    return [values[h] for h in HEADINGS]


def workbook(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADINGS)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def roster(count, unit, start=0):
    """`count` new cadres, each with its own ID number."""
    return [row(f"新人{start + i}", datetime.date(1980, 1, 1) + datetime.timedelta(days=start + i), unit, 1)
            for i in range(count)]


def update_row(cadre, **extra):
    return row(cadre.name, cadre.birth_date, cadre.organization.name, 0, 身份证号=cadre.id_number, **extra)


def trail():
    return Cadre.objects.count(), Cadre.history.count(), AuditEvent.objects.count()


def writes(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def preview_and_commit(user, content, name="roster.xlsx"):
    report, job = run(upload_for_preview, user, CadreResource, content, name)
    assert not report.has_errors, report.errors
    return report, run(commit_import, user, CadreResource, job)


@pytest.mark.django_db
def test_preview_writes_nothing(county_admin, township):
    existing = f.CadreFactory(organization=township, post="科员")
    content = workbook([*roster(3, township.name), update_row(existing, 现任职务="副镇长")])
    before = trail()

    with CaptureQueriesContext(connection) as queries:
        report = preview_import(county_admin, CadreResource, content, "roster.xlsx")

    assert report.counts == {"new": 3, "update": 1, "skip": 0, "error": 0}
    assert trail() == before  # no cadre, no history, no audit event
    assert writes(queries) == []
    assert not any("SAVEPOINT" in q["sql"].upper() for q in queries)  # nothing written and rolled back either
    update = next(r for r in report.rows if r.action == "update")
    assert {"column": "现任职务", "old": "科员", "new": "副镇长"} in update.changes


@pytest.mark.django_db
def test_preview_checks_rules_across_rows_and_against_existing_cadres(township_admin, township, other_township):
    elsewhere = f.CadreFactory(organization=other_township)  # outside the user's reach, its number taken
    birth = datetime.date(1984, 4, 4)
    content = workbook([
        row("甲", birth, township.name, 5),
        row("乙", birth, township.name, 5),                                                   # the same number
        row("丙", elsewhere.birth_date, township.name, 0, 身份证号=elsewhere.id_number),        # another's number
        row("丁", datetime.date(1985, 5, 5), other_township.name, 6),                          # outside the scope
        row("戊", datetime.date(1986, 6, 6), township.name, 7),                               # fine
    ])
    before = trail()

    report = preview_import(township_admin, CadreResource, content, "roster.xlsx")

    errors = {(e["row"], e["column"]): e["code"] for e in report.errors}
    assert errors[(2, "身份证号")] == errors[(3, "身份证号")] == Code.UNIQUE
    assert errors[(4, "身份证号")] == Code.UNIQUE
    assert (5, "现工作单位") in errors
    assert {r.number for r in report.error_rows} == {2, 3, 4, 5}
    assert trail() == before


def import_queries(user, content):
    with CaptureQueriesContext(connection) as preview:
        report, job = run(upload_for_preview, user, CadreResource, content, "roster.xlsx")
    assert not report.has_errors, report.errors
    with CaptureQueriesContext(connection) as commit:
        report = run(commit_import, user, CadreResource, job)
    assert not report.has_errors, report.errors
    return len(preview), len(commit)


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_rows(county_admin, township, other_township):
    # Each file has new cadres in two townships and updates of existing cadres; the second is five times larger.
    small_existing = [f.CadreFactory(organization=township, post="科员") for _ in range(2)]
    large_existing = [f.CadreFactory(organization=other_township, post="科员") for _ in range(10)]
    small = workbook([*roster(2, township.name), *roster(2, other_township.name, 100),
                      *(update_row(c, 现任职务="副镇长") for c in small_existing)])
    large = workbook([*roster(10, township.name, 200), *roster(10, other_township.name, 300),
                      *(update_row(c, 现任职务="副镇长") for c in large_existing)])

    small_counts = import_queries(county_admin, small)
    large_counts = import_queries(county_admin, large)

    assert small_counts == large_counts
    assert Cadre.objects.filter(post="副镇长").count() == len(small_existing) + len(large_existing)


@pytest.mark.django_db
def test_one_history_row_and_one_chained_audit_event_per_record(county_admin, township, other_township):
    updated = f.CadreFactory(organization=township, post="科员")
    moved = f.CadreFactory(organization=township, post="科员")
    unchanged = f.CadreFactory(organization=township, post="科员", phone="", rank="")
    f.CadreFactory(organization=township)  # not in the file
    content = workbook([
        *roster(3, township.name),
        update_row(updated, 现任职务="副镇长", 职级="副科级", 联系电话="13912345678"),
        update_row(moved, 现工作单位=other_township.name),
        row(unchanged.name, unchanged.birth_date, township.name, 0, 身份证号=unchanged.id_number,
            职级="", 后备干部="否"),
    ])
    history_before = Cadre.history.count()
    events_before = set(AuditEvent.objects.values_list("pk", flat=True))

    _preview, report = preview_and_commit(county_admin, content)

    assert report.counts == {"new": 3, "update": 2, "skip": 1, "error": 0}
    created = list(Cadre.objects.filter(name__startswith="新人"))
    written = [*created, updated, moved]
    assert Cadre.history.count() == history_before + len(written)
    for cadre in written:
        latest = cadre.history.order_by("-history_id").first()
        assert latest.history_user == county_admin and "roster.xlsx" in latest.history_change_reason
        assert latest.history_type == ("+" if cadre in created else "~")
    assert unchanged.history.count() == 1

    events = AuditEvent.objects.exclude(pk__in=events_before)
    data = events.filter(kind=AuditEvent.Kind.DATA)
    assert sorted(data.values_list("object_id", flat=True)) == sorted(str(c.pk) for c in written)
    assert data.filter(action=AuditEvent.Action.CREATE).count() == len(created)
    assert all(e.user == county_admin and "roster.xlsx" in e.detail for e in data)
    assert events.filter(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.IMPORT).count() == 1
    # Each update's changes are those the one-by-one save would have recorded from its history.
    for cadre in (updated, moved):
        new, old = cadre.history.order_by("-history_id")[:2]
        assert data.get(object_id=str(cadre.pk)).changes == field_changes(new, old)
    moved_changes = {c["field"]: c for c in data.get(object_id=str(moved.pk)).changes}
    assert moved_changes["organization"]["new_label"] == other_township.name
    assert moved_changes["organization"]["old_label"] == township.name
    updated_changes = {c["field"]: c for c in data.get(object_id=str(updated.pk)).changes}
    assert updated_changes["phone"]["sealed"] and updated_changes["phone"]["new"] is None
    assert verify() is None  # the chain holds, events written in one pass included


@pytest.mark.django_db
def test_records_written_in_bulk_are_those_save_writes(county_admin, township):
    content = workbook([row("张伟", datetime.date(1983, 3, 3), township.name, 4, 联系电话="13912345678")])

    preview_and_commit(county_admin, content)

    cadre = Cadre.objects.get(name="张伟")
    derived = ("id_number_index", "phone_index", "name_pinyin", "name_initials")
    imported = {name: getattr(cadre, name) for name in derived}
    assert all(imported.values())
    cadre.save()  # what the model itself derives from the same values
    cadre.refresh_from_db()
    assert {name: getattr(cadre, name) for name in derived} == imported
    assert Cadre.objects.filter(id_number_index=Cadre.id_number_fingerprint(cadre.id_number)).get() == cadre
    # Sealed at rest, in the record and in its history.
    for model in (Cadre, Cadre.history.model):
        for _pk, values in raw_values(model.objects.all(), ["id_number", "phone"]):
            assert all(crypto.is_sealed(value) for value in values.values())
    assert cadre.created_at is not None and cadre.updated_at is not None


@pytest.mark.django_db
def test_progress_is_reported_while_validating_and_writing(county_admin, township):
    content = workbook(roster(250, township.name))
    reports = []

    with progress.reporting_to(lambda done, total: reports.append((done, total))):
        report, job = run(upload_for_preview, county_admin, CadreResource, content, "roster.xlsx")
    assert not report.has_errors
    assert reports[-1] == (250, 250)
    assert 2 <= len(reports) <= 101  # about every hundredth, not every row
    assert [done for done, _total in reports] == sorted(done for done, _total in reports)

    reports.clear()
    with progress.reporting_to(lambda done, total: reports.append((done, total))):
        run(commit_import, county_admin, CadreResource, job)
    assert reports[-1] == (500, 500)  # every row validated, then every row written
    assert any(done == 250 for done, _total in reports) and len(reports) <= 101
    assert Cadre.objects.count() == 250


@pytest.mark.django_db
def test_commit_refuses_a_number_taken_since_the_preview(township_admin, township, other_township):
    birth = datetime.date(1982, 2, 2)
    content = workbook([row("甲", birth, township.name, 8), *roster(2, township.name)])
    report, job = run(upload_for_preview, township_admin, CadreResource, content, "roster.xlsx")
    assert not report.has_errors
    f.CadreFactory(organization=other_township, birth_date=birth, id_number=f.make_id_number(birth, "male", 8))
    before = trail()

    report = run(commit_import, township_admin, CadreResource, job)

    assert report.has_errors and [(e["row"], e["code"]) for e in report.errors] == [(2, Code.UNIQUE)]
    assert trail() == before
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED


@pytest.mark.django_db
def test_commit_refuses_a_unit_gone_or_moved_since_the_preview(township_admin, township, other_township):
    # The commit does not validate a new cadre's own values again (the preview did), but reads the
    # units again and checks the numbers taken and the user's reach against the database as it is.
    village = f.VillageFactory(name="东村", parent=township)
    moved = f.VillageFactory(name="西村", parent=township)
    content = workbook([*roster(2, township.name), row("甲", datetime.date(1983, 3, 3), "东村", 9),
                        row("乙", datetime.date(1984, 4, 4), "西村", 9)])
    report, job = run(upload_for_preview, township_admin, CadreResource, content, "roster.xlsx")
    assert not report.has_errors
    village.delete()
    moved.parent = moved.township = other_township
    moved.save()
    before = trail()

    report = run(commit_import, township_admin, CadreResource, job)

    assert [(e["row"], e["column"]) for e in report.errors] == [(4, "现工作单位"), (5, "现工作单位")]
    assert all("东村" in e["message"] or "西村" in e["message"] for e in report.errors)
    assert trail() == before
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED


@pytest.mark.django_db
def test_commit_validates_again_a_cadre_changed_since_the_preview(county_admin, township):
    # An update joins the file's values to the record as it is now: the record may have changed.
    cadre = f.CadreFactory(organization=township, post="科员")
    content = workbook([update_row(cadre, 现任职务="副镇长")])
    report, job = run(upload_for_preview, county_admin, CadreResource, content, "roster.xlsx")
    assert not report.has_errors
    Cadre.objects.filter(pk=cadre.pk).update(work_started_on=cadre.birth_date + datetime.timedelta(days=365))
    before = trail()

    report = run(commit_import, county_admin, CadreResource, job)

    assert [e["code"] for e in report.errors] == [Code.WORK_AGE]
    assert trail() == before


@pytest.mark.django_db
def test_each_id_number_is_read_once_a_file(county_admin, township, monkeypatch):
    # The lookups of the file (`prefetch`) and the reading of each row share one reading of each number;
    # a number that cannot be read is still reported on its row.
    from banzi.core.importing.columns import IdNumberWidget

    read = []
    clean = IdNumberWidget.clean

    def counted(self, value, row=None, **kwargs):
        read.append(value)
        return clean(self, value, row, **kwargs)

    monkeypatch.setattr(IdNumberWidget, "clean", counted)
    rows = roster(3, township.name)
    content = workbook([*rows, row("坏号", datetime.date(1990, 1, 1), township.name, 0, 身份证号=123456789012345678)])

    report = preview_import(county_admin, CadreResource, content, "roster.xlsx")

    # Each number once, in the order of the rows (the last as Excel keeps 18 digits typed as a number).
    assert read[:-1] == [r[HEADINGS.index("身份证号")] for r in rows] and isinstance(read[-1], int)
    assert [(o.number, o.action) for o in report.rows] == [(2, "new"), (3, "new"), (4, "new"), (5, "error")]
    assert any("lost its last digits" in str(e) for e in report.rows[3].errors)
