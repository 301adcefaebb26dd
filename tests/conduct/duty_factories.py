"""Builders of overnight duty and attendance records for the tests: a township's roster with a night
whose leader is a current team member and whose staff is a cadre of the township."""
import datetime
import itertools

from django.utils import timezone

from banzi.conduct.duty.models import (
    AttendanceRecord,
    DutyCheckIn,
    DutyRoster,
    DutyShift,
    DutySwap,
    SpotCheck,
)
from tests import factories as f

_seq = itertools.count(1)


def n():
    return next(_seq)


def today():
    return timezone.localdate()


def local(day, hour=21, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def team_member(township, cadre=None, started_on=datetime.date(1990, 1, 1)):
    """A cadre who sits on the township's leadership team from `started_on` on."""
    cadre = cadre or f.CadreFactory(organization=township)
    team = f.TeamFactory(township=township, elected_on=started_on - datetime.timedelta(days=n()))
    f.TeamMembershipFactory(team=team, cadre=cadre, started_on=started_on)
    return cadre


def month_of(day):
    return day.year, day.month


def roster(township, year=None, month=None, *, published=False):
    """A roster for the month (default: a month of its own between 1991 and 2020, so that many fit)."""
    if year is None:
        index = n()
        year, month = 1991 + (index // 12) % 30, index % 12 + 1
    status = DutyRoster.Status.PUBLISHED if published else DutyRoster.Status.DRAFT
    return DutyRoster.objects.create(township=township, year=year, month=month, status=status)


def shift(township, day=None, *, leader=None, staff=None, published=True, roster_=None):
    """A night of the township's roster on `day` (default today), creating the roster if needed."""
    day = day or today()
    if roster_ is None:
        roster_ = DutyRoster.objects.filter(township=township, year=day.year, month=day.month).first()
        if roster_ is None:
            roster_ = roster(township, day.year, day.month, published=published)
    return DutyShift.objects.create(roster=roster_, date=day, leader=leader or team_member(township),
                                    staff=staff or f.CadreFactory(organization=township))


def spread_shift(township, **kwargs):
    """A night in a roster of its own (so that many can be made for one township)."""
    parent = roster(township, published=True)
    return shift(township, parent.first_day, roster_=parent, **kwargs)


def check_in(township, cadre=None, day=None):
    night = shift(township, day, staff=cadre) if day else spread_shift(township, staff=cadre)
    return DutyCheckIn.objects.create(shift=night, cadre=night.staff, checked_in_at=local(night.date),
                                      location="值班室")


def swap(township, requested_by=None):
    night = shift(township, today() + datetime.timedelta(days=400 + n()), staff=requested_by)
    return DutySwap.objects.create(shift=night, requested_by=night.staff,
                                   replacement=f.CadreFactory(organization=township), reason="外出培训")


def spot_check(township, cadre=None, result=SpotCheck.Result.PRESENT):
    night = spread_shift(township, staff=cadre)
    return SpotCheck.objects.create(township=township, duty_date=night.date, shift=night, cadre=night.staff,
                                    checked_at=local(night.date, 22), method=SpotCheck.Method.PHONE, result=result)


def attendance(township, cadre=None, day=None, status=AttendanceRecord.Status.PRESENT):
    cadre = cadre or f.CadreFactory(organization=township)
    day = day or today() - datetime.timedelta(days=n())
    return AttendanceRecord.objects.create(cadre=cadre, organization=cadre.organization, date=day, status=status)
