"""Demo frontline practice for the demo county (run by `manage.py load_demo` after the registry).

For the designated villages of this year the registry's demo made: a rectification target and
progress for each, a rectification working group in every township led by a member of its team,
with members posted to the villages, and a first secretary in every weak and lax or registered poor
village; 99 leading and reserve cadres (current team members and reserve cadres of the registry)
serving the 41 enterprises, each from a day they were a team member or a reserve, with work logs; hard assignments for most of the newly appointed team
members; mentoring pairs with meetings for most of them; and study visits to the model villages
of 邓庄镇 and 古城镇.

Everything is written through the practice services as the county organization department's demo
user, so each record is validated and has its history. Deterministic (seeded) and idempotent: when
this year's campaign already has its groups, nothing is added.
"""
import datetime
import random
from collections import Counter, defaultdict

from django.db import transaction

from banzi.core import clock
from banzi.core import services as core_services
from banzi.org.models import Cadre, Organization, TeamMembership, VillageDesignation
from banzi.tasks.demo import demo_user
from banzi.training.demo import demo_year

from . import metrics, services
from .models import (
    HARD_CATEGORIES,
    Mentorship,
    MentorshipMeeting,
    Posting,
    RectificationGroup,
    StudyVisit,
    VillageRectification,
    WorkLog,
)

SEED = "banzi-practice-demo"
ENTERPRISE_CADRES = 99
SECOND_ENTERPRISES = 6  # cadres who serve a second enterprise
Category = VillageDesignation.Category
FIRST_SECRETARY_CATEGORIES = (Category.WEAK_LAX, Category.REGISTERED_POOR)
TARGETS = {
    Category.WEAK_LAX: ("选优配强村党组织书记，规范三会一课，年底前整顿转化", "县乡联动、一村一策，驻村工作组包村蹲点"),
    Category.DISPUTE_HEAVY: ("矛盾纠纷化解率达到98%以上，信访量下降一半", "网格化排查，领导干部包案化解积案"),
    Category.WEAK_ECONOMY: ("村集体经济年收入达到10万元以上", "盘活闲置资产，发展特色种植和光伏项目"),
    Category.REGISTERED_POOR: ("巩固拓展脱贫成果，不发生规模性返贫", "防返贫动态监测，落实产业和就业帮扶"),
}
LOG_TEXTS = [
    "走访企业了解生产经营情况，协调解决用电、用工问题", "帮助企业对接金融机构，申报贴息贷款",
    "宣讲惠企政策，协助办理项目审批手续", "协调解决企业周边道路和环境问题", "调研企业用地需求，协调自然资源部门",
]
VILLAGE_LOG_TEXTS = [
    "入户走访困难群众，了解生产生活需求", "召开村两委会议，研究整顿转化措施", "调解邻里土地纠纷，化解信访苗头",
    "指导村党支部规范开展三会一课", "对接农业农村部门，谋划集体经济项目",
]
HARD_TASKS = [
    "信访积案化解", "防汛抢险和地质灾害隐患排查", "疫情和安全生产专项整治", "征地拆迁和重点项目保障",
    "秸秆禁烧和冬季清洁取暖攻坚",
]
MEETING_TOPICS = [
    "如何主持召开村两委联席会议", "信访接待和矛盾调处的方法", "三会一课和主题党日的规范", "分管领域工作计划的制定",
    "入户走访和群众工作方法", "乡镇财务制度和廉洁自律",
]
LEARNED = [
    "学习了村党组织领办合作社、发展集体经济的做法，回去后准备结合本村实际推广",
    "学习了网格化治理、积分制管理和村务公开的经验",
]


class PracticeDemo:
    def __init__(self, user, today=None):
        self.user = user
        self.today = today or clock.today()
        # The demo year of the other modules (this year from October on, else last year): the
        # rectification campaign, its groups and postings fall in the year the reports speak of.
        self.year = demo_year(self.today)
        self.created = Counter()

    def rng(self, *parts):
        return random.Random("/".join([SEED, str(self.year), *map(str, parts)]))

    def day(self, value):
        """A date, never after today."""
        return min(value, self.today)

    def running_since(self, month, day):
        """The start of work that runs on from year to year: this year's date when it lies a month back
        or more, last year's otherwise (in the year's first months), so that it has its work logs."""
        value = datetime.date(self.year, month, day)
        return value if value <= self.today - datetime.timedelta(days=30) else value.replace(year=self.year - 1)

    def save(self, label, service, instance, **kwargs):
        saved = service(self.user, instance, **kwargs)
        self.created[label] += 1
        return saved

    @transaction.atomic
    def run(self):
        self.townships = list(Organization.objects.filter(kind=Organization.Kind.TOWNSHIP, is_active=True)
                              .order_by("sort_order", "name"))
        if not self.townships or RectificationGroup.objects.filter(year=self.year).exists():
            return self
        self.designations = defaultdict(list)
        for d in (VillageDesignation.objects.filter(year=self.year, category__in=HARD_CATEGORIES)
                  .select_related("organization").order_by("organization__sort_order", "category")):
            self.designations[d.organization.township_id].append(d)
        self.used_first_secretaries = set()
        self.new_members = list(metrics.newly_appointed(self.user, self.today))
        for index, township in enumerate(self.townships):
            self.rectifications(township, index)
            self.group(township)
        self.first_secretaries()
        self.enterprise_service()
        self.hard_assignments()
        self.mentoring()
        self.study_visits()
        return self

    # --- designated villages --------------------------------------------------------------------

    def rectifications(self, township, index):
        rng = self.rng("rectify", township.name)
        # Every other township has turned one village round: one without a first secretary (who goes
        # to a village while its designation is in force, also in the year's first days).
        turned = next((d for d in self.designations[township.pk] if d.category not in FIRST_SECRETARY_CATEGORIES),
                      None) if index % 2 == 0 else None
        for d in self.designations[township.pk]:
            target, measures = TARGETS[d.category]
            done = d is turned
            progress = 100 if done else rng.choice((30, 40, 50, 60, 70, 80))
            self.save("village rectifications", services.save_rectification, VillageRectification(
                designation=d, target=target, measures=measures, due_on=datetime.date(self.year, 12, 31),
                progress=progress, progress_note=f"已完成{progress}%", reported_on=self.today))
            if done and d.designated_on and d.designated_on < self.today:
                d.lifted_on = max(d.designated_on, self.today - datetime.timedelta(days=15))
                core_services.save_object(self.user, d)
                self.created["designations lifted"] += 1

    def members_on(self, township, day):
        return list(TeamMembership.objects.current(day).filter(
            team__township=township, team__elected_on__lte=day, team__term_ends_on__gt=day)
            .select_related("cadre", "position").order_by("sort_order", "pk"))

    def group(self, township):
        started_on = self.day(datetime.date(self.year, 3, 20))
        members = self.members_on(township, started_on)
        if not members:
            return
        leader = next((m for m in members if m.position.name == "组织委员"), members[0]).cadre
        group = self.save("rectification groups", services.save_group, RectificationGroup(
            township=township, campaign=f"{self.year}年软弱涣散村党组织集中整顿", year=self.year, leader=leader,
            started_on=started_on, tasks="逐村分析研判，一村一策制定整顿方案，驻村指导整顿转化"))
        general = list(Cadre.objects.filter(organization=township, status=Cadre.Status.ACTIVE, is_reserve=False,
                                            memberships__isnull=True).order_by("name_pinyin", "pk"))
        rng = self.rng("group", township.name)
        for d in self.designations[township.pk][:3]:
            if not general:
                break
            cadre = general.pop(rng.randrange(len(general)))
            posting = self.save("postings", services.save_posting, Posting(
                cadre=cadre, kind=Posting.Kind.RECTIFICATION, organization=d.organization, group=group,
                started_on=started_on, goals=f"驻村指导{d.organization.name}整顿转化"))
            self.logs(posting, rng, count=1)

    def first_secretaries(self):
        """A first secretary in every weak and lax and every registered poor village: county
        department cadres first, then the township's general cadres."""
        county_cadres = list(Cadre.objects.filter(organization__kind=Organization.Kind.DEPARTMENT,
                                                  status=Cadre.Status.ACTIVE, memberships__isnull=True)
                             .order_by("name_pinyin", "pk"))
        for township in self.townships:
            for d in self.designations[township.pk]:
                if d.category not in FIRST_SECRETARY_CATEGORIES:
                    continue
                pool = county_cadres or list(Cadre.objects.filter(
                    organization=township, status=Cadre.Status.ACTIVE, memberships__isnull=True)
                    .exclude(pk__in=self.used_first_secretaries).exclude(postings__isnull=False)
                    .order_by("name_pinyin", "pk")[:1])
                if not pool:
                    continue
                cadre = pool.pop(0)
                self.used_first_secretaries.add(cadre.pk)
                start = self.day((d.designated_on or datetime.date(self.year, 3, 10)) + datetime.timedelta(days=10))
                posting = self.save("postings", services.save_posting, Posting(
                    cadre=cadre, kind=Posting.Kind.FIRST_SECRETARY, organization=d.organization, started_on=start,
                    goals=TARGETS[d.category][0]))
                self.logs(posting, self.rng("fs", cadre.pk), count=2)

    # --- enterprise service ---------------------------------------------------------------------

    def enterprise_service(self):
        """99 leading and reserve cadres serving the 41 enterprises: two or three cadres each, from
        the enterprise's township where it has enough, and a few serving a second enterprise."""
        enterprises = list(Organization.objects.filter(kind=Organization.Kind.ENTERPRISE, is_active=True)
                           .order_by("sort_order", "name"))
        if not enterprises:
            return
        current = self.members_on_all()
        reserves = Cadre.objects.filter(is_reserve=True, status=Cadre.Status.ACTIVE).order_by("name_pinyin", "pk")
        pools = defaultdict(list)
        for cadre in [*current, *reserves]:
            if cadre not in pools[cadre.organization.township_id]:
                pools[cadre.organization.township_id].append(cadre)
        rng = self.rng("enterprise")
        for pool in pools.values():
            rng.shuffle(pool)
        everyone = [c for pool in pools.values() for c in pool]
        used, assignments = set(), []
        per_enterprise = [2] * len(enterprises)
        for i in range(min(ENTERPRISE_CADRES - 2 * len(enterprises), len(enterprises))):
            per_enterprise[i] += 1
        for enterprise, count in zip(enterprises, per_enterprise, strict=True):
            for _n in range(count):
                pool = [c for c in pools[enterprise.township_id] if c.pk not in used] or [
                    c for c in everyone if c.pk not in used]
                if not pool:
                    break
                used.add(pool[0].pk)
                assignments.append((pool[0], enterprise))
        for cadre, enterprise in list(assignments[:SECOND_ENTERPRISES]):
            other = next((e for e in enterprises if e.township_id == enterprise.township_id and e != enterprise), None)
            if other is not None:
                assignments.append((cadre, other))
        start = self.running_since(3, 1)
        # Sent as a team member or a reserve cadre: a member who was not yet on a team on the first day
        # (elected since) serves from the day their membership began.
        on_start = set(TeamMembership.objects.serving(start).values_list("cadre_id", flat=True))
        joined = dict(TeamMembership.objects.serving(self.today).order_by("-started_on")
                      .values_list("cadre_id", "started_on"))
        for cadre, enterprise in assignments:
            started_on = start if cadre.is_reserve or cadre.pk in on_start else max(start, joined[cadre.pk])
            posting = self.save("postings", services.save_posting, Posting(
                cadre=cadre, kind=Posting.Kind.ENTERPRISE, organization=enterprise, started_on=started_on,
                goals="落实包联服务，帮助企业解决用工、融资、审批等难题"))
            self.logs(posting, self.rng("log", cadre.pk, enterprise.pk), texts=LOG_TEXTS)

    def members_on_all(self):
        return [m.cadre for m in TeamMembership.objects.current(self.today).filter(
            team__elected_on__lte=self.today, team__term_ends_on__gt=self.today)
            .select_related("cadre__organization").order_by("team__township__sort_order", "sort_order", "pk")]

    def logs(self, posting, rng, count=None, texts=VILLAGE_LOG_TEXTS):
        span = (self.today - posting.started_on).days
        if span < 1:
            return
        for _n in range(count or rng.randint(1, 3)):
            found = rng.randint(0, 3)
            self.save("work logs", services.save_work_log, WorkLog(
                posting=posting, logged_on=posting.started_on + datetime.timedelta(days=rng.randint(1, span)),
                visits=rng.randint(1, 4), problems_found=found, problems_solved=rng.randint(0, found),
                content=rng.choice(texts)))

    # --- the newly appointed: hard assignments and mentors -------------------------------------

    def hard_assignments(self):
        """About two thirds of the newly appointed team members get a hard assignment in one of
        their township's designated villages; the rest are left for the tempering list."""
        for m in self.new_members:
            rng = self.rng("hard", m.cadre_id)
            villages = self.designations[m.team.township_id]
            if not villages or rng.random() > 0.67:
                continue
            start = self.day(m.started_on + datetime.timedelta(days=rng.randint(10, 40)))
            village = rng.choice(villages).organization
            posting = self.save("postings", services.save_posting, Posting(
                cadre=m.cadre, kind=Posting.Kind.OTHER, organization=village, started_on=start,
                goals=f"急难险重任务：{rng.choice(HARD_TASKS)}"))
            self.logs(posting, rng, count=1)

    def mentoring(self):
        """Most newly appointed team members are paired with an experienced member of their team
        (the team head first); a pair meets once or more."""
        experienced = defaultdict(list)
        new_ids = {m.cadre_id for m in self.new_members}
        for m in TeamMembership.objects.current(self.today).filter(
                team__elected_on__lte=self.today, team__term_ends_on__gt=self.today).select_related(
                "position").order_by("-is_head", "sort_order", "pk"):
            if m.cadre_id not in new_ids:
                experienced[m.team.township_id].append(m.cadre_id)
        for m in self.new_members:
            rng = self.rng("mentor", m.cadre_id)
            mentors = experienced[m.team.township_id]
            if not mentors or rng.random() > 0.8:
                continue
            start = self.day(m.started_on + datetime.timedelta(days=rng.randint(3, 15)))
            pair = self.save("mentoring pairs", services.save_mentorship, Mentorship(
                mentor_id=mentors[rng.randrange(min(3, len(mentors)))], mentee=m.cadre, started_on=start,
                goals="一年内熟悉分管领域工作，能独立主持会议、处理群众诉求"))
            span = (self.today - start).days
            for _n in range(rng.randint(1, 2) if span > 0 else 0):
                self.save("mentoring meetings", services.save_meeting, MentorshipMeeting(
                    mentorship=pair, met_on=start + datetime.timedelta(days=rng.randint(1, span)),
                    topic=rng.choice(MEETING_TOPICS), notes="导师结合自身经历讲解，结对对象记录要点并交流体会"))

    def study_visits(self):
        """Visits to the model villages: one by the county for the newly appointed of every
        township, and one by each model village's neighbours."""
        hosts = list(Organization.objects.filter(
            designations__category=Category.MODEL_UNIT, designations__year__lte=self.year).distinct().order_by("name"))
        county = Organization.objects.filter(kind=Organization.Kind.COUNTY).first()
        if not hosts or county is None:
            return
        new = [m.cadre for m in self.new_members]
        for index, host in enumerate(hosts):
            rng = self.rng("visit", host.name)
            visited_on = self.day(datetime.date(self.year, 10, 20 + index))
            participants = new[index::len(hosts)] or new
            if participants:
                self.save("study visits", services.save_visit, StudyVisit(
                    title=f"新进班子成员赴{host.township.name}{host.name}观摩学习", organization=county, host=host,
                    visited_on=visited_on, learned=LEARNED[index % len(LEARNED)]), participants=participants)
            township = host.township
            locals_ = [c for c in Cadre.objects.filter(organization=township, status=Cadre.Status.ACTIVE)
                       .order_by("name_pinyin")[:40]]
            if locals_:
                self.save("study visits", services.save_visit, StudyVisit(
                    title=f"{township.name}机关干部赴{host.name}现场观摩", organization=township, host=host,
                    visited_on=self.day(datetime.date(self.year, 6, 12 + index)), learned=rng.choice(LEARNED)),
                    participants=rng.sample(locals_, min(8, len(locals_))))


def load_practice_demo(today=None):
    """Add the demo frontline practice to the demo county; returns what was created."""
    user = demo_user()
    if user is None:
        return Counter()
    return PracticeDemo(user, today).run().created
