"""Excel import of résumé entries and family members: cadres found by ID number (the name checked) or
by name and unit; a good file previews, then creates the records through the services; a re-import
updates; an overlapping or otherwise bad row is named and nothing is saved; the template downloads."""
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banzi.cadres.models import FamilyMember, ResumeEntry
from banzi.core.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
RESUME = ["姓名", "身份证号", "单位", "起始年月", "终止年月", "单位及职务", "是否兼任"]
FAMILY = ["姓名", "身份证号", "单位", "称谓", "家庭成员姓名", "出生年月", "政治面貌", "工作单位及职务"]


def xlsx(headings, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("导入.xlsx", buffer.getvalue())


def preview(client, url, file):
    response = client.post(reverse(url), {"file": file})
    assert response.status_code == 200
    return response


def errors(response):
    return {(e["row"], e["column"]): e["message"] for e in response.context["report"].errors}


def confirm(client, url, response):
    assert not response.context["report"].has_errors, errors(response)
    return client.post(reverse(url), {"job": response.context["job"].pk})


def test_resume_import_by_id_number_or_name_then_update(township, township_admin, client_for):
    client = client_for(township_admin)
    wang = f.CadreFactory(organization=township, name="王干事")
    li = f.CadreFactory(organization=township, name="李干事")
    rows = [
        ["王干事", wang.id_number, "", "2010.08", "2018.06", "某某镇人民政府科员", "否"],
        ["王干事", wang.id_number, "", "2018.06", "", "某某镇党委委员、副镇长", "否"],
        ["李干事", "", township.name, "2012-03", "", "某某镇党政办主任", ""],
    ]
    url = "cadres:resumeentry_import"
    response = preview(client, url, xlsx(RESUME, rows))
    assert response.context["counts"]["new"] == 3 and not ResumeEntry.objects.exists()
    response = confirm(client, url, response)
    assert response.status_code == 302 and response.url == reverse("cadres:resumeentry_list")
    assert list(ResumeEntry.objects.filter(cadre=wang).values_list("starts_on", flat=True)) == [
        D(2010, 8, 1), D(2018, 6, 1)]
    assert ResumeEntry.objects.get(cadre=li).history.get().history_user == township_admin
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, user=township_admin).exists()

    rows[2][4] = "2020.01"
    response = preview(client, url, xlsx(RESUME, rows[2:]))
    assert response.context["counts"]["update"] == 1
    confirm(client, url, response)
    assert ResumeEntry.objects.get(cadre=li).ends_on == D(2020, 1, 1) and ResumeEntry.objects.count() == 3


def test_bad_resume_rows_are_named_and_nothing_is_saved(township, other_township, township_admin, client_for):
    client = client_for(township_admin)
    wang = f.CadreFactory(organization=township, name="王干事")
    outsider = f.CadreFactory(organization=other_township, name="外镇干部")
    response = preview(client, "cadres:resumeentry_import", xlsx(RESUME, [
        ["王干事", wang.id_number, "", "2010.08", "2018.06", "某某镇人民政府科员", "否"],
        ["王干事", wang.id_number, "", "2018.01", "", "某某镇副镇长", "否"],
        ["李四", wang.id_number, "", "2019.01", "", "兼任某村第一书记", "是"],
        ["外镇干部", outsider.id_number, "", "2010.01", "", "某某镇科员", ""],
        ["王干事", "", "", "2020.05", "2020.01", "某某镇科员", "是"],
    ]))
    found = errors(response)
    assert response.context["job"] is None
    assert "overlaps" in found[(3, "起始年月")]
    assert "belongs to 王干事" in found[(4, "姓名")]
    assert "No active cadre" in found[(5, "姓名")]
    assert "end month" in found[(6, "终止年月")]
    assert not ResumeEntry.objects.exists()


def test_family_import(township, township_admin, client_for):
    client = client_for(township_admin)
    wang = f.CadreFactory(organization=township, name="王干事")
    url = "cadres:familymember_import"
    response = preview(client, url, xlsx(FAMILY, [
        ["王干事", wang.id_number, "", "妻子", "李秀兰", "1985.03", "群众", "县一中教师"],
        ["王干事", wang.id_number, "", "儿子", "王小明", "2099-01-01", "", "学生"],
    ]))
    assert "future" in errors(response)[(3, "出生年月")]
    assert not FamilyMember.objects.exists()
    response = preview(client, url, xlsx(FAMILY, [
        ["王干事", wang.id_number, "", "妻子", "李秀兰", "1985.03", "群众", "县一中教师"],
        ["王干事", "", township.name, "儿子", "王小明", "2012-05-06", "", "学生"],
    ]))
    confirm(client, url, response)
    assert list(FamilyMember.objects.filter(cadre=wang).order_by("id").values_list("name", "birth_date")) == [
        ("李秀兰", D(1985, 3, 1)), ("王小明", D(2012, 5, 6))]


@pytest.mark.parametrize("url", ["cadres:resumeentry_import_template", "cadres:familymember_import_template"])
def test_the_templates_download(township_client, url):
    response = township_client.get(reverse(url))
    assert response.status_code == 200
    headings = [cell.value for cell in openpyxl.load_workbook(io.BytesIO(response.content)).active[1]]
    assert "姓名" in headings and "身份证号" in headings
