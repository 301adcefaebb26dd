"""Excel import of postings and mentoring pairs: a good file previews, then creates the records
through the services (history, audit); a re-import updates; a bad file names each bad row and
column and saves nothing."""
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banzi.core.models import AuditEvent
from banzi.practice.models import Mentorship, Posting
from tests import factories as f
from tests.practice import cases as c

pytestmark = pytest.mark.django_db

POSTING_HEADINGS = ["姓名", "派驻类型", "派驻单位", "开始日期", "结束日期", "工作目标"]
PAIR_HEADINGS = ["导师", "结对对象", "开始日期", "结束日期", "结对目标"]


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


def test_posting_import_creates_then_updates(township, township_admin, client_for):
    client = client_for(township_admin)
    wang = f.CadreFactory(organization=township, name="王干事")
    li = f.CadreFactory(organization=township, name="李干事")
    factory = c.enterprise(township, name="恒泰食品有限公司")
    weak = c.designation(township, place=c.village(township, name="东村"))
    start = c.earlier_this_year(30)
    c.group(township)
    rows = [
        ["王干事", "入企服务", "恒泰食品有限公司", start, None, "帮助企业解决用工难题"],
        ["李干事", "第一书记", "东村", start, None, "整顿转化"],
        ["李干事", "整顿工作组成员", "东村", start, None, "驻村指导"],
    ]
    response = preview(client, "practice:posting_import", xlsx(POSTING_HEADINGS, rows))
    assert not response.context["report"].has_errors, errors(response)
    assert response.context["counts"]["new"] == 3 and not Posting.objects.exists()
    response = client.post(reverse("practice:posting_import"), {"job": response.context["job"].pk})
    assert response.status_code == 302 and response.url == reverse("practice:posting_list")
    enterprise = Posting.objects.get(cadre=wang)
    assert enterprise.organization == factory and enterprise.kind == Posting.Kind.ENTERPRISE
    assert enterprise.history.get().history_user == township_admin
    fs = Posting.objects.get(cadre=li, kind=Posting.Kind.FIRST_SECRETARY)
    assert fs.organization == weak.organization
    assert Posting.objects.get(cadre=li, kind=Posting.Kind.RECTIFICATION).group is not None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, user=township_admin).exists()

    rows[0][5] = "帮助企业解决用工和融资难题"
    response = preview(client, "practice:posting_import", xlsx(POSTING_HEADINGS, rows[:1]))
    assert response.context["counts"]["update"] == 1
    client.post(reverse("practice:posting_import"), {"job": response.context["job"].pk})
    enterprise.refresh_from_db()
    assert enterprise.goals == "帮助企业解决用工和融资难题" and Posting.objects.count() == 3


def test_bad_posting_rows_are_named_and_nothing_is_saved(township, other_township, township_admin, client_for):
    client = client_for(township_admin)
    f.CadreFactory(organization=township, name="王干事")
    f.CadreFactory(organization=other_township, name="外镇干部")
    c.village(township, name="普通村")
    c.enterprise(township, name="恒泰食品有限公司")
    start = c.earlier_this_year(30)
    response = preview(client, "practice:posting_import", xlsx(POSTING_HEADINGS, [
        ["王干事", "入企服务", "恒泰食品有限公司", start, None, ""],
        ["王干事", "第一书记", "普通村", start, None, ""],
        ["外镇干部", "入企服务", "恒泰食品有限公司", start, None, ""],
        ["王干事", "入企服务", "恒泰食品有限公司", start, start - datetime.timedelta(days=1), ""],
    ]))
    found = errors(response)
    assert response.context["report"].has_errors and response.context["job"] is None
    assert "designated village" in found[(3, "派驻单位")]
    assert "No active cadre" in found[(4, "姓名")]
    assert any(r == 5 for r, _ in found)
    assert not Posting.objects.exists()


def test_pair_import_and_the_one_mentor_rule(township, township_admin, client_for):
    client = client_for(township_admin)
    f.CadreFactory(organization=township, name="张书记")
    f.CadreFactory(organization=township, name="刘镇长")
    mentee = f.CadreFactory(organization=township, name="新委员")
    start = c.earlier_this_year()
    response = preview(client, "practice:mentorship_import", xlsx(PAIR_HEADINGS, [
        ["张书记", "新委员", start, None, "熟悉党建工作"],
        ["刘镇长", "新委员", start + datetime.timedelta(days=3), None, "熟悉经济工作"],
        ["张书记", "张书记", start, None, "自己带自己"],
    ]))
    found = errors(response)
    assert "one mentor at a time" in found[(3, "结对对象")]
    assert "own mentor" in found[(4, "结对对象")]
    assert not Mentorship.objects.exists()

    response = preview(client, "practice:mentorship_import", xlsx(PAIR_HEADINGS, [
        ["张书记", "新委员", start, None, "熟悉党建工作"]]))
    assert not response.context["report"].has_errors, errors(response)
    client.post(reverse("practice:mentorship_import"), {"job": response.context["job"].pk})
    assert Mentorship.objects.get().mentee == mentee


def test_templates_and_import_buttons(township_admin, client_for):
    client = client_for(township_admin)
    for name, headings, list_url in (("posting", POSTING_HEADINGS, "practice:posting_list"),
                                     ("mentorship", PAIR_HEADINGS, "practice:mentorship_list")):
        response = client.get(reverse(f"practice:{name}_import_template"))
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert [cell.value for cell in sheet[1]][:len(headings)] == headings
        assert reverse(f"practice:{name}_import") in client.get(reverse(list_url)).content.decode()


def test_cadre_and_auditor_cannot_import(cadre_client, auditor_client):
    for client in (cadre_client, auditor_client):
        assert client.get(reverse("practice:posting_import")).status_code == 403
        assert client.get(reverse("practice:mentorship_import")).status_code == 403
