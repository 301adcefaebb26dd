"""Excel import of work lists with their tasks: a good file previews, then creates the lists and
tasks through the services (history, audit); a re-import updates; a bad file names every bad row
and column and saves nothing."""
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.tasks.models import Task, WorkList
from tests import factories as f
from tests.tasks import cases as c

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English, the message ids, whatever the catalog holds."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

HEADINGS = ["乡镇", "班子成员", "年度", "分工", "任务", "目标", "措施", "责任人", "开始日期", "完成时限", "来源"]
IMPORT = "tasks:task_import"


def xlsx(rows, headings=HEADINGS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("工作清单.xlsx", buffer.getvalue())


def row(township, member, title, **extra):
    year = c.this_year()  # the members sit on their team this year
    values = {"乡镇": township.name, "班子成员": member.name, "年度": year, "分工": "分管党建", "任务": title,
              "目标": "全部达标", "措施": "逐村推进", "责任人": None, "开始日期": datetime.date(year, 2, 1),
              "完成时限": datetime.date(year, 11, 30), "来源": "年初清单"}
    values.update(extra)
    return [values[h] for h in HEADINGS]


def preview(client, file):
    response = client.post(reverse(IMPORT), {"file": file})
    assert response.status_code == 200
    return response


def errors(response):
    return {(e["row"], e["column"]): e["message"] for e in response.context["report"].errors}


def error_codes(response):
    return {(e["row"], e["column"]): e["code"] for e in response.context["report"].errors}


def test_work_list_import_creates_lists_and_tasks_then_updates(township, township_admin, client_for):
    client = client_for(township_admin)
    zhang = c.team_member(township, f.CadreFactory(organization=township, name="张书记"))
    li = c.team_member(township, f.CadreFactory(organization=township, name="李镇长"))
    helper = f.CadreFactory(organization=township, name="王干事")
    file_rows = [
        row(township, zhang, "村级活动场所提档升级"),
        row(township, zhang, "软弱涣散村整顿", 责任人="王干事", 来源="上级交办", 开始日期=None),
        row(township, li, "集体经济破零", 分工="分管经济"),
    ]
    response = preview(client, xlsx(file_rows))
    assert not response.context["report"].has_errors, errors(response)
    assert response.context["counts"]["new"] == 3
    assert not Task.objects.exists() and not WorkList.objects.exists()

    response = client.post(reverse(IMPORT), {"job": response.context["job"].pk})
    assert response.status_code == 302 and response.url == reverse("tasks:worklist_list")
    assert WorkList.objects.count() == 2
    year = c.this_year()
    zhang_list = WorkList.objects.get(cadre=zhang, year=year)
    assert zhang_list.responsibilities == "分管党建" and zhang_list.organization == township
    first, second = zhang_list.tasks.order_by("id")
    assert first.responsible == zhang and first.start_on == datetime.date(year, 2, 1)
    assert second.responsible == helper and second.source == Task.Source.ASSIGNED
    assert second.start_on == datetime.date(year, 1, 1)
    assert first.history.get().history_user == township_admin
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, user=township_admin).exists()

    response = preview(client, xlsx([row(township, zhang, "村级活动场所提档升级", 目标="年底前全部达标")]))
    assert response.context["counts"]["update"] == 1
    client.post(reverse(IMPORT), {"job": response.context["job"].pk})
    first.refresh_from_db()
    assert first.target == "年底前全部达标" and Task.objects.count() == 3


def test_bad_rows_are_named_and_nothing_is_saved(township, other_township, township_admin, client_for):
    client = client_for(township_admin)
    member = c.team_member(township, f.CadreFactory(organization=township, name="张书记"))
    outsider = f.CadreFactory(organization=township, name="非班子成员")
    far = c.team_member(other_township, f.CadreFactory(organization=other_township, name="外镇书记"))
    response = preview(client, xlsx([
        row(township, member, "正常任务"),
        row(township, outsider, "清单不属于班子成员"),
        row(township, member, "时限早于开始", 完成时限=datetime.date(c.this_year(), 1, 15)),
        row(other_township, far, "外镇任务"),
        row(township, member, "正常任务"),
    ]))
    report = response.context["report"]
    assert report.has_errors and response.context["job"] is None
    found = error_codes(response)
    assert found[(3, "班子成员")] == Code.NOT_TEAM_MEMBER
    assert found[(4, "完成时限")] == Code.DATE_ORDER
    assert any(r == 5 for r, _ in found)
    assert any(r in (2, 6) for r, _ in found)  # the same task twice
    assert not Task.objects.exists() and not WorkList.objects.exists()


def test_template_and_import_button(township_admin, client_for):
    client = client_for(township_admin)
    response = client.get(reverse("tasks:task_import_template"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:5] == ["乡镇", "班子成员", "年度", "分工", "任务"]
    body = client.get(reverse("tasks:worklist_list")).content.decode()
    assert reverse(IMPORT) in body


def test_cadre_and_auditor_cannot_import(cadre_client, auditor_client):
    for client in (cadre_client, auditor_client):
        assert client.get(reverse(IMPORT)).status_code == 403
