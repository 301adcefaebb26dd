"""Demo cadre files for the demo county (run by `manage.py load_demo` after the registry).

Every current township team member gets a profile, three to six résumé entries consistent with their
record (the first from the month they started work, a promotion starting an entry, the current post
as the last, open entry), the full-time education their record names (and the in-service one, when
it names one), two to four family members, and a reward for some.

Written as the county organization department's demo user, a model at a time (`core.demo.add_many`:
each record validated, with its history and audit rows), so the load stays fast. Deterministic
(seeded by the cadre's name and birth date) and idempotent: a cadre who has a profile is skipped.
"""
import datetime
import random
from collections import Counter

from django.db import transaction

from banzi.core import clock
from banzi.core.demo import add_many
from banzi.org.models import Cadre, Organization, TeamMembership
from banzi.tasks.demo import demo_user

from .models import CadreProfile, EducationRecord, FamilyMember, ResumeEntry, RewardPunishment, first_of_month

SEED = "banzi-cadres-demo"
Education = Cadre.Education

EARLIER_POSTS = [
    "{township}人民政府科员", "{township}党政综合办公室科员", "{township}党政综合办公室副主任", "{township}经济发展办公室主任",
    "{township}社会事务办公室主任", "{township}党委组织干事", "{township}综治中心主任", "县农业农村局办公室科员",
    "县委组织部组织科干事", "县人力资源和社会保障局科员", "{township}团委书记", "县委办公室秘书科科员",
]
PROMOTED_POSTS = ["{township}党委委员、副镇长", "{township}党委委员、组织委员", "{township}党委委员、宣传委员",
                  "{township}副镇长", "{township}人大主席团副主席"]
SCHOOLS = {
    Education.POSTGRADUATE: [("山西大学", "公共管理"), ("山西财经大学", "区域经济学"), ("中共山西省委党校", "政治学理论")],
    Education.UNIVERSITY: [("山西大学", "汉语言文学"), ("山西农业大学", "农学"), ("山西师范大学", "思想政治教育"),
                           ("太原理工大学", "土木工程"), ("山西财经大学", "会计学"), ("中北大学", "法学")],
    Education.COLLEGE: [("临汾职业技术学院", "农业经济管理"), ("山西省财政税务专科学校", "财务管理"),
                        ("运城学院", "行政管理")],
    Education.SECONDARY: [("临汾农业学校", "农学"), ("山西省林业学校", "林学")],
    Education.HIGH_SCHOOL: [("襄汾中学", "")],
    Education.BELOW: [("襄汾县第二初级中学", "")],
}
INSERVICE_SCHOOLS = {
    Education.POSTGRADUATE: [("中共山西省委党校", "经济管理"), ("山西大学", "公共管理")],
    Education.UNIVERSITY: [("中央广播电视大学", "行政管理"), ("中共山西省委党校", "法律"), ("山西大学", "汉语言文学")],
    Education.COLLEGE: [("中央广播电视大学", "法学")],
}
DEGREES = {Education.POSTGRADUATE: "硕士", Education.UNIVERSITY: "学士"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡郭何高林罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "建国华明芳丽军伟强敏静磊洋艳勇杰娟涛超霞刚平辉鹏玲燕飞红英浩宇欣怡子涵梓轩雨桐一诺"
SPOUSE_UNITS = ["襄汾县第一中学教师", "襄汾县人民医院护士", "襄汾县农业农村局科员", "个体经营", "襄汾县邮政分公司职员",
                "襄汾县实验小学教师", "无业"]
PARENT_UNITS = ["退休", "务农", "襄汾县供销社退休职工", "已故"]
CHILD_UNITS = ["学生", "在读大学生", "太原市某公司职员"]
SPECIALITIES = ["农村工作", "党建工作", "经济管理", "社会治理", "农业技术推广", "信访和矛盾调处", "财务管理"]
TITLES = ["", "", "", "助理农艺师", "农艺师", "经济师"]
REWARDS = [("{year}年度全县优秀共产党员", "中共襄汾县委"), ("{year}年度脱贫攻坚先进个人", "中共襄汾县委、襄汾县人民政府"),
           ("{year}年度全县优秀党务工作者", "中共襄汾县委"), ("{year}年度公务员考核优秀，记三等功", "襄汾县人民政府")]


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _month_after(day, months=1):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _months_between(start, end):
    return (end.year - start.year) * 12 + end.month - start.month


class CadresDemo:
    def __init__(self, user, today=None):
        self.user = user
        self.today = today or clock.today()
        self.created = Counter()
        self.records = {model: [] for model in (CadreProfile, ResumeEntry, EducationRecord, FamilyMember,
                                                RewardPunishment)}

    def rng(self, cadre, *parts):
        return random.Random("/".join([SEED, cadre.name, cadre.birth_date.isoformat(), *map(str, parts)]))

    def members(self):
        """The current township team members without a profile, each with their latest current membership."""
        latest = {}
        memberships = (TeamMembership.objects.serving(self.today)
                       .filter(team__township__kind=Organization.Kind.TOWNSHIP, cadre__status=Cadre.Status.ACTIVE,
                               cadre__profile__isnull=True)
                       .select_related("cadre__organization", "team__township", "position").order_by("started_on", "pk"))
        for membership in memberships:
            latest[membership.cadre_id] = membership
        return sorted(latest.values(), key=lambda m: m.cadre_id)

    def run(self):
        for membership in self.members():
            self.plan(membership)
        with transaction.atomic():
            for model, instances in self.records.items():
                add_many(self.user, instances)
                self.created[model._meta.verbose_name_plural] += len(instances)
        return self

    def plan(self, membership):
        cadre = membership.cadre
        township = membership.team.township.name
        rng = self.rng(cadre)
        self.records[CadreProfile].append(CadreProfile(
            cadre=cadre, birthplace=cadre.native_place or "山西襄汾", health="健康",
            professional_title=rng.choice(TITLES), speciality=rng.choice(SPECIALITIES)))
        self.plan_resume(cadre, membership, township, self.rng(cadre, "resume"))
        self.plan_education(cadre, self.rng(cadre, "education"))
        self.plan_family(cadre, self.rng(cadre, "family"))
        rng = self.rng(cadre, "reward")
        if rng.random() < 0.3 and cadre.work_started_on:
            year = rng.randint(max(cadre.work_started_on.year + 1, 2015), self.today.year - 1)
            title, by = rng.choice(REWARDS)
            self.records[RewardPunishment].append(RewardPunishment(
                cadre=cadre, kind=RewardPunishment.Kind.REWARD, title=title.format(year=year),
                decided_on=datetime.date(year + 1, 2, rng.randint(1, 27)) if year + 1 < self.today.year
                else datetime.date(year, 6, 28), decided_by=by, document_number=f"襄发〔{year}〕{rng.randint(3, 60)}号"))

    def resume_starts(self, cadre, membership, rng):
        """The start months of the résumé's entries: the month work started, a promotion, some moves
        between, and the current post's start month last."""
        first = first_of_month(cadre.work_started_on or _add_years(cadre.birth_date, 22))
        last = first_of_month(membership.started_on)
        if last <= first:
            return [first]
        fixed = {first, last}
        if cadre.promoted_on and first < first_of_month(cadre.promoted_on) < last:
            fixed.add(first_of_month(cadre.promoted_on))
        wanted = rng.randint(3, 6)
        span = _months_between(first, last)
        free = [_month_after(first, m) for m in range(1, span)]
        free = [m for m in free if m not in fixed]
        extra = rng.sample(free, min(len(free), max(0, wanted - len(fixed))))
        return sorted(fixed | set(extra))

    def plan_resume(self, cadre, membership, township, rng):
        starts = self.resume_starts(cadre, membership, rng)
        promoted = first_of_month(cadre.promoted_on) if cadre.promoted_on else None
        posts = rng.sample(EARLIER_POSTS, len(EARLIER_POSTS))
        current = f"{cadre.organization.name}{cadre.post or membership.position.name}"
        for index, start in enumerate(starts):
            last = index == len(starts) - 1
            if last:
                text = current
            elif start == promoted:
                text = rng.choice(PROMOTED_POSTS).format(township=township)
            else:
                text = posts[index % len(posts)].format(township=township)
            self.records[ResumeEntry].append(ResumeEntry(
                cadre=cadre, starts_on=start, ends_on=None if last else starts[index + 1], text=text))

    def plan_education(self, cadre, rng):
        level = cadre.education_fulltime
        if level:
            school, major = rng.choice(SCHOOLS[level])
            graduated = first_of_month(cadre.work_started_on).replace(month=7) if cadre.work_started_on else None
            if graduated and cadre.work_started_on and graduated > cadre.work_started_on:
                graduated = graduated.replace(year=graduated.year - 1)
            self.records[EducationRecord].append(EducationRecord(
                cadre=cadre, kind=EducationRecord.Kind.FULLTIME, level=level, degree=DEGREES.get(level, ""),
                school=school, major=major, graduated_on=graduated))
        level = cadre.education_inservice
        if level and level in INSERVICE_SCHOOLS:
            school, major = rng.choice(INSERVICE_SCHOOLS[level])
            start = cadre.work_started_on or self.today
            graduated = datetime.date(rng.randint(min(start.year + 3, self.today.year - 1), self.today.year - 1), 7, 1)
            self.records[EducationRecord].append(EducationRecord(
                cadre=cadre, kind=EducationRecord.Kind.INSERVICE, level=level, degree=DEGREES.get(level, ""),
                school=school, major=major, graduated_on=graduated))

    def plan_family(self, cadre, rng):
        surname = cadre.name[0]
        male = cadre.gender == Cadre.Gender.MALE
        members = []

        def person(family_name):
            return family_name + "".join(rng.sample(GIVEN, rng.randint(1, 2)))

        def born(base, years):
            day = _add_years(base, years) + datetime.timedelta(days=rng.randint(-150, 150))
            return min(day, self.today - datetime.timedelta(days=200))

        members.append(("妻子" if male else "丈夫", person(rng.choice(SURNAMES)), born(cadre.birth_date, rng.randint(-3, 3)),
                        rng.choice(["中共党员", "群众", "群众"]), rng.choice(SPOUSE_UNITS)))
        children = rng.randint(1, 2)
        for index in range(children):
            child_birth = born(cadre.birth_date, 25 + 3 * index + rng.randint(0, 4))
            relation = rng.choice(["儿子", "女儿"])
            members.append((relation, person(surname), child_birth,
                            "共青团员" if child_birth.year >= 1995 and rng.random() < 0.5 else "群众",
                            rng.choice(CHILD_UNITS)))
        if len(members) < 4 and rng.random() < 0.6:
            members.append(("父亲", person(surname), born(cadre.birth_date, -rng.randint(24, 30)),
                            rng.choice(["中共党员", "群众"]), rng.choice(PARENT_UNITS)))
        for order, (relation, name, birth_date, status, unit) in enumerate(members, start=1):
            self.records[FamilyMember].append(FamilyMember(
                cadre=cadre, relation=relation, name=name, birth_date=birth_date, political_status=status,
                unit_and_post=unit, sort_order=order))


def load_cadres_demo(today=None):
    """Add the demo cadre files to the demo county; returns what was created ({} when nothing was)."""
    user = demo_user()
    if user is None:
        return Counter()
    created = CadresDemo(user, today).run().created
    return Counter({k: v for k, v in created.items() if v})
