"""Demo strict management for the demo county (run by `manage.py load_demo` after the registry, the
work and the other modules' demos).

- Commitment letters for this year, signed in January by nearly every active cadre of the
  townships and their villages; a few are missing, so the department's list is not empty. Early in
  the year (before the demo year of `training.demo.demo_year` turns) last year's too, which the
  demo's annual assessment reads.
- Concurrent-post declarations: mostly “none”; a few posts in cooperatives and associations, approved,
  pending, one refused and one to be resigned from by a date; a few cadres have not declared.
- Violations: a confirmed one with its decision, a dismissed one, one awaiting the department.
- A year of leave requests in every state (draft, submitted, approved and returned from, approved
  and under way today, rejected, cancelled with its ledger reversal, amended), approved by the
  approver the rule names: in the first township its secretary (demo user `secretary`) for team
  members and the organization committee member (demo user `cadre`) for general cadres; elsewhere,
  where those have no account, the county department.
- Outing reports over the year, most filed the day before, some filed late, some cadres away today,
  one back later than planned and one not yet back.

Everything is written through the conduct services (validated, with history and audit) and is
deterministic — seeded by the person and placed relative to the day it runs — and idempotent: a
cadre who already has demo records of a kind is left alone.
"""
import datetime
import random
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from banzi.accounts.models import User
from banzi.core import clock
from banzi.core.roles import Role
from banzi.org.models import Cadre, Organization, TeamMembership
from banzi.training.demo import demo_year

from . import services
from .models import (
    CommitmentLetter,
    ConcurrentPostDeclaration,
    DisciplineRule,
    LeaveKind,
    LeaveRequest,
    OutingReport,
    Violation,
)

SEED = "banzi-conduct-demo"
SECRETARY_USERNAME = "secretary"
DEMO_SOURCES = ("群众举报", "日常检查")
POSTS = [("襄汾县果蔬种植专业合作社", "理事", None), ("襄汾县书法家协会", "会员", None),
         ("汾城镇农产品电商协会", "副会长", None), ("临汾市某农业科技有限公司", "技术顾问", 24000)]
# The first post declared is the paid one in a company, which the department refuses.
DESTINATIONS = ["太原市", "临汾市", "运城市", "北京市", "西安市", "侯马市"]
REASONS = ["看望生病的父母", "参加子女毕业典礼", "外出就医复查", "办理个人事务", "参加亲属婚礼"]
LEAVE_REASONS = {
    LeaveKind.SICK: "感冒发烧，需休息治疗", LeaveKind.PERSONAL: "家中老人住院陪护",
    LeaveKind.ANNUAL: "安排年休假", LeaveKind.BEREAVEMENT: "亲属去世料理后事",
}


def _local(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _monday_after(day):
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


class ConductDemo:
    """Writes the demo records; `created` counts what was added."""

    def __init__(self, county_user, today=None):
        self.county = county_user
        self.now = clock.now().replace(microsecond=0)
        self.today = today or clock.local_date(self.now)
        self.year = self.today.year
        self.created = Counter()

    def rng(self, *parts):
        return random.Random("/".join([SEED, str(self.year), *map(str, parts)]))

    @transaction.atomic
    def run(self):
        townships = list(Organization.objects.filter(kind=Organization.Kind.TOWNSHIP, is_active=True)
                         .order_by("sort_order", "name"))
        if not townships:
            return self
        members = self.current_members(townships)
        self.secretary_account(townships[0], members.get(townships[0].pk, []))
        cadres = list(Cadre.objects.filter(status=Cadre.Status.ACTIVE, organization__township__in=townships)
                      .select_related("organization").order_by("organization__township__sort_order", "pk"))
        self.commitments(cadres)
        if demo_year(self.today) < self.year:  # early in the year: last year's, which its annual assessment reads
            self.commitments(cadres, year=demo_year(self.today), label="last year's commitment letters")
        self.declarations(cadres)
        self.decide_declarations()
        self.violations(townships, members)
        member_ids = {m.cadre_id for ms in members.values() for m in ms}
        for index, township in enumerate(townships):
            team = [m.cadre for m in members.get(township.pk, [])]
            general = [c for c in cadres if c.organization.township_id == township.pk and c.pk not in member_ids]
            # A year of leave in every state in the first township (where the approvers have accounts)
            # and a little in the next two; an outing or two everywhere, so the county sees who is away.
            chosen = team + general[:4] if index == 0 else (team[:2] + general[:1] if index < 3 else [])
            for n, cadre in enumerate(chosen):
                self.leave_year(cadre, n)
                self.outings(cadre, n)
            for n, cadre in enumerate(general[1:3] if index >= 3 else []):
                self.outings(cadre, n + index)
        return self

    def current_members(self, townships):
        memberships = (TeamMembership.objects.current(self.today)
                       .filter(team__township__in=townships, team__elected_on__lte=self.today,
                               team__term_ends_on__gt=self.today)
                       .select_related("cadre__organization", "position", "team")
                       .order_by("sort_order", "position__sort_order", "pk"))
        by_township = {}
        for membership in memberships:
            by_township.setdefault(membership.team.township_id, []).append(membership)
        return by_township

    def secretary_account(self, township, memberships):
        """The first township's Party secretary signs in as `secretary` and approves the team's leave."""
        head = next((m.cadre for m in memberships if m.is_head or m.position.is_head), None)
        if head is None or User.objects.filter(username=SECRETARY_USERNAME).exists() \
                or User.objects.filter(cadre=head).exists():
            return
        from banzi.org.demo import DEMO_PASSWORD

        user = User(username=SECRETARY_USERNAME, role=Role.TOWNSHIP_ADMIN, organization=township, cadre=head,
                    first_name=head.name, password_changed_at=clock.now())
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user._history_user = self.county
        user.save()
        self.created["accounts"] += 1

    # --- commitments, declarations, violations -------------------------------------------------

    def _bulk(self, model, rows, label):
        """Many simple yearly records at once, each validated, with their history and audit trail."""
        for row in rows:
            row.full_clean()
        if not rows:
            return
        bulk_create_with_history(rows, model, batch_size=500, default_user=self.county)
        self.created[label] += len(rows)

    def commitments(self, cadres, *, year=None, label="commitment letters"):
        """Nearly everyone signed in January; a few have not signed."""
        year = year or self.year
        done = set(CommitmentLetter.objects.filter(year=year).values_list("cadre_id", flat=True))
        rows = []
        for index, cadre in enumerate(cadres):
            rng = self.rng("commitment", cadre.pk, cadre.name)
            if index % 25 == 7 or cadre.pk in done:
                continue  # one in 25 has not signed
            signed_on = min(datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(8, 40)), self.today)
            rows.append(CommitmentLetter(cadre=cadre, year=year, signed_on=signed_on))
        self._bulk(CommitmentLetter, rows, label)

    def declarations(self, cadres):
        """Mostly “none”; a few posts in cooperatives, associations or a company; a few not declared."""
        done = set(ConcurrentPostDeclaration.objects.filter(year=self.year).values_list("cadre_id", flat=True))
        rows = []
        for index, cadre in enumerate(cadres):
            rng = self.rng("declaration", cadre.pk, cadre.name)
            if index % 30 == 11 or cadre.pk in done:
                continue  # one in 30 has not declared
            declared_on = min(datetime.date(self.year, 1, 1) + datetime.timedelta(days=rng.randint(10, 45)), self.today)
            row = ConcurrentPostDeclaration(cadre=cadre, year=self.year, declared_on=declared_on,
                                            decision=ConcurrentPostDeclaration.Decision.NOT_NEEDED)
            if index % 20 == 3:  # one in 20 holds a post
                organization, role, pay = POSTS[-1] if index == 3 else rng.choice(POSTS[:-1])
                row.has_post, row.decision = True, ConcurrentPostDeclaration.Decision.PENDING
                row.post_organization, row.post_role = organization, role
                row.is_paid, row.pay = pay is not None, pay
            rows.append(row)
        self._bulk(ConcurrentPostDeclaration, rows, "declarations")

    def decide_declarations(self):
        """The department decides most declared posts: one refused (paid advice to a company), one
        to be resigned from, the rest approved; a couple still wait."""
        Decision = ConcurrentPostDeclaration.Decision
        pending = list(ConcurrentPostDeclaration.objects.filter(year=self.year, has_post=True,
                                                                decision=Decision.PENDING).order_by("pk"))
        if ConcurrentPostDeclaration.objects.filter(year=self.year).exclude(
                decision__in=(Decision.PENDING, Decision.NOT_NEEDED)).exists():
            return
        pending.sort(key=lambda d: (not d.is_paid, d.pk))  # the paid company post first: refused
        for n, declaration in enumerate(pending[:-2] if len(pending) > 3 else pending):
            if n == 0:
                services.decide_declaration(self.county, declaration, decision=Decision.REFUSED,
                                            note="领导干部不得在企业兼职取酬，不予批准。")
            elif n == 1:
                services.decide_declaration(self.county, declaration, decision=Decision.MUST_RESIGN,
                                            resign_by=self.today + datetime.timedelta(days=30), note="限期辞去兼职。")
            else:
                services.decide_declaration(self.county, declaration, decision=Decision.APPROVED,
                                            note="不取酬，同意兼任。")
            self.created["declaration decisions"] += 1

    def violations(self, townships, members):
        if Violation.objects.filter(source__in=DEMO_SOURCES).exists():
            return
        rules = {r.code: r for r in DisciplineRule.objects.all()}
        plan = [
            (1, "03", 75, "接待上级检查时超标准用餐，费用由公款报销。", "confirmed",
             "诫勉谈话，退缴超标准费用", "县委组织部"),
            (2, "05", 40, "未经批准离开辖区两天，未履行外出报备手续。", "confirmed",
             "提醒谈话，通报批评", "乡镇党委"),
            (3, "02", 20, "群众反映出入私人会所，经核查系正常家庭聚会。", "dismissed", "", ""),
            (4, "04", 6, "群众反映为亲属承揽村内工程打招呼，正在核查。", "candidate", "", ""),
        ]
        for index, code, days_ago, facts, status, decision, body in plan:
            township = townships[index % len(townships)]
            team = members.get(township.pk, [])
            if not team:
                continue
            cadre = team[-1].cadre
            violation = services.save_violation(self.county, Violation(
                cadre=cadre, rule=rules.get(code), occurred_on=self.today - datetime.timedelta(days=days_ago),
                facts=facts, source=DEMO_SOURCES[index == 2]))
            self.created["violations"] += 1
            if status != "candidate":
                services.decide_violation(self.county, violation, status=status, decision=decision,
                                          decision_body=body,
                                          decided_on=self.today - datetime.timedelta(days=max(days_ago - 10, 0)))

    # --- leave ---------------------------------------------------------------------------------

    def approver_of(self, leave):
        return self.county if leave.approver_kind == LeaveRequest.ApproverKind.COUNTY else leave.approver

    def leave_year(self, cadre, n):
        """A year of one cadre's leave; which requests depends on their place in the list, so that
        every state appears in every township."""
        if LeaveRequest.objects.filter(cadre=cadre).exists():
            return
        rng = self.rng("leave", cadre.pk, cadre.name)
        entitled = services.entitlement_days(cadre, self.year)
        t = self.today
        # (first day, days, kind, what happens)
        plans = [
            (t - datetime.timedelta(days=300 - rng.randint(0, 20)), 3, LeaveKind.SICK, "returned"),
            (t - datetime.timedelta(days=200 - rng.randint(0, 20)), 2, LeaveKind.PERSONAL, "rejected"),
            (t - datetime.timedelta(days=1), 3, LeaveKind.PERSONAL, "under_way") if n % 3 == 0 else None,
            (t + datetime.timedelta(days=9), 2, LeaveKind.PERSONAL, "submitted"),
            (t + datetime.timedelta(days=40), 1, LeaveKind.SICK, "draft") if n % 2 else None,
        ]
        if entitled >= 5:
            early = _monday_after(datetime.date(self.year, 3, 1) + datetime.timedelta(days=7 * (n % 8)))
            plans.append((early, 3, LeaveKind.ANNUAL, "returned" if early + datetime.timedelta(days=7) < t else "approved"))
            # Coming leave to cancel or amend; in the year's last weeks it falls in the next year.
            late = _monday_after(t + datetime.timedelta(days=20))
            plans.append((late, 2, LeaveKind.ANNUAL, "cancelled" if n % 2 else "amended"))
        for plan in filter(None, plans):
            try:
                with transaction.atomic():
                    self.leave(cadre, *plan)
            except ValidationError:
                continue  # e.g. days that clash with another plan on some dates of the year: left out

    def leave(self, cadre, starts_on, days, kind, outcome):
        ends_on = starts_on + datetime.timedelta(days=days - 1)
        if kind == LeaveKind.ANNUAL:
            ends_on = starts_on + datetime.timedelta(days=days + 1 if days > 4 else days - 1)
        leave = LeaveRequest(cadre=cadre, kind=kind, starts_on=starts_on, ends_on=ends_on,
                             reason=LEAVE_REASONS.get(kind, "个人事务"))
        if outcome == "draft":
            services.save_leave(self.county, leave)
            self.created["leave requests"] += 1
            return
        leave = services.submit_leave(self.county, leave)
        self.created["leave requests"] += 1
        if outcome == "submitted":
            return
        approver = self.approver_of(leave)
        if outcome == "rejected":
            services.reject_leave(approver, leave, note="近期工作任务重，请调整时间。")
            return
        services.approve_leave(approver, leave, note="同意，请做好工作交接。")
        if outcome == "returned":
            services.return_from_leave(self.county, leave, returned_on=ends_on + datetime.timedelta(days=1))
        elif outcome == "cancelled":
            services.cancel_leave(self.county, leave, reason="工作需要，取消休假。")
        elif outcome == "amended":
            amendment = services.submit_leave(self.county, LeaveRequest(
                cadre=cadre, kind=kind, starts_on=starts_on, ends_on=starts_on, amends=leave,
                reason="工作安排调整，缩短休假。"))
            self.created["leave requests"] += 1
            services.approve_leave(self.approver_of(amendment), amendment)

    # --- outing reports ------------------------------------------------------------------------

    def outings(self, cadre, n):
        if OutingReport.objects.filter(cadre=cadre).exists():
            return
        rng = self.rng("outing", cadre.pk, cadre.name)
        trips = [(rng.randint(30, 330), 48, "on_time"), (rng.randint(30, 330), 24, "late" if n % 4 == 1 else "on_time")]
        # Not on cadres whose leave is under way today (n % 3 == 0), nor both on one cadre.
        if n % 6 == 1:
            trips.append((1, 72, "away"))          # left yesterday, back the day after tomorrow
        if n % 6 == 4:
            trips.append((4, 48, "not_back"))      # should have been back two days ago
        for days_ago, hours, how in trips:
            departs_at = _local(self.today - datetime.timedelta(days=days_ago), rng.choice((7, 8, 14)))
            try:
                with transaction.atomic():
                    report = services.save_outing_report(self.county, OutingReport(
                        cadre=cadre, destination=rng.choice(DESTINATIONS), reason=rng.choice(REASONS),
                        departs_at=departs_at, planned_return_at=departs_at + datetime.timedelta(hours=hours),
                        contact=cadre.phone or "13800000000"))
            except ValidationError:
                continue  # two random trips that would overlap: the second is left out
            # The demo enters a year of reports today: date each filing as it would have happened.
            filed_at = departs_at + datetime.timedelta(hours=5) if how == "late" else departs_at - datetime.timedelta(hours=18)
            OutingReport.objects.filter(pk=report.pk).update(filed_at=filed_at, is_late=how == "late")
            self.created["outing reports"] += 1
            if how in ("on_time", "late"):
                back = departs_at + datetime.timedelta(hours=hours + (26 if days_ago % 9 == 0 else 0))
                services.record_outing_return(self.county, OutingReport.objects.get(pk=report.pk),
                                              returned_at=min(back, self.now))


def county_user():
    return (User.objects.filter(username="county_admin", role=Role.COUNTY_ADMIN, is_active=True).first()
            or User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("pk").first())


def load_demo(today=None):
    """Add the demo strict-management records to the demo county; returns what was created."""
    user = county_user()
    if user is None:
        return Counter()
    return ConductDemo(user, today).run().created
