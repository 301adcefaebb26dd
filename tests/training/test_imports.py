"""Excel import of enrollments and of sign-in sheets: a good file previews and then imports through
the services; names that match no cadre are all reported and nothing is imported."""
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banzi.training.models import Attendance, Enrollment

from . import factories as tf

pytestmark = pytest.mark.django_db

SHEET = ["培训班", "课程", "日期", "姓名", "单位", "出勤", "备注"]
ROSTER = ["培训班", "姓名", "单位", "备注"]


def xlsx(rows, headings):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("签到表.xlsx", buffer.getvalue())


def preview(client, name, file):
    response = client.post(reverse(name), {"file": file})
    assert response.status_code == 200
    return response


def errors(response):
    return [(e["row"], e["column"], e["message"]) for e in response.context["report"].errors]


def confirm(client, name, response):
    job = response.context["job"]
    assert job is not None, errors(response)
    return client.post(reverse(name), {"job": job.pk})


@pytest.fixture
def program(township):
    program = tf.program(township, name="机关干部培训")
    tf.session(program, datetime.date(2025, 3, 10), title="第一课")
    return program


def test_enrollment_import(program, township, other_township, township_client):
    a, b = tf.cadre(township, name="赵一"), tf.cadre(township, name="钱二")
    stranger = tf.cadre(other_township, name="孙三")
    bad = preview(township_client, "training:enrollment_import", xlsx(
        [["机关干部培训", "赵一", None, None], ["机关干部培训", "孙三", None, None]], ROSTER))
    assert [(row, column) for row, column, _message in errors(bad)] == [(3, "姓名")]
    assert bad.context["job"] is None
    good = preview(township_client, "training:enrollment_import", xlsx(
        [["机关干部培训", "赵一", None, None], ["机关干部培训", "钱二", township.name, "带班"]], ROSTER))
    assert confirm(township_client, "training:enrollment_import", good).status_code == 302
    assert set(Enrollment.objects.values_list("cadre", flat=True)) == {a.pk, b.pk}
    assert Enrollment.objects.get(cadre=b).note == "带班"
    assert not Enrollment.objects.filter(cadre=stranger).exists()


def test_sign_in_sheet_with_unknown_names_reports_them_all_and_imports_nothing(program, township, township_client):
    a = tf.cadre(township, name="赵一")
    tf.enroll(program, a)
    response = preview(township_client, "training:attendance_import", xlsx([
        ["机关干部培训", "第一课", None, "赵一", None, None, None],
        ["机关干部培训", "第一课", None, "查无此人", None, "出席", None],
        ["机关干部培训", "第一课", None, "也没有", None, "请假", None],
    ], SHEET))
    found = errors(response)
    assert [(row, column) for row, column, _m in found] == [(3, "姓名"), (4, "姓名")]
    assert "查无此人" in found[0][2] and "也没有" in found[1][2]
    assert response.context["job"] is None
    assert not Attendance.objects.exists()


def test_sign_in_sheet_imports_statuses_and_refuses_the_unenrolled(program, township, township_client):
    a, b = tf.cadre(township, name="赵一"), tf.cadre(township, name="钱二")
    tf.enroll(program, a)
    tf.enroll(program, b)
    not_enrolled = tf.cadre(township, name="李四五")
    response = preview(township_client, "training:attendance_import", xlsx([
        ["机关干部培训", "第一课", None, "赵一", None, None, None],
        ["机关干部培训", "第一课", None, "李四五", None, "出席", None],
    ], SHEET))
    assert [(row, column) for row, column, _m in errors(response)] == [(3, "姓名")]
    assert not Attendance.objects.filter(cadre=not_enrolled).exists()
    response = preview(township_client, "training:attendance_import", xlsx([
        ["机关干部培训", "第一课", "2025-03-10", "赵一", None, None, None],
        ["机关干部培训", "第一课", None, "钱二", None, "请假", "外出开会"],
    ], SHEET))
    assert confirm(township_client, "training:attendance_import", response).status_code == 302
    statuses = dict(Attendance.objects.values_list("cadre__name", "status"))
    assert statuses == {"赵一": "present", "钱二": "excused"}
