"""The annual assessment end to end through /api/v1/assessment/ only, as a county client would run it:
plan the assessment, fill it from the township's team, set the evaluation groups' weights, issue
codes and enter paper ballots, propose grades, have the unit refused over its quota (20 % of 10 is 2)
and then confirmed, confirm and publish the assessment, nominate and decide the awards, read the
promotion-priority list and an assessee's score sheet. Each response is checked against the OpenAPI
schema (tests.api.api_for) and against the records it wrote."""
import pytest

from banzi.assessment.models import (
    Assessee,
    Assessment,
    Award,
    Ballot,
    BallotCode,
    EvaluationGroup,
    Grade,
    Vote,
)
from banzi.core.models import AuditEvent
from tests import factories as f
from tests.api import api_for
from tests.errors import api_codes

from .factories import YEAR, clean_record, confirmed_result

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessment"
Category = Assessee.Category
WEIGHTS = {"team_members": 40, "subordinate_heads": 30, "cadre_representatives": 20, "public_representatives": 10}


def _township_with_team(township):
    """The township's team (a head and four members) and five general cadres, none ruled out of excellent."""
    team = f.TeamFactory(township=township)
    head = f.TeamMembershipFactory(team=team, is_head=True, position=f.PositionFactory(name="党委书记")).cadre
    members = [f.TeamMembershipFactory(team=team).cadre for _i in range(4)]
    general = [f.CadreFactory(organization=township) for _i in range(5)]
    for cadre in [head, *members, *general]:
        clean_record(cadre)
    return team, head, members, general


def test_the_annual_assessment_through_the_api(township, county, county_admin):
    team, head, members, general = _township_with_team(township)
    api = api_for(county_admin)

    # Plan it and fill it from the team (and the township's other cadres).
    response = api.post(f"{URL}/assessments/", {
        "kind": "annual", "title": f"{YEAR}年度乡镇领导班子和领导干部年度考核", "year": YEAR,
        "starts_on": f"{YEAR}-01-01", "ends_on": f"{YEAR}-12-31", "organization": county.pk}, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assessment = Assessment.objects.get(pk=pk)
    assert assessment.status == Assessment.Status.PLANNING and response.json()["status"] == "planning"
    response = api.post(f"{URL}/assessments/{pk}/fill-from-teams/", {"units": [township.pk], "general_cadres": True},
                        format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"added": {"team": 1, "team_head": 1, "team_member": 4, "general_cadre": 5},
                               "left_out": 0}
    by_cadre = dict(assessment.assessees.filter(cadre__isnull=False).values_list("cadre_id", "pk"))
    assert assessment.assessees.get(cadre=head).category == Category.TEAM_HEAD
    team_assessee = assessment.assessees.get(team=team)
    response = api.post(f"{URL}/assessments/{pk}/collect/", format="json")
    assert response.status_code == 200 and response.json()["status"] == "collecting", response.content

    # The evaluation groups with their weights: a set over 100 is refused, 100 is accepted.
    groups = {}
    for kind, weight in WEIGHTS.items():
        response = api.post(f"{URL}/evaluation-groups/", {"assessment": pk, "unit": township.pk, "kind": kind,
                                                           "weight": weight}, format="json")
        assert response.status_code == 201, response.content
        groups[kind] = response.json()["id"]
    assert EvaluationGroup.objects.filter(assessment=assessment).count() == 4
    response = api.patch(f"{URL}/evaluation-groups/{groups['public_representatives']}/", {"weight": 11},
                         format="json")
    assert api_codes(response) == {"weight": ["weights_not_100"]}
    assert EvaluationGroup.objects.get(pk=groups["public_representatives"]).weight == 10

    # Codes for the phones (shown once, stored hashed) and ballots entered from paper.
    response = api.post(f"{URL}/evaluation-groups/{groups['team_members']}/issue-codes/", {"count": 5},
                        format="json")
    assert response.status_code == 201, response.content
    codes = response.json()["codes"]
    assert len(codes) == len(set(codes)) == 5
    stored = BallotCode.objects.filter(group_id=groups["team_members"])
    assert stored.count() == 5 and not stored.filter(used=True).exists()
    assert not stored.filter(code_hash__in=codes).exists()
    excellent = {head.pk, general[0].pk, general[1].pk}
    votes = {str(pk_): (Grade.EXCELLENT if cadre in excellent else Grade.COMPETENT) for cadre, pk_ in by_cadre.items()}
    votes[str(team_assessee.pk)] = Grade.GOOD
    for group in groups.values():
        for _i in range(2):
            response = api.post(f"{URL}/evaluation-groups/{group}/paper-ballot/", {"votes": votes}, format="json")
            assert response.status_code == 201, response.content
    assert Ballot.objects.filter(group__assessment=assessment, source=Ballot.Source.PAPER).count() == 8
    assert Vote.objects.filter(ballot__group__assessment=assessment).count() == 8 * 11
    # A ballot for someone outside the unit's assessed set is refused, nothing saved.
    response = api.post(f"{URL}/evaluation-groups/{groups['team_members']}/paper-ballot/",
                        {"votes": {"999999": Grade.COMPETENT}}, format="json")
    assert response.status_code == 400
    assert Ballot.objects.filter(group__assessment=assessment).count() == 8

    # Grades proposed; the unit refused over its quota (three excellent where 20 % of 10 is 2), then confirmed.
    grades = {**votes}
    response = api.post(f"{URL}/assessments/{pk}/propose/", {"grades": grades}, format="json")
    assert response.status_code == 200, response.content
    sheet = api.get(f"{URL}/assessments/{pk}/sheet/").json()
    # The count shown as grades are entered: three proposed excellent where 2 are allowed.
    assert sheet[0]["quota"] == {"grade": "excellent", "percent": 20, "assessed": 10, "limit": 2, "given": 3,
                                 "document_number": ""}
    assert all(row["cap"] is None and not row["disqualifiers"] for row in sheet[0]["rows"])
    response = api.post(f"{URL}/assessments/{pk}/confirm-unit/", {"unit": township.pk}, format="json")
    assert api_codes(response) == {"non_field_errors": ["over_quota"]}
    assert not assessment.assessees.exclude(confirmed_grade="").exists()
    response = api.post(f"{URL}/assessments/{pk}/confirm-unit/",
                        {"unit": township.pk, "grades": {str(by_cadre[general[1].pk]): Grade.COMPETENT}},
                        format="json")
    assert response.status_code == 200, response.content
    assert api.get(f"{URL}/assessments/{pk}/sheet/").json()[0]["quota"]["given"] == 2
    confirmed = dict(assessment.assessees.values_list("pk", "confirmed_grade"))
    assert confirmed[by_cadre[head.pk]] == confirmed[by_cadre[general[0].pk]] == Grade.EXCELLENT
    assert confirmed[by_cadre[general[1].pk]] == Grade.COMPETENT and confirmed[team_assessee.pk] == Grade.GOOD
    assert list(confirmed.values()).count(Grade.EXCELLENT) == 2

    # The assessment confirmed and published.
    response = api.post(f"{URL}/assessments/{pk}/confirm/", format="json")
    assert response.status_code == 200 and response.json()["status"] == "confirmed", response.content
    response = api.post(f"{URL}/assessments/{pk}/publish/", format="json")
    assert response.status_code == 200 and response.json()["status"] == "published", response.content
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.PUBLISHED

    # The awards nominated from the confirmed results; one not earned is refused; the county decides.
    reason = "带头落实全面从严治党主体责任，抓班子带队伍成效明显。"
    nominations = {"good_team": team_assessee.pk, "good_head": by_cadre[head.pk],
                   "good_backbone": by_cadre[general[0].pk]}
    response = api.post(f"{URL}/awards/", {"kind": "good_backbone", "assessee": by_cadre[general[1].pk],
                                           "reason": reason}, format="json")
    assert api_codes(response) == {"assessee": ["award_not_earned"]}
    response = api.post(f"{URL}/awards/", {"kind": "good_member", "assessee": by_cadre[head.pk], "reason": reason},
                        format="json")
    assert api_codes(response) == {"kind": ["award_kind_mismatch"]}
    assert not Award.objects.exists()
    awards = {}
    for kind, assessee in nominations.items():
        response = api.post(f"{URL}/awards/", {"kind": kind, "assessee": assessee, "reason": reason}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "nominated" and response.json()["assessment"] == pk
        awards[kind] = response.json()["id"]
    for award in awards.values():
        response = api.post(f"{URL}/awards/{award}/decide/", format="json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "decided" and response.json()["decided_on"]
    decided = Award.objects.filter(assessment=assessment, status=Award.Status.DECIDED)
    assert set(decided.values_list("kind", "assessee")) == set(nominations.items())
    assert not decided.filter(decided_by__isnull=True).exists()
    assert AuditEvent.objects.filter(object_id__in=[str(a) for a in awards.values()], user=county_admin).count() >= 6

    # The promotion-priority list: the head, excellent three years running (the two earlier years from the
    # archive) and decided 好班长; the general cadre decided 好骨干.
    for year in (YEAR - 2, YEAR - 1):
        confirmed_result(township, cadre=head, category=Category.TEAM_HEAD, year=year,
                         status=Assessment.Status.PUBLISHED)
    listed = api.get(f"{URL}/awards/priority/").json()
    assert listed["year"] == YEAR
    rows = {row["cadre"]: row for row in listed["rows"]}
    assert set(rows) == {head.pk, general[0].pk}
    assert rows[head.pk]["grounds"] == ["excellent_years", "award"]
    assert [r["year"] for r in rows[head.pk]["results"]] == [YEAR - 2, YEAR - 1, YEAR]
    assert [a["kind"] for a in rows[head.pk]["awards"]] == ["good_head"]
    assert rows[general[0].pk]["grounds"] == ["award"]

    # The head's score sheet: every indicator with its value, score and the link to its records.
    response = api.get(f"{URL}/assessees/{by_cadre[head.pk]}/score-sheet/")
    assert response.status_code == 200, response.content
    sheet = response.json()
    assert sheet["assessee"] == by_cadre[head.pk] and sheet["groups"]
    assert sum(group["weight"] for group in sheet["groups"]) == 100
    lines = [line for group in sheet["groups"] for line in group["indicators"]]
    assert lines and all(line["url"].startswith("/") and line["label"] for line in lines)
    training = next(line for line in lines if line["key"] == "training")
    assert training["value"] is not None and not training["below_threshold"]
