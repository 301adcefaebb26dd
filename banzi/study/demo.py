"""Demo study for the demo county (run by `manage.py load_demo` after the registry and the work).

For each township, the twelve months up to yesterday: a committee theory study and a staff study
every month, a Party lecture every quarter given by a team member in turn, a village's Party study
every other month guided by a team member, each with its sign-in list (now and then someone absent
with a reason); daily study records of the team members and some general cadres; and a few
lead-by-example records with evidence, so the team matrix shows records and automatic credits.

Deterministic (seeded by township and person, placed relative to the day it runs), idempotent (a
township that already has study sessions is left alone) and fast: the many rows go in bulk, each
with its history row.
"""
import datetime
import random
from collections import Counter

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from banzi.accounts.models import User
from banzi.core import clock
from banzi.core.roles import Role
from banzi.org.models import Cadre, Organization, TeamMembership

from . import duties
from .models import (
    LeadDuty,
    LeadDutyEvidence,
    LeadDutyRecord,
    StudyAttendance,
    StudyKind,
    StudyPreference,
    StudyRecord,
    StudySession,
)

SEED = "banzi-study-demo"
THEORY_TOPICS = [
    "学习贯彻党的二十大精神", "学习《中国共产党章程》", "学习习近平新时代中国特色社会主义思想专题摘编",
    "学习《中国共产党纪律处分条例》", "学习贯彻中央八项规定精神", "学习《关于新时代加强和改进思想政治工作的意见》",
    "学习“两学一做”学习教育常态化制度化要求", "学习习近平总书记“七一”重要讲话精神", "学习乡村振兴战略有关论述",
    "学习《信访工作条例》", "学习《中国共产党农村基层组织工作条例》", "学习安全生产重要论述",
]
STAFF_TOPICS = ["学习《公务员法》", "学习基层治理政策", "学习防汛救灾知识", "学习优化营商环境条例",
                "学习农村人居环境整治政策", "学习《保守国家秘密法》"]
LECTURE_TOPICS = ["牢记初心使命 勇于担当作为", "从严治党 永远在路上", "做新时代合格共产党员", "践行群众路线 密切联系群众"]
VILLAGE_TOPICS = ["学习党的创新理论", "学习《农村基层组织工作条例》", "学习村务公开有关规定", "学习党员先锋模范作用"]
MATERIALS = ["学习强国", "《习近平谈治国理政》", "《中国共产党章程》", "人民日报评论", "党建读物", "政策文件汇编",
             "《求是》杂志", "党纪学习教育读本"]
ABSENCE_REASONS = ["下村走访", "参加县里会议", "病假", "信访接待"]
MANUAL_DUTIES = [
    (duties.TOPICAL_DISCUSSION, "围绕乡村振兴开展专题研讨并作发言"),
    (duties.THEME_PARTY_DAY, "参加所在支部主题党日活动"),
    (duties.DUAL_ORG_LIFE, "以普通党员身份参加支部组织生活会"),
    (duties.LIAISON_POINT, "到联系点调研指导工作"),
    (duties.POVERTY_ALLEVIATION, "走访包联户，落实帮扶措施"),
    (duties.RECTIFICATION, "督促落实巡察反馈问题整改"),
]
# The smallest PDF readers open: the demo's evidence file.
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def distinct(cadres):
    """The cadres in order, each once (a member who left the team in the year is also one of the staff)."""
    return list({c.pk: c for c in cadres}.values())


def demo_user():
    return (User.objects.filter(username="county_admin", role=Role.COUNTY_ADMIN, is_active=True).first()
            or User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("pk").first())


class StudyDemo:
    def __init__(self, user, today=None):
        self.user = user
        self.today = today or clock.today()
        self.start = self.today - datetime.timedelta(days=364)
        self.created = Counter()

    def rng(self, *parts):
        return random.Random("/".join([SEED, self.today.isoformat(), *map(str, parts)]))

    def day_in_month(self, months_ago, rng):
        """A past day in the month `months_ago` months before this one (never today or later)."""
        first = self.today.replace(day=1)
        for _ in range(months_ago):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        day = first + datetime.timedelta(days=rng.randint(2, 25))
        return min(day, self.today - datetime.timedelta(days=1))

    @transaction.atomic
    def run(self):
        townships = list(Organization.objects.filter(kind=Organization.Kind.TOWNSHIP, is_active=True)
                         .order_by("sort_order", "name"))
        lead_duties = {d.key: d for d in LeadDuty.objects.all()}
        for township in townships:
            if StudySession.objects.filter(organization__township=township).exists():
                continue
            members = [m.cadre for m in TeamMembership.objects.current(self.today)
                       .filter(team__township=township).select_related("cadre").order_by("sort_order", "pk")]
            members = list({c.pk: c for c in members}.values())
            if not members:
                continue
            staff = list(Cadre.objects.filter(organization=township, status=Cadre.Status.ACTIVE)
                         .exclude(pk__in=[c.pk for c in members]).order_by("pk"))
            villages = list(Organization.objects.filter(parent=township, kind=Organization.Kind.VILLAGE,
                                                        is_active=True).order_by("pk"))
            self.memberships = list(TeamMembership.objects.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gt=self.start), team__township=township,
                started_on__lte=self.today, team__term_ends_on__gt=self.start)
                .select_related("cadre", "team").order_by("sort_order", "pk"))
            self.sessions(township, members, staff, villages)
            self.records(township, members + staff[:5])
            self.duty_records(township, members, lead_duties)
        self.preferences()
        return self

    def members_on(self, day):
        """The township's team members on the day (a membership and its team's term hold it)."""
        cadres = {}
        for m in self.memberships:
            if m.started_on <= day and (m.ended_on is None or day < m.ended_on) \
                    and m.team.elected_on <= day < m.team.term_ends_on:
                cadres.setdefault(m.cadre_id, m.cadre)
        return list(cadres.values())

    def sessions(self, township, members, staff, villages):
        """A year of sessions; the team's own (theory study, lectures, guiding a village) by those on
        the team on the day, so a member elected during the year joins them from then on."""
        rng = self.rng(township.name, "sessions")
        planned = []  # (session, [(cadre, role, status, reason)])
        for months_ago in range(12):
            topic = THEORY_TOPICS[(months_ago + township.pk) % len(THEORY_TOPICS)]
            held_on = self.day_in_month(months_ago, rng)
            team = self.members_on(held_on) or members
            planned.append(self.session(township, StudyKind.COMMITTEE_THEORY, held_on, topic, 120, team, rng))
            topic = STAFF_TOPICS[(months_ago + township.pk) % len(STAFF_TOPICS)]
            held_on = self.day_in_month(months_ago, rng)
            team = self.members_on(held_on) or members
            planned.append(self.session(township, StudyKind.STAFF_STUDY, held_on, topic, 60,
                                        distinct(team[:3] + staff[:25]), rng))
            if months_ago % 3 == 1:
                held_on = self.day_in_month(months_ago, rng)
                team = self.members_on(held_on) or members
                lecturer = team[(months_ago // 3) % len(team)]
                topic = LECTURE_TOPICS[(months_ago // 3) % len(LECTURE_TOPICS)]
                planned.append(self.session(township, StudyKind.PARTY_LECTURE, held_on, topic, 90,
                                            distinct(team + staff[:25]), rng, lecturer=lecturer))
            if months_ago % 2 == 0 and villages:
                held_on = self.day_in_month(months_ago, rng)
                team = self.members_on(held_on) or members
                guide = team[(months_ago // 2 + 1) % len(team)]
                village = villages[(months_ago // 2) % len(villages)]
                topic = VILLAGE_TOPICS[(months_ago // 2) % len(VILLAGE_TOPICS)]
                session, lines = self.session(village, StudyKind.PARTY_GROUP, held_on, topic, 60, [], rng)
                planned.append((session, [(guide, StudyAttendance.AttendanceRole.GUIDE, StudyAttendance.Status.PRESENT,
                                           "")]))
        sessions = bulk_create_with_history([s for s, _lines in planned], StudySession, batch_size=500,
                                            default_user=self.user)
        attendances = []
        for session, (_unsaved, lines) in zip(sessions, planned, strict=True):
            for cadre, role, status, reason in lines:
                attendances.append(StudyAttendance(session=session, cadre=cadre, role=role, status=status,
                                                   absence_reason=reason))
        bulk_create_with_history(attendances, StudyAttendance, batch_size=1000, default_user=self.user)
        self.created["group study sessions"] += len(sessions)
        self.created["study attendances"] += len(attendances)

    def session(self, organization, kind, held_on, topic, minutes, attendees, rng, lecturer=None):
        session = StudySession(organization=organization, kind=kind, held_on=held_on,
                               minutes=minutes, topic=topic, lecturer=lecturer,
                               materials=rng.choice(MATERIALS))
        lines = []
        for cadre in attendees:
            if cadre != lecturer and rng.random() < 0.06:
                lines.append((cadre, StudyAttendance.AttendanceRole.ATTENDEE, StudyAttendance.Status.ABSENT,
                              rng.choice(ABSENCE_REASONS)))
            else:
                lines.append((cadre, StudyAttendance.AttendanceRole.ATTENDEE, StudyAttendance.Status.PRESENT, ""))
        return session, lines

    def records(self, township, cadres):
        rows = []
        for cadre in cadres:
            rng = self.rng(township.name, cadre.pk, cadre.birth_date, "records")
            habit = rng.uniform(0.12, 0.5)
            day = self.start
            while day <= self.today:
                if rng.random() < habit:
                    rows.append(StudyRecord(cadre=cadre, studied_on=day, minutes=rng.choice((20, 30, 30, 30, 40, 60)),
                                            material=rng.choice(MATERIALS)))
                day += datetime.timedelta(days=1)
        bulk_create_with_history(rows, StudyRecord, batch_size=2000, default_user=self.user)
        self.created["daily study records"] += len(rows)

    def duty_records(self, township, members, lead_duties):
        rng = self.rng(township.name, "duties")
        first = None
        for cadre in members:
            # Done while on the team: within the last 300 days, from the day the member joined.
            since = min((m.started_on for m in self.memberships if m.cadre_id == cadre.pk
                         and m.started_on <= self.today and m.team.elected_on <= self.today), default=self.start)
            days = min(300, (self.today - since).days)  # 0 for a member who joined today: done today
            for key, description in rng.sample(MANUAL_DUTIES, rng.randint(1, 3)):
                ago = (rng.randint(1, 300) - 1) % days + 1 if days else 0
                record = LeadDutyRecord(cadre=cadre, duty=lead_duties[key], description=description,
                                        done_on=self.today - datetime.timedelta(days=ago))
                record._history_user = self.user
                record.save()
                first = first or record
                self.created["lead-by-example records"] += 1
        if first is not None:
            evidence = LeadDutyEvidence(record=first, caption="活动照片及签到表")
            evidence.file.save("活动记录.pdf", ContentFile(DEMO_PDF), save=False)
            evidence._history_user = self.user
            evidence.save()
            self.created["evidence files"] += 1

    def preferences(self):
        cadre_id = User.objects.filter(username="cadre", role=Role.CADRE).values_list("cadre_id", flat=True).first()
        if cadre_id:
            StudyPreference.objects.get_or_create(cadre_id=cadre_id, defaults={"remind_after_a_week": True})


def load_study_demo(today=None):
    """Add the demo study to the demo county; returns what was created."""
    user = demo_user()
    if user is None:
        return Counter()
    return StudyDemo(user, today).run().created
