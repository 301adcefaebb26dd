"""Demo overnight duty and attendance for the demo county (run by `manage.py load_demo` after the
registry, tasks and the other strict-management demo data).

For every township: a published roster for last month and this month with a night every day — the
leader on duty rotating among the current team members (among those on the team that night, for a
night before an election), the staff on duty among the township's other cadres —, check-ins for most of the last fortnight's nights, a few spot checks by the county over the last ten nights
(present, now and then unreachable) and exactly one absence in the first township, which becomes a violation
candidate through the same service as the pages; a swap asked for and approved for a coming night;
and last month's attendance of the team members (present on working days, a few business trips,
leave and outing days left to be derived from the leave requests and outing reports).

Everything is written through the services as the county's demo user; deterministic (seeded by
township and day, placed relative to today) and idempotent (a township whose roster exists is skipped).
"""
import datetime
import random
from collections import Counter

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from banzi.accounts.models import User
from banzi.core import clock
from banzi.core import demo as core_demo
from banzi.core.roles import Role
from banzi.core.workdays import Calendar
from banzi.org.models import Cadre, Organization, TeamMembership

from . import attendance, services
from .models import AttendanceRecord, DutyCheckIn, DutyRoster, DutyShift, DutySwap, SpotCheck

SEED = "banzi-duty-demo"
LOCATIONS = ["乡镇值班室", "党政办", "应急值班室"]


def _local(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _previous_month(day):
    first = day.replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


class DutyDemo:
    def __init__(self, user, today=None):
        self.user = user
        self.now = clock.now()
        self.today = today or clock.local_date(self.now)
        self.created = Counter()
        self.absence_recorded = SpotCheck.objects.filter(result=SpotCheck.Result.ABSENT).exists()

    def rng(self, *parts):
        return random.Random("/".join([SEED, *map(str, parts)]))

    @transaction.atomic
    def run(self):
        townships = list(Organization.objects.filter(kind=Organization.Kind.TOWNSHIP, is_active=True)
                         .order_by("sort_order", "name"))
        months = [_previous_month(self.today), (self.today.year, self.today.month)]
        for township in townships:
            leaders, staff = self.people(township)
            if len(leaders) < 1 or len(staff) < 1:
                continue
            for year, month in months:
                if DutyRoster.objects.filter(township=township, year=year, month=month).exists():
                    continue
                self.roster(township, year, month, leaders, staff)
            self.spot_checks(township)
            self.swap(township)
            self.attendance(township, leaders, *months[0])
        return self

    def people(self, township):
        members = list(TeamMembership.objects.current(self.today).filter(team__township=township)
                       .select_related("cadre").order_by("sort_order", "position__sort_order", "pk"))
        leaders = list({m.cadre_id: m.cadre for m in members if m.cadre.status == Cadre.Status.ACTIVE}.values())
        leader_ids = {c.pk for c in leaders}
        staff = [c for c in Cadre.objects.filter(organization__township=township, status=Cadre.Status.ACTIVE)
                 .order_by("name_pinyin", "pk") if c.pk not in leader_ids]
        return leaders, staff

    def roster(self, township, year, month, leaders, staff):
        roster = services.save_roster(self.user, DutyRoster(township=township, year=year, month=month))
        self.created["duty rosters"] += 1
        memberships = list(TeamMembership.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=roster.first_day), team__township=township,
            started_on__lte=roster.last_day, cadre__status=Cadre.Status.ACTIVE)
            .select_related("cadre", "team").order_by("sort_order", "position__sort_order", "pk"))
        township_units = set(Organization.objects.filter(township=township).values_list("pk", flat=True))
        day = roster.first_day
        n = 0
        while day <= roster.last_day:
            # A leader is on duty only while a team member: on a night before this team's election,
            # the rotation runs among those on the team then who are still the township's cadres.
            serving = {m.cadre_id: m.cadre for m in memberships if m.cadre.organization_id in township_units
                       and m.started_on <= day
                       and (m.ended_on is None or day < m.ended_on) and m.team.elected_on <= day < m.team.term_ends_on}
            if not serving:  # a coming night after the term ends, before the next election: left open
                day += datetime.timedelta(days=1)
                continue
            on_team = [c for c in leaders if c.pk in serving]
            if len(on_team) < len(leaders):
                on_team = list(serving.values())
            leader = on_team[n % len(on_team)]
            on_staff = staff[n % len(staff)]
            if on_staff.pk == leader.pk:  # a member who has left the team since is among the staff
                on_staff = staff[(n + 1) % len(staff)]
            shift = DutyShift(roster=roster, date=day, leader=leader, staff=on_staff)
            services.save_shift(self.user, shift)
            self.created["duty shifts"] += 1
            n += 1
            day += datetime.timedelta(days=1)
        services.publish_roster(self.user, roster)
        self.check_ins(roster)

    def check_ins(self, roster):
        rng = self.rng(roster.township_id, roster.year, roster.month, "check-in")
        recent = self.today - datetime.timedelta(days=14)
        for shift in roster.shifts.filter(date__lt=self.today, date__gte=recent).select_related("leader", "staff"):
            for cadre in shift.on_duty():
                if rng.random() < 0.9:
                    at = _local(shift.date, 19 + rng.randint(0, 2), rng.randint(0, 59))
                    services.save_check_in(self.user, DutyCheckIn(shift=shift, cadre=cadre, checked_in_at=at,
                                                                  location=rng.choice(LOCATIONS)))
                    self.created["check-ins"] += 1

    def spot_checks(self, township):
        if SpotCheck.objects.filter(township=township).exists():
            return
        rng = self.rng(township.pk, "spot")
        nights = list(DutyShift.objects.filter(roster__township=township, roster__status=DutyRoster.Status.PUBLISHED,
                                               date__lt=self.today, date__gte=self.today - datetime.timedelta(days=10))
                      .select_related("leader", "staff").order_by("date"))
        for index, shift in enumerate(rng.sample(nights, min(3, len(nights)))):
            result = SpotCheck.Result.PRESENT
            if not self.absence_recorded:
                result, self.absence_recorded = SpotCheck.Result.ABSENT, True
            elif index == 2 and rng.random() < 0.3:
                result = SpotCheck.Result.UNREACHABLE
            method = rng.choice([SpotCheck.Method.PHONE, SpotCheck.Method.PHONE, SpotCheck.Method.VIDEO,
                                 SpotCheck.Method.ON_SITE])
            spot = SpotCheck(township=township, duty_date=shift.date, cadre=shift.staff, method=method, result=result,
                             checked_at=_local(shift.date, 22, rng.randint(0, 59)),
                             notes="值班室无人，电话联系后确认未在岗" if result == SpotCheck.Result.ABSENT else "")
            services.save_spot_check(self.user, spot)
            self.created["spot checks"] += 1

    def swap(self, township):
        if DutySwap.objects.filter(shift__roster__township=township).exists():
            return
        # The next night after tonight; on a month's last day (its roster ends) tonight's.
        shifts = (DutyShift.objects.filter(roster__township=township, date__gte=self.today,
                                           roster__status=DutyRoster.Status.PUBLISHED)
                  .select_related("roster", "leader", "staff"))
        shift = shifts.filter(date__gt=self.today).order_by("date").first() or shifts.first()
        if shift is None:
            return
        _leaders, staff = self.people(township)
        replacement = next((c for c in staff if not shift.is_on_duty(c.pk)), None)
        if replacement is None:
            return
        swap = services.save_swap(self.user, DutySwap(shift=shift, requested_by=shift.staff, replacement=replacement,
                                                      reason="参加县里组织的集中培训"))
        services.approve_swap(self.user, swap, note="同意")
        self.created["duty swaps"] += 1

    def attendance(self, township, cadres, year, month):
        start, end = attendance.month_bounds(year, month)
        if not cadres or AttendanceRecord.objects.filter(cadre__in=cadres, date__range=(start, end)).exists():
            return
        calendar = Calendar.load(year, year)
        ids = [c.pk for c in cadres]
        away = attendance.leave_days(ids, start, end) | attendance.outing_days(ids, start, end)
        rng = self.rng(township.pk, year, month, "attendance")
        records = []
        for cadre in cadres:
            day = start
            while day <= end:
                if calendar.is_working_day(day) and (cadre.pk, day) not in away:
                    roll = rng.random()
                    status = (AttendanceRecord.Status.BUSINESS_TRIP if roll < 0.04 else AttendanceRecord.Status.PRESENT)
                    # As services.save_attendance places each record: in its cadre's organization.
                    records.append(AttendanceRecord(cadre=cadre, organization=cadre.organization, date=day,
                                                    status=status))
                day += datetime.timedelta(days=1)
        # A month of a township's attendance at once: the same records, history and audit rows.
        core_demo.add_many(self.user, records)
        self.created["attendance records"] += len(records)


def demo_user():
    return (
        User.objects.filter(username="county_admin", role=Role.COUNTY_ADMIN, is_active=True).first()
        or User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("pk").first()
    )


def load_duty_demo(today=None):
    """Add the demo duty and attendance; returns what was created ({} when nothing was)."""
    user = demo_user()
    if user is None:
        return Counter()
    return DutyDemo(user, today).run().created
