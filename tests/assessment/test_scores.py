"""The score sheet (banzi/assessment/scores.py): how values become scores, group subtotals and the
weighted total; the rule of the indicator groups (weights that add up to 100, refused otherwise);
that no indicator reads study minutes, time online or check-ins; the sheet on the assessee's page,
the totals on the unit's grade page, the API and the Excel export, each scoped; and query counts that
do not grow with the assessees."""
import datetime
import inspect
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banzi.assessment import scores
from banzi.assessment.models import Assessee
from banzi.conduct.duty.models import DutyCheckIn, DutyShift
from banzi.conduct.models import Violation
from banzi.core import metrics, rules
from banzi.core.errors import Code
from banzi.core.models import AuditEvent, Rule
from banzi.core.rule_services import save_rule
from banzi.study.models import StudyRecord, StudySession
from tests import factories as f
from tests.api import api_for
from tests.conduct.factories import violation
from tests.errors import ALL, refused
from tests.generic import xlsx_rows

from .factories import assessee, assessment

pytestmark = pytest.mark.django_db

D = datetime.date


def decided(cadre, day):
    return violation(cadre, occurred_on=D(2026, 1, 5), status=Violation.Status.CONFIRMED, decided_on=day)


# --- the arithmetic, on indicators of our own -----------------------------------------------------

def fake(key, group, unit, direction, values):
    return metrics.Indicator(key, group, "cadre", 1, key, unit, direction,
                             lambda ids, start, end: {pk: metrics.Reading(values.get(pk), "detail", "/records/")
                                                      for pk in ids})


@pytest.fixture
def arithmetic(monkeypatch, township, county):
    parent = assessment(county)
    a = assessee(parent, township)
    b = assessee(parent, township)
    found = {
        "dual_life": fake("dual_life", "political", "percent", "up", {a.cadre_id: 90, b.cadre_id: None}),
        "lead_duties": fake("lead_duties", "political", "percent", "up", {a.cadre_id: 55, b.cadre_id: None}),
        "violations": fake("violations", "discipline", "count", "down", {a.cadre_id: 5, b.cadre_id: 0}),
    }
    monkeypatch.setattr(metrics, "_indicators", found)
    rules.get(scores.RULE)  # the defaults: 30 / 20 / 30 / 20
    return parent, a, b


def test_rates_score_themselves_counts_deduct_and_groups_are_weighted(arithmetic, county_admin):
    parent, a, b = arithmetic
    save_rule(county_admin, scores.RULE, {**rules.get(scores.RULE), "deduction_violations": 30})
    sheets = scores.score_sheets(parent, [a, b])
    lines = {line.key: line for line in sheets[a.pk].lines}
    assert lines["dual_life"].score == Decimal("90.0") and lines["dual_life"].shown == "90 %"
    assert lines["violations"].score == Decimal("0.0")  # 5 × 30 points: never below 0
    groups = {g.key: g for g in sheets[a.pk].groups}
    assert groups["political"].subtotal == Decimal("72.5")  # (90 + 55) / 2
    # Only the groups with a score count, their weights scaled to 100: (72.5 × 30 + 0 × 20) / 50.
    assert sheets[a.pk].total == Decimal("43.5")
    # Below the threshold (60 by default): 55 and 0, not 90.
    assert [line.key for line in sheets[a.pk].lines if line.below] == ["lead_duties", "violations"]
    assert scores.below_threshold(parent, [a, b]) == [(a, "lead_duties", "lead_duties"), (a, "violations", "violations")]
    # Nothing to measure is shown "—" and left out: b's total is its discipline group alone.
    b_lines = {line.key: line for line in sheets[b.pk].lines}
    assert b_lines["dual_life"].shown == "—" and b_lines["dual_life"].score is None and not b_lines["dual_life"].below
    assert sheets[b.pk].total == Decimal("100.0")


def test_a_threshold_is_compared_with_the_score(arithmetic, county_admin):
    parent, a, _b = arithmetic
    save_rule(county_admin, scores.RULE, {**rules.get(scores.RULE), "threshold_lead_duties": 55})
    rules_values = rules.get(scores.RULE)
    assert rules_values["threshold_lead_duties"] == 55
    assert "lead_duties" not in [key for _a, key, _l in scores.below_threshold(parent, [a])]
    save_rule(county_admin, scores.RULE, {**rules.get(scores.RULE), "threshold_lead_duties": 56})
    assert "lead_duties" in [key for _a, key, _l in scores.below_threshold(parent, [a])]


# --- the rule ---------------------------------------------------------------------------------------

def test_the_rule_has_a_threshold_for_every_indicator_and_the_political_group():
    registered = {i.key for i in metrics.indicators()}
    assert registered == set(scores.INDICATOR_KEYS)
    values = rules.get(scores.RULE)
    assert all(f"threshold_{key}" in values for key in registered)
    assert all(f"deduction_{i.key}" in values for i in metrics.indicators() if i.direction == "down")
    assert {i.group for i in metrics.indicators()} == set(scores.GROUPS)
    assert str(scores.GROUPS["political"]) == "Political and ideological building"
    assert sum(values[f"weight_{group}"] for group in scores.GROUPS) == 100
    assert {i.group for i in metrics.indicators(subject="cadre")} == set(scores.GROUPS)
    assert {i.group for i in metrics.indicators(subject="team")} == set(scores.GROUPS)


@pytest.mark.parametrize("political", [29, 31, 0])
def test_weights_not_adding_up_to_100_are_refused_and_nothing_is_saved(county_admin, political):
    values = {**rules.get(scores.RULE), "weight_political": political}
    with refused(ALL, Code.WEIGHTS_NOT_100) as info:
        save_rule(county_admin, scores.RULE, values)
    assert "must add up to 100" in info.value.messages[0]
    assert not Rule.objects.filter(key=scores.RULE).exists()
    save_rule(county_admin, scores.RULE, {**values, "weight_ability": 20 + 30 - political})
    assert rules.get(scores.RULE)["weight_political"] == political


def test_weights_refused_on_the_rules_page_in_chinese(county_client):
    values = {**rules.get(scores.RULE), "weight_political": 50}
    page = county_client.post(reverse("core:rule_edit", args=[scores.RULE]), {**values, "note": ""},
                              HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    body = page.content.decode()
    assert "指标组的权重之和为 120" in body and "思想政治建设" in body
    assert not Rule.objects.filter(key=scores.RULE).exists()


def test_weights_refused_through_the_api(county_admin):
    client = api_for(county_admin)
    url = f"/api/v1/core/rules/{scores.RULE}/"
    response = client.patch(url, {"weight_discipline": 25}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert Code.WEIGHTS_NOT_100 in str(response.json())
    assert not Rule.objects.filter(key=scores.RULE).exists()
    response = client.patch(url, {"weight_discipline": 25, "weight_ability": 15}, format="json")
    assert response.status_code == 200 and rules.get(scores.RULE)["weight_ability"] == 15


# --- never study minutes, time online or check-ins ----------------------------------------------------

FORBIDDEN_WORDS = ("minute", "online", "check_in", "check-in", "checkin", "studyrecord", "study record")


def test_no_indicator_is_named_after_or_reads_study_minutes_or_check_ins(township):
    for indicator in metrics.indicators():
        text = f"{indicator.key} {indicator.label}".lower()
        assert not any(word in text for word in FORBIDDEN_WORDS), indicator.key
        source = inspect.getsource(indicator.func)
        for name in ("minutes", "StudyRecord", "DutyCheckIn", "check_in"):
            assert name not in source, (indicator.key, name)


def test_no_indicator_queries_study_records_or_check_ins_and_minutes_change_nothing(township):
    team = f.TeamFactory(township=township)
    cadre = f.CadreFactory(organization=township)
    f.TeamMembershipFactory(team=team, cadre=cadre, started_on=D(2025, 1, 1))
    session = StudySession.objects.create(organization=township, kind="committee_theory", held_on=D(2026, 5, 5),
                                          minutes=90, topic="学习", lecturer=cadre)
    StudyRecord.objects.create(cadre=cadre, studied_on=D(2026, 5, 5), minutes=30, material="学习强国")
    start, end = D(2026, 1, 1), D(2026, 12, 31)

    def everything():
        return {**metrics.read_indicators("cadre", [cadre.pk], start, end),
                **metrics.read_indicators("team", [team.pk], start, end)}

    with CaptureQueriesContext(connection) as queries:
        before = everything()
    sql = " ".join(q["sql"] for q in queries).lower()
    for model in (StudyRecord, DutyCheckIn):
        assert model._meta.db_table.lower() not in sql
    StudyRecord.objects.create(cadre=cadre, studied_on=D(2026, 6, 6), minutes=600, material="学习强国")
    StudySession.objects.filter(pk=session.pk).update(minutes=600)
    shift = DutyShift.objects.filter(roster__township=township).first()
    if shift is not None:
        DutyCheckIn.objects.create(shift=shift, cadre=cadre, checked_in_at=shift.date)
    assert everything() == before


# --- real records on the sheet -------------------------------------------------------------------------

@pytest.fixture
def unit(township, county):
    parent = assessment(county)
    member = f.CadreFactory(organization=township)
    team = f.TeamFactory(township=township)
    f.TeamMembershipFactory(team=team, cadre=member, started_on=D(2025, 1, 1))
    people = [assessee(parent, township, member, category=Assessee.Category.TEAM_MEMBER),
              assessee(parent, township, category=Assessee.Category.TEAM, team=team)]
    decided(member, D(2026, 1, 1))  # the period's first day: counts
    decided(member, D(2025, 12, 31))  # the day before: does not
    decided(member, D(2027, 1, 1))  # the day after the period: does not
    return parent, people


def test_a_cadres_and_a_teams_sheet_from_the_records(unit):
    parent, (member, team) = unit
    sheets = scores.score_sheets(parent, [member, team])
    lines = {line.key: line for line in sheets[member.pk].lines}
    assert set(lines) == {i.key for i in metrics.indicators("cadre")}
    assert lines["violations"].value == 1 and lines["violations"].score == Decimal("75.0")
    assert lines["violations"].url.startswith(reverse("conduct:violation_list"))
    team_lines = {line.key: line for line in sheets[team.pk].lines}
    assert set(team_lines) == {i.key for i in metrics.indicators("team")}
    assert team_lines["township_violations"].value == 1 and team_lines["township_violations"].score == Decimal("90.0")
    assert [g.key for g in sheets[member.pk].groups] == list(scores.GROUPS)
    assert ("violations" in [key for _a, key, _l in scores.below_threshold(parent, [member])]) is False


def test_the_assessee_page_shows_the_sheet_with_links(unit, county_client):
    _parent, (member, _team) = unit
    page = county_client.get(reverse("assessment:assessee_detail", args=[member.pk]))
    body = page.content.decode()
    assert 'id="score-sheet"' in body and "Political and ideological building" in body
    assert (f'href="{reverse("conduct:violation_list")}?cadre={member.cadre_id}&amp;status=confirmed'
            f'&amp;decided_after=2026-01-01&amp;decided_before=2026-12-31"') in body
    assert "1 violations decided in the period" in body


def test_a_cadre_sees_their_own_sheet_only(unit, township, client_for):
    parent, (member, _team) = unit
    user = f.UserFactory(username="member", role="cadre", cadre=member.cadre)
    other = assessee(parent, township)
    client = client_for(user)
    assert 'id="score-sheet"' in client.get(reverse("assessment:assessee_detail", args=[member.pk])).content.decode()
    assert client.get(reverse("assessment:assessee_detail", args=[other.pk])).status_code == 404
    assert client.get(f"/api/v1/assessment/assessees/{other.pk}/score-sheet/").status_code == 404
    assert client.get(f"/api/v1/assessment/assessees/{member.pk}/score-sheet/").status_code == 200


def test_another_township_sees_no_sheet(unit, other_township_admin, client_for):
    parent, (member, _team) = unit
    client = client_for(other_township_admin)
    assert client.get(reverse("assessment:assessee_detail", args=[member.pk])).status_code == 404
    assert client.get(f"/api/v1/assessment/assessees/{member.pk}/score-sheet/").status_code == 404
    url = reverse("assessment:assessment_unit_scores", args=[parent.pk, member.unit_id])
    assert client.get(url).status_code == 404


def test_the_score_sheet_api(unit, county_client):
    _parent, (member, _team) = unit
    data = county_client.get(f"/api/v1/assessment/assessees/{member.pk}/score-sheet/").json()
    assert data["assessee"] == member.pk
    groups = {g["key"]: g for g in data["groups"]}
    assert groups["political"]["label"] == "Political and ideological building" and groups["political"]["weight"] == 30
    violations = next(x for x in groups["discipline"]["indicators"] if x["key"] == "violations")
    assert violations["value"] == 1 and violations["score"] == 75.0 and violations["below_threshold"] is False
    assert violations["url"].startswith("/conduct/violations/")
    assert data["total"] is not None


def test_the_unit_page_shows_each_total_and_exports_the_sheets(unit, township, county_client):
    parent, (member, team) = unit
    sheets = scores.score_sheets(parent, [member, team])
    page = county_client.get(reverse("assessment:assessment_unit", args=[parent.pk, township.pk])).content.decode()
    assert f'data-score="{member.pk}">{sheets[member.pk].total}</a>' in page
    assert "score-sheets/" in page
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows = xlsx_rows(county_client.get(reverse("assessment:assessment_unit_scores", args=[parent.pk, township.pk])))
    header = rows[0]
    assert header[:2] == ["assessee", "category"] and header[-1] == "total score"
    assert "Violations decided" in header and "Organizational life held as required" in header
    row = next(r for r in rows if r[0] == str(member))
    assert row[header.index("Violations decided")] == "75" and row[-1] == str(float(sheets[member.pk].total)).rstrip("0").rstrip(".")
    assert len(rows) == 3
    assert AuditEvent.objects.filter(id__gt=since, action=AuditEvent.Action.EXPORT).count() == 1


# --- query counts ----------------------------------------------------------------------------------------

def test_query_counts_do_not_grow_with_assessees(township, county, county_client):
    parent = assessment(county)

    def add(n):
        for _i in range(n):
            person = assessee(parent, township, category=Assessee.Category.GENERAL_CADRE)
            decided(person.cadre, D(2026, 3, 3))
        team = f.TeamFactory(township=township)
        assessee(parent, township, category=Assessee.Category.TEAM, team=team)

    add(1)
    url = reverse("assessment:assessment_unit", args=[parent.pk, township.pk])
    first = Assessee.objects.filter(assessment=parent).first()
    api = f"/api/v1/assessment/assessees/{first.pk}/score-sheet/"
    county_client.get(url)
    with CaptureQueriesContext(connection) as few_page:
        county_client.get(url)
    with CaptureQueriesContext(connection) as few_api:
        county_client.get(api)
    with CaptureQueriesContext(connection) as few_sheets:
        scores.score_sheets(parent, Assessee.objects.filter(assessment=parent))
    add(4)
    with CaptureQueriesContext(connection) as more_page:
        county_client.get(url)
    with CaptureQueriesContext(connection) as more_api:
        county_client.get(api)
    with CaptureQueriesContext(connection) as more_sheets:
        scores.score_sheets(parent, Assessee.objects.filter(assessment=parent))
    assert len(more_sheets) == len(few_sheets)
    assert len(more_api) == len(few_api)
    assert len(more_page) == len(few_page)
