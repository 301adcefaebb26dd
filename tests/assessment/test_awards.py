"""Results put to use: the four awards nominated from confirmed annual results and decided by the
county, their .docx notice, the promotion-priority list (three consecutive excellent years vs a
gap, an award of the latest year) and the cadre page's last annual results."""
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from banzi.assessment import results, services
from banzi.assessment.models import Assessee, Assessment, Award, Grade
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from tests import factories as f
from tests.errors import ALL, refused
from tests.generic import xlsx_rows

from .factories import YEAR, assessment, award, confirmed_result

pytestmark = pytest.mark.django_db
Category = Assessee.Category


def nominate(user, result, kind=Award.Kind.GOOD_BACKBONE, reason="全年工作业绩突出。"):
    return services.save_award(user, Award(assessee=result, kind=kind, reason=reason))


# --- nominations ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "category"), [
    (Award.Kind.GOOD_TEAM, Category.TEAM), (Award.Kind.GOOD_HEAD, Category.GENERAL_CADRE),
    (Award.Kind.GOOD_MEMBER, Category.GENERAL_CADRE), (Award.Kind.GOOD_BACKBONE, Category.GENERAL_CADRE)])
def test_each_award_is_for_its_category(county_admin, township, kind, category):
    result = confirmed_result(township, category=category)
    if Award.CATEGORY[kind] == category:
        assert nominate(county_admin, result, kind).assessment == result.assessment
    else:
        with refused("kind", Code.AWARD_KIND_MISMATCH):
            nominate(county_admin, result, kind)
        assert not Award.objects.exists()


def test_a_team_needs_good_and_a_cadre_excellent(county_admin, township):
    nominate(county_admin, confirmed_result(township, category=Category.TEAM), Award.Kind.GOOD_TEAM)
    with refused("assessee", Code.AWARD_NOT_EARNED):
        nominate(county_admin, confirmed_result(township, Grade.FAIRLY_GOOD, Category.TEAM), Award.Kind.GOOD_TEAM)
    with refused("assessee", Code.AWARD_NOT_EARNED) as info:
        nominate(county_admin, confirmed_result(township, Grade.COMPETENT))
    assert "称职" in str(info.value) or "Competent" in str(info.value)
    assert Award.objects.count() == 1


def test_only_confirmed_results_of_an_annual_assessment(county_admin, township):
    collecting = assessment(status=Assessment.Status.COLLECTING, title="仍在收集")
    unconfirmed = Assessee.objects.create(assessment=collecting, unit=township, category=Category.GENERAL_CADRE,
                                          cadre=f.CadreFactory(organization=township), confirmed_grade=Grade.EXCELLENT)
    with refused("assessee", Code.WRONG_STATE):
        nominate(county_admin, unconfirmed)
    no_grade = confirmed_result(township)
    Assessee.objects.filter(pk=no_grade.pk).update(confirmed_grade="")
    no_grade.refresh_from_db()
    with refused("assessee", Code.AWARD_NOT_EARNED):
        nominate(county_admin, no_grade)
    special = assessment(kind=Assessment.Kind.SPECIAL, status=Assessment.Status.CONFIRMED)
    result = confirmed_result(township, parent=special)
    with refused("assessee", Code.AWARD_NOT_EARNED):
        nominate(county_admin, result)
    assert not Award.objects.exists()


def test_a_township_nominates_its_own_but_cannot_decide(township_admin, township, other_township, county_admin):
    nominated = nominate(township_admin, confirmed_result(township))
    with pytest.raises(PermissionDenied):
        nominate(township_admin, confirmed_result(other_township))
    with pytest.raises(PermissionDenied):
        services.decide_award(township_admin, nominated)
    nominated.refresh_from_db()
    assert nominated.status == Award.Status.NOMINATED and nominated.decided_by is None
    services.decide_award(county_admin, nominated)
    nominated.refresh_from_db()
    assert nominated.status == Award.Status.DECIDED and nominated.decided_by == county_admin
    assert nominated.history.first().history_user == county_admin


def test_a_decided_award_is_not_changed_or_decided_again(county_admin, township):
    decided = award(township, status=Award.Status.DECIDED)
    decided.reason = "改写"
    with refused(ALL, Code.WRONG_STATE):
        services.save_award(county_admin, decided)
    with refused(ALL, Code.WRONG_STATE):
        services.decide_award(county_admin, decided)
    with refused(ALL, Code.WRONG_STATE):
        services.delete_award(county_admin, decided)


def test_a_nomination_whose_result_was_reopened_is_not_decided(county_admin, township):
    nominated = award(township)
    Assessee.objects.filter(pk=nominated.assessee_id).update(confirmed_grade="")
    with refused("assessee", Code.AWARD_NOT_EARNED):
        services.decide_award(county_admin, nominated)


def test_the_assessment_page_lists_the_nominations(county_client, township):
    nominated = award(township, reason="带头攻坚，群众公认。")
    page = county_client.get(nominated.assessment.get_absolute_url()).content.decode()
    assert "带头攻坚，群众公认。" in page and f'data-award="{nominated.pk}"' in page
    assert 'id="award-notice"' not in page  # nothing decided, nothing published


def test_the_decide_step_in_the_browser(county_client, township_client, township):
    nominated = award(township)
    url = reverse("assessment:award_decide", args=[nominated.pk])
    township_client.post(url)
    nominated.refresh_from_db()
    assert nominated.status == Award.Status.NOMINATED
    county_client.post(url)
    nominated.refresh_from_db()
    assert nominated.status == Award.Status.DECIDED


# --- the notice --------------------------------------------------------------------------------------

def test_the_notice_once_published_in_the_bulletin_layout_and_audited(county_client, county_admin, township):
    decided = award(township, status=Award.Status.DECIDED, reason="勇于担当，成效显著。")
    parent = decided.assessment
    url = reverse("assessment:assessment_award_notice", args=[parent.pk])
    Assessment.objects.filter(pk=parent.pk).update(status=Assessment.Status.CONFIRMED)
    assert county_client.get(url).status_code == 404
    Assessment.objects.filter(pk=parent.pk).update(status=Assessment.Status.PUBLISHED)
    assert 'id="award-notice"' in county_client.get(parent.get_absolute_url()).content.decode()
    response = county_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert str(decided.assessee) in text and "勇于担当，成效显著。" in text and parent.organization.name in text
    assert document.sections[0].top_margin.mm == pytest.approx(37, abs=0.1)  # the official-document page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=county_admin).exists()


# --- the promotion-priority list ---------------------------------------------------------------------

def _years(township, cadre, grades):
    for year, grade in grades.items():
        confirmed_result(township, grade, cadre=cadre, year=year)


def test_three_consecutive_excellent_years_vs_a_gap(county_admin, township):
    running = f.CadreFactory(organization=township, name="连续三年")
    gap = f.CadreFactory(organization=township, name="中间一年称职")
    old = f.CadreFactory(organization=township, name="早年优秀")
    _years(township, running, {YEAR - 2: Grade.EXCELLENT, YEAR - 1: Grade.EXCELLENT, YEAR: Grade.EXCELLENT})
    _years(township, gap, {YEAR - 3: Grade.EXCELLENT, YEAR - 2: Grade.EXCELLENT, YEAR - 1: Grade.COMPETENT,
                           YEAR: Grade.EXCELLENT})
    _years(township, old, {YEAR - 3: Grade.EXCELLENT, YEAR - 2: Grade.EXCELLENT, YEAR - 1: Grade.EXCELLENT,
                           YEAR: Grade.COMPETENT})
    data = results.priority_list(county_admin)
    assert data["year"] == YEAR
    assert [r["name"] for r in data["rows"]] == ["连续三年"]
    row = data["rows"][0]
    assert row["grounds"] == ["excellent_years"]
    assert [r["year"] for r in row["results"]] == [YEAR - 2, YEAR - 1, YEAR]
    assert all(r["url"].startswith("/assessment/assessees/") for r in row["results"])


def test_an_award_of_the_latest_year_puts_a_cadre_on_the_list(county_admin, township):
    head = award(township, status=Award.Status.DECIDED)
    award(township)  # nominated only
    last_year = award(township, status=Award.Status.DECIDED, year=YEAR - 1)
    team = confirmed_result(township, category=Category.TEAM)
    Award.objects.create(assessment=team.assessment, assessee=team, kind=Award.Kind.GOOD_TEAM, reason="好",
                         status=Award.Status.DECIDED)
    rows = results.priority_list(county_admin)["rows"]
    assert [r["cadre"] for r in rows] == [head.assessee.cadre_id]
    assert rows[0]["awards"][0]["url"] == head.get_absolute_url()
    assert last_year.assessee.cadre_id not in [r["cadre"] for r in rows]


def test_the_priority_page_export_and_api_are_the_countys(county_client, township_client, township, county_admin):
    decided = award(township, status=Award.Status.DECIDED)
    url = reverse("assessment:priority_list")
    page = county_client.get(url).content.decode()
    assert f'data-cadre="{decided.assessee.cadre_id}"' in page and decided.get_absolute_url() in page
    assert township_client.get(url).status_code == 403
    response = county_client.get(url, {"_export": "xlsx"})
    assert decided.assessee.cadre.name in [row[0] for row in xlsx_rows(response)]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=county_admin).exists()
    api = county_client.get("/api/v1/assessment/awards/priority/").json()
    assert api["rows"][0]["cadre"] == decided.assessee.cadre_id
    assert township_client.get("/api/v1/assessment/awards/priority/").status_code == 403


# --- the cadre page ----------------------------------------------------------------------------------

def test_the_cadre_page_shows_the_last_three_annual_results_in_fixed_queries(county_client, county_admin, township):
    cadre = f.CadreFactory(organization=township)
    _years(township, cadre, {YEAR - 3: Grade.COMPETENT, YEAR - 2: Grade.EXCELLENT})
    url = cadre.get_absolute_url()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert county_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    _years(township, cadre, {YEAR - 1: Grade.EXCELLENT})
    award(township, cadre=cadre, status=Award.Status.DECIDED)
    assert count() == few
    shown = results.last_results(county_admin, cadre)
    assert [r["year"] for r in shown] == [YEAR, YEAR - 1, YEAR - 2]
    assert [a.kind for a in shown[0]["awards"]] == [Award.Kind.GOOD_BACKBONE]
    panel = county_client.get(url).content.decode().split('id="annual-results"')[1]
    assert shown[0]["url"] in panel and shown[0]["awards"][0].get_absolute_url() in panel
