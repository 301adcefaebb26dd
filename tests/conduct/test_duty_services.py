"""Overnight duty rules: who may be on a night, one night per date, publishing, swaps asked by the
cadre on duty and decided by the township, check-ins and spot checks (an absence becomes a
violation candidate), each refused with its code and nothing half-saved."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from banzi.conduct.duty import services
from banzi.conduct.duty.models import DutyCheckIn, DutyRoster, DutyShift, DutySwap, SpotCheck
from banzi.conduct.models import Violation
from banzi.core import clock
from banzi.core import services as core_services
from banzi.core.errors import Code
from banzi.core.models import Notification
from banzi.core.roles import Role
from tests import factories as f
from tests.conduct import duty_factories as d
from tests.errors import ALL, refused

pytestmark = pytest.mark.django_db


def messages_of(exc_info):
    return " ".join(exc_info.value.messages)


@pytest.fixture
def night(township):
    """Tonight's shift of the township on a published roster."""
    return d.shift(township)


@pytest.fixture
def on_duty_user(night):
    return f.UserFactory(role=Role.CADRE, cadre=night.staff)


# --- shifts -------------------------------------------------------------------------------------

def test_shift_with_a_cadre_of_another_township_is_refused(township, other_township, township_admin):
    roster = d.roster(township, 2026, 3)
    outsider = f.CadreFactory(organization=other_township, name="外镇干部")
    shift = DutyShift(roster=roster, date=datetime.date(2026, 3, 2), leader=d.team_member(township), staff=outsider)
    with refused("staff", Code.OTHER_TOWNSHIP) as exc:
        services.save_shift(township_admin, shift)
    assert "外镇干部" in messages_of(exc)
    assert not DutyShift.objects.exists()


def test_leader_must_be_a_team_member_on_the_night(township, county_admin):
    roster = d.roster(township, 2026, 3)
    plain = f.CadreFactory(organization=township, name="普通干部")
    shift = DutyShift(roster=roster, date=datetime.date(2026, 3, 2), leader=plain,
                      staff=f.CadreFactory(organization=township))
    with refused("leader", Code.NOT_TEAM_MEMBER):
        services.save_shift(county_admin, shift)
    # A member whose membership starts after the night is not a member on that night either.
    late = d.team_member(township, started_on=datetime.date(2026, 3, 3))
    shift.leader = late
    with refused("leader", Code.NOT_TEAM_MEMBER):
        services.save_shift(county_admin, shift)
    shift.date = datetime.date(2026, 3, 3)
    assert services.save_shift(county_admin, shift).pk


def test_one_shift_per_night_and_within_the_month(township, county_admin):
    roster = d.roster(township, 2026, 3)
    leader, staff = d.team_member(township), f.CadreFactory(organization=township)
    services.save_shift(county_admin, DutyShift(roster=roster, date=datetime.date(2026, 3, 5), leader=leader,
                                                staff=staff))
    with refused(ALL, Code.UNIQUE):
        services.save_shift(county_admin, DutyShift(roster=roster, date=datetime.date(2026, 3, 5), leader=leader,
                                                    staff=staff))
    with refused("date", Code.OUTSIDE_PERIOD):
        services.save_shift(county_admin, DutyShift(roster=roster, date=datetime.date(2026, 4, 1), leader=leader,
                                                    staff=staff))
    with refused("staff", Code.SAME_PERSON):
        services.save_shift(county_admin, DutyShift(roster=roster, date=datetime.date(2026, 3, 6), leader=leader,
                                                    staff=leader))
    assert DutyShift.objects.count() == 1


def test_publish_needs_nights_and_happens_once(township, township_admin):
    roster = services.save_roster(township_admin, DutyRoster(township=township, year=2026, month=5))
    with refused(ALL, Code.STEP_NOT_READY):
        services.publish_roster(township_admin, roster)
    d.shift(township, datetime.date(2026, 5, 1), roster_=roster)
    services.publish_roster(township_admin, roster)
    roster.refresh_from_db()
    assert roster.is_published and roster.published_by == township_admin
    assert roster.history.first().history_user == township_admin
    with refused(ALL, Code.WRONG_STATE):
        services.publish_roster(township_admin, roster)
    with refused(ALL, Code.WRONG_STATE):
        core_services.delete_object(township_admin, roster)


def test_roster_with_shifts_keeps_its_month(township, township_admin):
    roster = d.roster(township, 2026, 5)
    d.shift(township, datetime.date(2026, 5, 1), roster_=roster)
    roster.month = 6
    with refused(ALL, Code.FROZEN):
        services.save_roster(township_admin, roster)
    assert DutyRoster.objects.get(pk=roster.pk).month == 5


def test_other_township_admin_cannot_publish(township, other_township_admin):
    roster = d.roster(township, 2026, 5)
    d.shift(township, datetime.date(2026, 5, 1), roster_=roster)
    with pytest.raises(PermissionDenied):
        services.publish_roster(other_township_admin, roster)


# --- swaps --------------------------------------------------------------------------------------

def coming_night(township, days=3, **kwargs):
    return d.shift(township, clock.today() + datetime.timedelta(days=days), **kwargs)


def test_cadre_on_duty_asks_for_a_swap_and_the_township_approves(township, township_admin,
                                                                 django_capture_on_commit_callbacks):
    night = coming_night(township)
    requester = f.UserFactory(role=Role.CADRE, cadre=night.staff)
    colleague = f.CadreFactory(organization=township, name="替班干部")
    colleague_user = f.UserFactory(role=Role.CADRE, cadre=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        swap = services.save_swap(requester, DutySwap(shift=night, requested_by=night.staff, replacement=colleague,
                                                      reason="参加培训"))
    assert swap.status == DutySwap.Status.REQUESTED
    assert Notification.objects.filter(user=township_admin, key=f"conduct.dutyswap:{swap.pk}:requested").exists()
    night.refresh_from_db()
    assert night.staff == requester.cadre  # nothing changes before approval

    with pytest.raises(PermissionDenied):
        services.approve_swap(requester, swap)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_swap(township_admin, swap, note="同意")
    night.refresh_from_db()
    swap.refresh_from_db()
    assert night.staff == colleague and swap.status == DutySwap.Status.APPROVED
    assert swap.decided_by == township_admin
    assert night.history.first().history_user == township_admin
    assert Notification.objects.filter(user=requester).exists()
    assert Notification.objects.filter(user=colleague_user, key=f"conduct.dutyswap:{swap.pk}:replacement").exists()
    # Decided: the committee's call to decide it is read (the decision is what it asked for).
    assert Notification.objects.get(user=township_admin, key=f"conduct.dutyswap:{swap.pk}:requested").read_at
    with refused(ALL, Code.WRONG_STATE):
        services.approve_swap(township_admin, swap)
    with refused(ALL, Code.WRONG_STATE):
        services.save_swap(township_admin, swap)
    with refused(ALL, Code.WRONG_STATE):
        core_services.delete_object(township_admin, swap)


def test_swap_rules(township, other_township, township_admin):
    night = coming_night(township)
    requester = f.UserFactory(role=Role.CADRE, cadre=night.staff)
    stranger = f.CadreFactory(organization=township)
    # Not on duty that night.
    with refused("requested_by", Code.NOT_ON_DUTY):
        services.save_swap(township_admin, DutySwap(shift=night, requested_by=stranger, replacement=night.staff,
                                                    reason="x"))
    # A cadre asks only for themselves.
    with pytest.raises(PermissionDenied):
        services.save_swap(f.UserFactory(role=Role.CADRE, cadre=stranger),
                           DutySwap(shift=night, requested_by=night.staff, replacement=stranger, reason="x"))
    # A replacement from another township, or already on duty.
    with refused("replacement", Code.OTHER_TOWNSHIP):
        services.save_swap(requester, DutySwap(shift=night, requested_by=night.staff,
                                               replacement=f.CadreFactory(organization=other_township), reason="x"))
    with refused("replacement", Code.ALREADY_ON_DUTY):
        services.save_swap(requester, DutySwap(shift=night, requested_by=night.staff, replacement=night.leader,
                                               reason="x"))
    # The leader is replaced by a team member only.
    with refused("replacement", Code.NOT_TEAM_MEMBER):
        services.save_swap(township_admin, DutySwap(shift=night, requested_by=night.leader, replacement=stranger,
                                                    reason="x"))
    # A night that has passed.
    past = d.shift(township, clock.today() - datetime.timedelta(days=1))
    with refused("shift", Code.PAST_DATE):
        services.save_swap(township_admin, DutySwap(shift=past, requested_by=past.staff, replacement=stranger,
                                                    reason="x"))
    # One open request per night and cadre.
    services.save_swap(requester, DutySwap(shift=night, requested_by=night.staff, replacement=stranger, reason="x"))
    with refused("shift", Code.UNIQUE):
        services.save_swap(requester, DutySwap(shift=night, requested_by=night.staff, replacement=stranger,
                                               reason="y"))
    assert DutySwap.objects.count() == 1


def test_swap_on_a_draft_roster_is_refused(township, township_admin):
    night = coming_night(township, days=40, published=False)
    with refused("shift", Code.ROSTER_NOT_PUBLISHED):
        services.save_swap(township_admin, DutySwap(shift=night, requested_by=night.staff,
                                                    replacement=f.CadreFactory(organization=township), reason="x"))


def test_reject_needs_a_reason_and_leaves_the_night(township, township_admin, other_township_admin):
    night = coming_night(township)
    swap = services.save_swap(township_admin, DutySwap(shift=night, requested_by=night.staff,
                                                       replacement=f.CadreFactory(organization=township), reason="x"))
    with pytest.raises(PermissionDenied):
        services.reject_swap(other_township_admin, swap, note="不同意")
    with refused("note", Code.REQUIRED):
        services.reject_swap(township_admin, swap, note=" ")
    services.reject_swap(township_admin, swap, note="值班人员不足")
    swap.refresh_from_db()
    night.refresh_from_db()
    assert swap.status == DutySwap.Status.REJECTED and night.staff == swap.requested_by


# --- check-ins ----------------------------------------------------------------------------------

def test_cadre_on_duty_checks_in_once(night, on_duty_user):
    record = services.check_in(on_duty_user, night, location="值班室")
    assert record.cadre == night.staff and record.history.get().history_user == on_duty_user
    with refused(ALL, Code.UNIQUE):
        services.check_in(on_duty_user, night)


def test_check_in_by_someone_not_on_duty_or_outside_the_night(township, night):
    other = f.UserFactory(role=Role.CADRE, cadre=f.CadreFactory(organization=township))
    with pytest.raises(PermissionDenied):
        services.check_in(other, night)
    leader_user = f.UserFactory(role=Role.CADRE, cadre=night.leader)
    with refused("checked_in_at", Code.OUTSIDE_PERIOD):
        services.check_in(leader_user, night, at=timezone.now() - datetime.timedelta(days=3))
    assert not DutyCheckIn.objects.exists()


def test_check_in_on_a_draft_roster_is_refused(township):
    night = d.shift(township, published=False)
    user = f.UserFactory(role=Role.CADRE, cadre=night.staff)
    with refused("shift", Code.STEP_NOT_READY):
        services.check_in(user, night)


# --- spot checks --------------------------------------------------------------------------------

def spot(township, day, cadre, result=SpotCheck.Result.PRESENT):
    return SpotCheck(township=township, duty_date=day, cadre=cadre, checked_at=d.local(day, 22),
                     method=SpotCheck.Method.PHONE, result=result)


def test_spot_check_on_a_date_with_no_roster_is_refused(township, county_admin):
    day = clock.today() - datetime.timedelta(days=1)
    with refused("duty_date", Code.NO_SHIFT):
        services.save_spot_check(county_admin, spot(township, day, f.CadreFactory(organization=township)))
    assert not SpotCheck.objects.exists()


def test_spot_check_of_someone_not_on_duty_or_on_a_draft_roster(township, county_admin):
    day = clock.today() - datetime.timedelta(days=1)
    night = d.shift(township, day)
    with refused("cadre", Code.NOT_ON_DUTY):
        services.save_spot_check(county_admin, spot(township, day, f.CadreFactory(organization=township)))
    draft = d.shift(township, datetime.date(2020, 1, 1), published=False)
    with refused("duty_date", Code.ROSTER_NOT_PUBLISHED):
        services.save_spot_check(county_admin, spot(township, draft.date, draft.staff))
    record = services.save_spot_check(county_admin, spot(township, day, night.leader))
    assert record.shift == night and record.checked_by == county_admin and record.violation is None
    assert not Violation.objects.exists()


def test_absence_becomes_one_violation_candidate(township, county_admin):
    day = clock.today() - datetime.timedelta(days=2)
    night = d.shift(township, day)
    record = services.save_spot_check(county_admin, spot(township, day, night.staff, SpotCheck.Result.ABSENT))
    violation = Violation.objects.get()
    assert record.violation == violation
    assert violation.status == Violation.Status.CANDIDATE
    assert violation.cadre == night.staff and violation.occurred_on == day
    assert night.staff.name in violation.facts
    # Saving the check again does not add a second candidate; its result stays as recorded.
    record.notes = "补充说明"
    services.save_spot_check(county_admin, record)
    assert Violation.objects.count() == 1
    record.result = SpotCheck.Result.PRESENT
    with refused("result", Code.FROZEN):
        services.save_spot_check(county_admin, record)
    with refused(ALL, Code.PROTECTED):
        services.delete_spot_check(county_admin, SpotCheck.objects.get(pk=record.pk))
    assert SpotCheck.objects.get(pk=record.pk).result == SpotCheck.Result.ABSENT


def test_unreachable_is_not_a_violation(township, county_admin):
    day = clock.today() - datetime.timedelta(days=2)
    night = d.shift(township, day)
    services.save_spot_check(county_admin, spot(township, day, night.staff, SpotCheck.Result.UNREACHABLE))
    assert not Violation.objects.exists()


def test_spot_check_cannot_be_in_the_future(township, county_admin):
    night = d.shift(township, clock.today() + datetime.timedelta(days=5))
    record = spot(township, night.date, night.staff)
    with refused("checked_at", Code.FUTURE_DATE):
        services.save_spot_check(county_admin, record)


def test_the_night_on_duty_runs_until_noon():
    from banzi.conduct.duty.models import current_night

    day = datetime.date(2026, 3, 10)
    assert current_night(d.local(day, 2)) == datetime.date(2026, 3, 9)
    assert current_night(d.local(day, 11, 59)) == datetime.date(2026, 3, 9)
    assert current_night(d.local(day, 12)) == day
    assert current_night(d.local(day, 23)) == day
