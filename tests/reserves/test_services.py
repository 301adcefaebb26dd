"""The reserve pool's rules at their boundaries: the nomination (one open entry, the record or the
votes, the township's own cadres), the vetting checks (a violation in the last five years, a low
annual result in the last three, older than 40 at the nomination, already in the pool), the steps
only the county takes, the pool's size, the exit's reasons, the yearly review and the measures.
Each refusal is asserted by its code, with nothing saved; the flag follows the pool."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied

from banzi.assessment.models import Assessment, Grade
from banzi.conduct.models import Violation
from banzi.core.errors import Code
from banzi.core.models import Rule
from banzi.core.roles import Role
from banzi.org.models import Cadre
from banzi.practice.models import Posting
from banzi.reserves import checks, services
from banzi.reserves.models import DevelopmentMeasure, ReserveEntry, ReserveReview
from tests import factories as f
from tests.assessment.factories import assessee, assessment
from tests.dates import days_ago, days_ahead, this_year, today
from tests.errors import ALL, refused
from tests.training import factories as tf

from .factories import Status, entry, young_cadre

pytestmark = pytest.mark.django_db


def years_before(day, years):
    return day.replace(year=day.year - years)


def nomination(cadre, **fields):
    fields.setdefault("nominated_on", days_ago(10))
    fields.setdefault("source", ReserveEntry.Source.COMMITTEE)
    fields.setdefault("recommendation", "党委会研究推荐")
    return ReserveEntry(cadre=cadre, **fields)


def county_user():
    return f.UserFactory(role=Role.COUNTY_ADMIN)


# --- nomination -------------------------------------------------------------------------------------

def test_township_nominates_its_own_cadre_and_the_unit_is_its_township(township, township_admin):
    cadre = young_cadre(f.VillageFactory(parent=township))
    saved = services.save_entry(township_admin, nomination(cadre))
    assert saved.unit == township and saved.status == Status.NOMINATED
    assert saved.history.get().history_user == township_admin
    assert not Cadre.objects.get(pk=cadre.pk).is_reserve  # nominated is not yet in the pool


def test_township_cannot_nominate_another_townships_cadre(township_admin, other_township):
    with refused("cadre", Code.OUTSIDE_SCOPE):
        services.save_entry(township_admin, nomination(young_cadre(other_township)))
    assert not ReserveEntry.objects.exists()


def test_cadre_cannot_nominate(cadre_user, township):
    with pytest.raises(PermissionDenied):
        services.save_entry(cadre_user, nomination(cadre_user.cadre))
    assert not ReserveEntry.objects.exists()


def test_archived_cadre_is_not_nominated(township, county_admin):
    cadre = young_cadre(township, status=Cadre.Status.ARCHIVED)
    with refused("cadre", Code.CADRE_ARCHIVED):
        services.save_entry(county_admin, nomination(cadre))
    assert not ReserveEntry.objects.exists()


@pytest.mark.parametrize("status", [Status.NOMINATED, Status.VETTED, Status.IN_POOL])
def test_one_open_entry_per_cadre(township, county_admin, status):
    first = entry(township, status=status)
    with refused("cadre", Code.RESERVE_OPEN_ENTRY):
        services.save_entry(county_admin, nomination(first.cadre))
    assert ReserveEntry.objects.count() == 1


@pytest.mark.parametrize("status", [Status.REJECTED, Status.EXITED])
def test_a_closed_entry_allows_a_new_nomination(township, county_admin, status):
    first = entry(township, status=status)
    services.save_entry(county_admin, nomination(first.cadre))
    assert ReserveEntry.objects.filter(cadre=first.cadre).count() == 2


def test_committee_nomination_needs_its_record(township, county_admin):
    with refused("recommendation", Code.REQUIRED):
        services.save_entry(county_admin, nomination(young_cadre(township), recommendation=" "))
    assert not ReserveEntry.objects.exists()


def test_democratic_recommendation_by_votes_alone_at_the_boundary(township, county_admin):
    cadre = young_cadre(township)
    with refused("votes_for", Code.OUT_OF_RANGE):
        services.save_entry(county_admin, nomination(cadre, source=ReserveEntry.Source.DEMOCRATIC, recommendation="",
                                                     votes_for=31, votes_total=30))
    with refused("votes_total", Code.REQUIRED):
        services.save_entry(county_admin, nomination(cadre, source=ReserveEntry.Source.DEMOCRATIC, recommendation="",
                                                     votes_for=20))
    with refused("votes_for", Code.REQUIRED):
        services.save_entry(county_admin, nomination(cadre, source=ReserveEntry.Source.DEMOCRATIC, recommendation=""))
    assert not ReserveEntry.objects.exists()
    services.save_entry(county_admin, nomination(cadre, source=ReserveEntry.Source.DEMOCRATIC, recommendation="",
                                                 votes_for=30, votes_total=30))
    assert ReserveEntry.objects.get().votes_for == 30


def test_nomination_date_not_in_the_future(township, county_admin):
    with refused("nominated_on", Code.FUTURE_DATE):
        services.save_entry(county_admin, nomination(young_cadre(township), nominated_on=days_ahead(1)))
    services.save_entry(county_admin, nomination(young_cadre(township), nominated_on=today()))
    assert ReserveEntry.objects.count() == 1


def test_a_vetted_nomination_is_not_edited_or_deleted(township, county_admin):
    record = entry(township, status=Status.VETTED)
    record.note = "补充"
    with refused(ALL, Code.WRONG_STATE):
        services.save_entry(county_admin, record)
    with refused(ALL, Code.WRONG_STATE):
        services.delete_entry(county_admin, record)
    assert ReserveEntry.objects.get(pk=record.pk).note == ""


# --- vetting ----------------------------------------------------------------------------------------

def test_county_vets_and_keeps_the_checks(township, county_admin):
    record = entry(township, nominated_on=days_ago(40))
    services.vet(county_admin, record, days_ago(10), "同意")
    record.refresh_from_db()
    assert record.status == Status.VETTED and record.vetted_on == days_ago(10) and record.vetting_result == "同意"
    assert [c["rule"] for c in record.vetting_checks] == ["violation", "assessment", "age", "in_pool"]
    assert all(c["passed"] for c in record.vetting_checks)


@pytest.mark.parametrize("step, kwargs", [("vet", {}), ("reject", {"reason": "不符合条件"}),
                                          ("enter", {"development_plan": "培养"}), ("exit", {"reason": "promoted"})])
def test_township_cannot_take_the_countys_steps(township, township_admin, step, kwargs):
    status = {"vet": Status.NOMINATED, "reject": Status.NOMINATED, "enter": Status.VETTED, "exit": Status.IN_POOL}[step]
    record = entry(township, status=status)
    service = {"vet": services.vet, "reject": services.reject, "enter": services.enter, "exit": services.exit_pool}[step]
    with pytest.raises(PermissionDenied):
        service(township_admin, record, **kwargs)
    assert ReserveEntry.objects.get(pk=record.pk).status == status


def _violation(cadre, decided_on, status=Violation.Status.CONFIRMED):
    return Violation.objects.create(cadre=cadre, occurred_on=decided_on, facts="工作日饮酒", status=status,
                                    decided_on=decided_on if status == Violation.Status.CONFIRMED else None)


def test_violation_in_the_last_five_years_disqualifies_at_the_boundary(township, county_admin):
    record = entry(township, nominated_on=days_ago(5))
    vetted_on = today()
    _violation(record.cadre, years_before(vetted_on, 5) - datetime.timedelta(days=1))  # just outside
    _violation(record.cadre, days_ago(3), status=Violation.Status.CANDIDATE)  # not decided
    services.vet(county_admin, record, vetted_on)
    assert ReserveEntry.objects.get(pk=record.pk).status == Status.VETTED

    other = entry(township, nominated_on=days_ago(5))
    found = _violation(other.cadre, years_before(vetted_on, 5))  # the first day inside
    with refused(ALL, Code.RESERVE_DISQUALIFIED):
        services.vet(county_admin, other, vetted_on)
    other.refresh_from_db()
    assert other.status == Status.NOMINATED and other.vetted_on is None
    check = next(c for c in checks.run_checks(other) if c.rule == "violation")
    assert not check.passed and check.url == f"/conduct/violations/{found.pk}/"


def test_low_annual_result_in_the_last_three_years_disqualifies(township, county_admin):
    year = this_year()
    inside = entry(township)
    for grade, years_back, status in [(Grade.BASICALLY_COMPETENT, 3, Assessment.Status.PUBLISHED)]:
        parent = assessment(year=year - years_back, status=status, starts_on=datetime.date(year - years_back, 1, 1),
                            ends_on=datetime.date(year - years_back, 12, 31))
        found = assessee(parent, township, inside.cadre, confirmed_grade=grade)
    with refused(ALL, Code.RESERVE_DISQUALIFIED):
        services.vet(county_admin, inside)
    check = next(c for c in checks.run_checks(inside) if c.rule == "assessment")
    assert not check.passed and check.url == f"/assessment/assessees/{found.pk}/"

    outside = entry(township)
    for grade, years_back, status in [(Grade.INCOMPETENT, 4, Assessment.Status.PUBLISHED),  # too long ago
                                      (Grade.INCOMPETENT, 1, Assessment.Status.CONFIRMED),  # not published
                                      (Grade.COMPETENT, 1, Assessment.Status.PUBLISHED)]:
        parent = assessment(year=year - years_back, status=status, starts_on=datetime.date(year - years_back, 1, 1),
                            ends_on=datetime.date(year - years_back, 12, 31))
        assessee(parent, township, outside.cadre, confirmed_grade=grade)
    services.vet(county_admin, outside)
    assert ReserveEntry.objects.get(pk=outside.pk).status == Status.VETTED


def test_age_limit_at_the_nomination_day(township, county_admin):
    nominated_on = days_ago(20)
    forty = entry(township, cadre=young_cadre(township, birth_date=years_before(nominated_on, 41)
                                              + datetime.timedelta(days=1)), nominated_on=nominated_on)
    forty_one = entry(township, cadre=young_cadre(township, birth_date=years_before(nominated_on, 41)),
                      nominated_on=nominated_on)
    services.vet(county_admin, forty)
    with refused(ALL, Code.RESERVE_DISQUALIFIED):
        services.vet(county_admin, forty_one)
    assert ReserveEntry.objects.get(pk=forty_one.pk).status == Status.NOMINATED
    Rule.objects.create(key=checks.POOL_RULE, value={"max_age": 41})
    services.vet(county_admin, forty_one)


def test_already_in_the_pool_is_a_disqualifier(township, county_admin):
    pooled = entry(township, status=Status.IN_POOL)
    # A second nomination made around the service (e.g. an old record): the check still shows it.
    second = ReserveEntry.objects.create(cadre=pooled.cadre, unit=township, nominated_on=days_ago(3),
                                         source=ReserveEntry.Source.COMMITTEE, recommendation="推荐")
    with refused(ALL, Code.RESERVE_DISQUALIFIED):
        services.vet(county_admin, second)
    check = next(c for c in checks.run_checks(second) if c.rule == "in_pool")
    assert not check.passed and check.url == pooled.get_absolute_url()


def test_vetting_dates(township, county_admin):
    record = entry(township, nominated_on=days_ago(10))
    with refused("vetted_on", Code.DATE_ORDER):
        services.vet(county_admin, record, days_ago(11))
    with refused("vetted_on", Code.FUTURE_DATE):
        services.vet(county_admin, record, days_ahead(1))
    services.vet(county_admin, record, days_ago(10))
    with refused(ALL, Code.WRONG_STATE):
        services.vet(county_admin, record)


def test_reject_needs_a_reason_and_a_nomination(township, county_admin):
    record = entry(township)
    with refused("reason", Code.REQUIRED):
        services.reject(county_admin, record, reason="  ")
    assert ReserveEntry.objects.get(pk=record.pk).status == Status.NOMINATED
    services.reject(county_admin, record, reason="有违纪记录")
    record.refresh_from_db()
    assert record.status == Status.REJECTED and record.rejected_on == today() and record.vetting_checks
    with refused(ALL, Code.WRONG_STATE):
        services.reject(county_admin, entry(township, status=Status.VETTED), reason="x")


# --- the pool --------------------------------------------------------------------------------------

def test_enter_sets_the_flag_in_the_same_step(township, county_admin):
    record = entry(township, status=Status.VETTED)
    with refused("development_plan", Code.REQUIRED):
        services.enter(county_admin, record, development_plan="")
    with refused("entered_on", Code.DATE_ORDER):
        services.enter(county_admin, record, record.vetted_on - datetime.timedelta(days=1), "培养计划")
    assert not Cadre.objects.get(pk=record.cadre_id).is_reserve
    services.enter(county_admin, record, record.vetted_on, "入企服务一年")
    record.refresh_from_db()
    assert record.status == Status.IN_POOL and record.cadre.is_reserve
    assert record.cadre.history.latest().history_user == county_admin


def test_pool_size_per_township_at_the_boundary(township, other_township, county_admin):
    for _n in range(4):
        entry(township, status=Status.IN_POOL)
    entry(other_township, status=Status.IN_POOL)
    fifth, sixth = entry(township, status=Status.VETTED), entry(township, status=Status.VETTED)
    services.enter(county_admin, fifth, development_plan="培养")
    with refused(ALL, Code.POOL_FULL):
        services.enter(county_admin, sixth, development_plan="培养")
    assert ReserveEntry.objects.get(pk=sixth.pk).status == Status.VETTED
    assert not Cadre.objects.get(pk=sixth.cadre_id).is_reserve
    Rule.objects.create(key=checks.POOL_RULE, value={"max_per_township": 6})
    services.enter(county_admin, sixth, development_plan="培养")


@pytest.mark.parametrize("reason", [ReserveEntry.ExitReason.REMOVED, ReserveEntry.ExitReason.OTHER])
def test_removed_or_other_needs_a_note(township, county_admin, reason):
    record = entry(township, status=Status.IN_POOL)
    with refused("note", Code.REQUIRED):
        services.exit_pool(county_admin, record, reason=reason)
    assert Cadre.objects.get(pk=record.cadre_id).is_reserve
    services.exit_pool(county_admin, record, reason=reason, note="受到诫勉")
    assert not Cadre.objects.get(pk=record.cadre_id).is_reserve


def test_exit_as_promoted_or_aged_out_clears_the_flag(township, county_admin):
    for reason in (ReserveEntry.ExitReason.PROMOTED, ReserveEntry.ExitReason.AGED_OUT):
        record = entry(township, status=Status.IN_POOL)
        with refused("exited_on", Code.DATE_ORDER):
            services.exit_pool(county_admin, record, record.entered_on - datetime.timedelta(days=1), reason)
        with refused("reason", Code.INVALID_CHOICE):
            services.exit_pool(county_admin, record, reason="bored")
        services.exit_pool(county_admin, record, reason=reason)
        record.refresh_from_db()
        assert record.status == Status.EXITED and record.exit_reason == reason and record.exited_on == today()
        assert not record.cadre.is_reserve
    with refused(ALL, Code.WRONG_STATE):
        services.exit_pool(county_admin, entry(township, status=Status.VETTED), reason="promoted")


def test_yearly_review_once_a_year_within_the_years_in_the_pool(township, township_admin):
    record = entry(township, status=Status.IN_POOL, entered_on=datetime.date(this_year() - 1, 6, 1))
    with refused("year", Code.YEAR_OUT_OF_RANGE):
        services.review(township_admin, record, this_year() - 2, "keep")
    with refused("year", Code.YEAR_OUT_OF_RANGE):
        services.review(township_admin, record, this_year() + 1, "keep")
    services.review(township_admin, record, this_year() - 1, "keep")
    with refused(ALL, Code.UNIQUE):
        services.review(township_admin, record, this_year() - 1, "watch")
    services.review(township_admin, record, this_year(), "watch", "需加强")
    assert list(record.reviews.values_list("year", flat=True).order_by("year")) == [this_year() - 1, this_year()]
    with refused(ALL, Code.WRONG_STATE):
        services.review(township_admin, entry(township, status=Status.VETTED), this_year(), "keep")
    with refused("entry", Code.WRONG_STATE):
        services.save_review(township_admin, ReserveReview(entry=entry(township, status=Status.EXITED),
                                                           year=this_year(), conclusion="keep"))


def test_measures_link_the_cadres_own_posting_or_enrollment(township, township_admin):
    record = entry(township, status=Status.IN_POOL)
    village = f.VillageFactory(parent=township)
    own = Posting.objects.create(cadre=record.cadre, kind=Posting.Kind.OTHER, organization=village,
                                 started_on=days_ago(100))
    other = Posting.objects.create(cadre=young_cadre(township), kind=Posting.Kind.OTHER, organization=village,
                                   started_on=days_ago(100))
    with refused("posting", Code.OTHER_CADRE):
        services.save_measure(township_admin, DevelopmentMeasure(entry=record, kind="frontline", description="一线",
                                                                 posting=other))
    with refused("posting", Code.WRONG_KIND):
        services.save_measure(township_admin, DevelopmentMeasure(entry=record, kind="training", description="一线",
                                                                 posting=own))
    program = tf.program(township)
    enrollment = tf.enroll(program, record.cadre)
    with refused("enrollment", Code.WRONG_KIND):
        services.save_measure(township_admin, DevelopmentMeasure(entry=record, kind="enterprise", description="培训",
                                                                 enrollment=enrollment))
    with refused("done_on", Code.FUTURE_DATE):
        services.save_measure(township_admin, DevelopmentMeasure(entry=record, kind="other", description="跟班",
                                                                 done_on=days_ahead(1)))
    with refused("entry", Code.WRONG_STATE):
        services.save_measure(township_admin, DevelopmentMeasure(entry=entry(township), kind="other",
                                                                 description="跟班"))
    assert not DevelopmentMeasure.objects.exists()
    services.save_measure(township_admin, DevelopmentMeasure(entry=record, kind="frontline", description="一线",
                                                             posting=own))
    services.save_measure(township_admin, DevelopmentMeasure(entry=record, kind="training", description="培训",
                                                             enrollment=enrollment))
    assert record.measures.count() == 2
