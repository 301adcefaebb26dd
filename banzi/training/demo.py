"""Demo training for the demo county (run by `manage.py load_demo` after the registry and the
work demo), reproducing the article's figures through real records:

- a 3-day special training (专题培训) for the 105 newly promoted township cadres (the registry
  marks them `is_newly_promoted`), two sessions a day, everyone present;
- 3 cadre lecture halls (干部大讲堂) — on “two studies, one action” (两学一做) and on the July 1
  speech — each attended by every section-level cadre (rank section chief or deputy section chief);
- training brought to the townships (送教下乡): 8 professors of the provincial and city Party schools
  and the provincial agricultural university, 4 days, one lecture each, for the township cadres and
  the county departments' leading cadres; present attendances come to 2,600-odd person-times;
- the yearly rotation class (轮训) of the township team members (the autumn's incoming members too)
  and reserve cadres at the county Party school, five days in August, which brings most of them to the yearly minimum that the annual
  assessment reads;
- a two-day class for the township Party secretaries at the county Party school at the end of
  September, after the autumn's elections, for the heads of the teams then serving;
- two township programs, an upcoming county program, and training needs some of which it covers.

The figures on the statistics page are computed from these attendances, never stored. Programs,
sessions and lecturers go through the services as the county's demo user; the ~6,000 enrollments
and attendances are written in bulk with their history. Deterministic (seeded) and idempotent
(nothing is added once the special training exists).
"""
import datetime
import random
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from banzi.accounts.models import User
from banzi.core import clock
from banzi.core.roles import Role
from banzi.org.demo import demo_year  # noqa: F401 (the demo year, imported from here by the other demos)
from banzi.org.models import Cadre, Organization, TeamMembership

from . import services
from .models import (
    Attendance,
    Enrollment,
    Lecturer,
    TrainingNeed,
    TrainingProgram,
    TrainingSession,
    TrainingTopic,
)

SEED = 2016
SPECIAL_NAME = "新提拔乡镇干部专题培训班"
TO_TOWNSHIPS_NAME = "专家教授送教下乡"
ROTATION_NAME = "乡镇领导班子成员和后备干部履职能力轮训班"
SECRETARIES_NAME = "乡镇党委书记抓党建促发展专题培训班"
SECRETARIES_LECTURES = [
    ("乡镇党委书记履行抓基层党建第一责任人职责", "党的建设"), ("新一届乡镇领导班子的团结与议事决策", "领导能力"),
    ("以党建引领乡村振兴", "乡村振兴"), ("落实全面从严治党主体责任与廉洁从政", "党风廉政"),
]
ROTATION_LECTURES = [
    ("学习贯彻党的二十届四中全会精神", "政治理论"), ("乡镇党委落实全面从严治党主体责任", "党风廉政"),
    ("民主集中制与班子议事规则", "党的建设"), ("乡村振兴中的产业发展", "乡村振兴"),
    ("基层矛盾纠纷预防化解", "群众工作"), ("应急管理与安全生产", "依法行政"),
    ("县域经济与招商引资", "经济发展"), ("乡镇干部的调查研究方法", "领导能力"),
    ("村级集体经济发展路径", "乡村振兴"), ("基层依法行政案例评析", "依法行政"),
]
# Present attendances at each of the 8 lectures brought to the townships: 2,612 person-times.
TO_TOWNSHIPS_PRESENT = [331, 326, 328, 325, 324, 327, 322, 329]
SECTION_LEVEL = [Cadre.Rank.SECTION_CHIEF, Cadre.Rank.DEPUTY_SECTION_CHIEF]

# The article's 8 professors of the provincial and city Party schools and the provincial agricultural university.
PROFESSORS = [
    ("王建华", "山西农业大学", "教授", "乡村振兴", "乡村振兴战略与乡镇工作"),
    ("李晓梅", "中共山西省委党校", "教授", "经济发展", "县域经济高质量发展"),
    ("张志强", "中共山西省委党校", "教授", "政治理论", "习近平新时代中国特色社会主义思想"),
    ("刘文斌", "中共临汾市委党校", "教授", "依法行政", "基层依法行政与矛盾化解"),
    ("陈玉兰", "中共山西省委党校", "教授", "党的建设", "新时代基层党组织建设"),
    ("赵国栋", "中共临汾市委党校", "教授", "群众工作", "新形势下的群众工作方法"),
    ("杨振华", "山西农业大学", "教授", "社会事业", "农村基本公共服务与社会事业"),
    ("郭丽娟", "中共临汾市委党校", "教授", "领导能力", "乡镇领导干部的领导艺术"),
]
PARTY_SCHOOL_LECTURES = [
    ("党章党规党纪与廉洁从政", "党风廉政"), ("习近平新时代中国特色社会主义思想概论", "政治理论"),
    ("新时代党的组织路线", "党的建设"), ("乡镇领导干部履职能力提升", "领导能力"),
    ("法治思维与依法行政", "依法行政"), ("做好新时代群众工作", "群众工作"),
]
LECTURE_HALLS = [
    ("干部大讲堂第一讲：扎实推进“两学一做”学习教育", "“两学一做”：学党章党规、学系列讲话，做合格党员", "党的建设", 4, 20),
    ("干部大讲堂第二讲：深入学习习近平总书记“七一”重要讲话", "深刻领会“七一”重要讲话精神", "政治理论", 7, 15),
    ("干部大讲堂第三讲：学习贯彻“七一”重要讲话 推进“两学一做”常态化", "以“七一”重要讲话精神推动“两学一做”常态化制度化",
     "政治理论", 9, 16),
]
MORNING, AFTERNOON = (datetime.time(9, 0), datetime.time(12, 0)), (datetime.time(14, 30), datetime.time(17, 30))


def demo_user():
    return (User.objects.filter(username="county_admin", role=Role.COUNTY_ADMIN, is_active=True).first()
            or User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("pk").first())


class TrainingDemo:
    def __init__(self, user, today=None):
        self.user = user
        self.today = today or clock.today()
        self.year = demo_year(self.today)
        self.rng = random.Random(SEED)
        self.created = Counter()
        self.topics = {t.name: t for t in TrainingTopic.objects.all()}
        self.county = Organization.objects.filter(kind=Organization.Kind.COUNTY).order_by("pk").first()
        self.department = (Organization.objects.filter(kind=Organization.Kind.DEPARTMENT, name="县委组织部").first()
                           or self.county)
        self.party_school = Organization.objects.filter(kind=Organization.Kind.DEPARTMENT, name="县委党校").first()

    def day(self, month, day):
        return datetime.date(self.year, month, day)

    def cadres(self, *conditions, **filters):
        return list(Cadre.objects.filter(*conditions, status=Cadre.Status.ACTIVE, **filters).select_related("organization")
                    .order_by("organization__sort_order", "organization__name", "name_pinyin", "birth_date", "id"))

    # Writing ---------------------------------------------------------------------------------

    def lecturer(self, name, kind, affiliation, title):
        lecturer = Lecturer(name=name, affiliation_kind=kind, affiliation=affiliation, title=title,
                            organization=self.department)
        self.created["lecturers"] += 1
        return services.save_object(self.user, lecturer)

    def program(self, name, kind, start_on, end_on, *, organizer=None, location="", target_group="", topics=()):
        program = services.save_program(self.user, TrainingProgram(
            name=name, kind=kind, organizer=organizer or self.department, start_on=start_on, end_on=end_on,
            location=location, target_group=target_group))
        program.topics.set([self.topics[t] for t in topics if t in self.topics])
        self.created["programs"] += 1
        return program

    def session(self, program, title, topic, held_on, slot, *, lecturer=None, hours="3.0"):
        session = services.save_session(self.user, TrainingSession(
            program=program, title=title, topic=self.topics[topic], lecturer=lecturer, held_on=held_on,
            starts_at=slot[0], ends_at=slot[1], credit_hours=Decimal(hours), location=program.location))
        self.created["sessions"] += 1
        return session

    def enroll(self, program, cadres):
        rows = [Enrollment(program=program, cadre=cadre) for cadre in cadres]
        bulk_create_with_history(rows, Enrollment, batch_size=500, default_user=self.user)
        self.created["enrollments"] += len(rows)

    def attend(self, session, present, others=()):
        """Present for `present`; of `others`, about one in four excused and the rest absent."""
        rows = [Attendance(session=session, cadre=c, status=Attendance.Status.PRESENT) for c in present]
        for cadre in others:
            status = Attendance.Status.EXCUSED if self.rng.random() < 0.25 else Attendance.Status.ABSENT
            rows.append(Attendance(session=session, cadre=cadre, status=status))
        bulk_create_with_history(rows, Attendance, batch_size=500, default_user=self.user)
        self.created["attendances"] += len(rows)

    # The article's programs --------------------------------------------------------------------

    def special_training(self):
        promoted = self.cadres(is_newly_promoted=True)
        start = self.day(3, 16)
        program = self.program(
            SPECIAL_NAME, TrainingProgram.Kind.SPECIAL, start, start + datetime.timedelta(days=2),
            location="县委党校", target_group="换届以来新提拔的乡镇干部",
            topics=["政治理论", "党的建设", "领导能力", "依法行政", "党风廉政", "群众工作"])
        teachers = [self.lecturer(name, Lecturer.AffiliationKind.PARTY_SCHOOL, "县委党校", title) for name, title in
                    (("孙立新", "常务副校长"), ("周慧敏", "副教授"), ("吴海涛", "讲师"))]
        self.enroll(program, promoted)
        for index, (title, topic) in enumerate(PARTY_SCHOOL_LECTURES):
            held_on = start + datetime.timedelta(days=index // 2)
            session = self.session(program, title, topic, held_on, MORNING if index % 2 == 0 else AFTERNOON,
                                   lecturer=teachers[index % len(teachers)])
            self.attend(session, promoted)

    def lecture_halls(self):
        section_level = self.cadres(rank__in=SECTION_LEVEL)
        speakers = [self.lecturer(name, Lecturer.AffiliationKind.DEPARTMENT, affiliation, title) for
                    name, affiliation, title in (("何建国", "县委", "副书记"), ("马秀英", "县委组织部", "部长"),
                                                 ("高志远", "县委宣传部", "部长"))]
        for (name, title, topic, month, day), speaker in zip(LECTURE_HALLS, speakers, strict=True):
            held_on = self.day(month, day)
            program = self.program(name, TrainingProgram.Kind.LECTURE_HALL, held_on, held_on, location="县会议中心",
                                   target_group="全县科级干部", topics=[topic])
            self.enroll(program, section_level)
            self.attend(self.session(program, title, topic, held_on, AFTERNOON, lecturer=speaker), section_level)

    def to_townships(self):
        # The township cadres and the county departments' leading (section-level) cadres.
        township_cadres = self.cadres(Q(organization__township__isnull=False) | Q(
            organization__kind=Organization.Kind.DEPARTMENT, rank__in=SECTION_LEVEL))
        start = self.day(5, 11)
        program = self.program(
            TO_TOWNSHIPS_NAME, TrainingProgram.Kind.TO_TOWNSHIPS, start, start + datetime.timedelta(days=3),
            location="各乡镇", target_group="全县乡镇干部和县直单位领导干部",
            topics=sorted({topic for *_rest, topic, _title in PROFESSORS}))
        self.enroll(program, township_cadres)
        for index, (name, affiliation, title, topic, lecture) in enumerate(PROFESSORS):
            kind = Lecturer.AffiliationKind.PARTY_SCHOOL if "党校" in affiliation else Lecturer.AffiliationKind.UNIVERSITY
            professor = self.lecturer(name, kind, affiliation, title)
            held_on = start + datetime.timedelta(days=index // 2)
            session = self.session(program, lecture, topic, held_on, MORNING if index % 2 == 0 else AFTERNOON,
                                   lecturer=professor)
            count = min(TO_TOWNSHIPS_PRESENT[index], len(township_cadres))
            present = set(self.rng.sample(range(len(township_cadres)), count))
            self.attend(session, [c for i, c in enumerate(township_cadres) if i in present],
                        [c for i, c in enumerate(township_cadres) if i not in present])

    def rotation(self):
        """Five days at the county Party school in August for those on a township team in the year
        (the incoming members of the autumn's elections too) and the townships' reserve cadres: two
        sessions a day, nearly everyone present."""
        start = self.day(8, 17)
        members = set(TeamMembership.objects.serving_in_year(self.year).values_list("cadre_id", flat=True))
        cadres = [c for c in self.cadres(organization__township__isnull=False)
                  if c.pk in members or c.is_reserve]
        program = self.program(ROTATION_NAME, TrainingProgram.Kind.CENTRALIZED, start,
                               start + datetime.timedelta(days=4), location="县委党校",
                               target_group="乡镇领导班子成员（含换届拟任人选）和后备干部", topics=sorted({t for _title, t in ROTATION_LECTURES}))
        self.enroll(program, cadres)
        for index, (title, topic) in enumerate(ROTATION_LECTURES):
            held_on = start + datetime.timedelta(days=index // 2)
            session = self.session(program, title, topic, held_on, MORNING if index % 2 == 0 else AFTERNOON)
            present = [c for c in cadres if self.rng.random() < 0.95]
            self.attend(session, present, [c for c in cadres if c not in present])

    def secretaries(self):
        """Two days at the county Party school on 29 and 30 September, after the autumn's elections,
        for the heads of the township teams serving then (new and re-elected): two sessions a day,
        everyone present."""
        start = self.day(9, 29)
        heads = set(TeamMembership.objects.serving(start).filter(is_head=True, team__township__isnull=False)
                    .values_list("cadre_id", flat=True))
        cadres = [c for c in self.cadres() if c.pk in heads]
        if not cadres:
            return
        program = self.program(SECRETARIES_NAME, TrainingProgram.Kind.CENTRALIZED, start,
                               start + datetime.timedelta(days=1), location="县委党校", target_group="乡镇党委书记",
                               topics=sorted({t for _title, t in SECRETARIES_LECTURES}))
        self.enroll(program, cadres)
        for index, (title, topic) in enumerate(SECRETARIES_LECTURES):
            held_on = start + datetime.timedelta(days=index // 2)
            self.attend(self.session(program, title, topic, held_on, MORNING if index % 2 == 0 else AFTERNOON),
                        cadres)

    # The rest ----------------------------------------------------------------------------------

    def township_programs(self):
        townships = list(Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).order_by("sort_order", "name")[:2])
        for township in townships:
            held_on = self.day(6, 10)
            program = self.program(f"{township.name}机关干部集中培训", TrainingProgram.Kind.CENTRALIZED, held_on, held_on,
                                   organizer=township, location=f"{township.name}党委会议室",
                                   target_group="乡镇机关干部", topics=["群众工作", "社会事业"])
            cadres = self.cadres(organization__township=township)
            self.enroll(program, cadres)
            for slot, (title, topic) in zip((MORNING, AFTERNOON), (("网格化管理与群众工作", "群众工作"),
                                                                  ("民生政策解读", "社会事业")), strict=True):
                session = self.session(program, title, topic, held_on, slot, hours="2.5")
                present = [c for c in cadres if self.rng.random() < 0.9]
                self.attend(session, present, [c for c in cadres if c not in present])

    def upcoming(self):
        start = self.today + datetime.timedelta(days=21)
        self.program("乡村振兴与基层治理专题培训班", TrainingProgram.Kind.CENTRALIZED, start,
                     start + datetime.timedelta(days=2), location="县委党校", target_group="乡镇党委委员",
                     topics=["乡村振兴", "经济发展"])

    def needs(self):
        townships = list(Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).order_by("sort_order", "name"))
        plan = ["乡村振兴", "应急管理", "经济发展", "依法行政"]
        sources = [TrainingNeed.Source.COMMITTEE, TrainingNeed.Source.ASSESSMENT, TrainingNeed.Source.SELF]
        for index, township in enumerate(townships):
            topic = plan[index % len(plan)]
            source = sources[index % len(sources)]
            cadre = None
            if source == TrainingNeed.Source.SELF:
                cadre = Cadre.objects.filter(organization__township=township, status=Cadre.Status.ACTIVE).order_by(
                    "name_pinyin", "birth_date", "id").first()
            need = TrainingNeed(organization=cadre.organization if cadre else township, cadre=cadre,
                                topic=self.topics[topic], source=source, raised_on=self.day(2, 20),
                                note="年度考核反映的能力短板" if source == TrainingNeed.Source.ASSESSMENT else "")
            services.save_need(self.user, need)
            self.created["training needs"] += 1

    def run(self):
        if TrainingProgram.objects.filter(name=SPECIAL_NAME).exists() or not self.topics:
            return self
        with transaction.atomic():
            self.special_training()
            self.lecture_halls()
            self.to_townships()
            self.township_programs()
            self.upcoming()
            self.needs()
            self.rotation()  # the random draws of the programs above stay as they were
            self.secretaries()  # draws nothing
        return self


def load_training_demo(today=None):
    """Add the demo training to the demo county; returns what was created ({} when nothing was)."""
    user = demo_user()
    if user is None or not Cadre.objects.filter(is_newly_promoted=True).exists():
        return Counter()
    return TrainingDemo(user, today).run().created
