"""Demo talks for the demo county (run by `manage.py load_demo` after the registry and the work).

- A post-election talk plan of the county organization department covering every current township
  team member, and a plan of each of the first three township committees covering its general
  cadres, with partial coverage: most entries talked with (the priority groups more often), some
  late, some still open or overdue.
- Integrity talks with most, but not all, newly promoted cadres: most in time, a few late, some
  missing (so the integrity page and the dashboard have someone to list).
- Before each team's democratic life meeting (mid-January, see `life_meeting_day`): the team head
  talks with every other member of the team.

Everything is written through the talks services as the county department's demo user.
Deterministic (seeded), idempotent (each part skips when its records exist) and fast.
"""
import datetime
import random
from collections import Counter

from django.db import transaction
from django.utils.translation import gettext as _

from banzi.core import clock
from banzi.org.models import Cadre, Organization, Team, TeamMembership

from . import metrics, services
from .models import Talk, TalkPlan, TalkPlanEntry

SEED = "banzi-talks-demo"
DEPARTMENT = "县委组织部"
COUNTY_PLAN_TITLE = "换届后县委组织部与乡镇领导班子成员谈心谈话计划"
TOWNSHIP_PLAN_TITLE = "{township}党委与一般干部谈心谈话计划"
LIFE_MEETING_PLACE = "党委会议室"

SUMMARIES = {
    Talk.Kind.HEART_TO_HEART: [
        "谈了换届后的分工和工作打算，本人表示尽快熟悉分管领域，对班子团结有信心。",
        "交流了思想和工作情况，本人反映分管工作任务重、人手少，希望加强统筹。",
        "本人对岗位调整有顾虑，经沟通已理解组织安排，表示服从大局。",
        "谈了个人成长和家庭情况，本人反映照顾老人有困难，组织表示关心。",
    ],
    Talk.Kind.INTEGRITY: [
        "提醒新任职干部严守政治纪律和廉洁纪律，本人表态自觉接受监督，管好身边人。",
        "讲解廉洁从政有关规定，结合典型案例警示，本人表示筑牢思想防线。",
        "提醒在项目和资金管理中守住底线，本人表示严格按程序办事。",
    ],
    Talk.Kind.REMINDER: ["针对群众反映的工作作风问题进行提醒，本人表示立即整改。"],
}
FOLLOW_UPS = ["一个月后回访了解思想动态。", "纳入干部日常管理台账，适时跟踪。", "", "请分管领导帮助协调解决实际困难。"]
LIFE_MEETING_SUMMARIES = [
    "围绕民主生活会主题，相互指出问题，本人对批评意见表示诚恳接受。",
    "征求对班子和班长的意见建议，本人提出会议过多、调研不够的问题。",
    "交心谈心，指出其在抓落实上存在的不足，本人表示会上作深刻剖析。",
]


def life_meeting_day(today):
    """The day of the teams' democratic life meeting the demo prepares for: mid-January of this year,
    or of the year before when that is still ahead."""
    day = datetime.date(today.year, 1, 15)
    return day if day <= today else datetime.date(today.year - 1, 1, 15)


class TalksDemo:
    def __init__(self, user, today=None):
        self.user = user
        self.today = today or clock.today()
        self.created = Counter()
        self.department = Organization.objects.filter(name=DEPARTMENT, kind=Organization.Kind.DEPARTMENT).first()

    def rng(self, *parts):
        return random.Random("/".join([SEED, *map(str, parts)]))

    def talk(self, rng, talker, talkee, held_on, kind, *, summary=None, **reasons):
        if talker.pk == talkee.pk or held_on > self.today:
            return None
        record = Talk(talker=talker, talkee=talkee, held_on=held_on, kind=kind,
                      place=rng.choice(["县委组织部谈话室", "党委会议室", "书记办公室"]),
                      summary=summary or rng.choice(SUMMARIES.get(kind, SUMMARIES[Talk.Kind.HEART_TO_HEART])),
                      follow_up=rng.choice(FOLLOW_UPS), **reasons)
        services.save_talk(self.user, record)
        self.created[_("talks")] += 1
        return record

    def department_talkers(self):
        cadres = list(Cadre.objects.filter(organization=self.department, status=Cadre.Status.ACTIVE)
                      .order_by("id")) if self.department else []
        return cadres[:4] or list(Cadre.objects.filter(organization__kind=Organization.Kind.DEPARTMENT)[:2])

    def heads(self):
        """{township id: the current team head}"""
        heads = {}
        for membership in TeamMembership.objects.current(self.today).filter(is_head=True).select_related(
                "cadre", "team"):
            heads[membership.team.township_id] = membership.cadre
        return heads

    def run(self):
        with transaction.atomic():
            self.county_plan()
            self.township_plans()
            self.integrity_talks()
            self.life_meeting_talks()
        return self

    # --- the post-election plans ------------------------------------------------------------------

    def county_plan(self):
        county = Organization.objects.filter(kind=Organization.Kind.COUNTY).first()
        if county is None or self.department is None or TalkPlan.objects.filter(title=COUNTY_PLAN_TITLE).exists():
            return
        elected = Team.objects.filter(elected_on__lte=self.today).order_by("-elected_on").values_list(
            "elected_on", flat=True).first()
        if elected is None:
            return
        plan = TalkPlan(title=COUNTY_PLAN_TITLE, organization=county, starts_on=elected,
                        due_on=elected + datetime.timedelta(days=90),
                        description="换届后三个月内，县委组织部与每一名乡镇领导班子成员谈心谈话，重点关注新任职、关键岗位、"
                                    "有问题反映和退出班子的干部。")
        services.save_plan(self.user, plan)
        self.created[_("talk plans")] += 1
        self.created[_("plan entries")] += services.fill_plan(self.user, plan, talker_organization=self.department)
        # Problems reported about a few cadres: known to the department, set by hand.
        for entry in plan.entries.filter(priority_group__in=["", TalkPlanEntry.PriorityGroup.KEY_POSITION]).order_by("id"):
            if self.rng("reported", entry.talkee_id).random() < 0.06:
                entry.priority_group = TalkPlanEntry.PriorityGroup.REPORTED_PROBLEMS
                services.save_plan_entry(self.user, entry)
        self.cover(plan, self.department_talkers(), share=0.7, priority_share=0.85)

    def township_plans(self):
        heads = self.heads()
        townships = Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).order_by("sort_order", "name")[:3]
        for township in townships:
            title = TOWNSHIP_PLAN_TITLE.format(township=township.name)
            head = heads.get(township.pk)
            if head is None or TalkPlan.objects.filter(title=title).exists():
                continue
            team = Team.objects.current(self.today).filter(township=township).first()
            starts_on = team.elected_on if team else self.today - datetime.timedelta(days=60)
            plan = TalkPlan(title=title, organization=township, starts_on=starts_on,
                            due_on=starts_on + datetime.timedelta(days=120),
                            description="乡镇党委班子成员与全体一般干部逐一谈心谈话。")
            services.save_plan(self.user, plan)
            self.created[_("talk plans")] += 1
            self.created[_("plan entries")] += services.fill_plan(self.user, plan, expected_talker=head)
            self.cover(plan, [head], share=0.6, priority_share=0.8)

    def cover(self, plan, talkers, *, share, priority_share):
        """Hold talks with a share of the plan's entries, mostly by the due date, a few late."""
        if not talkers:
            return
        span = max(1, (plan.due_on - plan.starts_on).days)
        for entry in plan.entries.select_related("talkee", "expected_talker").order_by("id"):
            rng = self.rng("plan", plan.pk, entry.talkee_id)
            if rng.random() >= (priority_share if entry.priority_group else share):
                continue
            late = rng.random() < 0.1
            offset = span + rng.randint(5, 30) if late else rng.randint(3, span)
            talker = entry.expected_talker or talkers[rng.randrange(len(talkers))]
            group = entry.priority_group
            self.talk(rng, talker, entry.talkee, plan.starts_on + datetime.timedelta(days=offset),
                      Talk.Kind.HEART_TO_HEART,
                      reason_newly_appointed=group == TalkPlanEntry.PriorityGroup.NEWLY_APPOINTED,
                      reason_key_position=group == TalkPlanEntry.PriorityGroup.KEY_POSITION,
                      reason_problem_reported=group == TalkPlanEntry.PriorityGroup.REPORTED_PROBLEMS,
                      reason_post_adjusted=group == TalkPlanEntry.PriorityGroup.LEAVING)

    # --- integrity talks with the newly promoted ----------------------------------------------------

    def integrity_talks(self):
        if Talk.objects.filter(kind=Talk.Kind.INTEGRITY).exists():
            return
        days = metrics.integrity_days()
        heads = self.heads()
        talkers = self.department_talkers()
        promoted = Cadre.objects.filter(is_newly_promoted=True, promoted_on__isnull=False,
                                        status=Cadre.Status.ACTIVE).select_related("organization").order_by("id")
        for cadre in promoted:
            rng = self.rng("integrity", cadre.pk)
            roll = rng.random()
            if roll < 0.1:
                continue  # not held: listed on the integrity page
            late = roll < 0.16
            offset = days + rng.randint(3, 40) if late else rng.randint(1, days)
            talker = heads.get(cadre.organization.township_id) if rng.random() < 0.5 else None
            talker = talker if talker is not None and talker.pk != cadre.pk else talkers[rng.randrange(len(talkers))]
            self.talk(rng, talker, cadre, cadre.promoted_on + datetime.timedelta(days=offset), Talk.Kind.INTEGRITY,
                      reason_newly_appointed=True)

    # --- before each team's democratic life meeting -------------------------------------------------

    def life_meeting_talks(self):
        day = life_meeting_day(self.today)
        # Summaries are sealed at rest: compared here, not in the database.
        held = Talk.objects.filter(held_on__gt=day - datetime.timedelta(days=30), held_on__lt=day,
                                   place=LIFE_MEETING_PLACE, kind=Talk.Kind.HEART_TO_HEART).only("summary")
        if any(talk.summary in LIFE_MEETING_SUMMARIES for talk in held.iterator()):
            return
        members = TeamMembership.objects.current(day).select_related("cadre", "team").order_by("team_id", "sort_order",
                                                                                             "id")
        by_team = {}
        for membership in members:
            by_team.setdefault(membership.team_id, []).append(membership)
        for team_id, memberships in by_team.items():
            head = next((m.cadre for m in memberships if m.is_head), None)
            if head is None:
                continue
            for membership in memberships:
                if membership.cadre_id == head.pk:
                    continue
                rng = self.rng("life", team_id, membership.cadre_id)
                record = Talk(talker=head, talkee=membership.cadre, kind=Talk.Kind.HEART_TO_HEART,
                              held_on=day - datetime.timedelta(days=rng.randint(3, 25)), place=LIFE_MEETING_PLACE,
                              summary=rng.choice(LIFE_MEETING_SUMMARIES), follow_up="")
                if record.held_on <= self.today:
                    services.save_talk(self.user, record)
                    self.created[_("talks")] += 1


def load_talks_demo(today=None):
    from banzi.tasks.demo import demo_user

    user = demo_user()
    if user is None:
        return Counter()
    return TalksDemo(user, today).run().created
