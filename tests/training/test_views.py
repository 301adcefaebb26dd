"""The training pages: the program page with its figures, enrolling and the roster export; the
session's sign-in sheet; the statistics page computed from records; the hours and shortfall list
(and a cadre's own hours); the needs page; who may change a county program."""
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.training.forms import EnrollCadresForm
from banzi.training.models import Attendance, Enrollment
from tests.errors import ALL, form_codes

from . import factories as tf

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def program(township):
    program = tf.program(township, name="机关干部培训")
    s1 = tf.session(program, D(2025, 3, 10), "3", title="第一课")
    s2 = tf.session(program, D(2025, 3, 11), "2", title="第二课")
    a, b = tf.cadre(township, name="甲"), tf.cadre(township, name="乙")
    tf.attend(s1, a)
    tf.attend(s2, a)
    tf.attend(s1, b, Attendance.Status.ABSENT)
    return program


def test_program_page_shows_figures_computed_from_attendance(program, county_client):
    response = county_client.get(program.get_absolute_url())
    assert response.status_code == 200
    assert response.context["figures"]["person_times"] == 2
    assert response.context["figures"]["people"] == 1
    body = response.content.decode()
    assert 'data-figure="person_times">2<' in body and "第一课" in body


def test_roster_export_lists_each_cadre_and_session(program, county_client):
    response = county_client.get(reverse("training:trainingprogram_roster", args=[program.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "机关干部培训"
    assert rows[2][-4:] == ("03-10 第一课", "03-11 第二课", "person-times", "credit hours")
    assert rows[3][1:2] + rows[3][-4:] == ("甲", "Present", "Present", 2, 5.0)
    assert rows[4][1:2] + rows[4][-4:] == ("乙", "Absent", None, 0, 0.0)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_id=str(program.pk)).exists()


def test_roster_of_another_township_is_404(program, other_township_admin, client_for):
    client = client_for(other_township_admin)
    assert client.get(reverse("training:trainingprogram_roster", args=[program.pk])).status_code == 404
    assert client.get(program.get_absolute_url()).status_code == 404


def test_enroll_form_is_all_or_none(program, township, other_township, county_admin, county_client):
    newcomer = tf.cadre(township, name="丙")
    response = county_client.post(reverse("training:trainingprogram_enroll", args=[program.pk]),
                                  {"cadres": [newcomer.pk]})
    assert response.status_code == 302
    assert Enrollment.objects.filter(program=program, cadre=newcomer).exists()
    stranger = tf.cadre(other_township, name="丁")
    count = Enrollment.objects.count()
    data = {"cadres": [tf.cadre(township).pk, stranger.pk]}
    response = county_client.post(reverse("training:trainingprogram_enroll", args=[program.pk]), data, follow=True)
    assert Enrollment.objects.count() == count
    # The township program does not even offer another township's cadre: the form's refusal is shown.
    form = EnrollCadresForm(data, user=county_admin, program=program)
    assert form_codes(form) == {"cadres": ["invalid_choice"]}
    assert [str(m) for m in response.context["messages"]][1:] == form.errors["cadres"]


def test_sign_in_sheet_marks_enrolled_cadres(program, township, county_client):
    session = program.sessions.get(title="第二课")
    b = program.enrollments.get(cadre__name="乙").cadre
    page = county_client.get(session.get_absolute_url())
    assert [row["cadre"].name for row in page.context["sheet"]] == ["甲", "乙"]
    response = county_client.post(reverse("training:trainingsession_sheet", args=[session.pk]),
                                  {f"status-{b.pk}": "excused"})
    assert response.status_code == 302
    assert Attendance.objects.get(session=session, cadre=b).status == Attendance.Status.EXCUSED
    outsider = tf.cadre(township, name="外人")
    response = county_client.post(reverse("training:trainingsession_sheet", args=[session.pk]),
                                  {f"status-{outsider.pk}": "present"})
    assert not Attendance.objects.filter(cadre=outsider).exists()


def test_township_cannot_change_a_county_program(township, county, township_client):
    county_program = tf.program(county, name="全县培训")
    session = tf.session(county_program)
    cadre = tf.cadre(township)
    tf.enroll(county_program, cadre)
    assert township_client.get(county_program.get_absolute_url()).status_code == 200
    assert township_client.get(reverse("training:trainingprogram_edit", args=[county_program.pk])).status_code == 403
    response = township_client.post(reverse("training:trainingsession_sheet", args=[session.pk]),
                                    {f"status-{cadre.pk}": "present"})
    assert response.status_code == 403
    assert not Attendance.objects.exists()
    listed = township_client.get(reverse("training:trainingprogram_list"))
    assert county_program.pk in {row.record.pk for row in listed.context["table"].page.object_list}


def test_statistics_page(program, county_client):
    response = county_client.get(reverse("training:statistics"), {"year": 2025})
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats["summary"]["person_times"] == 2 and stats["summary"]["people"] == 1
    body = response.content.decode()
    assert 'data-figure="person_times">2<' in body
    assert "Training day: a date on which the cadre was present" in body
    assert "vendor/echarts/echarts.min.js" in body


def test_hours_and_shortfall_list(program, township, county_client):
    tf.cadre(township, name="丙")  # no training at all
    response = county_client.get(reverse("training:hours"), {"year": 2025, "short": "true"})
    rows = {row.record.name: row.record for row in response.context["table"].page.object_list}
    assert set(rows) == {"甲", "乙", "丙"}
    assert (rows["甲"].training_days, rows["甲"].credit_hours) == (2, 5)
    body = response.content.decode()
    assert "10 more days or 85.0 more credit hours" in body
    assert "A training day is a date on which the cadre was present" in body
    export = county_client.get(reverse("training:hours"), {"year": 2025, "_export": "xlsx"})
    assert export.status_code == 200


def test_cadre_sees_own_hours_only(program, township, client_for):
    from tests import factories as f
    a = program.enrollments.get(cadre__name="甲").cadre
    user = f.UserFactory(username="jia", role="cadre", cadre=a)
    response = client_for(user).get(reverse("training:hours"), {"year": 2025})
    assert response.status_code == 200
    assert [row.record.name for row in response.context["table"].page.object_list] == ["甲"]
    assert response.context["own"]["days"] == 2
    assert "2 training days · 5.0 credit hours" in response.content.decode()


def test_needs_matching_page(township, county, county_client):
    tf.need(township, topic_name="应急管理", note="防汛")
    response = county_client.get(reverse("training:needs_matching"))
    assert response.status_code == 200
    assert [n.topic.name for n in response.context["uncovered"]] == ["应急管理"]


def test_the_county_sets_the_minimum_on_the_rules_page(program, county_client, township_client):
    url = reverse("core:rule_edit", args=["training.yearly_minimum"])
    assert township_client.post(url, {"days": 1, "credit_hours": 1}).status_code == 403
    response = county_client.post(url, {"days": 2, "credit_hours": 90})
    assert response.status_code == 302
    short = county_client.get(reverse("training:hours"), {"year": 2025, "short": "true"})
    assert {row.record.name for row in short.context["table"].page.object_list} == {"乙"}  # 甲 has 2 days
    assert "The yearly minimum is 2 training days or 90.0 credit hours" in short.content.decode()


def test_a_township_sees_only_its_own_cadres_figures(program, other_township, township_client, county_client):
    far = tf.program(other_township, name="外乡培训")
    far_cadre = tf.cadre(other_township, name="外乡干部")
    tf.attend(tf.session(far), far_cadre)
    hours = township_client.get(reverse("training:hours"), {"year": 2025})
    assert "外乡干部" not in {row.record.name for row in hours.context["table"].page.object_list}
    stats = township_client.get(reverse("training:statistics"), {"year": 2025, "township": other_township.pk})
    assert stats.context["township"] is None  # another township cannot be asked for
    assert stats.context["stats"]["summary"]["person_times"] == 2
    assert "外乡培训" not in stats.content.decode()
    county = county_client.get(reverse("training:statistics"), {"year": 2025, "township": other_township.pk})
    assert county.context["stats"]["summary"]["person_times"] == 1


def test_the_dashboard_shows_training_figures(program, county_client, client_for):

    from tests import factories as f
    this_year = tf.program(program.organizer, start_on=clock.today(), end_on=clock.today())
    a = program.enrollments.get(cadre__name="甲").cadre
    tf.attend(tf.session(this_year), a)
    home = county_client.get(reverse("dashboard:home"))
    cards = {str(c["label"]): c["value"] for c in home.context["cards"]}
    assert cards["Training person-times this year"] == 1
    panel = next(p for p in home.context["panels"] if p.get("chart_id") == "chart-training-by-month")
    assert panel["chart"]["values"][clock.today().month - 1] == 1 and sum(panel["chart"]["values"]) == 1
    user = f.UserFactory(username="jia", role="cadre", cadre=a)
    cards = {str(c["label"]): str(c["value"]) for c in client_for(user).get(reverse("dashboard:home")).context["cards"]}
    assert cards["My training this year"] == "1 days · 3.0 credit hours"


def test_enroll_a_whole_group(township, other_township, county, county_admin, county_client, township_client):
    hall = tf.program(county, name="大讲堂")
    chief = tf.cadre(township, name="科长", rank="section_chief")
    deputy = tf.cadre(other_township, name="副科长", rank="deputy_section_chief")
    staff = tf.cadre(township, name="科员", rank="staff")
    promoted = tf.cadre(township, name="新提拔", is_newly_promoted=True, promoted_on=D(2024, 1, 1))
    url = reverse("training:trainingprogram_enroll", args=[hall.pk])
    county_client.post(url, {"group": "section_level"})
    assert set(hall.enrollments.values_list("cadre", flat=True)) == {chief.pk, deputy.pk}
    county_client.post(url, {"group": "newly_promoted", "township": other_township.pk})
    assert hall.enrollments.count() == 2  # nobody newly promoted there
    county_client.post(url, {"group": "newly_promoted", "cadres": [staff.pk]})
    assert set(hall.enrollments.values_list("cadre", flat=True)) == {chief.pk, deputy.pk, promoted.pk, staff.pk}
    response = county_client.post(url, {}, follow=True)
    empty = EnrollCadresForm({}, user=county_admin, program=hall)
    assert form_codes(empty) == {ALL: [Code.REQUIRED]}
    assert [str(m) for m in response.context["messages"]][-1:] == empty.non_field_errors()
    # A township's "every cadre" for its own program is its own cadres only.
    own = tf.program(township, name="本镇培训")
    township_client.post(reverse("training:trainingprogram_enroll", args=[own.pk]), {"group": "all"})
    assert set(own.enrollments.values_list("cadre__name", flat=True)) == {"科长", "科员", "新提拔"}
    assert not own.enrollments.filter(cadre=deputy).exists()
    assert township_client.post(url, {"group": "all"}).status_code == 403


def test_mark_everyone_not_marked_as_present(program, township, county_client):
    session = program.sessions.get(title="第二课")
    b = program.enrollments.get(cadre__name="乙").cadre
    c = tf.cadre(township, name="丙")
    tf.enroll(program, c)
    county_client.post(reverse("training:trainingsession_sheet", args=[session.pk]),
                       {f"status-{b.pk}": "absent", "all_present": "1"})
    statuses = dict(Attendance.objects.filter(session=session).values_list("cadre__name", "status"))
    assert statuses == {"甲": "present", "乙": "absent", "丙": "present"}


def test_dashboard_query_count_does_not_grow_with_training_records(township, county, cadre_user, county_client,
                                                                    township_client, cadre_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = clock.today()

    def grow(n):
        for _ in range(n):
            program = tf.program(county, start_on=today, end_on=today)
            tf.attend(tf.session(program), tf.cadre(township))
            tf.attend(tf.session(program), cadre_user.cadre)
            tf.need(township)

    def measure():
        counts = {}
        for role, client in {"county": county_client, "township": township_client, "cadre": cadre_client}.items():
            client.get(reverse("dashboard:home"))
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse("dashboard:home")).status_code == 200
            counts[role] = len(ctx.captured_queries)
        return counts

    grow(2)
    few = measure()
    grow(8)
    assert measure() == few
