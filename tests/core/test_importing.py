"""The generic import machinery: upload checks, sheet reading, widgets, and the preview/commit
services over a resource declared in a few lines."""
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from banzi.core.errors import Code
from banzi.core.importing.columns import (
    ChoiceWidget,
    Column,
    DateWidget,
    IdNumberWidget,
    ScopedForeignKeyWidget,
    YesNoWidget,
)
from banzi.core.importing.resources import ImportResource
from banzi.core.importing.services import JOB_LIFETIME, commit_import, preview_import
from banzi.core.importing.template_workbook import build_template
from banzi.core.importing.workbook import read_sheet, validate_xlsx
from banzi.core.models import AuditEvent, ImportJob
from banzi.org.models import Cadre, Organization
from tests import factories as f


def workbook_bytes(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- the upload --------------------------------------------------------------------------------


def test_a_real_workbook_passes():
    validate_xlsx(workbook_bytes([["姓名"], ["张三"]]))


@pytest.mark.parametrize("content, code", [
    (b"", Code.FILE_EMPTY),
    ("姓名,性别\n张三,男\n".encode(), Code.FILE_TYPE),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, Code.FILE_TYPE),
    (b"PK\x03\x04 not really a zip", Code.FILE_TYPE),
    (zip_bytes({"hello.txt": "hi"}), Code.FILE_TYPE),
    (zip_bytes({"[Content_Types].xml": '<Types><Override ContentType="application/vnd.openxmlformats-'
                'officedocument.wordprocessingml.document.main+xml"/></Types>'}), Code.FILE_TYPE),
])
def test_files_that_are_not_workbooks_are_refused(content, code):
    with pytest.raises(ValidationError) as exc:
        validate_xlsx(content)
    assert exc.value.code == code


def test_size_and_unpacked_size_are_limited(settings):
    settings.BANZI_IMPORT_MAX_BYTES = 2000
    with pytest.raises(ValidationError) as exc:
        validate_xlsx(b"PK\x03\x04" + b"x" * 2000)
    assert exc.value.code == Code.FILE_SIZE
    bomb = zip_bytes({"[Content_Types].xml": "spreadsheetml.sheet.main+xml", "xl/big.xml": "0" * 200_000})
    assert len(bomb) < 2000
    with pytest.raises(ValidationError) as exc:
        validate_xlsx(bomb)
    assert exc.value.code == Code.FILE_UNPACKED_SIZE


# --- reading the sheet -------------------------------------------------------------------------


def test_sheet_keeps_row_numbers_and_cleans_headings():
    content = workbook_bytes([
        [None, None],
        [" 姓 名 *", "出生日期（必填）", None],
        ["张三", datetime.date(1986, 5, 4)],
        [None, None],
        ["  李四 ", 13912345678.0],
    ])
    sheet = read_sheet(content)
    assert sheet.headings == ["姓名", "出生日期"]
    assert sheet.rows == [("张三", datetime.datetime(1986, 5, 4)), ("李四", 13912345678)]
    assert sheet.row_numbers == [3, 5]


def with_declared_dimension(content, ref):
    """The workbook with its first sheet's <dimension> rewritten: some programs write a wrong one."""
    source = zipfile.ZipFile(io.BytesIO(content))
    files = {name: source.read(name) for name in source.namelist()}
    sheet = files["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index("<dimension ")
    files["xl/worksheets/sheet1.xml"] = (sheet[:start] + f'<dimension ref="{ref}"/>'
                                         + sheet[sheet.index("/>", start) + 2:]).encode()
    return zip_bytes(files)


@pytest.mark.parametrize("ref", ["A1:B2", "A1"])
def test_a_wrong_declared_dimension_loses_no_row(ref):
    """openpyxl's read-only mode stops at the rows a sheet declares; every row present is read anyway."""
    content = with_declared_dimension(workbook_bytes([["姓名", "出生日期"], *[[f"干部{i}", i] for i in range(5)]]), ref)
    sheet = read_sheet(content)
    assert sheet.rows == [(f"干部{i}", i) for i in range(5)]
    assert sheet.row_numbers == [2, 3, 4, 5, 6]


@pytest.mark.parametrize("rows, code", [
    ([], Code.FILE_EMPTY),
    ([["姓名", "性别"]], Code.NO_ROWS),
    ([["姓名", "姓名"], ["张三", "李四"]], Code.REPEATED_COLUMNS),
])
def test_sheets_that_cannot_be_imported(rows, code):
    with pytest.raises(ValidationError) as exc:
        read_sheet(workbook_bytes(rows))
    assert exc.value.code == code


def test_row_limit(settings):
    settings.BANZI_IMPORT_MAX_ROWS = 3
    read_sheet(workbook_bytes([["姓名"], ["a"], ["b"], ["c"]]))
    with pytest.raises(ValidationError) as exc:
        read_sheet(workbook_bytes([["姓名"], ["a"], ["b"], ["c"], ["d"]]))
    assert exc.value.code == Code.TOO_MANY_ROWS


# --- widgets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    (datetime.datetime(2021, 9, 1), datetime.date(2021, 9, 1)),
    ("2021-09-01", datetime.date(2021, 9, 1)),
    ("2021/9/1", datetime.date(2021, 9, 1)),
    ("2021.09.01", datetime.date(2021, 9, 1)),
    ("2021年9月1日", datetime.date(2021, 9, 1)),
    (20210901, datetime.date(2021, 9, 1)),
    ("2001.07", datetime.date(2001, 7, 1)),
    (2001.07, datetime.date(2001, 7, 1)),
    (2001.1, datetime.date(2001, 10, 1)),
    (200107, datetime.date(2001, 7, 1)),
    (44440, datetime.date(2021, 9, 1)),
    (None, None),
])
def test_date_widget_reads_what_people_write(value, expected):
    assert DateWidget().clean(value) == expected


@pytest.mark.parametrize("value", ["明年", "2021-13-01", 2021, "31/12/2021"])
def test_date_widget_refuses_non_dates(value):
    with pytest.raises(ValueError, match="not a date"):
        DateWidget().clean(value)


def test_choice_widget_accepts_file_labels_values_and_ui_labels():
    widget = ChoiceWidget(Cadre.Education, {Cadre.Education.UNIVERSITY: ["大学", "本科"]})
    assert widget.clean("本科") == widget.clean(" 大学 ") == widget.clean("university") == "university"
    assert widget.clean("Junior college") == "college"
    assert widget.clean(None) == ""
    assert widget.render("university") == "大学"
    with pytest.raises(ValueError, match="大学"):
        widget.clean("幼儿园")


def test_yes_no_widget():
    widget = YesNoWidget()
    assert [widget.clean(v) for v in ("是", "√", 1, "Y", None, "否", 0, "")] == [True] * 4 + [False] * 4
    with pytest.raises(ValueError, match="yes/no"):
        widget.clean("也许")


def test_id_number_widget_spots_numbers_excel_has_rounded():
    widget = IdNumberWidget(required=True)
    assert widget.clean(" 14102319860504123x ") == "14102319860504123X"
    with pytest.raises(ValueError, match="lost its last digits"):
        widget.clean(141023198605041000)
    with pytest.raises(ValueError, match="Enter the ID number"):
        widget.clean(None)


# --- a resource in a few lines, through the services ----------------------------------------


class VillageResource(ImportResource):
    """Villages under a township: what a later module's resource looks like."""

    name = Column("名称", "name", required=True, example="东村")
    kind = Column("类型", "kind", ChoiceWidget(Organization.Kind, {Organization.Kind.VILLAGE: ["村"]}), required=True,
                  example="村")
    parent = Column("所属乡镇", "parent", ScopedForeignKeyWidget(Organization, filters={"kind": "township"}),
                    required=True, example="新城镇")
    code = Column("区划代码", "division_code", example="141023100201")

    scope_attribute = "parent"
    duplicate_columns = ("名称", "所属乡镇")
    label_columns = ("名称",)

    class Meta:
        model = Organization
        import_id_fields = ["code"]


HEAD = ["名称", "类型", "所属乡镇", "区划代码"]


def test_resource_columns_come_from_the_declaration():
    resource = VillageResource(user=None)
    assert resource.headings() == ["名称", "类型", "所属乡镇", "区划代码"]
    assert resource.required_headings() == ["名称", "类型", "所属乡镇", "区划代码"]  # the match column too
    assert resource.match_headings() == ["区划代码"]
    assert resource.check_headings(["名称", "类型", "所属乡镇", "区划代码", "备注"]) == ["备注"]
    with pytest.raises(ValidationError, match="所属乡镇") as exc:  # the message names the missing columns
        resource.check_headings(["名称", "类型"])
    assert exc.value.code == Code.MISSING_COLUMNS


@pytest.mark.django_db
def test_preview_saves_nothing_and_commit_saves_everything(county_admin, township):
    content = workbook_bytes([HEAD, ["西村", "村", "新城镇", "141023100201"], ["北村", "村", "新城镇", "141023100202"]])
    before = Organization.objects.count()

    report = preview_import(county_admin, VillageResource, content, "villages.xlsx")
    assert report.counts == {"new": 2, "update": 0, "skip": 0, "error": 0}
    assert [row.label for row in report.rows] == ["西村", "北村"]
    assert Organization.objects.count() == before

    job = ImportJob.objects.create(user=county_admin, model_label="org.organization", file_name="villages.xlsx",
                                   content=content)
    report = commit_import(county_admin, VillageResource, job)
    assert not report.has_errors
    village = Organization.objects.get(name="西村")
    assert village.township == township and village.history.get().history_user == county_admin
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.IMPORT,
                                     user=county_admin).count() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.summary["counts"]["new"] == 2

    with pytest.raises(ValidationError) as exc:
        commit_import(county_admin, VillageResource, job)
    assert exc.value.code == Code.IMPORT_EXPIRED
    assert Organization.objects.count() == before + 2


@pytest.mark.django_db
def test_scope_and_duplicates_are_row_errors(township_admin, township, other_township):
    content = workbook_bytes([
        HEAD,
        ["西村", "村", "新城镇", ""],
        ["东村", "村", "赵康镇", ""],
        ["西村", "村", "新城镇", ""],
    ])
    report = preview_import(township_admin, VillageResource, content, "villages.xlsx")
    errors = {(e["row"], e["column"]): (e["code"], e["message"]) for e in report.errors}
    assert errors[(3, "所属乡镇")][0] == Code.INVALID  # a township the user may not use is not found
    assert [errors[(2, "名称")][0], errors[(4, "名称")][0]] == [Code.UNIQUE, Code.UNIQUE]
    assert "4" in errors[(2, "名称")][1] and "2" in errors[(4, "名称")][1]  # each names the other row


@pytest.mark.django_db
def test_commit_saves_nothing_when_a_row_has_become_invalid(county_admin, township):
    content = workbook_bytes([HEAD, ["西村", "村", "新城镇", "141023100201"], ["北村", "村", "新城镇", "141023100202"]])
    assert not preview_import(county_admin, VillageResource, content, "v.xlsx").has_errors
    job = ImportJob.objects.create(user=county_admin, model_label="org.organization", file_name="v.xlsx",
                                   content=content)
    f.VillageFactory(name="北村", parent=township)  # someone adds it between the preview and the confirmation
    before = Organization.objects.count()

    report = commit_import(county_admin, VillageResource, job)

    assert report.has_errors and [e["row"] for e in report.errors] == [3]
    assert Organization.objects.count() == before and not Organization.objects.filter(name="西村").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and bytes(job.content) == b""


@pytest.mark.django_db
def test_expired_job_cannot_be_confirmed(county_admin, county_client, township):
    content = workbook_bytes([["姓名", "性别", "出生日期", "身份证号", "现工作单位"],
                              ["张三", "男", datetime.date(1986, 5, 4),
                               f.make_id_number(datetime.date(1986, 5, 4)), "新城镇"]])
    job = ImportJob.objects.create(user=county_admin, model_label="org.cadre", file_name="old.xlsx", content=content)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - JOB_LIFETIME * 2)
    response = county_client.post(reverse("org:cadre_import"), {"job": job.pk}, follow=True)
    assert "expired" in response.content.decode()
    assert not Cadre.objects.exists()


@pytest.mark.django_db
def test_job_for_another_list_is_404(county_admin, county_client):
    job = ImportJob.objects.create(user=county_admin, model_label="org.teammembership", file_name="m.xlsx",
                                   content=b"")
    assert county_client.post(reverse("org:cadre_import"), {"job": job.pk}).status_code == 404
    assert county_client.post(reverse("org:cadre_import"), {"job": "x"}).status_code == 404


def test_template_explains_every_column():
    resource = VillageResource(user=None)
    workbook = openpyxl.load_workbook(io.BytesIO(build_template(resource)))
    data, notes = workbook.worksheets
    assert [c.value for c in data[1]] == resource.headings()
    assert [c.value for c in data[2]] == ["东村", "村", "新城镇", "141023100201"]
    assert [row[0] for row in notes.iter_rows(min_row=2, max_row=5, values_only=True)] == resource.headings()
    assert any("村" in str(v.formula1) for v in data.data_validations.dataValidation)


@pytest.mark.django_db
def test_import_page_lists_the_columns(county_client):
    page = county_client.get(reverse("org:cadre_import")).content.decode()
    for heading in ("姓名", "身份证号", "现工作单位", "关键岗位"):
        assert heading in page
    assert reverse("org:cadre_import_template") in page


@pytest.mark.django_db
def test_upload_form_reports_the_file_problem(county_client):
    response = county_client.post(reverse("org:cadre_import"), {"file": SimpleUploadedFile("a.xlsx", b"a,b\n")})
    assert response.status_code == 200
    assert "not an Excel workbook" in response.content.decode()


@pytest.mark.django_db
def test_a_blank_match_column_never_matches_a_record(county_admin, township):
    assert township.division_code == ""
    content = workbook_bytes([HEAD, ["西村", "村", "新城镇", ""]])
    report = preview_import(county_admin, VillageResource, content, "v.xlsx")
    assert report.counts == {"new": 1, "update": 0, "skip": 0, "error": 0}, report.errors
