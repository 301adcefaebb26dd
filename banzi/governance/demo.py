"""Demo meetings for the demo county (run by `manage.py load_demo` after the registry, the work and
the talks demos).

For the demo year (this year from October on, else last year: the year the other demos and the
year-end report speak of) up to today: every village branch holds its 三会一课, theme Party days, organizational
life meeting and democratic appraisal, with a few periods missed so that the compliance calendar has
gaps; the township team members attend some of them (dual organizational life), a few fewer than
twice; team members give some of the Party lectures. Each township's Party committee meets monthly
with an ordinary item and a major item (三重一大) whose opinions are recorded in order, the secretary
last, and holds a central-group study each quarter. Each team holds its democratic life meeting in
January, with opinions solicited beforehand, the talks held beforehand, criticism and
self-criticism, and rectification measures on the problem list.

The meetings are built to satisfy the rules of `services` (quorum, every opinion, the chair last,
passing by more than half of the members due) and saved in bulk with their history rows, as the
county demo user, so that the demo loads in seconds; the rectification measures go through
`services.add_rectification` onto the problem list.
Deterministic (seeded by organization and period) and idempotent (nothing is added once meetings exist).
"""
import datetime
import random
from collections import Counter

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from banzi.core import clock
from banzi.org.demo import demo_year
from banzi.org.models import Organization, TeamMembership

from . import metrics, services
from .models import AgendaItem, Attendance, Meeting, MeetingKind, Opinion, OrgLifeRule

SEED = "banzi-governance-demo"
TOPICS = {
    MeetingKind.BRANCH_GENERAL: ["讨论发展党员事宜", "审议村级重大事项“四议两公开”", "通报上半年工作", "研究冬春农田水利建设"],
    MeetingKind.BRANCH_COMMITTEE: ["研究党员积分管理", "研究村集体经济项目", "部署人居环境整治", "研究困难群众帮扶"],
    MeetingKind.PARTY_GROUP: ["学习党章党规", "学习习近平新时代中国特色社会主义思想", "交流志愿服务体会"],
    MeetingKind.PARTY_LECTURE: ["弘扬伟大建党精神", "深入学习贯彻党的二十大精神", "加强基层党组织建设"],
    MeetingKind.THEME_PARTY_DAY: ["重温入党誓词", "党员志愿服务进社区", "参观红色教育基地", "清洁家园义务劳动"],
    MeetingKind.ORG_LIFE: ["年度组织生活会：对照检查、相互批评"],
    MeetingKind.DEMOCRATIC_APPRAISAL: ["年度民主评议党员"],
}
ORDINARY_ITEMS = ["研究部署秋冬季秸秆禁烧工作", "研究村级组织活动场所维修方案", "听取安全生产检查情况汇报",
                  "研究年度党员教育培训计划", "研究防汛工作预案"]
MAJOR_ITEMS = [
    (AgendaItem.Category.MAJOR_PROJECT, "乡村振兴示范片区建设项目实施方案"),
    (AgendaItem.Category.LARGE_SUM, "使用上级奖补资金实施农田水利改造"),
    (AgendaItem.Category.MAJOR_DECISION, "调整村级集体经济发展规划"),
    (AgendaItem.Category.APPOINTMENT, "推荐镇属事业单位中层干部人选"),
]
NOTES = ["", "", "建议加强资金监管", "注意群众意见", "同意，尽快实施"]
CRITICISM = [
    ("理论学习不够系统，学用结合不紧", "下村调研次数偏少"),
    ("抓落实的韧劲不足，部分工作推进缓慢", "分管领域问题整改不够彻底"),
    ("创新意识不强，习惯于老办法", "对年轻干部传帮带不够"),
]
RECTIFICATIONS = [
    ("理论学习不够系统，学用结合不紧", "制定个人学习计划，每月撰写学习体会"),
    ("调查研究不深入，下村次数偏少", "每月驻村调研不少于4天，形成调研报告"),
]


def life_meeting_day(today):
    """The teams' democratic life meeting: mid-January of this year, or of last year if still ahead."""
    day = datetime.date(today.year, 1, 15)
    return day if day <= today else datetime.date(today.year - 1, 1, 15)


class GovernanceDemo:
    def __init__(self, user, today=None):
        self.user = user
        self.today = today or clock.today()
        self.year = demo_year(self.today)
        self.created = Counter()
        self.pending = []

    def rng(self, *parts):
        return random.Random("/".join([SEED, str(self.year), *map(str, parts)]))

    def run(self):
        townships = list(Organization.objects.filter(kind=Organization.Kind.TOWNSHIP, is_active=True)
                         .order_by("sort_order", "name"))
        with transaction.atomic():
            for township in townships:
                self.committee_meetings(township)
                self.central_group(township)
                self.life_meeting(township)
            self.save_team_meetings()
            self.rectifications()
            self.branch_meetings(townships)
        return self

    def days(self, start, end):
        end = min(end, self.today - datetime.timedelta(days=1))
        return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)] if end >= start else []

    # --- the township's team: built in memory, saved in bulk with their history ----------------

    def record(self, township, kind, held_on, topic, rng, absent_count=0, **fields):
        """A team meeting with the township's team members on the day as members due, some absent
        with a reason; the team head chairs."""
        members = services.team_members_on(township, held_on)
        if not members:
            return None
        heads = set(TeamMembership.objects.current(held_on).filter(
            team__township=township, is_head=True).values_list("cadre_id", flat=True))
        chair = next((c for c in members if c.pk in heads), members[0])
        meeting = Meeting(organization=township, kind=kind, held_on=held_on, topic=topic, chair=chair,
                          recorder=members[-1], minutes=_("Minutes kept in the committee's meeting book."), **fields)
        others = [c for c in members if c.pk != chair.pk]
        absent = rng.sample(others, min(absent_count, max(0, len(others) - 1)))
        rows = [Attendance(cadre=c, role=Attendance.Role.MEMBER, sort_order=i, present=c not in absent,
                           absence_reason=rng.choice(["公出", "病假", "参加县里会议"]) if c in absent else "")
                for i, c in enumerate(members)]
        entry = {"meeting": meeting, "rows": rows, "items": [], "talks": [], "rectify": []}
        self.pending.append(entry)
        return entry

    def committee_meetings(self, township):
        for month in range(1, 13):
            days = self.days(datetime.date(self.year, month, 3), datetime.date(self.year, month, 12))
            if not days:
                break
            rng = self.rng("committee", township.pk, month)
            entry = self.record(township, MeetingKind.COMMITTEE, rng.choice(days),
                                f"研究部署{month}月份重点工作", rng,
                                absent_count=rng.choice([0, 0, 1, 1, 2]))
            if entry is None:
                continue
            major = MAJOR_ITEMS[(month + township.pk) % len(MAJOR_ITEMS)]
            for number, (category, title) in enumerate(
                    [(AgendaItem.Category.ORDINARY, rng.choice(ORDINARY_ITEMS)), major], start=1):
                item = AgendaItem(sort_order=number, title=title, category=category, proposer=entry["meeting"].recorder,
                                  outcome=AgendaItem.Outcome.PASSED, decided_on=entry["meeting"].held_on,
                                  decision=_("Passed; the responsible team member carries it out."))
                entry["items"].append((item, self.opinions(entry, rng)))

    def opinions(self, entry, rng):
        """Every present member's opinion, the chair last; more than half of the members due agree."""
        meeting, rows = entry["meeting"], entry["rows"]
        present = [a.cadre for a in rows if a.present]
        speakers = [c for c in present if c.pk != meeting.chair_id] + [c for c in present if c.pk == meeting.chair_id]
        stances = [Opinion.Stance.AGREE if rng.random() < 0.9 else Opinion.Stance.DEFER for _c in speakers]
        stances[-1] = Opinion.Stance.AGREE
        if 2 * stances.count(Opinion.Stance.AGREE) <= len(rows):
            stances = [Opinion.Stance.AGREE] * len(speakers)
        return [Opinion(cadre=c, order=n, stance=stance, note=rng.choice(NOTES) if stance == Opinion.Stance.AGREE
                        else "建议进一步论证")
                for n, (c, stance) in enumerate(zip(speakers, stances, strict=True), start=1)]

    def central_group(self, township):
        for quarter in range(1, 5):
            days = self.days(datetime.date(self.year, 3 * quarter - 1, 18), datetime.date(self.year, 3 * quarter - 1, 25))
            if not days:
                break
            rng = self.rng("study", township.pk, quarter)
            self.record(township, MeetingKind.CENTRAL_GROUP, rng.choice(days), rng.choice(
                ["学习贯彻党的二十届四中全会精神", "学习《中国共产党纪律处分条例》", "学习习近平总书记关于基层治理的重要论述",
                 "学习全国组织工作会议精神"]), rng, absent_count=rng.choice([0, 1]), duration_minutes=180)

    def life_meeting(self, township):
        from banzi.talks.models import Talk

        day = life_meeting_day(self.today)
        rng = self.rng("life", township.pk)
        theme = f"{day.year - 1}年度民主生活会：深入学习贯彻党的创新理论，加强党性锤炼，推动高质量发展"
        entry = self.record(township, MeetingKind.LIFE_MEETING, day, theme, rng, absent_count=rng.choice([0, 0, 1]),
                            opinions_solicited=rng.randint(18, 46),
                            opinions_solicited_from="村干部、党员代表、服务对象、“两代表一委员”")
        if entry is None:
            return
        # The talks among the team's members held beforehand (not the committee's talks with other cadres).
        team = [a.cadre_id for a in entry["rows"]]
        entry["talks"] = list(Talk.objects.filter(organization__township=township, held_on__range=(
            day - datetime.timedelta(days=30), day), talker__in=team, talkee__in=team).values_list("pk", flat=True))
        present = [a for a in entry["rows"] if a.present]
        for row in present:
            row.self_criticism, row.criticism_received = rng.choice(CRITICISM)
        entry["rectify"] = [(problem, measures, present[n % len(present)].cadre)
                            for n, (problem, measures) in enumerate(RECTIFICATIONS)]

    def save_team_meetings(self):
        entries = self.pending
        meetings = bulk_create_with_history([e["meeting"] for e in entries], Meeting, default_user=self.user)
        for entry, meeting in zip(entries, meetings, strict=True):
            entry["meeting"] = meeting
            for row in entry["rows"]:
                row.meeting = meeting
            for item, _opinions in entry["items"]:
                item.meeting = meeting
        bulk_create_with_history([r for e in entries for r in e["rows"]], Attendance, default_user=self.user)
        items = bulk_create_with_history([i for e in entries for i, _o in e["items"]], AgendaItem,
                                         default_user=self.user)
        opinions = []
        for item, (_item, item_opinions) in zip(items, [pair for e in entries for pair in e["items"]], strict=True):
            for opinion in item_opinions:
                opinion.item = item
                opinions.append(opinion)
            item.votes_for = sum(1 for o in item_opinions if o.stance == Opinion.Stance.AGREE)
            item.votes_abstain = sum(1 for o in item_opinions if o.stance == Opinion.Stance.DEFER)
            item.votes_against = 0
        AgendaItem.objects.bulk_update(items, ["votes_for", "votes_against", "votes_abstain"])
        bulk_create_with_history(opinions, Opinion, default_user=self.user)
        Through = Meeting.talks.through
        Through.objects.bulk_create([Through(meeting_id=e["meeting"].pk, talk_id=t) for e in entries for t in e["talks"]])
        self.created[_("meetings")] += len(meetings)
        self.created[_("decisions")] += len(items)

    def rectifications(self):
        for entry in self.pending:
            for problem, measures, responsible in entry["rectify"]:
                services.add_rectification(self.user, entry["meeting"], description=problem, responsible=responsible,
                                           deadline=entry["meeting"].held_on + datetime.timedelta(days=180),
                                           measures=measures)
                self.created[_("rectification problems")] += 1

    # --- the village branches (bulk) ------------------------------------------------------------

    def branch_meetings(self, townships):
        rules = [r for r in OrgLifeRule.objects.filter(is_active=True) if r.meeting_kind in TOPICS]
        villages = list(Organization.objects.filter(township__in=townships, is_active=True,
                                                    kind__in=[r.organization_kind for r in rules])
                        .order_by("township__sort_order", "sort_order", "name"))
        start, end = datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)
        # The team memberships of the year, by township: a Party lecture is given by a member of the
        # team on the day it is held.
        year_memberships = {}
        for membership in (TeamMembership.objects.filter(team__township__in=townships, started_on__lte=end)
                           .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=start))
                           .select_related("cadre", "team").order_by("sort_order", "pk")):
            year_memberships.setdefault(membership.team.township_id, []).append(membership)

        def lecturers_on(township_id, day):
            cadres = []
            for m in year_memberships.get(township_id, []):
                if (m.started_on <= day and (m.ended_on is None or day < m.ended_on)
                        and m.team.elected_on <= day < m.team.term_ends_on and m.cadre not in cadres):
                    cadres.append(m.cadre)
            return cadres

        meetings = []
        for village in villages:
            for rule in rules:
                if rule.organization_kind != village.kind:
                    continue
                for period in metrics.periods(rule.frequency, self.year):
                    rng = self.rng("branch", village.pk, rule.meeting_kind, period.start)
                    days = self.days(period.start, period.end)
                    if not days or rng.random() < 0.07:  # some periods missed
                        continue
                    due = rng.randint(15, 60)
                    kind = rule.meeting_kind
                    held_on = rng.choice(days)
                    topic = rng.choice(TOPICS[kind])
                    present = round(due * rng.uniform(0.7, 0.97))
                    lecturers = lecturers_on(village.township_id, held_on) if kind == MeetingKind.PARTY_LECTURE else []
                    meetings.append(Meeting(
                        organization=village, kind=kind, held_on=held_on, topic=topic,
                        other_members_due=due, other_members_present=present,
                        duration_minutes=90, minutes=_("Minutes kept in the branch's meeting book."),
                        lecturer=rng.choice(lecturers) if lecturers and rng.random() < 0.3 else None))
        meetings = bulk_create_with_history(meetings, Meeting, batch_size=500, default_user=self.user)
        self.created[_("branch meetings")] += len(meetings)
        saved = list(Meeting.objects.filter(organization__in=villages, held_on__year=self.year)
                     .order_by("held_on", "id").only("id", "organization_id", "held_on"))
        by_township = {}
        township_of = {v.pk: v.township_id for v in villages}
        for meeting in saved:
            by_township.setdefault(township_of[meeting.organization_id], []).append(meeting)
        attendances = []
        spans = {}
        for membership in sorted((m for ms in year_memberships.values() for m in ms), key=lambda m: m.pk):
            spans.setdefault((membership.team.township_id, membership.cadre_id), []).append(membership)
        for (township_id, cadre_id), memberships in spans.items():
            pool = [m for m in by_township.get(township_id, [])
                    if any(ms.started_on <= m.held_on and (ms.ended_on is None or m.held_on < ms.ended_on)
                           for ms in memberships)]
            rng = self.rng("dual", cadre_id)
            for meeting in rng.sample(pool, min(len(pool), rng.choice([1, 2, 2, 3, 3, 4]))):
                attendances.append(Attendance(meeting=meeting, cadre_id=cadre_id, role=Attendance.Role.LEADER,
                                              present=True))
        bulk_create_with_history(attendances, Attendance, batch_size=500, default_user=self.user)
        self.created[_("leaders at branch meetings")] += len(attendances)


def load_governance_demo(today=None):
    """Add the demo meetings; returns what was created ({} when meetings already exist)."""
    from banzi.tasks.demo import demo_user

    user = demo_user()
    if user is None or Meeting.objects.exists():
        return Counter()
    return GovernanceDemo(user, today).run().created
