"""The year-end report: template validation, scoping, empty paragraphs, the comparison with the
previous period, the .docx, the API, the no-records message and flat query counts."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from docx import Document

from banzi.core import clock, services
from banzi.core.errors import Code
from banzi.core.metrics import figures
from banzi.core.models import AuditEvent
from banzi.core.navigation import menu_for
from banzi.reports import report
from banzi.reports.models import ReportTemplate
from banzi.talks.models import Talk
from tests import factories as f
from tests.api import api_for
from tests.talks.factories import talk

D = datetime.date
TALKS = "{talks.talks}"


def _talks(township, day, count=1, **fields):
    talkee = f.CadreFactory(organization=township)
    for _ in range(count):
        talk(township, talkee=talkee, held_on=day, **fields)


def _only(text, empty="本期没有谈心谈话的记录。", part="mechanism"):
    """Only one active paragraph: the given text."""
    ReportTemplate.objects.update(is_active=False)
    return ReportTemplate.objects.create(part=part, sort_order=1, title="坚持谈心谈话制度。", text=text,
                                         empty_text=empty)


# --- templates -------------------------------------------------------------------------------------

def test_a_template_naming_an_unknown_figure_is_refused_and_nothing_saved(county_admin):
    before = ReportTemplate.objects.count()
    record = ReportTemplate(part="training", sort_order=5, title="", text="累计培训{training.nonexistent}人次，"
                            "{talks.talks}次。", empty_text="无。")
    with pytest.raises(ValidationError) as refused:
        services.save_object(county_admin, record)
    error = refused.value.error_dict["text"][0]
    assert error.code == Code.UNKNOWN_FIGURE and "{training.nonexistent}" in error.messages[0]
    assert "talks.talks" not in error.messages[0]
    assert ReportTemplate.objects.count() == before


def test_an_unknown_figure_in_the_empty_text_is_refused_too(county_admin):
    record = ReportTemplate(part="training", sort_order=5, text="{talks.talks}", empty_text="{talks}")
    with pytest.raises(ValidationError) as refused:
        services.save_object(county_admin, record)
    assert refused.value.error_dict["empty_text"][0].code == Code.UNKNOWN_FIGURE


def test_the_edit_page_refuses_an_unknown_figure_and_lists_the_known_ones(county_client):
    template = ReportTemplate.objects.get(part="mechanism", sort_order=30)
    page = county_client.get(f"/reports/templates/{template.pk}/edit/")
    assert "{talks.integrity_talks}" in page.content.decode()
    response = county_client.post(f"/reports/templates/{template.pk}/edit/", {
        "part": "mechanism", "sort_order": "30", "title": template.title, "text": "谈话{talks.tlaks}次。",
        "empty_text": template.empty_text, "is_active": "on"})
    assert response.status_code == 200 and "{talks.tlaks}" in response.content.decode()
    template.refresh_from_db()
    assert "{talks.tlaks}" not in template.text


def test_the_api_refuses_an_unknown_figure_with_its_code(county_admin):
    before = ReportTemplate.objects.count()
    response = api_for(county_admin).post("/api/v1/reports/templates/", {
        "part": "training", "sort_order": 3, "title": "", "text": "{study.unknown}", "empty_text": "无"},
        format="json")
    assert response.status_code == 400
    assert "unknown_figure" in response.content.decode()
    assert ReportTemplate.objects.count() == before


def test_only_the_county_writes_templates(township_admin):
    template = ReportTemplate.objects.first()
    response = api_for(township_admin).patch(f"/api/v1/reports/templates/{template.pk}/", {"text": "{talks.talks}"},
                                             format="json")
    assert response.status_code in (403, 404)


def test_the_default_templates_name_only_registered_figures_over_the_three_parts(db):
    templates = ReportTemplate.objects.all()
    assert {t.part for t in templates} == {"training", "mechanism", "supervision"}
    for template in templates:
        template.full_clean()
        assert all(figures.get(key) for key in template.figure_keys)


def test_an_edit_changes_the_wording_and_keeps_the_figures(county_admin, township):
    _talks(township, D(2026, 3, 1), 4)
    template = _only("本期开展谈心谈话{talks.talks}人次。")
    scope = report.resolve_scope(county_admin, "county")
    period = report.resolve_period("2026", scope)
    before = report.build(scope, period).paragraphs[0]
    template.text = "全年共谈心谈话{talks.talks}次，覆盖干部{talks.cadres_talked_to}人。"
    services.save_object(county_admin, template)
    after = report.build(scope, period).paragraphs[0]
    assert before.text == "本期开展谈心谈话4人次。"
    assert after.text == "全年共谈心谈话4次，覆盖干部1人。"
    assert template.history.count() == 2


# --- scope --------------------------------------------------------------------------------------

def test_a_township_committee_gets_its_own_townships_report_only(township, other_township, township_admin,
                                                                 township_client):
    _talks(township, D(2026, 3, 1), 2)
    _talks(other_township, D(2026, 3, 1), 5)
    _only("谈心谈话{talks.talks}人次。")
    own = township_client.get(f"/reports/view/?scope={township.pk}&period=2026")
    assert own.status_code == 200 and "谈心谈话" in own.content.decode()
    assert 'data-figure="talks.talks">2<' in own.content.decode()
    assert township_client.get("/reports/view/?period=2026").status_code == 200  # its own by default
    for other in (str(other_township.pk), "county"):
        refused = township_client.get(f"/reports/view/?scope={other}&period=2026")
        assert refused.status_code == 404
        assert township_client.get(f"/reports/download/?scope={other}&period=2026").status_code == 404
        assert api_for(township_admin).get(f"/api/v1/reports/report/?scope={other}&period=2026").status_code == 404
    with pytest.raises(Exception) as refused:
        report.resolve_scope(township_admin, str(other_township.pk))
    assert "own township" in str(refused.value)


def test_the_county_reads_the_county_and_any_township(township, other_township, county_client):
    _talks(township, D(2026, 3, 1), 2)
    _talks(other_township, D(2026, 3, 1), 5)
    _only("谈心谈话{talks.talks}人次。")
    assert 'data-figure="talks.talks">7<' in county_client.get("/reports/view/?scope=county&period=2026").content.decode()
    page = county_client.get(f"/reports/view/?scope={other_township.pk}&period=2026").content.decode()
    assert 'data-figure="talks.talks">5<' in page


def test_cadres_and_administrators_get_no_report(cadre_user, auditor):
    for user in (cadre_user, auditor):
        client = api_for(user)
        assert client.get("/api/v1/reports/report/?period=2026").status_code == 403
        assert client.get("/api/v1/reports/figures/?start=2026-01-01&end=2026-12-31").status_code == 403


def test_the_cadres_page_is_refused(township):
    from tests.second_factor import sign_in

    cadre = f.CadreFactory(organization=township)
    user = f.UserFactory(username="reporting_cadre", role="cadre", cadre=cadre)
    client = sign_in(Client(), user)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/view/?period=2026").status_code == 403


def test_the_menu_offers_the_report_to_both_committees(county_admin, township_admin, cadre_user):
    def labels(user):
        return [str(i["label"]) for g in menu_for(user) for i in g["items"]]

    assert "Year-end work report" in labels(county_admin) and "Report templates" in labels(county_admin)
    assert "Year-end work report" in labels(township_admin) and "Report templates" not in labels(township_admin)
    assert "Year-end work report" not in labels(cadre_user)


# --- paragraphs, comparison, no records -----------------------------------------------------------

def test_a_paragraph_without_records_prints_its_empty_text(county_admin, township):
    _talks(township, D(2026, 3, 1), 1)
    ReportTemplate.objects.update(is_active=False)
    ReportTemplate.objects.create(part="mechanism", sort_order=1, text="谈话{talks.talks}次。", empty_text="没有谈话。")
    ReportTemplate.objects.create(part="supervision", sort_order=1, text="查实违纪{conduct.violations}起。",
                                  empty_text="本期未查实违反纪律规定的问题。")
    built = report.build(report.resolve_scope(county_admin, "county"), report.resolve_period("2026", None))
    texts = [p.text for p in built.paragraphs]
    assert texts == ["谈话1次。", "本期未查实违反纪律规定的问题。"]
    assert [p.empty for p in built.paragraphs] == [False, True]
    assert "0起" not in "".join(texts)


def test_the_comparison_with_the_previous_year(county_admin, township):
    _talks(township, D(2025, 5, 1), 3)
    _talks(township, D(2026, 5, 1), 15)
    _talks(township, D(2026, 5, 1), 1, kind=Talk.Kind.INTEGRITY)
    _talks(township, D(2025, 5, 1), 1, kind=Talk.Kind.INTEGRITY)
    _only("谈话{talks.talks}次，廉政谈话{talks.integrity_talks}次。")
    scope = report.resolve_scope(county_admin, "county")
    built = report.build(scope, report.resolve_period("2026", scope))
    values = built.values
    assert (values["talks.talks"].value, values["talks.talks"].previous) == (16, 4)
    assert values["talks.talks"].comparison == "Talks held up 12 times on the previous year"
    assert values["talks.integrity_talks"].comparison == "Integrity talks level with the previous year"
    fewer = report.build(scope, report.resolve_period("2025", scope)).values["talks.talks"]
    assert fewer.comparison == ""  # 2024 has no records: nothing to compare with
    # The second half of 2026 against the first: fewer.
    _talks(township, D(2026, 8, 1), 2)
    half = report.build(scope, report.resolve_period("2026-H2", scope)).values["talks.talks"]
    assert (half.value, half.previous) == (2, 16)
    assert half.comparison == "Talks held down 14 times on the previous half-year"


@pytest.mark.zh
def test_the_comparison_reads_as_the_article_writes(county_admin, township):
    _talks(township, D(2025, 5, 1), 3)
    _talks(township, D(2026, 5, 1), 15)
    _only("谈话{talks.talks}次。")
    scope = report.resolve_scope(county_admin, "county")
    built = report.build(scope, report.resolve_period("2026", scope))
    assert built.values["talks.talks"].comparison == "开展谈心谈话比上年增加12次"
    assert built.paragraphs[0].comparison_text == "开展谈心谈话比上年增加12次。"


def test_a_period_without_records_says_so_instead_of_a_report_of_zeros(county_client, county_admin):
    page = county_client.get("/reports/view/?scope=county&period=2024")
    assert page.status_code == 200
    assert 'id="report-error"' in page.content.decode() and "no records" in page.content.decode()
    assert 'id="report"' not in page.content.decode()
    download = county_client.get("/reports/download/?scope=county&period=2024")
    assert download.status_code == 302 and "/reports/view/" in download["Location"]
    response = api_for(county_admin).get("/api/v1/reports/report/?scope=county&period=2024")
    assert response.status_code == 400 and "no_records" in response.content.decode()


def test_a_bad_period_is_refused(county_admin, county_client):
    response = api_for(county_admin).get("/api/v1/reports/report/?scope=county&period=2026-H3")
    assert response.status_code == 400 and "bad_period" in response.content.decode()
    assert "Choose a year" in county_client.get("/reports/view/?period=abc").content.decode()


def test_the_period_since_the_election(county_admin, township):
    team = f.TeamFactory(township=township)
    _talks(township, team.elected_on + datetime.timedelta(days=1), 2)
    _talks(township, team.elected_on - datetime.timedelta(days=1), 3)
    _only("谈话{talks.talks}次。")
    scope = report.resolve_scope(county_admin, str(township.pk))
    period = report.resolve_period("election", scope)
    assert period.start == team.elected_on and period.previous is None
    assert report.build(scope, period).values["talks.talks"].value == 2


# --- the page, the document, the API ---------------------------------------------------------------

def test_each_figure_of_the_page_links_to_its_records_and_the_text_is_escaped(county_client, township):
    _talks(township, D(2026, 3, 1), 2)
    _only("<b>谈话</b>{talks.talks}次。")
    page = county_client.get("/reports/view/?scope=county&period=2026").content.decode()
    assert "&lt;b&gt;谈话&lt;/b&gt;" in page and "<b>谈话</b>" not in page
    assert ('<a href="/talks/talks/?held_after=2026-01-01&amp;held_before=2026-12-31" class="report-figure" '
            'title="Talks held" data-figure="talks.talks"') in page
    assert 'id="appendix"' in page and "Talks of every kind held in the period" in page


def test_the_docx_holds_the_paragraphs_with_their_figures_and_the_appendix(county_client, township):
    _talks(township, D(2026, 3, 1), 6)
    _only("本期开展谈心谈话{talks.talks}人次。")
    response = county_client.get("/reports/download/?scope=county&period=2026")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    body = next(p for p in document.paragraphs if "本期开展谈心谈话6人次。" in p.text)
    assert body.text == "坚持谈心谈话制度。本期开展谈心谈话6人次。"
    assert body.paragraph_format.first_line_indent is not None
    assert texts[0] == "Report on the ideological and political building of the township leadership teams, 襄汾县, 2026"
    assert any(t.startswith("To the county Party committee") for t in texts)  # 主送
    assert len([t for t in texts if t.startswith(("一、", "二、", "三、"))]) == 3
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells][:3] == ["Figure", "Definition", "Value"]
    assert ["Talks held", "6"] == [table.rows[1].cells[0].text, table.rows[1].cells[2].text]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_api_gives_the_paragraphs_and_the_figures(county_admin, township):
    _talks(township, D(2026, 3, 1), 3)
    template = _only("谈话{talks.talks}次。")
    data = api_for(county_admin).get("/api/v1/reports/report/?scope=county&period=2026").json()
    mechanism = next(p for p in data["parts"] if p["part"] == "mechanism")
    assert mechanism["paragraphs"] == [{"template": template.pk, "title": template.title, "text": "谈话3次。",
                                        "empty": False, "comparison": "", "figures": ["talks.talks"]}]
    assert data["figures"][0]["key"] == "talks.talks" and data["figures"][0]["value"] == 3
    figures_data = api_for(county_admin).get(
        f"/api/v1/reports/figures/?scope={township.pk}&start=2026-01-01&end=2026-12-31").json()
    values = {row["key"]: row["value"] for row in figures_data["figures"]}
    assert values["talks.talks"] == 3 and len(values) == len(figures.all())
    bad = api_for(county_admin).get("/api/v1/reports/figures/?start=2026-12-31&end=2026-01-01")
    assert bad.status_code == 400 and "date_order" in bad.content.decode()


def test_the_report_page_costs_the_same_queries_however_many_records(county_client, township):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert county_client.get("/reports/view/?scope=county&period=2026").status_code == 200
        return len(ctx.captured_queries)

    _talks(township, D(2026, 3, 1), 1)
    few = queries()
    for month in range(2, 9):
        _talks(f.TownshipFactory(), D(2026, month, 1), 3)
    assert queries() == few


# --- group study and organizational-life compliance in the report ----------------------------------

def _study_session(township, day, present=2, kind="committee_theory"):
    from banzi.study.models import StudyAttendance, StudySession

    session = StudySession.objects.create(organization=township, kind=kind, held_on=day, minutes=90, topic="学习")
    for _ in range(present):
        StudyAttendance.objects.create(session=session, cadre=f.CadreFactory(organization=township))
    return session


def _village_rule():
    from banzi.governance.models import OrgLifeRule

    OrgLifeRule.objects.update(is_active=False)
    OrgLifeRule.objects.update_or_create(organization_kind="village", meeting_kind="branch_general", defaults={
        "frequency": "quarterly", "min_attendance": "", "is_active": True})


def test_the_default_templates_report_group_study_and_the_compliance_rate(db):
    study = ReportTemplate.objects.get(part="training", sort_order=5)
    assert {"study.sessions", "study.person_times"} <= set(study.figure_keys)
    assert study.empty_text and not any(key in study.empty_text for key in study.figure_keys)
    org_life = ReportTemplate.objects.get(part="mechanism", sort_order=20)
    assert "governance.org_life_rate" in org_life.figure_keys


def test_the_migration_leaves_a_paragraph_the_county_edited_as_it_is(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("banzi.reports.migrations.0003_study_and_org_life_figures")
    org_life = ReportTemplate.objects.get(part="mechanism", sort_order=20)
    migration.backward(apps, None)
    assert not ReportTemplate.objects.filter(part="training", sort_order=5).exists()
    assert "{governance.org_life_rate}" not in ReportTemplate.objects.get(pk=org_life.pk).text
    ReportTemplate.objects.filter(pk=org_life.pk).update(text="本县自行修改的组织生活段落{governance.meetings}次。")
    migration.forward(apps, None)
    assert ReportTemplate.objects.get(pk=org_life.pk).text == "本县自行修改的组织生活段落{governance.meetings}次。"
    assert ReportTemplate.objects.filter(part="training", sort_order=5).exists()


def test_the_study_paragraph_counts_the_scopes_sessions_and_compares_with_the_previous_year(county_admin, township,
                                                                                           other_township):
    _study_session(township, D(2025, 4, 1), present=3)
    for _ in range(3):
        _study_session(township, D(2026, 4, 1), present=2)
    _study_session(other_township, D(2026, 4, 1), present=5)
    _only("组织集体学习{study.sessions}次，参加学习{study.person_times}人次。", empty="本期没有集体学习的记录。",
          part="training")
    scope = report.resolve_scope(county_admin, str(township.pk))
    built = report.build(scope, report.resolve_period("2026", scope))
    assert built.paragraphs[0].text == "组织集体学习3次，参加学习6人次。"
    assert built.values["study.sessions"].comparison == "Group study sessions held up 2 times on the previous year"
    assert built.values["study.person_times"].comparison == \
        "Person-times at group study up 3 person-times on the previous year"
    county = report.build(report.resolve_scope(county_admin, "county"), report.resolve_period("2026", scope))
    assert county.paragraphs[0].text == "组织集体学习4次，参加学习11人次。"
    empty = report.build(scope, report.resolve_period("2024", scope))
    assert empty.paragraphs[0].empty and empty.paragraphs[0].text == "本期没有集体学习的记录。"


def test_a_township_committee_reads_its_own_townships_study_and_compliance(township, other_township, township_admin):
    from tests.governance import cases as gc

    _village_rule()
    gc.meeting(f.VillageFactory(parent=township), kind="branch_general", members=[], held_on=D(2026, 2, 2))
    f.VillageFactory(parent=other_township)
    _study_session(township, D(2026, 4, 1))
    for _ in range(4):
        _study_session(other_township, D(2026, 4, 1))
    _only("学习{study.sessions}次，组织生活落实率{governance.org_life_rate}。", empty="无。")
    scope = report.resolve_scope(township_admin, "")
    built = report.build(scope, report.resolve_period("2026", scope))
    keys = ["study.sessions", "governance.org_life_rate"]
    own = figures.read(keys, [township.pk], D(2026, 1, 1), D(2026, 12, 31))
    assert {key: built.values[key].value for key in keys} == own
    assert own != figures.read(keys, [other_township.pk], D(2026, 1, 1), D(2026, 12, 31))
    assert built.values["governance.org_life_rate"].url == f"/governance/compliance/?year=2026&township={township.pk}"


def test_the_compliance_rate_compares_in_percentage_points(county_admin, township):
    from tests.governance import cases as gc

    _village_rule()
    village = f.VillageFactory(parent=township)
    gc.meeting(village, kind="branch_general", members=[], held_on=D(2025, 2, 2))  # 2025: 1 of 4 quarters
    for month in (2, 5, 8):
        gc.meeting(village, kind="branch_general", members=[], held_on=D(2026, month, 2))
    _only("组织生活落实率{governance.org_life_rate}。", empty="无。")
    scope = report.resolve_scope(county_admin, "county")
    value = report.build(scope, report.resolve_period("2026", scope)).values["governance.org_life_rate"]
    assert value.previous == 25
    # Q4 of 2026 counts as due once it has ended.
    assert value.value == round(100 * 3 / (4 if clock.today() > D(2026, 12, 31) else 3))
    diff = value.value - 25
    assert value.comparison == f"Organizational-life compliance rate up {diff} percentage points on the previous year"


@pytest.mark.zh
def test_without_a_meeting_the_organizational_life_paragraph_says_so_plainly(county_admin, township):
    _village_rule()
    f.VillageFactory(parent=township)  # its quarters passed without a meeting
    _talks(township, D(2026, 3, 1), 2)  # other records: a report is drafted
    scope = report.resolve_scope(county_admin, "county")
    built = report.build(scope, report.resolve_period("2026", scope))
    assert built.values["governance.org_life_rate"].value == 0
    paragraph = next(p for p in built.paragraphs if p.template.part == "mechanism" and p.template.sort_order == 20)
    assert paragraph.empty and paragraph.text == paragraph.template.empty_text == "本期没有组织生活会议的记录。"
    assert "0%" not in paragraph.text and "0次" not in paragraph.text
    study = next(p for p in built.paragraphs if p.template.part == "training" and p.template.sort_order == 5)
    assert study.text == "本期没有集体学习的记录。"
