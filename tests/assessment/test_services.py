"""The rules of the assessment at their boundaries: quotas rounded down (20 % of 13 is 2; 25 % with
the county's approval; 40 % good in a quarterly assessment), the disqualifiers of excellent, the
democratic evaluation (weights adding up to 100, one code one ballot, the one-third cap counted
exactly), confirmed results changed only after reopening with a reason, scoping and history.
Each refusal is asserted by its code, and nothing is saved."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from banzi.assessment import metrics, services
from banzi.assessment.models import (
    Assessee,
    Assessment,
    Ballot,
    BallotCode,
    EvaluationGroup,
    Grade,
    QuotaApproval,
    Vote,
)
from banzi.conduct.models import CommitmentLetter, Violation
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.talks.models import Talk
from banzi.tasks.models import Problem
from banzi.training.models import Attendance
from tests import factories as f
from tests.errors import ALL, refused

from .factories import YEAR, assessee, assessment, clean_record, groups, unit_of

pytestmark = pytest.mark.django_db

D = datetime.date
E, C, B, N = Grade.EXCELLENT, Grade.COMPETENT, Grade.BASICALLY_COMPETENT, Grade.INCOMPETENT


def collecting(parent):
    parent.status = Assessment.Status.COLLECTING
    parent.save()
    return parent


def grades_of(people, top, count, rest=C):
    return {a.pk: (top if i < count else rest) for i, a in enumerate(people)}


def confirmed(people):
    return [Assessee.objects.get(pk=a.pk).confirmed_grade for a in people]


# --- quotas --------------------------------------------------------------------------------------

def test_twenty_percent_of_thirteen_is_two(township, county, county_admin):
    parent = collecting(assessment(county))
    people = unit_of(parent, township, 13)
    assert metrics.quota(parent, township).limit == 2
    with refused(ALL, Code.OVER_QUOTA) as info:
        services.confirm_unit(county_admin, parent, township, grades_of(people, E, 3))
    assert "At most 2 of the 13" in str(info.value) and "3 are" in str(info.value)
    assert confirmed(people) == [""] * 13
    services.confirm_unit(county_admin, parent, township, grades_of(people, E, 2))
    assert confirmed(people).count(E) == 2


def test_a_team_does_not_count_towards_the_quota(township, county, county_admin):
    parent = collecting(assessment(county))
    people = unit_of(parent, township, 10)
    team = assessee(parent, township, category=Assessee.Category.TEAM)
    assert metrics.quota(parent, township).assessed == 10
    with refused(ALL, Code.INVALID_CHOICE):  # a team is graded good, fairly good, average or poor
        services.confirm_unit(county_admin, parent, township, {**grades_of(people, E, 2), team.pk: E})
    services.confirm_unit(county_admin, parent, township, {**grades_of(people, E, 2), team.pk: Grade.GOOD})


def test_twenty_five_percent_with_the_countys_approval(township, county, county_admin):
    parent = collecting(assessment(county))
    people = unit_of(parent, township, 13)
    QuotaApproval.objects.create(assessment=parent, unit=township, document_number="县组字〔2026〕12号",
                                 approved_on=D(YEAR, 11, 20))
    quota = metrics.quota(parent, township)
    assert (quota.percent, quota.limit, quota.document_number) == (25, 3, "县组字〔2026〕12号")
    with refused(ALL, Code.OVER_QUOTA):
        services.confirm_unit(county_admin, parent, township, grades_of(people, E, 4))
    services.confirm_unit(county_admin, parent, township, grades_of(people, E, 3))
    assert confirmed(people).count(E) == 3


def test_quarterly_good_at_most_forty_percent(township, county_admin, township_admin):
    parent = collecting(assessment(township))
    people = unit_of(parent, township, 13, clean=False)
    assert metrics.quota(parent, township).limit == 5  # 40 % of 13 is 5.2
    services.propose_grades(township_admin, parent, grades_of(people, Grade.GOOD, 6, Grade.FAIRLY_GOOD))
    with refused(ALL, Code.OVER_QUOTA):
        services.confirm_unit(county_admin, parent, township)
    services.confirm_unit(county_admin, parent, township, {people[5].pk: Grade.FAIRLY_GOOD})
    assert confirmed(people).count(Grade.GOOD) == 5
    with refused(ALL, Code.INVALID_CHOICE):  # quarterly grades are good … poor
        services.propose_grades(county_admin, parent, {people[0].pk: E})


def test_confirming_needs_every_grade_of_the_unit(township, county, county_admin):
    parent = collecting(assessment(county))
    people = unit_of(parent, township, 3)
    with refused(ALL, Code.REQUIRED):
        services.confirm_unit(county_admin, parent, township, {people[0].pk: C})
    assert confirmed(people) == ["", "", ""]


def test_only_the_county_confirms(township, county, township_admin):
    parent = collecting(assessment(township))
    people = unit_of(parent, township, 2, clean=False)
    with pytest.raises(PermissionDenied):
        services.confirm_unit(township_admin, parent, township, grades_of(people, Grade.GOOD, 0, Grade.AVERAGE))


# --- the assessed set, confirmed results and reopening -------------------------------------------------

def test_a_grade_for_someone_outside_the_assessed_set_is_refused(township, other_township, county, county_admin):
    parent = collecting(assessment(county))
    people = unit_of(parent, township, 2)
    elsewhere = unit_of(parent, other_township, 1)[0]
    other_assessment = assessee(collecting(assessment(county)), township)
    with refused(ALL, Code.NOT_ASSESSED):
        services.propose_grades(county_admin, parent, {people[0].pk: C, other_assessment.pk: C})
    with refused(ALL, Code.NOT_ASSESSED):
        services.confirm_unit(county_admin, parent, township, {**grades_of(people, C, 0), elsewhere.pk: C})
    with refused(ALL, Code.NOT_ASSESSED):
        services.propose_grades(county_admin, parent, {"not-an-id": C})
    assert not Assessee.objects.exclude(proposed_grade="").exists()
    assert confirmed(people + [elsewhere]) == ["", "", ""]


def test_a_confirmed_result_changes_only_after_reopening_with_a_reason(township, county, county_admin):
    parent = collecting(assessment(county))
    people = unit_of(parent, township, 5)
    services.confirm_unit(county_admin, parent, township, grades_of(people, E, 1))
    with refused(ALL, Code.RESULT_CONFIRMED):
        services.propose_grades(county_admin, parent, {people[0].pk: C})
    with refused(ALL, Code.RESULT_CONFIRMED):
        services.confirm_unit(county_admin, parent, township, {people[0].pk: C})
    with refused(ALL, Code.RESULT_CONFIRMED):
        services.delete_assessee(county_admin, Assessee.objects.get(pk=people[0].pk))
    for reason in ("", "   "):
        with refused("reason", Code.REQUIRED):
            services.reopen(county_admin, parent, reason, unit=township)
    assert confirmed(people)[0] == E

    services.reopen(county_admin, parent, "群众反映有新情况，重新核实", unit=township)
    assert confirmed(people) == [""] * 5
    last = Assessee.history.filter(id=people[0].pk).latest("history_id")
    assert last.history_change_reason == "群众反映有新情况，重新核实" and last.history_user == county_admin
    services.confirm_unit(county_admin, parent, township, grades_of(people, C, 0))
    assert confirmed(people) == [C] * 5


def test_the_assessment_moves_through_its_lifecycle(township, county, county_admin):
    parent = assessment(county)
    people = unit_of(parent, township, 2)
    with refused(ALL, Code.WRONG_STATE):  # grades are entered while collecting
        services.propose_grades(county_admin, parent, grades_of(people, C, 0))
    services.start_collecting(county_admin, parent)
    services.propose_grades(county_admin, parent, grades_of(people, C, 0))
    with refused(ALL, Code.STEP_NOT_READY):
        services.confirm_assessment(county_admin, parent)
    services.confirm_unit(county_admin, parent, township)
    services.confirm_assessment(county_admin, parent)
    services.publish(county_admin, parent)
    assert parent.status == Assessment.Status.PUBLISHED
    with refused(ALL, Code.WRONG_STATE):
        services.save_assessment(county_admin, parent)
    services.reopen(county_admin, parent, "复核")
    parent.refresh_from_db()
    assert (parent.status, parent.reopen_reason) == (Assessment.Status.COLLECTING, "复核")
    assert confirmed(people) == ["", ""]


# --- disqualifiers of excellent ---------------------------------------------------------------------

def _violation(cadre, decided_on):
    return Violation.objects.create(cadre=cadre, occurred_on=decided_on, facts="工作日饮酒",
                                    status=Violation.Status.CONFIRMED, decided_on=decided_on)


def _talk(cadre, held_on):
    return Talk.objects.create(talker=f.CadreFactory(organization=cadre.organization), talkee=cadre, held_on=held_on,
                               kind=Talk.Kind.ADMONISHMENT)


def _problem(cadre, deadline, status=Problem.Status.OPEN):
    return Problem.objects.create(organization=cadre.organization, responsible=cadre, description="台账不全",
                                  deadline=deadline, status=status)


# (rule, make the cadre's record found, make a record that is not found)
DISQUALIFIERS = [
    ("violation", lambda c: _violation(c, D(YEAR, 5, 1)), lambda c: _violation(c, D(YEAR - 1, 12, 31))),
    ("admonishment", lambda c: _talk(c, D(YEAR, 1, 1)), lambda c: _talk(c, D(YEAR - 1, 12, 31))),
    # Not yet past its deadline, whether today is still in the period or after it (BANZI_TEST_NOW).
    ("overdue_problem", lambda c: _problem(c, D(YEAR, 12, 1)), lambda c: _problem(c, D(YEAR + 1, 1, 31))),
    ("training", lambda c: Attendance.objects.filter(cadre=c).delete(), None),
    ("commitment", lambda c: CommitmentLetter.objects.filter(cadre=c).update(signed_on=D(YEAR, 4, 1)),
     lambda c: CommitmentLetter.objects.filter(cadre=c).update(signed_on=D(YEAR, 3, 31))),
]


@pytest.mark.parametrize(("rule", "found", "not_found"), DISQUALIFIERS, ids=[d[0] for d in DISQUALIFIERS])
def test_each_disqualifier_is_found_with_its_source_record(rule, found, not_found, township, county, county_admin):
    parent = collecting(assessment(county))
    people = unit_of(parent, township, 5)
    me, other = people[0].cadre, people[1].cadre
    if not_found is not None:
        not_found(other)
    found(me)
    findings = metrics.disqualifiers(parent, [me.pk, other.pk])
    assert [x.rule for x in findings[me.pk]] == [rule]
    assert findings[other.pk] == []
    assert findings[me.pk][0].url.startswith("/")
    with refused(ALL, Code.DISQUALIFIED) as info:
        services.confirm_unit(county_admin, parent, township, {people[0].pk: E, **grades_of(people[1:], C, 0)})
    assert str(metrics.rule_labels()[rule]) in str(info.value)
    assert confirmed(people) == [""] * 5
    services.confirm_unit(county_admin, parent, township, {people[1].pk: E, **grades_of([people[0], *people[2:]], C, 0)})


def test_a_problem_closed_in_time_or_a_missing_letter_before_its_due_date(township, county, travel):
    parent = assessment(county)
    cadre = clean_record(f.CadreFactory(organization=township))
    closed = _problem(cadre, D(YEAR, 6, 1), Problem.Status.CLOSED)
    Problem.objects.filter(pk=closed.pk).update(verified_at=datetime.datetime(YEAR, 5, 30, tzinfo=datetime.UTC))
    assert metrics.disqualifiers(parent, [cadre.pk])[cadre.pk] == []
    CommitmentLetter.objects.filter(cadre=cadre).delete()
    found = metrics.disqualifiers(parent, [cadre.pk])[cadre.pk]
    assert [x.rule for x in found] == ["commitment"]
    travel.move_to(datetime.datetime(YEAR, 3, 30, 10, tzinfo=datetime.UTC))  # not missing before it is due
    assert metrics.disqualifiers(parent, [cadre.pk])[cadre.pk] == []


def test_the_county_turns_a_disqualifier_off(township, county):
    from banzi.core.models import Rule

    parent = assessment(county)
    cadre = f.CadreFactory(organization=township)
    Rule.objects.create(key=metrics.DISQUALIFIER_RULE, value={"training": False, "commitment": False})
    assert metrics.disqualifiers(parent, [cadre.pk])[cadre.pk] == []


def test_disqualifiers_cost_the_same_queries_for_many_cadres(township, county, django_assert_max_num_queries):
    parent = assessment(county)
    cadres = [f.CadreFactory(organization=township) for _i in range(20)]
    with django_assert_max_num_queries(8):
        found = metrics.disqualifiers(parent, [c.pk for c in cadres])
    assert all(x.rule in ("training", "commitment") for items in found.values() for x in items)


# --- democratic evaluation --------------------------------------------------------------------------

def test_weights_must_add_up_to_one_hundred(township, county, county_admin):
    parent = assessment(county)
    with refused(ALL, Code.WEIGHTS_NOT_100) as info:
        services.set_weights(county_admin, parent, township, {"team_members": 50, "public_representatives": 40})
    assert "90" in str(info.value)
    assert not EvaluationGroup.objects.exists()
    made = services.create_default_groups(county_admin, parent, township)
    assert sorted(g.weight for g in made) == [10, 20, 30, 40]
    extra = EvaluationGroup(assessment=parent, unit=township, kind="team_members", weight=45)
    extra.pk = made[0].pk
    with refused("weight", Code.WEIGHTS_NOT_100):
        services.save_group(county_admin, extra)
    services.set_weights(county_admin, parent, township, {"team_members": 60, "public_representatives": 40})
    assert metrics.group_weights(parent, township) == 100


def test_one_code_one_ballot(township, county, county_admin):
    parent = collecting(assessment(county))
    people = unit_of(parent, township, 2, clean=False)
    group = groups(parent, township)["team_members"]
    codes = services.issue_codes(county_admin, group, 3)
    assert len(set(codes)) == 3 and BallotCode.objects.filter(group=group).count() == 3
    assert not BallotCode.objects.filter(code_hash__in=codes).exists()  # only fingerprints are kept
    services.cast_ballot(codes[0].lower(), {people[0].pk: C, people[1].pk: E})
    with refused("code", Code.CODE_USED):
        services.cast_ballot(codes[0], {people[0].pk: C})
    with refused("code", Code.CODE_UNKNOWN):
        services.cast_ballot("ABCDEFGHJK", {people[0].pk: C})
    with refused(ALL, Code.NOT_ASSESSED):  # a vote for someone outside the unit: the code stays unused
        services.cast_ballot(codes[1], {people[0].pk: C, unit_of(parent, f.TownshipFactory(parent=county), 1,
                                                                  clean=False)[0].pk: C})
    assert BallotCode.objects.filter(used=True).count() == 1
    assert Ballot.objects.count() == 1 and Vote.objects.count() == 2
    with refused(ALL, Code.OUT_OF_RANGE):
        services.issue_codes(county_admin, group, 0)
    assert AuditEvent.objects.filter(detail__contains="ballot codes").count() == 1


def test_a_ballot_cannot_be_traced_to_its_code():
    for model in (Ballot, Vote, BallotCode):
        fields = model._meta.get_fields()
        assert not any(isinstance(x, models.DateTimeField | models.DateField) for x in fields), model
        assert not hasattr(model, "history"), model
    assert not any(getattr(x, "related_model", None) is BallotCode for x in Ballot._meta.get_fields())
    assert isinstance(Ballot._meta.pk, models.UUIDField) and isinstance(Vote._meta.pk, models.UUIDField)


def _votes(group, assessee_, grades):
    for grade in grades:
        Vote.objects.create(ballot=Ballot.objects.create(group=group, source=Ballot.Source.PAPER), assessee=assessee_,
                            grade=grade)


def test_exactly_one_third_low_votes_caps_the_grade(township, county, county_admin):
    parent = collecting(assessment(county))
    capped, free, *others = unit_of(parent, township, 5)
    rest = grades_of(others, C, 0)
    made = groups(parent, township)
    _votes(made["team_members"], capped, [E, E, C, C, C, C, B, B, N])  # 3 of 9: exactly one third
    _votes(made["team_members"], free, [E, E, C, C, C, C, C, B, B, N])  # 3 of 10: less
    result = metrics.tally(parent, township)
    assert (result[capped.pk].low, result[capped.pk].total, result[capped.pk].cap) == (3, 9, B)
    assert result[free.pk].cap is None
    with refused(ALL, Code.BALLOT_CAP) as info:
        services.confirm_unit(county_admin, parent, township, {capped.pk: C, free.pk: E, **rest})
    assert "3 of the 9" in str(info.value)
    services.confirm_unit(county_admin, parent, township, {capped.pk: B, free.pk: E, **rest})


def test_the_tally_weights_the_groups(township, county, county_admin):
    parent = collecting(assessment(county))
    person = unit_of(parent, township, 1)[0]
    made = groups(parent, township, {"team_members": 60, "public_representatives": 40})
    _votes(made["team_members"], person, [E, E, E, C])       # 75 % excellent
    _votes(made["public_representatives"], person, [E, C])   # 50 % excellent
    result = metrics.tally(parent, township)[person.pk]
    assert result.weighted[E] == pytest.approx(65)  # 0.6 × 75 + 0.4 × 50
    assert result.counts == {E: 4, C: 2, B: 0, N: 0}
    services.enter_paper_ballot(county_admin, made["team_members"], {person.pk: B})
    assert metrics.tally(parent, township)[person.pk].counts[B] == 1


# --- scoping and history ------------------------------------------------------------------------------

def test_a_township_cannot_touch_another_townships_assessees(township, other_township, county_admin, township_admin,
                                                             other_township_admin):
    parent = collecting(assessment(township))
    people = unit_of(parent, township, 2, clean=False)
    assert not Assessee.objects.visible_to(other_township_admin).exists()
    assert Assessee.objects.visible_to(township_admin).count() == 2
    with pytest.raises(PermissionDenied):
        services.propose_grades(other_township_admin, parent, {people[0].pk: Grade.GOOD})
    with pytest.raises((PermissionDenied, ValidationError)):
        services.save_assessee(other_township_admin, Assessee(assessment=parent, unit=other_township,
                                                              cadre=f.CadreFactory(organization=other_township),
                                                              category=Assessee.Category.GENERAL_CADRE))
    county_run = collecting(assessment())
    team = assessee(county_run, township, category=Assessee.Category.TEAM)
    with pytest.raises(PermissionDenied):  # the county proposes a team's grade, and any annual grade
        services.propose_grades(township_admin, county_run, {team.pk: Grade.GOOD})
    assert not Assessee.objects.exclude(proposed_grade="").exists()


def test_grade_writes_are_kept_in_the_history_with_their_user(township, county, county_admin):
    parent = collecting(assessment(county))
    person = unit_of(parent, township, 1)[0]
    services.propose_grades(county_admin, parent, {person.pk: C})
    services.confirm_unit(county_admin, parent, township)
    rows = list(Assessee.history.filter(id=person.pk).order_by("history_id"))
    assert [(r.proposed_grade, r.confirmed_grade, r.history_user) for r in rows[-2:]] == [
        (C, "", county_admin), (C, C, county_admin)]
    assert AuditEvent.objects.filter(object_id=str(person.pk), action=AuditEvent.Action.UPDATE,
                                     user=county_admin).count() == 2


# --- single-record rules ------------------------------------------------------------------------------

def test_single_record_rules(township, other_township, county, county_admin, township_admin):
    with refused("quarter", Code.REQUIRED):
        services.save_assessment(county_admin, Assessment(kind=Assessment.Kind.QUARTERLY, title="三季度", year=YEAR,
                                                          starts_on=D(YEAR, 7, 1), ends_on=D(YEAR, 9, 30),
                                                          organization=county))
    with refused("organization", Code.WRONG_KIND):
        services.save_assessment(township_admin, Assessment(kind=Assessment.Kind.ANNUAL, title="年度", year=YEAR,
                                                            starts_on=D(YEAR, 1, 1), ends_on=D(YEAR, 12, 31),
                                                            organization=township))
    parent = assessment(county)
    with refused("cadre", Code.OTHER_TOWNSHIP):
        services.save_assessee(county_admin, Assessee(assessment=parent, unit=township, category="general_cadre",
                                                      cadre=f.CadreFactory(organization=other_township)))
    with refused("team", Code.REQUIRED):
        services.save_assessee(county_admin, Assessee(assessment=parent, unit=township, category="team"))
    person = assessee(parent, township)
    with refused(ALL, Code.UNIQUE):
        services.save_assessee(county_admin, Assessee(assessment=parent, unit=township, category="general_cadre",
                                                      cadre=person.cadre))
    with refused("document_number", Code.REQUIRED):
        services.save_quota_approval(county_admin, QuotaApproval(assessment=parent, unit=township, document_number=" ",
                                                                 approved_on=D(YEAR, 11, 1)))


def test_the_report_attachment_is_checked_by_its_content(township, county, county_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    person = assessee(assessment(county), township)
    person.report_file = SimpleUploadedFile("述职报告.pdf", b"MZ\x90\x00 not a pdf")
    with refused("report_file", Code.FILE_TYPE):
        services.save_assessee(county_admin, person)
    person.report_file = SimpleUploadedFile("述职报告.pdf", b"%PDF-1.4\n%%EOF\n")
    services.save_assessee(county_admin, person)
    assert Assessee.objects.get(pk=person.pk).report_file.name.endswith(".pdf")


@pytest.mark.zh
def test_refusals_read_in_chinese(township, county, county_admin):
    parent = collecting(assessment(county))
    people = unit_of(parent, township, 13)
    with refused(ALL, Code.OVER_QUOTA) as info:
        services.confirm_unit(county_admin, parent, township, grades_of(people, E, 3))
    assert "评为“优秀”的不得超过 2 人" in info.value.messages[0]
    with refused("code", Code.CODE_UNKNOWN) as info:
        services.cast_ballot("ABCDEFGHJK", {people[0].pk: C})
    assert info.value.message_dict["code"] == ["该测评码未发放过，请核对后重试。"]


def test_the_rules_are_the_countys_to_change(township, county, county_admin):
    from banzi.core import rule_services, rules

    assert rules.get(metrics.QUOTA_RULE)["excellent_percent"] == 20
    rule_services.save_rule(county_admin, metrics.QUOTA_RULE, {"excellent_percent": 15})
    parent = collecting(assessment(county))
    unit_of(parent, township, 20, clean=False)
    assert metrics.quota(parent, township).limit == 3
