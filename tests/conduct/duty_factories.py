"""Builders of overnight duty and attendance records for the tests: a township's roster with a night
whose leader is a current team member and whose staff is a cadre of the township."""
import datetime
import io
import itertools

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from banzi.conduct.duty.models import (
    AttendanceRecord,
    DutyCheckIn,
    DutyRoster,
    DutyShift,
    DutySwap,
    SpotCheck,
    current_night,
)
from banzi.core import clock
from banzi.org.models import Team, TeamMembership
from tests import factories as f

_seq = itertools.count(1)
_months = itertools.count(0)  # months of rosters made one by one: 2030-01 on
_nights = itertools.count(0)  # nights spread over past months: 1995-01-01 on
_form_months = itertools.count(0)  # months that add pages post for a new roster: 2100 back to 2031


def free_month():
    """A (year, month) that no roster made here takes."""
    index = next(_form_months) % 840
    return 2100 - index // 12, 12 - index % 12


def n():
    return next(_seq)


def today():
    return clock.today()


def tonight():
    """The night on duty now (last night's until noon)."""
    return current_night()


def local(day, hour=21, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


FIRST_ELECTION = datetime.date(1989, 12, 1)
TERMS = 24  # five-year terms from 1989 to 2109: every night these tests make lies in one


def duty_teams(township):
    """The township's leadership teams for these tests, one a term from 1989 to 2109 (nights reach
    from 1995 to 2100): found where another builder made one that day, made otherwise."""
    elections = [FIRST_ELECTION.replace(year=FIRST_ELECTION.year + 5 * term) for term in range(TERMS)]
    existing = {team.elected_on: team for team in Team.objects.filter(township=township, elected_on__in=elections)}
    return [existing.get(day) or f.TeamFactory(township=township, elected_on=day) for day in elections]


def team_member(township, cadre=None, started_on=datetime.date(1990, 1, 1)):
    """A cadre who sits on the township's leadership team from `started_on` on: re-elected onto each
    team, so that they sit on the team in its term on any night from then on."""
    cadre = cadre or f.CadreFactory(organization=township)
    position = f.PositionFactory()
    TeamMembership.objects.bulk_create([
        TeamMembership(team=team, cadre=cadre, position=position, started_on=max(started_on, team.elected_on),
                       ended_on=team.term_ends_on)
        for team in duty_teams(township) if team.term_ends_on > started_on
    ])
    return cadre


def month_of(day):
    return day.year, day.month


def roster(township, year=None, month=None, *, published=False):
    """A roster for the month (default: a month of its own from 2030 on, so that many fit)."""
    if year is None:
        index = next(_months) % 840
        year, month = 2030 + index // 12, index % 12 + 1
    status = DutyRoster.Status.PUBLISHED if published else DutyRoster.Status.DRAFT
    return DutyRoster.objects.create(township=township, year=year, month=month, status=status)


def shift(township, day=None, *, leader=None, staff=None, published=True, roster_=None):
    """A night of the township's roster on `day` (default: the night on duty now), creating the roster
    if needed."""
    day = day or tonight()
    if roster_ is None:
        roster_ = DutyRoster.objects.filter(township=township, year=day.year, month=day.month).first()
        if roster_ is None:
            roster_ = roster(township, day.year, day.month, published=published)
    return DutyShift.objects.create(roster=roster_, date=day, leader=leader or team_member(township),
                                    staff=staff or f.CadreFactory(organization=township))


def spread_shift(township, **kwargs):
    """A past night of its own on a published roster (so that many can be made for one township)."""
    return shift(township, datetime.date(1995, 1, 1) + datetime.timedelta(days=next(_nights)), **kwargs)


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


def upload(file_name, headings, rows):
    """An .xlsx upload with the headings and rows, as an attendance or roster export would be."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(file_name, buffer.getvalue())


def import_errors(response):
    """{(worksheet row, column heading): message} of an import preview."""
    return {(e["row"], e["column"]): e["message"] for e in response.context["report"].errors}


def import_codes(response):
    """{(row, column): code} of an import preview's row errors."""
    return {(e["row"], e["column"]): e["code"] for e in response.context["report"].errors}
