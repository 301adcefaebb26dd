"""The study pages: a cadre's own daily study, the committee's monthly totals (no notes), the study
calendar and a cadre's history from the registries, the duty matrix and a leader's duties, and the
sign-in sheet import."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banzi.core.errors import Code
from banzi.study import credits, duties, sources
from banzi.study.models import StudyAttendance, StudyKind, StudyRecord
from tests import factories as f
from tests.errors import form_codes
from tests.generic import xlsx_rows

from .factories import duty, leader, record, session, today, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_cadre_records_study_and_sees_it_on_the_calendar(cadre_client, cadre_user):
    url = reverse("study:my_study")
    response = cadre_client.post(url, {"studied_on": today().isoformat(), "minutes": "40", "material": "党章",
                                       "note": "第一章"})
    assert response.status_code == 302
    saved = StudyRecord.objects.get()
    assert (saved.cadre, saved.minutes) == (cadre_user.cadre, 40)
    body = cadre_client.get(response.url).content.decode()
    assert f'data-date="{today().isoformat()}"' in body and 'data-minutes="40"' in body and ">40′</a>" in body


def test_bad_entries_are_refused_on_the_page(cadre_client):
    url = reverse("study:my_study")
    future = (today() + datetime.timedelta(days=1)).isoformat()
    for data, field, code in [({"minutes": "0"}, "minutes", Code.MINUTES),
                              ({"studied_on": future}, "studied_on", Code.FUTURE_DATE),
                              ({"minutes": "1441"}, "minutes", Code.MINUTES)]:
        response = cadre_client.post(url, {"studied_on": today().isoformat(), "minutes": "30", "material": "党章",
                                           **data})
        assert response.status_code == 200
        assert form_codes(response.context["form"]) == {field: [code]}
    assert not StudyRecord.objects.exists()


def test_committee_sees_totals_never_the_material_or_note(township, township_client, cadre_user):
    record(cadre_user.cadre, studied_on=today(), minutes=30, material="秘密读物", note="个人心得")
    totals = township_client.get(reverse("study:monthly_totals"))
    body = totals.content.decode()
    assert cadre_user.cadre.name in body and "秘密读物" not in body and "个人心得" not in body
    rows = xlsx_rows(township_client.get(reverse("study:monthly_totals"), {"_export": "xlsx"}))
    assert [cadre_user.cadre.name, township.name, "1", "30"] in rows
    mine = StudyRecord.objects.get()
    for url in (reverse("study:studyrecord_list"), reverse("study:studyrecord_detail", args=[mine.pk]),
                reverse("study:studyrecord_edit", args=[mine.pk])):
        body = township_client.get(url).content.decode()
        assert "秘密读物" not in body and "个人心得" not in body, url
    rows = xlsx_rows(township_client.get(reverse("study:studyrecord_list"), {"_export": "xlsx"}))
    assert not any("秘密读物" in cell for row in rows for cell in row)
    # The cadre sees their own.
    assert cadre_user.cadre.name  # noqa: S101
    # Searching the list does not find records by their material either.
    assert township_client.get(reverse("study:studyrecord_list"), {"q": "秘密"}).context["table"].paginator.count == 0


def test_monthly_totals_are_for_committees_only(cadre_client, township_client, township, other_township):
    assert cadre_client.get(reverse("study:monthly_totals")).status_code == 403
    far = f.CadreFactory(organization=other_township, name="远方")
    assert "远方" not in township_client.get(reverse("study:monthly_totals")).content.decode()
    assert far.pk


def test_monthly_totals_query_count_does_not_grow(township, township_client):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert township_client.get(reverse("study:monthly_totals")).status_code == 200
        return len(ctx.captured_queries)
    for _ in range(3):
        record(f.CadreFactory(organization=township), studied_on=today())
    few = count()
    for _ in range(20):
        record(f.CadreFactory(organization=township), studied_on=today())
    assert count() == few


def test_calendar_and_history_read_every_registered_source(township, other_township, township_client, county_client):
    cadre = f.CadreFactory(organization=township)
    own = session(township, held_on=today(), topic="本镇中心组学习")
    StudyAttendance.objects.create(session=own, cadre=cadre)
    session(other_township, held_on=today(), topic="外镇学习")

    def meetings(start, end, organization_ids=None, cadre_ids=None):
        yield sources.GroupStudy(organization_id=township.pk, date=today(), kind=StudyKind.COMMITTEE_THEORY,
                                 topic="党委会议专题学习", minutes=60, attendee_ids=frozenset({cadre.pk}),
                                 source="governance.meeting", source_id=1)
    sources.provider(meetings)
    try:
        body = township_client.get(reverse("study:calendar"), {"month": f"{today():%Y-%m}"}).content.decode()
        assert "本镇中心组学习" in body and "党委会议专题学习" in body and "外镇学习" not in body
        history = township_client.get(reverse("study:cadre_study", args=[cadre.pk]))
        assert [s.topic for s in history.context["studies"]] == sorted(["本镇中心组学习", "党委会议专题学习"])
        assert history.context["group_minutes"] == 90 + 60
        assert "外镇学习" in county_client.get(reverse("study:calendar")).content.decode()
    finally:
        sources._providers.remove(meetings)
    assert "党委会议专题学习" not in township_client.get(reverse("study:calendar")).content.decode()


def test_cadre_history_outside_scope_is_404(township_client, other_township):
    far = f.CadreFactory(organization=other_township)
    assert township_client.get(reverse("study:cadre_study", args=[far.pk])).status_code == 404


def test_matrix_shows_records_and_credits_with_proofs(township, township_client, other_township):
    team = f.TeamFactory(township=township, elected_on=today() - datetime.timedelta(days=400))
    head = f.TeamMembershipFactory(team=team, is_head=True, position=f.PositionFactory(name="党委书记"),
                                   started_on=team.elected_on).cadre
    member = f.TeamMembershipFactory(team=team, started_on=team.elected_on).cadre
    session(township, kind=StudyKind.PARTY_LECTURE, lecturer=head, topic="牢记初心使命")
    from banzi.study.models import LeadDutyRecord
    LeadDutyRecord.objects.create(cadre=member, duty=duty(duties.LIAISON_POINT), done_on=today(), description="调研")

    def fake(cadre_ids, start, end):
        if member.pk in cadre_ids:
            yield credits.Credit(cadre_id=member.pk, duty_key=duties.LIAISON_POINT, date=start, label="驻村工作日志",
                                 source="practice.posting", source_id=3)
    credits.provider(fake)
    try:
        response = township_client.get(reverse("study:duty_matrix"), {"year": today().year})
    finally:
        credits._providers.remove(fake)
    matrix = response.context["matrix"]
    assert [cadre.pk for _label, cadre, _cells in matrix.rows] == [head.pk, member.pk]
    keys = [d.key for d in matrix.duties]
    counts = {(cadre.pk, keys[i]): cell.count for _l, cadre, cells in matrix.rows for i, cell in enumerate(cells)}
    assert counts[(head.pk, duties.PARTY_LECTURE)] == 1
    assert counts[(member.pk, duties.LIAISON_POINT)] == 2
    assert sum(counts.values()) == 3
    body = response.content.decode()
    assert "牢记初心使命" in body and "驻村工作日志" in body
    # Another township's team is not reachable.
    assert township_client.get(reverse("study:duty_matrix"), {"township": other_township.pk}).context["team"] == team


def test_leader_sees_own_duties_only(township, cadre_client, cadre_user):
    mine = leader(township, cadre_user.cadre)
    session(township, kind=StudyKind.PARTY_LECTURE, lecturer=mine, topic="讲党课")
    assert cadre_client.get(reverse("study:my_duties")).url == reverse("study:leader_duties", args=[mine.pk])
    response = cadre_client.get(reverse("study:leader_duties", args=[mine.pk]))
    assert response.context["shown"] == 1
    other = leader(township)
    assert cadre_client.get(reverse("study:leader_duties", args=[other.pk])).status_code == 404
    assert cadre_client.get(reverse("study:duty_matrix")).status_code == 302


def _upload(client, s, rows, confirm=True):
    url = reverse("study:session_sign_in", args=[s.pk])
    content = xlsx_bytes([["姓名", "出勤", "缺席原因", "身份"], *rows])
    response = client.post(url, {"file": SimpleUploadedFile("签到表.xlsx", content)})
    if confirm and response.context.get("job"):
        return client.post(url, {"job": response.context["job"].pk})
    return response


def test_sign_in_sheet_reports_every_unknown_name_and_imports_nothing(township, other_township, township_client):
    s = session(township)
    f.CadreFactory(organization=township, name="王五")
    f.CadreFactory(organization=other_township, name="外镇人")
    response = _upload(township_client, s, [["王五", "出席", "", ""], ["查无此人", "出席", "", ""],
                                           ["外镇人", "缺席", "病假", ""]])
    report = response.context["report"]
    assert report.has_errors and [row.number for row in report.error_rows] == [3, 4]
    assert response.context["job"] is None
    assert not StudyAttendance.objects.exists()


def test_sign_in_sheet_imports_attendance_and_updates_names_on_the_list(township, township_client):
    s = session(township)
    wang = f.CadreFactory(organization=township, name="王五")
    zhao = f.CadreFactory(organization=township, name="赵六")
    guide = f.CadreFactory(organization=township, name="钱七")
    StudyAttendance.objects.create(session=s, cadre=zhao)
    response = _upload(township_client, s, [["王五", "", "", ""], ["赵六", "缺席", "下村", ""],
                                           ["钱七", "出席", "", "指导"]])
    assert response.status_code == 302 and response.url == s.get_absolute_url()
    lines = {a.cadre_id: (a.status, a.absence_reason, a.role) for a in s.attendances.all()}
    assert lines == {wang.pk: ("present", "", "attendee"), zhao.pk: ("absent", "下村", "attendee"),
                     guide.pk: ("present", "", "guide")}


def test_sign_in_of_another_townships_session_is_404(other_township, township_client):
    s = session(other_township)
    assert township_client.get(reverse("study:session_sign_in", args=[s.pk])).status_code == 404


def test_evidence_downloads_only_within_scope(township, township_client, other_township, client_for):
    from .factories import evidence
    mine = evidence(township)
    far = evidence(other_township)
    assert township_client.get(reverse("study:leaddutyevidence_file", args=[mine.pk])).status_code == 200
    assert township_client.get(reverse("study:leaddutyevidence_file", args=[far.pk])).status_code == 404


def test_session_page_names_the_duties_it_proves(township, township_client):
    lecturer = leader(township)
    lecture = session(township, kind=StudyKind.PARTY_LECTURE, lecturer=lecturer)
    response = township_client.get(lecture.get_absolute_url())
    assert [(c["cadre"], c["duty"]) for c in response.context["credits"]] == [(lecturer, duty(duties.PARTY_LECTURE).name)]
    assert township_client.get(session(township).get_absolute_url()).context["credits"] == []


def test_session_page_lists_attendance(township, township_client):
    s = session(township)
    StudyAttendance.objects.create(session=s, cadre=f.CadreFactory(organization=township, name="孙八"),
                                   status="absent", absence_reason="病假")
    response = township_client.get(s.get_absolute_url())
    assert (response.context["present"], response.context["absent"]) == (0, 1)
    assert "孙八" in response.content.decode() and "病假" in response.content.decode()


def test_sign_in_template_has_the_sheet_columns(township_client):
    import io

    from openpyxl import load_workbook

    response = township_client.get(reverse("study:studyattendance_import_template"))
    assert response.status_code == 200
    headings = [c.value for c in next(load_workbook(io.BytesIO(response.content)).active.iter_rows(max_row=1))]
    assert headings == ["姓名", "出勤", "缺席原因", "身份"]


def test_duty_record_page_takes_evidence_and_refuses_a_disguised_file(township, township_client):
    from banzi.study.models import LeadDutyRecord

    from .factories import pdf_file, png_bytes

    member = leader(township)
    url = reverse("study:leaddutyrecord_add")
    data = {"cadre": member.pk, "duty": duty(duties.PARTY_LECTURE).pk, "done_on": today().isoformat(),
            "description": "为机关干部讲专题党课"}
    response = township_client.post(url, {**data, "evidence_file": SimpleUploadedFile("党课.pdf", png_bytes())})
    assert response.status_code == 200
    assert form_codes(response.context["form"]) == {"evidence_file": [Code.FILE_NAME]}
    assert not LeadDutyRecord.objects.exists()
    assert 'enctype="multipart/form-data"' in response.content.decode()
    response = township_client.post(url, {**data, "evidence_file": pdf_file("党课.pdf")})
    assert response.status_code == 302
    saved = LeadDutyRecord.objects.get()
    assert [e.filename for e in saved.evidence.all()] == ["党课.pdf"]  # stored under the name it was given
    matrix_row = township_client.get(reverse("study:leader_duties", args=[member.pk])).context["duties"]
    assert [d.key for d, cell in matrix_row if cell.count] == [duties.PARTY_LECTURE]


def test_matrix_and_calendar_query_counts_do_not_grow(township, township_client):
    team = f.TeamFactory(township=township, elected_on=today() - datetime.timedelta(days=400))
    village = f.VillageFactory(parent=township)

    def grow(n):
        for _ in range(n):
            member = f.TeamMembershipFactory(team=team, started_on=team.elected_on).cadre
            session(township, kind=StudyKind.PARTY_LECTURE, lecturer=member, held_on=today())
            guided = session(village, kind=StudyKind.PARTY_GROUP, held_on=today())
            StudyAttendance.objects.create(session=guided, cadre=member, role="guide")
            from .factories import duty_record, evidence
            evidence(township, duty_record(township, member).cadre)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert township_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [reverse("study:duty_matrix"), reverse("study:calendar")]
    grow(2)
    few = [count(u) for u in urls]
    grow(6)
    assert [count(u) for u in urls] == few


def test_cadre_reads_and_corrects_own_record(cadre_client, cadre_user):
    mine = record(cadre_user.cadre, studied_on=today(), minutes=30, material="党章", note="初稿")
    assert "初稿" in cadre_client.get(mine.get_absolute_url()).content.decode()
    response = cadre_client.post(reverse("study:studyrecord_edit", args=[mine.pk]), {
        "cadre": cadre_user.cadre_id, "studied_on": today().isoformat(), "minutes": "50", "material": "党章",
        "note": "修改后"})
    assert response.status_code == 302 and response.url.startswith(reverse("study:my_study"))
    mine.refresh_from_db()
    assert (mine.minutes, mine.note) == (50, "修改后")
    assert mine.history.first().history_user == cadre_user
