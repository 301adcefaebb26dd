"""Attendance: the monthly summary counts each day once — the record if there is one, else approved
leave, else an outing report, else "not recorded" on a working day — computed on small hand-built
data; the attendance import reports every unknown name and impossible date and saves nothing."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from banzi.conduct.duty import attendance
from banzi.conduct.duty.models import AttendanceRecord
from banzi.conduct.models import LeaveRequest, OutingReport
from banzi.core.errors import Code
from banzi.core.models import CalendarDay, CalendarYear
from tests import factories as f
from tests.conduct import duty_factories as d
from tests.generic import xlsx_rows

pytestmark = pytest.mark.django_db

Status = AttendanceRecord.Status
# March 2026: 1 March is a Sunday; working days are the 22 weekdays (no holiday in the test calendar).
YEAR, MONTH = 2026, 3


def local(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def march(township):
    CalendarYear.objects.get_or_create(year=YEAR)
    CalendarDay.objects.update_or_create(date=datetime.date(2026, 3, 9),
                                         defaults={"kind": CalendarDay.Kind.REST, "name": "测试假日"})
    assert not CalendarDay.objects.filter(date__year=YEAR, date__month=MONTH).exclude(
        date=datetime.date(2026, 3, 9)).exists()  # no other holiday or adjusted day in March 2026
    zhang = f.CadreFactory(organization=township, name="张三")
    li = f.CadreFactory(organization=township, name="李四")
    for day in (2, 3, 4):
        AttendanceRecord.objects.create(cadre=zhang, organization=township, date=datetime.date(2026, 3, day),
                                        status=Status.PRESENT)
    AttendanceRecord.objects.create(cadre=zhang, organization=township, date=datetime.date(2026, 3, 5),
                                    status=Status.ABSENT)
    # A Saturday business trip counts, being recorded.
    AttendanceRecord.objects.create(cadre=zhang, organization=township, date=datetime.date(2026, 3, 7),
                                    status=Status.BUSINESS_TRIP)
    # Approved leave 10–13 March (Tue–Fri), back on the 13th: leave on 10, 11, 12.
    LeaveRequest.objects.create(cadre=zhang, kind="personal", starts_on=datetime.date(2026, 3, 10),
                                ends_on=datetime.date(2026, 3, 13), status=LeaveRequest.Status.APPROVED,
                                returned_on=datetime.date(2026, 3, 13))
    # A rejected request fills nothing.
    LeaveRequest.objects.create(cadre=zhang, kind="sick", starts_on=datetime.date(2026, 3, 16),
                                ends_on=datetime.date(2026, 3, 17), status=LeaveRequest.Status.REJECTED)
    # An outing 18–19 March; the record on the 19th wins over it.
    OutingReport.objects.create(cadre=zhang, destination="太原", reason="汇报工作", departs_at=local(
        datetime.date(2026, 3, 18), 8), planned_return_at=local(datetime.date(2026, 3, 19), 18), contact="13900000000")
    AttendanceRecord.objects.create(cadre=zhang, organization=township, date=datetime.date(2026, 3, 19),
                                    status=Status.PRESENT)
    return zhang, li


def test_monthly_summary_derives_leave_and_outings(march, township, county_admin):
    zhang, li = march
    today = datetime.date(2026, 4, 15)
    rows, totals = attendance.monthly_summary(county_admin, YEAR, MONTH, today=today)
    by_name = {row.label: row.counts for row in rows}
    working_days = 22 - 1  # the weekdays of March less the test holiday on the 9th
    # 张三: present 2, 3, 4, 19; absent 5; trip 7 (Saturday); leave 10, 11, 12; outing 18.
    assert by_name["张三"][Status.PRESENT] == 4
    assert by_name["张三"][Status.ABSENT] == 1
    assert by_name["张三"][Status.BUSINESS_TRIP] == 1
    assert by_name["张三"][Status.LEAVE] == 3
    assert by_name["张三"][Status.OUTING] == 1
    recorded_on_working_days = 4 + 1 + 3 + 1  # the trip fell on a Saturday
    assert by_name["张三"][attendance.NOT_RECORDED] == working_days - recorded_on_working_days
    assert by_name["李四"][attendance.NOT_RECORDED] == working_days
    (total,) = totals
    assert total.label == township.name
    assert total.counts[Status.PRESENT] == 4 and total.counts[attendance.NOT_RECORDED] == (
        2 * working_days - recorded_on_working_days)


def test_summary_stops_at_today_and_respects_scope(march, township, other_township, other_township_admin):
    rows, _totals = attendance.monthly_summary(other_township_admin, YEAR, MONTH, today=datetime.date(2026, 4, 1))
    assert rows == []
    zhang, _li = march
    from banzi.core.roles import Role
    admin = f.UserFactory(role=Role.TOWNSHIP_ADMIN, organization=township)
    rows, _ = attendance.monthly_summary(admin, YEAR, MONTH, today=datetime.date(2026, 3, 4))
    counts = {row.label: row.counts for row in rows}["张三"]
    # 2–4 March only: three present days, nothing later counted.
    assert sum(counts.values()) == 3 and counts[Status.PRESENT] == 3


def test_summary_page_and_export(march, county_client):
    url = reverse("conduct:attendance_summary")
    response = county_client.get(url, {"year": YEAR, "month": MONTH})
    assert response.status_code == 200
    names = [row.label for row in response.context["rows"]]
    assert set(names) == {"张三", "李四"}
    rows = xlsx_rows(county_client.get(url, {"year": YEAR, "month": MONTH, "_export": "xlsx"}))
    zhang_row = next(r for r in rows if r[0] == "张三")
    assert zhang_row[2:7] == ["4", "3", "1", "1", "1"]


# --- import ---------------------------------------------------------------------------------------

HEADINGS = ["姓名", "单位", "日期", "考勤", "备注"]


def xlsx(rows):
    return d.upload("考勤.xlsx", HEADINGS, rows)


errors = d.import_errors


def test_attendance_import_creates_then_updates(township, township_admin, client_for):
    client = client_for(township_admin)
    zhang = f.CadreFactory(organization=township, name="张三")
    url = reverse("conduct:attendancerecord_import")
    response = client.post(url, {"file": xlsx([["张三", township.name, "2026-03-02", "出勤", ""],
                                               ["张三", None, datetime.date(2026, 3, 3), "出差", "赴县汇报"]])})
    assert not response.context["report"].has_errors, errors(response)
    assert not AttendanceRecord.objects.exists()
    client.post(url, {"job": response.context["job"].pk})
    assert AttendanceRecord.objects.filter(cadre=zhang).count() == 2
    assert AttendanceRecord.objects.get(date=datetime.date(2026, 3, 3)).status == Status.BUSINESS_TRIP
    assert AttendanceRecord.objects.first().history.get().history_user == township_admin
    response = client.post(url, {"file": xlsx([["张三", None, "2026-03-02", "旷工", ""]])})
    assert response.context["counts"]["update"] == 1


def test_attendance_import_reports_every_bad_row_and_saves_nothing(township, other_township, township_admin,
                                                                   client_for):
    client = client_for(township_admin)
    f.CadreFactory(organization=township, name="张三")
    f.CadreFactory(organization=other_township, name="外镇干部")
    response = client.post(reverse("conduct:attendancerecord_import"), {"file": xlsx([
        ["张三", None, "2026-03-02", "出勤", ""],
        ["查无此人", None, "2026-03-02", "出勤", ""],
        ["张三", None, "2026-02-30", "出勤", ""],
        ["外镇干部", None, "2026-03-02", "出勤", ""],
        ["张三", None, "2026-03-04", "摸鱼", ""],
    ])})
    report = response.context["report"]
    assert report.has_errors and response.context["job"] is None
    found, codes = errors(response), d.import_codes(response)
    assert [codes[(3, "姓名")], codes[(4, "日期")], codes[(5, "姓名")], codes[(6, "考勤")]] == [Code.INVALID] * 4
    assert "查无此人" in found[(3, "姓名")] and "外镇干部" in found[(5, "姓名")]  # each names the value it could not read
    assert not AttendanceRecord.objects.exists()


def test_summary_api_gives_the_same_counts(march, township, county_admin):
    from rest_framework.test import APIClient

    from banzi.accounts import tokens

    _token, key = tokens.issue(county_admin)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/conduct/attendance-summary/", {"year": YEAR, "month": MONTH,
                                                                  "township": township.pk})
    assert response.status_code == 200
    rows = {row["name"]: row["counts"] for row in response.json()}
    rows_page, _ = attendance.monthly_summary(county_admin, YEAR, MONTH, township=township)
    expected = {row.label: {c: row.counts.get(c, 0) for c in attendance.COLUMNS} for row in rows_page}
    assert rows == expected
    assert rows["张三"][Status.LEAVE] == 3 and rows["张三"][Status.OUTING] == 1
    assert client.get("/api/v1/conduct/attendance-summary/", {"year": YEAR, "month": 13}).status_code == 400
