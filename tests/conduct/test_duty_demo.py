"""The duty demo: a published roster per township per month with check-ins, spot checks with exactly
one absence (which became a violation candidate), and last month's attendance; idempotent."""
import datetime

import pytest

from banzi.conduct.duty import attendance
from banzi.conduct.duty.demo import load_duty_demo
from banzi.conduct.duty.models import (
    AttendanceRecord,
    DutyCheckIn,
    DutyRoster,
    DutyShift,
    DutySwap,
    SpotCheck,
)
from banzi.conduct.models import Violation
from banzi.core import clock
from banzi.core.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_with_teams(county):
    today = clock.today()
    townships = [f.TownshipFactory(name=name, parent=county, sort_order=n) for n, name in enumerate(("襄陵镇", "新城镇"))]
    for township in townships:
        team = f.TeamFactory(township=township, elected_on=today - datetime.timedelta(days=400))
        for n in range(2):
            f.TeamMembershipFactory(team=team, started_on=team.elected_on, sort_order=n)
        for _ in range(3):
            f.CadreFactory(organization=township)
    f.UserFactory(username="county_admin", role=Role.COUNTY_ADMIN)
    return townships


def test_duty_demo(county_with_teams):
    today = clock.today()
    created = load_duty_demo()
    assert created["duty rosters"] == DutyRoster.objects.count() == 4
    assert not DutyRoster.objects.exclude(status=DutyRoster.Status.PUBLISHED).exists()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1))
    first, last = attendance.month_bounds(last_month.year, last_month.month)
    this_first, this_last = attendance.month_bounds(today.year, today.month)
    nights = (last - first).days + 1 + (this_last - this_first).days + 1
    assert DutyShift.objects.count() == 2 * nights
    assert DutyCheckIn.objects.count() == created["check-ins"] > 0
    absences = SpotCheck.objects.filter(result=SpotCheck.Result.ABSENT)
    assert absences.count() == 1
    assert absences.get().violation.status == Violation.Status.CANDIDATE
    assert Violation.objects.filter(status=Violation.Status.CANDIDATE).count() == 1
    assert AttendanceRecord.objects.filter(date__range=(first, last)).count() == created["attendance records"] > 0
    # A swap for a coming night in each township, tonight's on a month's last day.
    swaps = DutySwap.objects.filter(status=DutySwap.Status.APPROVED, shift__date__gte=today)
    assert created["duty swaps"] == swaps.count() == 2
    assert load_duty_demo() == {}
