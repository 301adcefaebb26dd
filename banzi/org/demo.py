"""The demo county: 襄汾县 as the article describes it, with real place names and fictional people.

`build_plan()` turns the place names in `demo_data/demo-county.json` into a complete plan of
records. It is deterministic: a seeded random generator and the day it runs on decide everything,
and the plan never depends on what the database already holds. `load_demo()` writes the plan,
validating every record with `full_clean()` as a user's edit would be, and leaves alone any record
that is already there (found by its natural key), so loading twice changes nothing.

The leadership teams are those elected in September 2021 for five years, as in the article. When
the demo is loaded after such a term has ended, the next election's team is built as well, so the
county always has a current team in every township.
"""
import datetime
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from banzi.accounts.models import User
from banzi.core import clock
from banzi.core.roles import Role
from banzi.core.validators import id_number_check_digit

from .models import (
    Cadre,
    Organization,
    Position,
    Team,
    TeamMembership,
    VillageDesignation,
    id_number_fingerprint,
)

SEED = 141023
DEMO_PASSWORD = "Banzi#2026"
TERM_YEARS = 5
NEWLY_PROMOTED = 105
ENTERPRISES = 41
AREA_PHONE = "0357"

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "demo-county.json"
SHARED_DATA_FILE = Path(settings.BASE_DIR).parent / "shared" / "data" / "demo-county.json"

# The team positions the demo uses, in the catalog's order (seeded by migration org 0002).
POSITIONS = (
    "党委书记", "乡镇长", "党委副书记", "人大主席", "纪委书记", "组织委员", "宣传委员", "统战委员",
    "武装部长", "政法委员", "副乡镇长", "党委委员",
)
HEAD = "党委书记"
CORE_POSITIONS = ["党委书记", "乡镇长", "党委副书记", "人大主席", "纪委书记", "组织委员", "宣传委员", "武装部长",
                  "副乡镇长", "副乡镇长"]
EXTRA_POSITIONS = ["政法委员", "统战委员", "党委副书记", "副乡镇长", "副乡镇长", "党委委员", "党委委员"]
SECTION_CHIEF_POSITIONS = {"党委书记", "乡镇长", "人大主席"}
# Deputy posts often filled by a newly promoted cadre at the election.
ENTRY_POSITIONS = {"组织委员", "宣传委员", "统战委员", "武装部长", "政法委员", "副乡镇长", "党委委员"}

SURNAMES = "王李张刘杨赵郭陈贾薛梁史段武范任田孙马杜韩侯卫柴乔高吴程崔闫"
MALE_GIVEN = "建国军伟强明志海涛斌鹏晋峰磊勇刚波平林超俊杰宏文武浩宇晨旭东亮辉飞龙江华永振兴庆春生云鑫彬凯毅"
FEMALE_GIVEN = "丽娟敏静艳芳霞燕红玲慧婷瑞萍琳莉洁雪梅英颖佳欣璐倩琴晶蓉瑶"
# (ID area code, native place, weight)
ORIGINS = [
    ("141023", "山西襄汾", 60), ("141002", "山西临汾", 10), ("141021", "山西曲沃", 6), ("141022", "山西翼城", 6),
    ("141024", "山西洪洞", 8), ("141081", "山西侯马", 5), ("140802", "山西运城", 5),
]
MOBILE_PREFIXES = ["134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182", "183",
                   "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "189", "199"]

VILLAGE_STEMS = "王李张刘杨赵郭陈贾薛梁史段武范任田孙马杜韩侯卫柴乔高吴程崔闫荀尉燕蒙伯丁曲邓景永"
VILLAGE_PREFIXES = "东西南北上下前后大小新"

DEPARTMENTS = [
    ("县委办公室", []), ("县委组织部", ["部长", "常务副部长", "副部长", "干部股股长", "组织股股长", "干部股科员"]),
    ("县委宣传部", ["副部长"]), ("县委统战部", []), ("县委政法委", []), ("县纪委监委", ["副书记", "党风政风监督室主任"]),
    ("县委党校", ["常务副校长", "教研室主任", "讲师", "讲师"]), ("县政府办公室", []), ("县发改局", ["局长"]),
    ("县财政局", ["局长"]), ("县农业农村局", ["局长", "副局长"]), ("县人社局", []), ("县教育局", []),
    ("县自然资源局", []), ("县住建局", []), ("县交通运输局", []), ("县水利局", []), ("县卫健局", []),
    ("县民政局", []), ("县商务局", []),
]
ORGANIZATION_DEPARTMENT = "县委组织部"

# Township offices and their posts: (office, [posts]); the first post heads the office.
OFFICES = [
    ("党政综合办公室", ["主任", "副主任", "科员", "科员"]), ("党建工作办公室", ["主任", "组织干事", "科员"]),
    ("经济发展办公室", ["主任", "科员"]), ("社会事务办公室", ["主任", "科员"]), ("平安建设办公室", ["主任", "科员"]),
    ("财政所", ["所长", "会计", "出纳"]), ("自然资源所", ["所长", "科员"]), ("综合行政执法队", ["队长", "队员", "队员"]),
    ("便民服务中心", ["主任", "科员", "科员"]), ("农业综合服务中心", ["主任", "技术员", "技术员"]),
    ("退役军人服务站", ["站长"]), ("社会保障服务中心", ["主任", "科员"]),
]
HEAD_POSTS = {"主任", "所长", "队长", "站长"}
KEY_OFFICES = {"财政所"}
KEY_POSTS = {("自然资源所", "所长"), ("综合行政执法队", "队长"), ("经济发展办公室", "主任"), ("便民服务中心", "主任")}

ENTERPRISE_STEMS = ["恒泰", "鑫源", "晋丰", "汾河", "宏达", "永盛", "华晋", "金穗", "裕丰", "福瑞", "众和", "益民", "康达",
                    "润泽", "德胜", "兴旺", "隆盛", "聚丰", "天和", "丰源", "晋阳", "陶唐", "尧都", "安顺"]
ENTERPRISE_TRADES = ["农业开发", "食品", "建材", "铸造", "物流", "棉业", "新能源", "机械制造", "面粉", "果业", "养殖",
                     "包装", "化工", "电子", "纺织"]

DESIGNATION_REASONS = {
    VillageDesignation.Category.WEAK_LAX: "村党组织书记长期不在岗，班子不团结，组织生活不正常",
    VillageDesignation.Category.DISPUTE_HEAVY: "土地流转、宅基地纠纷较多，信访量较大",
    VillageDesignation.Category.WEAK_ECONOMY: "村集体经济年收入不足5万元，缺乏稳定增收项目",
    VillageDesignation.Category.REGISTERED_POOR: "建档立卡贫困村，持续巩固拓展脱贫攻坚成果",
    VillageDesignation.Category.MODEL_UNIT: "抓党建促乡村振兴示范村，全县观摩学习点",
}


def load_county_data():
    """The demo's place names: the copy kept in the repository, else the shared one."""
    path = DATA_FILE if DATA_FILE.exists() else SHARED_DATA_FILE
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def demo_year(today=None):
    """The year the demo's programs, campaigns and reports fall in: this year from October on, else
    last year, so that every demo session has taken place."""
    today = today or clock.today()
    return today.year if today.month >= 10 else today.year - 1


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def random_date(rng, start, end):
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


@dataclass
class Plan:
    """Everything the demo county holds, as field values keyed by natural keys."""

    today: datetime.date
    organizations: list = field(default_factory=list)  # dicts: key, parent, fields
    designations: list = field(default_factory=list)  # dicts: village, year, category, fields
    cadres: dict = field(default_factory=dict)  # id_number -> dict: organization, fields
    teams: list = field(default_factory=list)  # dicts: key, township, elected_on
    memberships: list = field(default_factory=list)  # dicts: team, cadre, position, fields
    users: list = field(default_factory=list)  # dicts: username, fields, organization, cadre


class PlanBuilder:
    """Builds the `Plan` for one day from the county's place names."""

    def __init__(self, data, today, seed=SEED):
        self.data = data
        self.today = today
        self.seed = seed
        self.rng = random.Random(seed)
        self.plan = Plan(today=today)
        self.id_numbers = set()
        self.phones = set()
        self.names = set()

    # People ---------------------------------------------------------------------------------

    def person_name(self, rng, gender):
        given = MALE_GIVEN if gender == Cadre.Gender.MALE else FEMALE_GIVEN
        while True:
            name = rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))
            if name not in self.names:
                self.names.add(name)
                return name

    def id_number(self, rng, area, birth_date, gender):
        while True:
            order = rng.randrange(0, 500) * 2 + (1 if gender == Cadre.Gender.MALE else 0)
            first17 = f"{area}{birth_date:%Y%m%d}{order:03d}"
            number = first17 + id_number_check_digit(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def phone(self, rng):
        while True:
            number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def cadre(self, rng, organization, *, born, female_share, post, rank, party_share=1.0, education=None):
        """Plan one cadre with a consistent identity: ID number, birth date, gender and dates agree."""
        gender = Cadre.Gender.FEMALE if rng.random() < female_share else Cadre.Gender.MALE
        birth_date = random_date(rng, datetime.date(born[0], 1, 1), datetime.date(born[1], 12, 28))
        area, place, _weight = rng.choices(ORIGINS, weights=[o[2] for o in ORIGINS])[0]
        work_started_on = min(add_years(birth_date, rng.randint(20, 23)) + datetime.timedelta(days=rng.randint(0, 200)),
                              self.today - datetime.timedelta(days=30))
        party_joined_on = None
        if rng.random() < party_share:
            party_joined_on = min(add_years(birth_date, rng.randint(19, 27)) + datetime.timedelta(days=rng.randint(0, 300)),
                                  self.today - datetime.timedelta(days=30))
        education = education or rng.choices(
            [Cadre.Education.UNIVERSITY, Cadre.Education.COLLEGE, Cadre.Education.POSTGRADUATE,
             Cadre.Education.SECONDARY], weights=[50, 30, 5, 15])[0]
        inservice = ""
        if education in (Cadre.Education.COLLEGE, Cadre.Education.SECONDARY) and rng.random() < 0.6:
            inservice = Cadre.Education.UNIVERSITY
        elif education == Cadre.Education.UNIVERSITY and rng.random() < 0.2:
            inservice = Cadre.Education.POSTGRADUATE
        id_number = self.id_number(rng, area, birth_date, gender)
        spec = {
            "organization": organization,
            "fields": {
                "name": self.person_name(rng, gender),
                "gender": gender,
                "ethnicity": "回族" if rng.random() < 0.02 else "汉族",
                "birth_date": birth_date,
                "native_place": place,
                "id_number": id_number,
                "party_joined_on": party_joined_on,
                "work_started_on": work_started_on,
                "education_fulltime": education,
                "education_inservice": inservice,
                "post": post,
                "rank": rank,
                "phone": self.phone(rng),
                "is_newly_promoted": False,
                "promoted_on": None,
                "is_reserve": False,
                "is_key_position": False,
            },
        }
        self.plan.cadres[id_number] = spec
        return id_number

    # Organizations --------------------------------------------------------------------------

    def organization(self, key, parent, **fields):
        self.plan.organizations.append({"key": key, "parent": parent, "fields": fields})
        return key

    def build(self):
        county = self.data["county"]
        county_key = self.organization(
            county["division_code"], None, name=county["name"], kind=Organization.Kind.COUNTY,
            division_code=county["division_code"], address=f"{county['province']}{county['city']}{county['name']}",
            phone=f"{AREA_PHONE}-{self.rng.randint(2000000, 2999999)}",
        )
        self.county_key = county_key
        self.departments = {}
        for index, (name, _posts) in enumerate(DEPARTMENTS, start=1):
            self.departments[name] = self.organization(
                f"{county_key}/{name}", county_key, name=name, kind=Organization.Kind.DEPARTMENT, sort_order=index,
                phone=f"{AREA_PHONE}-{self.rng.randint(3000000, 3999999)}",
            )
        self.townships = []
        towns = townships = 0
        for index, township in enumerate(self.data["townships"], start=1):
            if township["kind"] == "town":
                code = f"{county['division_code']}{100 + towns:03d}"
                towns += 1
            else:
                code = f"{county['division_code']}{200 + townships:03d}"
                townships += 1
            key = self.organization(
                code, county_key, name=township["name"], kind=Organization.Kind.TOWNSHIP, division_code=code,
                sort_order=index, address=f"{county['province']}{county['city']}{county['name']}{township['name']}",
                phone=f"{AREA_PHONE}-{self.rng.randint(4000000, 4999999)}",
            )
            self.townships.append({"key": key, "name": township["name"], "is_town": township["kind"] == "town"})
        self.build_villages()
        self.build_enterprises()
        self.build_designations()
        self.build_department_cadres()
        for township in self.townships:
            self.build_general_cadres(township)
        for township in self.townships:
            self.build_first_team(township)
        self.mark_newly_promoted()
        self.mark_reserve()
        for index, township in enumerate(self.townships):
            self.build_later_teams(index, township)
        self.mark_reserve()
        self.build_users()
        return self.plan

    def village_names(self, township, count):
        named = list(self.data.get("sample_villages", {}).get(township["name"], []))
        for model in self.data.get("model_villages_named_in_the_article", []):
            if model["township"] == township["name"] and model["village"] not in named:
                named.insert(0, model["village"])
        names = named[:max(count, len(named))]
        taken = set(names)
        while len(names) < count:
            stem = self.rng.choice(VILLAGE_STEMS)
            pattern = self.rng.randrange(5)
            if pattern == 0:
                name = f"{stem}家庄村"
            elif pattern == 1:
                name = f"{stem}村"
            elif pattern == 2:
                name = f"{self.rng.choice(VILLAGE_PREFIXES)}{stem}村"
            elif pattern == 3:
                name = f"{stem}庄村"
            else:
                name = f"{self.rng.choice(VILLAGE_PREFIXES)}{stem}庄村"
            if name not in taken:
                taken.add(name)
                names.append(name)
        return names

    def build_villages(self):
        for township in self.townships:
            count = 20 if township["name"] in self.data.get("sample_villages", {}) else self.rng.randint(10, 20)
            township["villages"] = []
            for index, name in enumerate(self.village_names(township, count), start=1):
                code = f"{township['key']}{200 + index:03d}"
                township["villages"].append(self.organization(
                    code, township["key"], name=name, kind=Organization.Kind.VILLAGE, division_code=code,
                    sort_order=index,
                ))
                if name in {m["village"] for m in self.data.get("model_villages_named_in_the_article", [])
                            if m["township"] == township["name"]}:
                    township.setdefault("model_villages", []).append(code)

    def build_enterprises(self):
        names = set()
        for index in range(ENTERPRISES):
            township = self.townships[index % len(self.townships)]
            while True:
                prefix = self.rng.choice(("山西", "襄汾县", f"襄汾县{township['name'][:-1]}"))
                name = f"{prefix}{self.rng.choice(ENTERPRISE_STEMS)}{self.rng.choice(ENTERPRISE_TRADES)}有限公司"
                if name not in names:
                    names.add(name)
                    break
            self.organization(
                f"{township['key']}/{name}", township["key"], name=name, kind=Organization.Kind.ENTERPRISE,
                sort_order=index + 1, phone=f"{AREA_PHONE}-{self.rng.randint(5000000, 5999999)}",
            )

    def designation(self, village, year, category, designated_on, lifted_on=None, reason=None):
        if any(d["village"] == village and d["year"] == year and d["category"] == category
               for d in self.plan.designations):
            return
        self.plan.designations.append({
            "village": village, "year": year, "category": category,
            "fields": {"designated_on": designated_on, "lifted_on": lifted_on,
                       "reason": reason or DESIGNATION_REASONS[category]},
        })

    def build_designations(self):
        # Last year's list too while the other modules' demo year is last year (January to September),
        # so that its rectification campaign has the villages it works on; drawn from a separate
        # sequence, so that this year's list and everything after it stay as they were.
        last = demo_year(self.today)
        if last != self.today.year:
            self.build_designations_of(last, random.Random(f"{self.seed}/designations/{last}"), with_2021=False)
        self.build_designations_of(self.today.year, self.rng, with_2021=True)

    def build_designations_of(self, year, rng, with_2021):
        # Drawn up by 10 March; in the year's first days, the day before (the list for the new year is
        # made at the turn of the year), so that a village can already have been lifted by today.
        designated_on = min(datetime.date(year, 3, 10), self.today - datetime.timedelta(days=1))
        Category = VillageDesignation.Category
        for township in self.townships:
            villages = [v for v in township["villages"] if v not in township.get("model_villages", [])]
            # The weak and lax villages found after the 2021 election, rectified the next year.
            for village in rng.sample(villages, rng.choice((1, 1, 2))) if with_2021 else ():
                self.designation(village, 2021, Category.WEAK_LAX, datetime.date(2021, 11, 15),
                                 lifted_on=datetime.date(2022, 6, 30))
            counts = {Category.WEAK_LAX: rng.choice((1, 1, 2)), Category.DISPUTE_HEAVY: 1,
                      Category.WEAK_ECONOMY: rng.choice((1, 2)),
                      Category.REGISTERED_POOR: rng.choice((0, 1, 1, 2))}
            for category, count in counts.items():
                for village in rng.sample(villages, count):
                    self.designation(village, year, category, designated_on)
            for village in township.get("model_villages", []):
                self.designation(village, year, Category.MODEL_UNIT, designated_on)

    def build_department_cadres(self):
        for name, posts in DEPARTMENTS:
            for post in posts:
                leading = post.endswith(("部长", "局长", "校长", "书记"))
                self.cadre(
                    self.rng, self.departments[name], born=(1970, 1992), female_share=0.35, post=f"{name}{post}",
                    rank=(Cadre.Rank.SECTION_CHIEF if post in ("部长", "局长") else
                          Cadre.Rank.DEPUTY_SECTION_CHIEF if leading else Cadre.Rank.PRINCIPAL_STAFF),
                    education=Cadre.Education.UNIVERSITY,
                )

    def build_general_cadres(self, township):
        posts = [(office, post) for office, office_posts in OFFICES for post in office_posts]
        extra = self.rng.randint(0, 12)
        posts += [(self.rng.choice(OFFICES)[0], "科员") for _ in range(extra)]
        township["general"] = []
        for office, post in posts:
            heads = post in HEAD_POSTS or post == "副主任"
            id_number = self.cadre(
                self.rng, township["key"], born=(1966, 1985) if heads else (1968, 2000), female_share=0.35,
                post=f"{office}{post}", party_share=1.0 if heads else 0.8,
                rank=Cadre.Rank.PRINCIPAL_STAFF if heads else self.rng.choice((Cadre.Rank.STAFF, Cadre.Rank.CLERK)),
            )
            cadre = self.plan.cadres[id_number]
            cadre["fields"]["is_key_position"] = office in KEY_OFFICES or (office, post) in KEY_POSTS
            cadre["office_head"] = post in HEAD_POSTS
            township["general"].append(id_number)

    def team_positions(self, rng):
        extra = list(EXTRA_POSITIONS)
        rng.shuffle(extra)
        size = rng.randint(10, 15)
        positions = CORE_POSITIONS + extra[: size - len(CORE_POSITIONS)]
        return sorted(positions, key=POSITIONS.index)

    def post_title(self, township, position):
        local = "镇长" if township["is_town"] else "乡长"
        return township["name"] + position.replace("乡镇长", local)

    def add_team(self, township, elected_on):
        key = (township["key"], elected_on)
        self.plan.teams.append({"key": key, "township": township["key"], "elected_on": elected_on})
        return key

    def add_membership(self, team, cadre, position, started_on, document, order):
        membership = {
            "team": team, "cadre": cadre, "position": position,
            "fields": {"is_head": position == HEAD, "started_on": started_on, "ended_on": None,
                       "appointment_document": document, "sort_order": order},
        }
        self.plan.memberships.append(membership)
        return membership

    def build_first_team(self, township):
        """The team elected in September 2021 (the article's election)."""
        elected_on = datetime.date(2021, 9, self.rng.randint(15, 28))
        team = self.add_team(township, elected_on)
        document = f"襄组任〔2021〕{self.rng.randint(20, 90)}号"
        township["members"] = []
        for order, position in enumerate(self.team_positions(self.rng), start=1):
            born = {"党委书记": (1968, 1980), "乡镇长": (1970, 1984)}.get(position, (1970, 1990))
            id_number = self.cadre(
                self.rng, township["key"], born=born, female_share=0.1 if position == HEAD else 0.2,
                post=self.post_title(township, position),
                rank=Cadre.Rank.SECTION_CHIEF if position in SECTION_CHIEF_POSITIONS else Cadre.Rank.DEPUTY_SECTION_CHIEF,
                education=self.rng.choice((Cadre.Education.UNIVERSITY, Cadre.Education.UNIVERSITY,
                                           Cadre.Education.COLLEGE, Cadre.Education.POSTGRADUATE)),
            )
            cadre = self.plan.cadres[id_number]["fields"]
            cadre["party_joined_on"] = min(cadre["party_joined_on"], elected_on - datetime.timedelta(days=365))
            cadre["work_started_on"] = min(cadre["work_started_on"], elected_on - datetime.timedelta(days=3 * 365))
            membership = self.add_membership(team, id_number, position, elected_on, document, order)
            township["members"].append(membership)
        township["term_start"] = elected_on

    def mark_newly_promoted(self):
        """Exactly 105 township cadres promoted since the 2021 election, as the article counts them."""
        chosen = []
        for township in self.townships:
            entry = [m for m in township["members"] if m["position"] in ENTRY_POSITIONS
                     and self.plan.cadres[m["cadre"]]["fields"]["birth_date"].year >= 1980]
            for membership in self.rng.sample(entry, min(2, len(entry))):
                chosen.append((membership["cadre"], township["term_start"]))
        general = [
            (0 if self.plan.cadres[c].get("office_head") else 1, self.rng.random(), c)
            for township in self.townships for c in township["general"]
            if self.plan.cadres[c]["fields"]["party_joined_on"]
            and self.plan.cadres[c]["fields"]["work_started_on"] < datetime.date(2020, 1, 1)
        ]
        general.sort()
        first_day, last_day = datetime.date(2021, 10, 8), min(datetime.date(2022, 12, 30), self.today)
        for _rank, _order, id_number in general[: NEWLY_PROMOTED - len(chosen)]:
            chosen.append((id_number, random_date(self.rng, first_day, last_day)))
        for id_number, promoted_on in chosen:
            fields = self.plan.cadres[id_number]["fields"]
            fields["is_newly_promoted"] = True
            fields["promoted_on"] = promoted_on

    def mark_reserve(self):
        """Keep three to five reserve cadres per township (reserves who joined a team are replaced)."""
        for township in self.townships:
            fields = [self.plan.cadres[c]["fields"] for c in township["general"]]
            have = sum(f["is_reserve"] for f in fields)
            young = [f for f in fields if f["birth_date"].year >= 1985 and f["party_joined_on"] and not f["is_reserve"]]
            for cadre in self.rng.sample(young, max(0, min(len(young), self.rng.randint(3, 5) - have))):
                cadre["is_reserve"] = True

    def build_later_teams(self, index, township):
        """Each election after 2021 up to today: some members stay, others leave, reserves step up."""
        term_start = township["term_start"]
        term = 1
        while add_years(term_start, TERM_YEARS) <= self.today:
            rng = random.Random(f"{self.seed}/{index}/{term}")
            elected_on = add_years(term_start, TERM_YEARS)
            for membership in township["members"]:
                membership["fields"]["ended_on"] = elected_on
            team = self.add_team(township, elected_on)
            document = f"襄组任〔{elected_on.year}〕{rng.randint(20, 90)}号"
            previous = {m["position"]: [] for m in township["members"]}
            for m in township["members"]:
                previous[m["position"]].append(m["cadre"])
            staying = {m["cadre"] for m in township["members"] if rng.random() < 0.55
                       and elected_on.year - self.plan.cadres[m["cadre"]]["fields"]["birth_date"].year < 57}
            used = set()
            schooling = [Cadre.Education.POSTGRADUATE, Cadre.Education.UNIVERSITY, Cadre.Education.COLLEGE]
            # Newcomers: party members of working age, reserves and the better schooled first.
            candidates = sorted(
                (c for c in township["general"] if self.plan.cadres[c]["fields"]["party_joined_on"]
                 and 28 <= elected_on.year - self.plan.cadres[c]["fields"]["birth_date"].year <= 50),
                key=lambda c: (not self.plan.cadres[c]["fields"]["is_reserve"],
                               self.plan.cadres[c]["fields"]["education_fulltime"] not in schooling,
                               elected_on.year - self.plan.cadres[c]["fields"]["birth_date"].year > 45,
                               rng.random()),
            )
            deputies = [m["cadre"] for m in township["members"] if m["position"] in ENTRY_POSITIONS
                        and m["cadre"] in staying]
            members = []
            for order, position in enumerate(self.team_positions(rng), start=1):
                if position == HEAD:
                    # Most often the township head steps up; otherwise the secretary stays on.
                    pool = previous.get("乡镇长", []) + [c for c in previous.get(HEAD, []) if c in staying]
                    if rng.random() < 0.3:
                        pool.reverse()
                else:
                    pool = [c for c in previous.get(position, []) if c in staying]
                    if position not in ENTRY_POSITIONS:
                        # Senior posts go to members who served in the last team; newcomers start as deputies.
                        pool += deputies
                pool = [c for c in pool if c not in used]
                if pool:
                    id_number = pool[0]
                else:
                    id_number = next(c for c in candidates if c not in used)
                used.add(id_number)
                fields = self.plan.cadres[id_number]["fields"]
                fields["post"] = self.post_title(township, position)
                fields["rank"] = (Cadre.Rank.SECTION_CHIEF if position in SECTION_CHIEF_POSITIONS
                                  else Cadre.Rank.DEPUTY_SECTION_CHIEF)
                fields["is_reserve"] = False
                self.plan.cadres[id_number]["organization"] = township["key"]
                members.append(self.add_membership(team, id_number, position, elected_on, document, order))
            for m in township["members"]:
                if m["cadre"] in used:
                    continue
                spec = self.plan.cadres[m["cadre"]]
                if elected_on.year - spec["fields"]["birth_date"].year >= 55:
                    spec["fields"]["post"] = "四级调研员"
                else:
                    department = rng.choice([d for d in DEPARTMENTS if d[0].endswith("局")])[0]
                    spec["organization"] = self.departments[department]
                    spec["fields"]["post"] = f"{department}副局长"
            township["general"] = [c for c in township["general"] if c not in used]
            township["members"] = members
            term_start = elected_on
            term += 1

    def build_users(self):
        first = self.townships[0]
        organization_member = next(m for m in first["members"] if m["position"] == "组织委员")
        self.plan.users = [
            {"username": "county_admin", "role": Role.COUNTY_ADMIN,
             "organization": self.departments[ORGANIZATION_DEPARTMENT], "scope": "襄汾县"},
            {"username": "township_admin", "role": Role.TOWNSHIP_ADMIN, "organization": first["key"],
             "scope": first["name"]},
            {"username": "cadre", "role": Role.CADRE, "cadre": organization_member["cadre"],
             "scope": f"{first['name']} {organization_member['position']}"},
            # The three separated administrators (三员分立): none of them sees business records.
            {"username": "sysadmin", "role": Role.SYSTEM_ADMIN, "scope": "accounts, rules and calendar"},
            {"username": "secadmin", "role": Role.SECURITY_ADMIN, "scope": "roles, scopes and security policy"},
            {"username": "auditor", "role": Role.AUDITOR, "scope": "the audit trail"},
        ]


def build_plan(today=None, data=None, seed=SEED):
    """The demo county as it stands on `today`, as a plan of records (nothing is written)."""
    return PlanBuilder(data or load_county_data(), today or clock.today(), seed).build()


class Loader:
    """Writes a plan: every new record is validated and saved with its history; records that
    already exist are left as they are."""

    def __init__(self, plan):
        self.plan = plan
        self.created = Counter()
        self.reason = _("Loaded with the demo county")

    def save(self, instance):
        instance.full_clean()
        instance._change_reason = self.reason
        instance.save()
        self.created[type(instance).__name__] += 1
        return instance

    @transaction.atomic
    def run(self):
        self.load_positions()
        self.load_organizations()
        self.load_designations()
        self.load_cadres()
        self.load_teams()
        self.load_memberships()
        self.load_users()
        return self

    def load_positions(self):
        self.positions = {p.name: p for p in Position.objects.filter(name__in=POSITIONS)}
        for order, name in enumerate(POSITIONS, start=1):
            if name not in self.positions:
                self.positions[name] = self.save(Position(name=name, sort_order=order * 10, is_head=name == HEAD))

    def load_organizations(self):
        by_code, by_name = {}, {}
        for org in Organization.objects.all():
            if org.division_code:
                by_code[org.division_code] = org
            by_name[(org.parent_id, org.name)] = org
        self.organizations = {}
        for spec in self.plan.organizations:
            fields = spec["fields"]
            parent = self.organizations[spec["parent"]] if spec["parent"] else None
            org = by_code.get(fields.get("division_code") or "-") or by_name.get((parent.pk if parent else None,
                                                                                   fields["name"]))
            if org is None:
                org = self.save(Organization(parent=parent, **fields))
            self.organizations[spec["key"]] = org

    def load_designations(self):
        existing = set(VillageDesignation.objects.values_list("organization_id", "year", "category"))
        for spec in self.plan.designations:
            village = self.organizations[spec["village"]]
            if (village.pk, spec["year"], spec["category"]) in existing:
                continue
            self.save(VillageDesignation(organization=village, year=spec["year"], category=spec["category"],
                                         **spec["fields"]))

    def load_cadres(self):
        # ID numbers are sealed: the demo's cadres already loaded are found by their fingerprints.
        by_index = Cadre.objects.in_bulk([id_number_fingerprint(n) for n in self.plan.cadres], field_name="id_number_index")
        self.cadres = {number: by_index[id_number_fingerprint(number)] for number in self.plan.cadres
                       if id_number_fingerprint(number) in by_index}
        for id_number, spec in self.plan.cadres.items():
            if id_number not in self.cadres:
                self.cadres[id_number] = self.save(
                    Cadre(organization=self.organizations[spec["organization"]], **spec["fields"])
                )

    def load_teams(self):
        existing = {(t.township_id, t.elected_on): t for t in Team.objects.all()}
        self.teams = {}
        for spec in self.plan.teams:
            township = self.organizations[spec["township"]]
            team = existing.get((township.pk, spec["elected_on"]))
            if team is None:
                team = self.save(Team(township=township, elected_on=spec["elected_on"], term_years=TERM_YEARS))
            self.teams[spec["key"]] = team

    def load_memberships(self):
        existing = {
            (m.team_id, m.cadre_id, m.position_id): m
            for m in TeamMembership.objects.filter(team__in=list(self.teams.values()))
        }
        # Terms that ended since the last load close first, so that the next team's head and
        # members do not overlap them.
        for spec in sorted(self.plan.memberships, key=lambda s: s["fields"]["started_on"]):
            team, cadre, position = self.teams[spec["team"]], self.cadres[spec["cadre"]], self.positions[spec["position"]]
            membership = existing.get((team.pk, cadre.pk, position.pk))
            if membership is None:
                self.save(TeamMembership(team=team, cadre=cadre, position=position, **spec["fields"]))
            elif membership.ended_on is None and spec["fields"]["ended_on"]:
                membership.ended_on = spec["fields"]["ended_on"]
                self.save(membership)

    def load_users(self):
        existing = {u.username: u for u in User.objects.filter(username__in=[u["username"] for u in self.plan.users])}
        password = None  # hashed once: hashing is slow on purpose
        for spec in self.plan.users:
            if spec["username"] in existing:
                continue
            user = User(
                username=spec["username"], role=spec["role"],
                organization=self.organizations.get(spec.get("organization")),
                cadre=self.cadres.get(spec.get("cadre")),
                password_changed_at=clock.now(),  # the demo's published password is taken as chosen: no forced change
                is_demo=True,  # exempt from the second factor; `check --deploy` refuses them in production
            )
            if password is None:
                user.set_password(DEMO_PASSWORD)
                password = user.password
            user.password = password
            self.save(user)


def load_demo(today=None):
    """Build and write the demo county; returns the loader (with what it created) and the plan."""
    plan = build_plan(today)
    return Loader(plan).run(), plan
