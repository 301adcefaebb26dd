"""The demo's annual assessment, recomputed from the records: the quotas are met in every unit (counted
by queries), no cadre the records disqualify is excellent, no grade is above the cap of the ballots,
every vote is for an assessee of its ballot's unit, the awards rest on confirmed results, the
promotion-priority list has content, and loading again changes nothing. Loaded once for the module,
as `make demo` loads it, and rolled back after; it holds at any pinned date (BANZI_TEST_NOW)."""
import datetime
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.test import override_settings

from banzi.accounts.models import User
from banzi.assessment import metrics, results
from banzi.assessment.demo import APPROVAL_DOCUMENT, TITLE, assessment_year, load_assessment_demo
from banzi.assessment.models import (
    FOUR_LEVEL_SCALE,
    INDIVIDUAL_SCALE,
    Assessee,
    Assessment,
    AssessmentGroup,
    Award,
    Ballot,
    BallotCode,
    EvaluationGroup,
    Grade,
    QuotaApproval,
    Vote,
)
from banzi.conduct.models import Violation
from banzi.core import clock
from banzi.core.models import AuditEvent
from banzi.org.models import Organization
from banzi.talks.models import Talk

TEAM = Assessee.Category.TEAM


def _fresh_sequences():
    """On PostgreSQL the ids go on from where the earlier tests of this worker left them (a rolled-back
    insert keeps its id taken), and the demo draws by ids: set every sequence back to the rows there
    are, so the demo loads as `make demo` loads it on a new database (SQLite does this by itself)."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        _fresh_sequences()
        call_command("load_demo", stdout=StringIO())
        year = assessment_year()
        yield {"user": User.objects.get(username="county_admin"), "year": year,
               "assessment": Assessment.objects.get(title=TITLE.format(year=year))}
        transaction.set_rollback(True)


def test_the_demo_year_is_that_of_the_records_it_reads(demo, db):
    today = clock.today()
    assert demo["year"] == (today.year if today.month >= 10 else today.year - 1)
    assessment = demo["assessment"]
    assert assessment.status == Assessment.Status.PUBLISHED and assessment.kind == Assessment.Kind.ANNUAL
    assert (assessment.starts_on, assessment.ends_on) == (datetime.date(demo["year"], 1, 1),
                                                          datetime.date(demo["year"], 12, 31))
    # The 13 townships' teams, and their heads, members and general cadres, each township with its four
    # groups whose weights add up to 100.
    townships = Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).count()
    assert townships == 13
    counts = dict(assessment.assessees.order_by().values_list("category").annotate(n=Count("id")))
    assert counts[TEAM] == 13 and counts[Assessee.Category.TEAM_HEAD] == 13
    assert counts[Assessee.Category.TEAM_MEMBER] > 100 and counts[Assessee.Category.GENERAL_CADRE] > 100
    weights = EvaluationGroup.objects.filter(assessment=assessment).order_by().values("unit").annotate(
        groups=Count("id"), total=Sum("weight"))
    assert [(row["groups"], row["total"]) for row in weights] == [(4, 100)] * 13
    # Everything confirmed, on a day that has come.
    assert not assessment.assessees.filter(confirmed_grade="").exists()
    assert not assessment.assessees.filter(confirmed_on__gt=clock.today()).exists()


def test_assessment_groups_cover_every_township_once_without_insiders(demo, db):
    groups = list(AssessmentGroup.objects.filter(assessment=demo["assessment"]).select_related(
        "leader__organization").prefetch_related("units", "members__organization"))
    assert [g.name for g in groups] == ["第一考核组", "第二考核组", "第三考核组", "第四考核组"]
    covered = [u.pk for g in groups for u in g.units.all()]
    townships = set(Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).values_list("pk", flat=True))
    assert sorted(covered) == sorted(townships)
    for group in groups:
        people = [group.leader, *group.members.all()]
        assert len(people) == 3 and all(p.organization.kind == Organization.Kind.DEPARTMENT for p in people)
        assert not {p.organization.township_id for p in people} & {u.pk for u in group.units.all()}


def test_every_unit_meets_its_quota(demo, db):
    approval = QuotaApproval.objects.get(assessment=demo["assessment"])
    assert approval.document_number == APPROVAL_DOCUMENT.format(year=demo["year"], number=38)
    assert approval.approved_on <= clock.today()
    demo_assessments = Assessment.objects.filter(kind=Assessment.Kind.ANNUAL, year__in=[
        demo["year"] - 2, demo["year"] - 1, demo["year"]])
    assert demo_assessments.count() == 3
    for assessment in demo_assessments:
        approved = set(assessment.quota_approvals.values_list("unit", flat=True))
        rows = (assessment.assessees.exclude(category=TEAM).order_by().values("unit")
                .annotate(assessed=Count("id"), excellent=Count("id", filter=Q(confirmed_grade=Grade.EXCELLENT))))
        rows = list(rows)
        assert len(rows) == 13
        for row in rows:
            percent = 25 if row["unit"] in approved else 20
            assert row["excellent"] <= row["assessed"] * percent // 100, (assessment.year, row)
        assert sum(row["excellent"] for row in rows) > 0
    # The service's own count agrees with the query's.
    for row in metrics.unit_summaries(demo["assessment"], demo["user"]):
        assert row["given"] <= row["limit"]


def test_no_cadre_the_records_disqualify_is_excellent(demo, db):
    assessment = demo["assessment"]
    people = list(assessment.assessees.exclude(category=TEAM).values_list("cadre_id", "confirmed_grade"))
    found = metrics.disqualifiers(assessment, [cadre for cadre, _grade in people])
    excellent = [cadre for cadre, grade in people if grade == Grade.EXCELLENT]
    assert excellent
    assert all(not found[cadre] for cadre in excellent)
    # The rules do rule some out, and those with a violation or an admonishment talk of the year are among them.
    assert sum(1 for findings in found.values() if findings) > len(excellent)
    period = (assessment.starts_on, assessment.ends_on)
    violation = Violation.objects.filter(cadre=OuterRef("cadre"), status=Violation.Status.CONFIRMED,
                                         decided_on__range=period)
    admonished = Talk.objects.filter(talkee=OuterRef("cadre"), kind=Talk.Kind.ADMONISHMENT, held_on__range=period)
    marked = assessment.assessees.filter(Exists(violation) | Exists(admonished))
    assert marked.exists()
    assert not marked.filter(confirmed_grade=Grade.EXCELLENT).exists()


def test_no_grade_is_above_the_cap_of_the_ballots(demo, db):
    assessment = demo["assessment"]
    capped = 0
    for unit in Organization.objects.filter(kind=Organization.Kind.TOWNSHIP):
        tallies = metrics.tally(assessment, unit)
        for assessee in Assessee.objects.filter(assessment=assessment, unit=unit).select_related("assessment"):
            result = tallies[assessee.pk]
            assert result.total > 0
            if result.cap:
                capped += 1
                scale = assessee.scale()
                assert scale.index(assessee.confirmed_grade) >= scale.index(result.cap), assessee
    assert capped > 0


def test_every_vote_is_for_an_assessee_of_its_ballots_unit(demo, db):
    assessment = demo["assessment"]
    votes = Vote.objects.filter(ballot__group__assessment=assessment)
    assert votes.exists()
    assert not votes.exclude(assessee__unit=F("ballot__group__unit")).exists()
    assert not votes.exclude(assessee__assessment=F("ballot__group__assessment")).exists()
    assert not Vote.objects.exclude(assessee__assessment__in=[assessment]).exists()
    # Each vote is a grade of the assessee's scale.
    assert not votes.filter(assessee__category=TEAM).exclude(grade__in=FOUR_LEVEL_SCALE).exists()
    assert not votes.exclude(assessee__category=TEAM).exclude(grade__in=INDIVIDUAL_SCALE).exists()
    # One code, one ballot: per group the codes used are the ballots cast on phones, a few codes left over,
    # and a quarter of the ballots entered from paper.
    groups = EvaluationGroup.objects.filter(assessment=assessment).annotate(
        used=Count("codes", filter=Q(codes__used=True), distinct=True), issued=Count("codes", distinct=True),
        phone=Count("ballots", filter=Q(ballots__source=Ballot.Source.PHONE), distinct=True),
        paper=Count("ballots", filter=Q(ballots__source=Ballot.Source.PAPER), distinct=True))
    for group in groups:
        assert group.used == group.phone and group.issued > group.used and group.paper > 0, group
    # The ballots cast with codes are audited without a user; the paper ones with the county's.
    events = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(EvaluationGroup),
                                       object_id__in=[str(g.pk) for g in groups], action=AuditEvent.Action.CREATE)
    phone = Ballot.objects.filter(group__assessment=assessment, source=Ballot.Source.PHONE).count()
    paper = Ballot.objects.filter(group__assessment=assessment, source=Ballot.Source.PAPER).count()
    assert events.filter(user__isnull=True, username="", ip_address__isnull=True).count() == phone
    assert events.filter(user=demo["user"], detail="Entered a paper ballot").count() + events.filter(
        user=demo["user"], detail="录入纸质测评票一张").count() == paper


def test_awards_come_only_from_confirmed_results(demo, db):
    awards = Award.objects.filter(assessment=demo["assessment"]).select_related("assessee")
    # All four awards are decided, a 好班长 among them: a head the records do not disqualify.
    decided_kinds = set(awards.filter(status=Award.Status.DECIDED).values_list("kind", flat=True))
    assert decided_kinds == set(Award.Kind.values) == {"good_team", "good_head", "good_member", "good_backbone"}
    people = awards.exclude(assessee__category=TEAM)
    found = metrics.disqualifiers(demo["assessment"], people.values_list("assessee__cadre", flat=True))
    assert found and not any(found.values())
    heads = awards.filter(kind=Award.Kind.GOOD_HEAD)
    assert not heads.exclude(assessee__category=Assessee.Category.TEAM_HEAD).exists()
    assert not heads.exclude(assessee__confirmed_grade=Grade.EXCELLENT).exists()
    for award in awards:
        assert award.assessee.category == Award.CATEGORY[award.kind]
        needed = Grade.GOOD if award.assessee.is_team else Grade.EXCELLENT
        assert award.assessee.confirmed_grade == needed
        assert award.reason.strip()
        award.full_clean()
    decided = awards.filter(status=Award.Status.DECIDED)
    assert 0 < decided.count() < awards.count()
    assert not decided.filter(Q(decided_on__isnull=True) | Q(decided_on__gt=clock.today())).exists()
    # The notice of the published assessment lists them.
    chosen = results.decided_awards(demo["assessment"], demo["user"])
    assert results.notice_available(demo["assessment"], chosen)


def test_the_promotion_priority_list_has_content(demo, db):
    listed = results.priority_list(demo["user"])
    assert listed["year"] == demo["year"]
    grounds = [set(row["grounds"]) for row in listed["rows"]]
    assert any("excellent_years" in g for g in grounds) and any("award" in g for g in grounds)
    # Three excellent years running, each confirmed, recomputed from the records.
    for row in listed["rows"]:
        if "excellent_years" in row["grounds"]:
            years = set(Assessee.objects.filter(
                cadre=row["cadre"], confirmed_grade=Grade.EXCELLENT, assessment__kind=Assessment.Kind.ANNUAL,
                assessment__status__in=results.COUNTED).values_list("assessment__year", flat=True))
            assert {demo["year"] - 2, demo["year"] - 1, demo["year"]} <= years


def test_the_archived_years_are_history_and_audit_of_the_county(demo, db):
    archived = Assessee.objects.filter(assessment__year=demo["year"] - 1)
    assert archived.exists()
    history = Assessee.history.filter(assessment__year=demo["year"] - 1)
    assert history.count() == archived.count()
    assert set(history.values_list("history_user__username", flat=True)) == {"county_admin"}
    assert not archived.filter(confirmed_on__gt=clock.today()).exists()


def test_loading_again_changes_nothing(demo, db):
    models = (Assessment, Assessee, EvaluationGroup, BallotCode, Ballot, Vote, QuotaApproval, Award, AssessmentGroup,
              AuditEvent)
    before = [m.objects.count() for m in models]
    assert not load_assessment_demo()
    assert [m.objects.count() for m in models] == before


def test_the_demo_score_sheets_are_the_records_counted_one_by_one(demo, db):
    """Three indicators of every cadre of one township recomputed here row by row from the demo's
    records (training days, violations, outings reported in time), and the score sheet shows them."""
    from banzi.assessment import scores
    from banzi.conduct.models import OutingReport
    from banzi.training.models import Attendance

    assessment = demo["assessment"]
    start, end = assessment.starts_on, assessment.ends_on
    township = Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).order_by("pk").first()
    people = list(assessment.assessees.filter(unit=township).exclude(category=TEAM).select_related("cadre"))
    assert len(people) > 5
    sheets = scores.score_sheets(assessment, people)
    trained = 0
    for person in people:
        lines = {line.key: line for line in sheets[person.pk].lines}
        days = {a.session.held_on for a in Attendance.objects.filter(
            cadre=person.cadre, status=Attendance.Status.PRESENT).select_related("session")
            if start <= a.session.held_on <= end}
        assert f"{len(days)} days" in lines["training"].detail, (person, lines["training"].detail)
        trained += bool(days)
        violations = [v for v in Violation.objects.filter(cadre=person.cadre, status=Violation.Status.CONFIRMED)
                      if v.decided_on and start <= v.decided_on <= end]
        assert lines["violations"].value == len(violations)
        outings = [o for o in OutingReport.objects.filter(cadre=person.cadre)
                   if start <= clock.local_date(o.departs_at) <= end]
        in_time = [o for o in outings if not o.is_late]
        assert lines["outings"].value == (round(100 * len(in_time) / len(outings)) if outings else None)
    assert trained  # the demo township's cadres were trained in the year: the check compared something


# The whole demo loads once for the module: minutes on a busy two-core machine, more than the default limit.
pytestmark = pytest.mark.timeout(1800)
