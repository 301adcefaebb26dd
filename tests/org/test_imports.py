"""Cadre roster and team-membership imports: good files save through the UI's write path with
history and an audit event; bad files save nothing and name every bad row, column and reason."""
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import AuditEvent, ImportJob
from banzi.org.models import Cadre, Position, TeamMembership
from tests import factories as f
from tests.errors import form_codes

CADRE_HEADINGS = ["姓名", "性别", "民族", "出生日期", "身份证号", "现工作单位", "现任职务", "职级", "新提拔", "提拔时间",
                  "后备干部"]
MEMBER_HEADINGS = ["乡镇", "换届日期", "姓名", "身份证号", "职务", "是否班长", "任职时间", "免职时间", "任职文号"]


def xlsx(rows, headings=CADRE_HEADINGS, name="roster.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def cadre_row(name, birth, unit, *, gender="男", seq=1, id_number=None, **extra):
    id_number = id_number or f.make_id_number(birth, "male" if gender == "男" else "female", seq)
    row = {"姓名": name, "性别": gender, "民族": "汉族", "出生日期": birth, "身份证号": id_number, "现工作单位": unit,
           "现任职务": "科员", "职级": "科员", "新提拔": "否", "提拔时间": None, "后备干部": "否"}
    row.update(extra)
    return [row[h] for h in CADRE_HEADINGS]


def upload(client, url_name, file):
    return client.post(reverse(url_name), {"file": file})


def confirm(client, url_name, response):
    return client.post(reverse(url_name), {"job": response.context["job"].pk})


def errors_by_row(response):
    return {(e["row"], e["column"]): e["message"] for e in response.context["report"].errors}


def counts():
    """Records, their history and the audit trail but for the refused import itself, which is on it."""
    refused = AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, outcome=AuditEvent.Outcome.FAILURE)
    return Cadre.objects.count(), Cadre.history.count(), AuditEvent.objects.count() - refused.count()


# --- cadres: the good path -------------------------------------------------------------------


@pytest.mark.django_db
def test_good_roster_previews_then_creates_and_updates_with_history_and_audit(township_admin, township, client_for):
    existing = f.CadreFactory(name="王五", organization=township, post="科员", birth_date=datetime.date(1980, 3, 3))
    client = client_for(township_admin)
    file = xlsx([
        cadre_row("张三", datetime.date(1986, 5, 4), "新城镇", seq=3, 新提拔="是", 提拔时间=datetime.date(2022, 3, 1)),
        cadre_row("王五", existing.birth_date, "新城镇", id_number=existing.id_number.lower(), 现任职务="副镇长",
                  职级="副科级"),
    ])

    preview = upload(client, "org:cadre_import", file)
    assert preview.status_code == 200
    report = preview.context["report"]
    assert not report.has_errors, report.errors
    assert report.counts == {"new": 1, "update": 1, "skip": 0, "error": 0}
    assert Cadre.objects.count() == 1  # the preview saved nothing
    assert "副科级" in preview.content.decode()  # the update's change is shown

    done = confirm(client, "org:cadre_import", preview)
    assert done.status_code == 302 and done["Location"] == reverse("org:cadre_list")
    created = Cadre.objects.get(name="张三")
    assert created.is_newly_promoted and created.promoted_on == datetime.date(2022, 3, 1)
    assert created.gender == Cadre.Gender.MALE and created.organization == township
    existing.refresh_from_db()
    assert existing.post == "副镇长" and existing.rank == Cadre.Rank.DEPUTY_SECTION_CHIEF
    assert created.history.get().history_user == township_admin
    latest = existing.history.first()
    assert latest.history_type == "~" and latest.history_user == township_admin
    assert "roster.xlsx" in latest.history_change_reason
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.kind == AuditEvent.Kind.TRANSFER and event.user == township_admin
    assert "roster.xlsx" in event.detail
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE and bytes(job.content) == b""
    assert job.summary["counts"]["new"] == 1


@pytest.mark.django_db
def test_unchanged_rows_are_not_saved_again(county_client, township):
    cadre = f.CadreFactory(name="赵六", organization=township, post="科员", phone="", ethnicity="汉族")
    file = xlsx([[cadre.name, "男", "汉族", cadre.birth_date, cadre.id_number, "新城镇", "科员", None, "否", None, "否"]])
    preview = upload(county_client, "org:cadre_import", file)
    assert preview.context["report"].counts == {"new": 0, "update": 0, "skip": 1, "error": 0}
    confirm(county_client, "org:cadre_import", preview)
    assert cadre.history.count() == 1


@pytest.mark.django_db
def test_job_is_single_use(county_client, township):
    preview = upload(county_client, "org:cadre_import", xlsx([cadre_row("张三", datetime.date(1986, 5, 4), "新城镇")]))
    confirm(county_client, "org:cadre_import", preview)
    again = confirm(county_client, "org:cadre_import", preview)
    assert again.status_code == 302 and again["Location"] == reverse("org:cadre_import")
    assert Cadre.objects.count() == 1
    imports = AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).order_by("id")
    assert [e.outcome for e in imports] == [AuditEvent.Outcome.SUCCESS, AuditEvent.Outcome.FAILURE]


# --- cadres: bad files change nothing and report every bad row -------------------------------


@pytest.mark.django_db
def test_bad_rows_are_all_reported_and_nothing_is_saved(township_admin, township, other_township, client_for):
    f.CadreFactory(organization=township)
    client = client_for(township_admin)
    good_id = f.make_id_number(datetime.date(1990, 1, 2), "male", 7)
    bad_checksum = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    file = xlsx([
        cadre_row("好人", datetime.date(1988, 8, 8), "新城镇", seq=2),                                   # row 2: fine
        cadre_row("甲", datetime.date(1990, 1, 2), "新城镇", id_number=bad_checksum),                    # row 3
        cadre_row("乙", datetime.date(1991, 1, 2), "新城镇",
                  id_number=f.make_id_number(datetime.date(1992, 1, 2), "male", 3)),                  # row 4
        cadre_row("丙", datetime.date(1985, 1, 1), "新城镇", seq=9),                                    # row 5
        cadre_row("丙二", datetime.date(1985, 1, 1), "新城镇", seq=9),                                  # row 6
        cadre_row("丁", datetime.date(1987, 2, 2), "赵康镇", seq=4),                                    # row 7
        cadre_row("戊", datetime.date(1987, 3, 3), "新城镇", seq=5, 性别="未知"),                         # row 8
        cadre_row("己", datetime.date(1987, 4, 4), "新城镇", seq=6, 新提拔="是"),                         # row 9
    ])
    before = counts()

    preview = upload(client, "org:cadre_import", file)

    assert counts() == before
    report = preview.context["report"]
    assert report.has_errors and preview.context["job"] is None
    errors = errors_by_row(preview)
    assert "check digit" in errors[(3, "身份证号")]
    assert "birth date" in errors[(4, "身份证号")]
    assert "6" in errors[(5, "身份证号")] and "5" in errors[(6, "身份证号")]
    assert "organizations you manage" in errors[(7, "现工作单位")]
    assert "未知" in errors[(8, "性别")]
    assert "promotion" in errors[(9, "提拔时间")]
    assert {row.number for row in report.error_rows} == {3, 4, 5, 6, 7, 8, 9}
    page = preview.content.decode()
    assert "Confirm the import" not in page and 'name="job"' not in page
    assert 'data-row="7"' in page and "现工作单位" in page
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name, content", [
    ("roster.xlsx", "姓名,性别\n张三,男\n".encode()),
    ("roster.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),  # Excel 97–2003
    ("roster.txt", b"just text"),
])
def test_files_that_are_not_xlsx_are_refused(county_client, township, name, content):
    before = counts()
    response = upload(county_client, "org:cadre_import", SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert form_codes(response.context["form"]) == {"file": [Code.FILE_TYPE]}
    assert counts() == before and not ImportJob.objects.exists()


@pytest.mark.django_db
def test_too_big_file_is_refused(county_client, township, settings):
    settings.BANZI_IMPORT_MAX_BYTES = 1000
    file = xlsx([cadre_row("张三", datetime.date(1986, 5, 4), "新城镇")])
    before = counts()
    response = upload(county_client, "org:cadre_import", file)
    assert form_codes(response.context["form"]) == {"file": [Code.FILE_SIZE]}
    assert counts() == before


@pytest.mark.django_db
def test_too_many_rows_are_refused(county_client, township, settings):
    settings.BANZI_IMPORT_MAX_ROWS = 2
    rows = [cadre_row(f"人{i}", datetime.date(1980 + i, 1, 1), "新城镇", seq=i) for i in range(3)]
    before = counts()
    response = upload(county_client, "org:cadre_import", xlsx(rows))
    assert form_codes(response.context["form"]) == {"file": [Code.TOO_MANY_ROWS]}
    assert counts() == before


@pytest.mark.django_db
def test_missing_columns_are_named(county_client, township):
    file = xlsx([["张三", "男"]], headings=["姓名", "性别"])
    before = counts()
    response = upload(county_client, "org:cadre_import", file)
    assert form_codes(response.context["form"]) == {"file": [Code.MISSING_COLUMNS]}
    message = " ".join(response.context["form"].errors["file"])  # it names the missing columns
    assert "出生日期" in message and "身份证号" in message and "现工作单位" in message
    assert counts() == before


# --- scope and permission ---------------------------------------------------------------------


@pytest.mark.django_db
def test_township_admin_cannot_import_into_another_township(other_township_admin, township, client_for):
    client = client_for(other_township_admin)  # manages 赵康镇, not 新城镇
    existing = f.CadreFactory(organization=township)
    file = xlsx([
        cadre_row("张三", datetime.date(1986, 5, 4), "新城镇", seq=1),
        cadre_row(existing.name, existing.birth_date, "赵康镇", id_number=existing.id_number),
    ])
    before = counts()
    preview = upload(client, "org:cadre_import", file)
    errors = errors_by_row(preview)
    assert "organizations you manage" in errors[(2, "现工作单位")]
    assert "Another cadre already has this ID number" in errors[(3, "身份证号")]  # not matched, not moved
    assert counts() == before
    existing.refresh_from_db()
    assert existing.organization == township


@pytest.mark.django_db
def test_only_writers_may_import(auditor_client, cadre_client):
    for client in (auditor_client, cadre_client):
        assert client.get(reverse("org:cadre_import")).status_code == 403
        assert client.get(reverse("org:cadre_import_template")).status_code == 403


@pytest.mark.django_db
def test_another_users_job_is_404(county_client, county_admin, other_township_admin, client_for, township):
    preview = upload(county_client, "org:cadre_import", xlsx([cadre_row("张三", datetime.date(1986, 5, 4), "新城镇")]))
    job = preview.context["job"]
    response = client_for(other_township_admin).post(reverse("org:cadre_import"), {"job": job.pk})
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PENDING and not Cadre.objects.exists()


@pytest.mark.django_db
def test_list_page_links_to_import(county_client, township_client):
    assert reverse("org:cadre_import") in county_client.get(reverse("org:cadre_list")).content.decode()
    assert reverse("org:teammembership_import") in township_client.get(
        reverse("org:teammembership_list")).content.decode()


# --- templates ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url_name, headings", [
    ("org:cadre_import_template", ["姓名", "性别", "民族", "出生日期", "身份证号", "籍贯", "入党时间", "参加工作时间",
                                   "全日制学历", "在职学历", "现工作单位", "现任职务", "职级", "联系电话", "新提拔",
                                   "提拔时间", "关键岗位"]),
    ("org:teammembership_import_template", MEMBER_HEADINGS),
])
def test_template_is_an_xlsx_with_the_headings_and_an_example(county_client, township, url_name, headings):
    response = county_client.get(reverse(url_name))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == headings
    assert len(rows) == 2 and rows[1][0]


@pytest.mark.django_db
def test_uploading_the_template_unchanged_imports_nothing(county_client, township):
    template = county_client.get(reverse("org:cadre_import_template")).content
    preview = upload(county_client, "org:cadre_import", SimpleUploadedFile("template.xlsx", template))
    errors = preview.context["report"].errors
    assert len(errors) == 1 and errors[0]["row"] == 2 and errors[0]["code"] == Code.EXAMPLE_ROW


# --- team memberships ------------------------------------------------------------------------


# The township's current team: elected two years ago, in its five-year term.
ELECTED = datetime.date(clock.today().year - 2, 9, 1)


@pytest.fixture
def team(township):
    return f.TeamFactory(township=township, elected_on=ELECTED)


def member_row(cadre, position, *, head="否", started=ELECTED, township="新城镇", elected=ELECTED, ended=None,
               document=""):
    return [township, elected, cadre.name, cadre.id_number, position, head, started, ended, document]


@pytest.mark.django_db
def test_membership_import_creates_and_updates(township_admin, township, team, client_for):
    secretary = f.CadreFactory(organization=township)
    mayor = f.CadreFactory(organization=township)
    current = f.TeamMembershipFactory(team=team, cadre=mayor, position=Position.objects.get(name="乡镇长"),
                                      started_on=ELECTED)
    client = client_for(township_admin)
    file = xlsx([
        member_row(secretary, "党委书记", head="是", document="襄组字〔2021〕1号"),
        member_row(mayor, "乡镇长", ended=ELECTED.replace(month=12), elected=None),  # empty date: current team
    ], headings=MEMBER_HEADINGS)
    preview = upload(client, "org:teammembership_import", file)
    assert preview.context["report"].counts == {"new": 1, "update": 1, "skip": 0, "error": 0}, \
        preview.context["report"].errors
    response = confirm(client, "org:teammembership_import", preview)
    assert response["Location"] == reverse("org:teammembership_list")
    head = TeamMembership.objects.get(cadre=secretary)
    assert head.is_head and head.team == team and head.appointment_document == "襄组字〔2021〕1号"
    assert head.history.get().history_user == township_admin
    current.refresh_from_db()
    assert current.ended_on == ELECTED.replace(month=12)


@pytest.mark.django_db
def test_membership_import_enforces_one_head_per_team(county_client, township, team):
    sitting = f.TeamMembershipFactory(team=team, position=Position.objects.get(name="党委书记"), is_head=True,
                                      started_on=ELECTED)
    first, second = f.CadreFactory(organization=township), f.CadreFactory(organization=township)
    file = xlsx([
        member_row(first, "党委副书记", head="是"),
        member_row(second, "乡镇长", head="是", started=ELECTED.replace(month=12)),
    ], headings=MEMBER_HEADINGS)
    before = TeamMembership.objects.count()
    preview = upload(county_client, "org:teammembership_import", file)
    errors = errors_by_row(preview)
    assert sitting.cadre.name in errors[(2, "是否班长")]
    assert "one head" in errors[(3, "是否班长")]
    assert TeamMembership.objects.count() == before


@pytest.mark.django_db
def test_two_heads_in_one_file_are_refused(county_client, township, team):
    first, second = f.CadreFactory(organization=township), f.CadreFactory(organization=township)
    file = xlsx([
        member_row(first, "党委书记", head="是"),
        member_row(second, "党委副书记", head="是"),
    ], headings=MEMBER_HEADINGS)
    preview = upload(county_client, "org:teammembership_import", file)
    errors = errors_by_row(preview)
    assert list(errors) == [(3, "是否班长")] and first.name in errors[(3, "是否班长")]
    assert not TeamMembership.objects.exists()


@pytest.mark.django_db
def test_membership_rows_name_what_is_wrong(township_admin, township, other_township, team, client_for):
    f.TeamFactory(township=other_township, elected_on=ELECTED)
    cadre = f.CadreFactory(organization=township, name="张三")
    stranger = f.CadreFactory(organization=other_township)
    file = xlsx([
        member_row(cadre, "党委书记", township="赵康镇"),                                      # row 2: not theirs
        member_row(cadre, "不存在的职务"),                                                     # row 3
        member_row(cadre, "组织委员", elected=datetime.date(2019, 1, 1)),                     # row 4: no such team
        member_row(stranger, "宣传委员"),                                                     # row 5: cadre not theirs
        [*member_row(cadre, "武装部长")[:2], "李四", *member_row(cadre, "武装部长")[3:]],      # row 6: wrong name
        member_row(cadre, "纪委书记", ended=ELECTED.replace(month=1)),                       # row 7: ends before start
    ], headings=MEMBER_HEADINGS)
    preview = upload(client_for(township_admin), "org:teammembership_import", file)
    errors = errors_by_row(preview)
    assert "organizations you manage" in errors[(2, "乡镇 / 换届日期")]
    assert "不存在的职务" in errors[(3, "职务")]
    assert "2019-01-01" in errors[(4, "乡镇 / 换届日期")]
    assert "ID number" in errors[(5, "身份证号")]
    assert "张三" in errors[(6, "身份证号")]
    assert "after the start date" in errors[(7, "免职时间")]
    assert not TeamMembership.objects.exists()
