"""A synthetic province for measuring at scale (`manage.py generate_scale`).

Counties of 13 townships (as the demo county 襄汾县), each township with the records the demo county
holds per township (`manage.py load_demo`, measured on its 13 townships), in the same ratios:

| per township                  | demo county (mean)        | here                                              |
|-------------------------------|---------------------------|---------------------------------------------------|
| villages                      | 14.8                      | 10–20                                             |
| cadres                        | 41.5                      | a team of 10–15 + 29 office posts + 0–12 staff    |
| group study sessions          | 34                        | 34 (12 theory, 12 staff, 4 lectures, 6 village)   |
| study attendances             | 638                       | team ×12 + 28 ×12 + (team + 25) ×4 + 6            |
| daily study records           | 1,984                     | team + 5 cadres, each on 12–50 % of 365 days      |
| meetings                      | 652                       | each village's rules, this year, 7 % missed; 12 committee, 4 central group, 1 life meeting |
| meeting attendances           | 267                       | team at its 17 meetings + 1–4 branch meetings each |
| tasks (milestones, reports)   | 51 (2 each, 1 each)       | 3–5 per team member, 2 milestones, ≤ 1 report     |
| supervised items              | 6                         | 6                                                 |
| talks                         | 32                        | head with each member + 15–25 more                |

`RATIOS` states these bounds; tests/core/test_generate_scale.py checks every township against them.
Everything is drawn from one seeded generator per township (`random.Random(f"{seed}/{county}/{n}")`)
and placed relative to `clock.today()`, so the same seed on the same day gives the same province.
Rows go in with their primary keys given by the generator, by COPY on PostgreSQL and executemany on
SQLite, each with its creation history row (as `bulk_create_with_history` writes them), a county (13
townships) at a time in one transaction; the sequences are moved past the keys afterwards.

The synthetic province's division codes begin with "99" (no real province has that code): that is how
the command tells its own records from real ones.
"""
import datetime
import random
from collections import Counter

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from banzi.accounts.models import User
from banzi.core import clock
from banzi.core.pinyin import full_pinyin, pinyin_initials
from banzi.core.roles import Role
from banzi.core.validators import id_number_check_digit
from banzi.governance import metrics as governance_metrics
from banzi.governance.models import Attendance, Meeting, MeetingKind, OrgLifeRule
from banzi.org.models import Cadre, Organization, Position, Team, TeamMembership
from banzi.study.models import StudyAttendance, StudyKind, StudyRecord, StudySession
from banzi.talks.models import Talk
from banzi.tasks.models import Milestone, ProgressReport, SupervisedItem, Task, WorkList

PROVINCE_CODE = "99"
TOWNSHIPS_PER_COUNTY = 13
PASSWORD = "Banzi#2026"
USERNAMES = {"county_admin": "scale_county_admin", "township_admin": "scale_township_admin", "cadre": "scale_cadre"}

SURNAMES = "王李张刘杨赵郭陈贾薛梁史段武范任田孙马杜韩侯卫柴乔高吴程崔闫"
GIVEN = "建国军伟强明志海涛斌鹏晋峰磊勇刚波平林超俊杰宏文武浩宇晨旭东亮辉飞龙江华永振兴庆春生云鑫丽娟敏静艳芳霞燕红玲慧婷"
PLACES = "东西南北上下前后大小新"
TEAM_POSITIONS = ["党委书记", "乡镇长", "党委副书记", "人大主席", "纪委书记", "组织委员", "宣传委员", "武装部长",
                  "副乡镇长", "副乡镇长", "政法委员", "统战委员", "党委副书记", "党委委员", "党委委员"]
OFFICE_POSTS = 29  # the demo's township offices (org.demo.OFFICES)
MATERIALS = ["学习强国", "《习近平谈治国理政》", "《中国共产党章程》", "人民日报评论", "党建读物", "政策文件汇编"]
TASK_TITLES = ["推进软弱涣散村党组织整顿转化", "发展壮大村集体经济", "开展矛盾纠纷排查化解", "安全生产隐患排查整治",
               "农村人居环境整治提升", "落实民生实事项目", "招商引资和项目建设", "抓好党员发展和教育管理",
               "落实党风廉政建设责任制"]
MILESTONES = [("调研摸底、制定方案", 25), ("全面推进实施", 70)]
BRANCH_TOPICS = "三会一课"
TEAM_TOPICS = {MeetingKind.COMMITTEE: "研究部署本月重点工作", MeetingKind.CENTRAL_GROUP: "理论学习中心组学习",
               MeetingKind.LIFE_MEETING: "年度民主生活会"}

# Per township: (low, high) of what the generator builds (see the table above).
RATIOS = {
    "villages": (10, 20),
    "team_members": (10, 15),
    "cadres": (10 + OFFICE_POSTS, 15 + OFFICE_POSTS + 12),
    "study_sessions": (34, 34),
    "study_attendances_per_member": (12 + 4, 12 + 4),  # besides 28 × 12 + 25 × 4 + 6 for the staff and villages
    "study_records_per_studying_cadre": (10, 250),  # 12–50 % of 365 days, with chance
    "team_meetings": (17, 17),
    "branch_meetings_share": (0.8, 1.0),  # of the periods due this year so far, per village and rule
    "tasks_per_member": (3, 5),
    "milestones_per_task": (2, 2),
    "supervised_items": (6, 6),
    "extra_talks": (15, 25),
}


def synthetic_organizations():
    return Organization.objects.filter(division_code__startswith=PROVINCE_CODE, kind=Organization.Kind.COUNTY)


def real_data_summary():
    """What the database holds besides a synthetic province: {name: count} (empty when nothing)."""
    synthetic = Organization.objects.filter(division_code__startswith=PROVINCE_CODE)
    found = {
        "organizations": Organization.objects.exclude(pk__in=synthetic.values("pk"))
        .exclude(parent__in=synthetic.filter(kind=Organization.Kind.COUNTY).values("pk"))
        .exclude(township__in=synthetic.values("pk")).count(),
        "cadres": Cadre.objects.exclude(organization__in=synthetic.values("pk"))
        .exclude(organization__parent__in=synthetic.values("pk")).count(),
        "users": User.objects.exclude(username__in=USERNAMES.values()).count(),
    }
    return {name: count for name, count in found.items() if count}


# Field types whose Python value the database driver takes as it is (the rest go through the field's own
# preparation, e.g. the encrypted ID numbers and phones).
PLAIN_FIELDS = (models.AutoField, models.BigAutoField, models.CharField, models.TextField, models.IntegerField,
                models.PositiveIntegerField, models.PositiveSmallIntegerField, models.BooleanField, models.ForeignKey)


def column_values(fields, connection):
    """For each field, a function from a row (an instance) to the value the driver is given."""
    getters = []
    for field in fields:
        attname = field.attname
        if isinstance(field, models.DateTimeField):
            getters.append(lambda obj, f=field: f.get_db_prep_save(getattr(obj, f.attname), connection))
        elif isinstance(field, models.DateField):
            if connection.vendor == "sqlite":
                getters.append(lambda obj, a=attname: v.isoformat() if (v := getattr(obj, a)) is not None else None)
            else:
                getters.append(lambda obj, a=attname: getattr(obj, a))
        elif type(field) in PLAIN_FIELDS or isinstance(field, models.ForeignKey):
            getters.append(lambda obj, a=attname: getattr(obj, a))
        else:
            getters.append(lambda obj, f=field: f.get_db_prep_save(getattr(obj, f.attname), connection))
    return getters


def insert_rows(table, columns, rows):
    """Rows of driver values into a table: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


class Ids:
    """Primary keys handed out by the generator (the tables' sequences are moved past them at the end)."""

    def __init__(self):
        self.next = {}
        self.used = set()

    def take(self, model, count):
        if model not in self.next:
            self.next[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        first = self.next[model]
        self.next[model] += count
        self.used.add(model)
        return range(first, first + count)

    def reset_sequences(self):
        if connection.vendor != "postgresql" or not self.used:
            return
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.used))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def save(model, objects, user, created, label, ids):
    """Rows in bulk with their primary keys given here, then one creation history row each (as
    `bulk_create_with_history` does), without Django building an INSERT value by value."""
    if not objects:
        return objects
    opts = model._meta
    now = clock.now()
    auto_now = [f for f in opts.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    relations = [f for f in opts.concrete_fields if f.is_relation]
    if model is Organization:
        for obj in objects:
            obj.fill_pinyin()  # what Organization.save() derives
    fresh = [obj for obj in objects if obj.pk is None]
    for obj, pk in zip(fresh, ids.take(model, len(fresh)), strict=True):
        obj.pk = pk
    for obj in objects:
        for field in auto_now:
            setattr(obj, field.attname, now)
        for field in relations:  # a related row saved after it was assigned: take its primary key now
            if getattr(obj, field.attname) is None:
                related = field.get_cached_value(obj, None)
                if related is not None:
                    setattr(obj, field.attname, related.pk)
        obj._state.adding = False
    fields = list(opts.concrete_fields)
    getters = column_values(fields, connection)
    insert_rows(opts.db_table, [f.column for f in fields], [[get(obj) for get in getters] for obj in objects])
    manager = getattr(opts, "simple_history_manager_attribute", None)
    if manager:
        history = getattr(model, manager).model
        extra = {"history_date": now, "history_type": "+", "history_change_reason": "generate_scale",
                 "history_user_id": user.pk if user else None}
        history_fields = [f for f in history._meta.concrete_fields if f.attname != "history_id"]
        columns, getters = [], []
        for field in history_fields:
            columns.append(field.column)
            if field.attname in extra:
                value = field.get_db_prep_save(extra[field.attname], connection)
                getters.append(lambda obj, v=value: v)
            else:
                getters.extend(column_values([opts.get_field(field.name) if field.name != "id" else opts.pk], connection))
        insert_rows(history._meta.db_table, columns, [[get(obj) for get in getters] for obj in objects])
    created[label] += len(objects)
    return objects


class Province:
    def __init__(self, townships, seed, today=None, stdout=None):
        self.townships = townships
        self.seed = seed
        self.today = today or clock.today()
        self.year = self.today.year
        self.created = Counter()
        self.stdout = stdout
        self.positions = {p.name: p for p in Position.objects.filter(name__in=TEAM_POSITIONS)}
        missing = set(TEAM_POSITIONS) - set(self.positions)
        for order, name in enumerate(sorted(missing), start=100):
            self.positions[name] = Position.objects.create(name=name, sort_order=order, is_head=name == "党委书记")
        self.rules = [r for r in OrgLifeRule.objects.filter(is_active=True, organization_kind=Organization.Kind.VILLAGE)
                      if r.meeting_kind in governance_metrics_kinds()]
        self.user = None
        self.cadre_user = None
        self.ids = Ids()
        self.id_orders = Counter()

    def rng(self, *parts):
        return random.Random("/".join(map(str, (self.seed, *parts))))

    def save(self, model, objects, label):
        return save(model, objects, self.user, self.created, label, self.ids)

    def day_before(self, day):
        return min(day, self.today - datetime.timedelta(days=1))

    def run(self):
        first_county = synthetic_organizations().count()
        counties = -(-self.townships // TOWNSHIPS_PER_COUNTY)
        for number in range(counties):
            size = min(TOWNSHIPS_PER_COUNTY, self.townships - number * TOWNSHIPS_PER_COUNTY)
            with transaction.atomic():
                self.county(first_county + number, size)
            if self.stdout is not None:
                self.stdout.write(f"  county {number + 1}/{counties}: {size} townships", ending="\r")
                self.stdout.flush()
        if self.stdout is not None:
            self.stdout.write("")
        return self

    # --- people -----------------------------------------------------------------------------------------

    def cadre(self, rng, organization, post, rank, born=(1966, 2000), party=0.85, code=None):
        birth = datetime.date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
        gender = Cadre.Gender.FEMALE if rng.random() < 0.3 else Cadre.Gender.MALE
        # Unique: the county's code, the birth date and an order number counted per both; the sex digit agrees.
        key = (code or organization.division_code[:6], birth)
        self.id_orders[key] += 1
        order = self.id_orders[key] * 2 + (1 if gender == Cadre.Gender.MALE else 0)
        first17 = f"{key[0]}{birth:%Y%m%d}{order:03d}"
        id_number = first17 + id_number_check_digit(first17)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        joined = birth.replace(year=birth.year + rng.randint(20, 27)) if rng.random() < party else None
        cadre = Cadre(
            name=name, gender=gender, birth_date=birth, native_place="", id_number=id_number,
            party_joined_on=joined if joined and joined < self.today else None,
            work_started_on=min(birth.replace(year=birth.year + 22), self.today - datetime.timedelta(days=30)),
            education_fulltime=rng.choice([Cadre.Education.UNIVERSITY, Cadre.Education.UNIVERSITY, Cadre.Education.COLLEGE]),
            organization=organization, post=post, rank=rank, phone=f"139{rng.randrange(10 ** 8):08d}",
        )
        # What Cadre.save() derives (bulk_create does not call it).
        cadre.id_number_index = Cadre.id_number_fingerprint(cadre.id_number)
        cadre.phone_index = Cadre.phone_fingerprint(cadre.phone)
        cadre.name_pinyin, cadre.name_initials = full_pinyin(name), pinyin_initials(name)
        return cadre

    # --- one county -------------------------------------------------------------------------------------

    def county(self, number, size):
        rng = self.rng("county", number)
        code = f"{PROVINCE_CODE}{number:04d}"
        county = self.save(Organization, [Organization(name=f"模拟{number + 1}县", kind=Organization.Kind.COUNTY,
                                                  division_code=code, sort_order=number)], "organizations")[0]
        department = self.save(Organization, [Organization(name="县委组织部", kind=Organization.Kind.DEPARTMENT,
                                                      parent=county, sort_order=1,
                                                      division_code="")], "organizations")[0]
        townships = [Organization(name=f"模拟{number + 1}县第{n + 1}镇", kind=Organization.Kind.TOWNSHIP, parent=county,
                                  division_code=f"{code}{100 + n:03d}", sort_order=n + 1) for n in range(size)]
        for township, pk in zip(townships, self.ids.take(Organization, size), strict=True):
            township.pk = township.township_id = pk
        self.save(Organization, townships, "organizations")

        department_cadres = self.save(Cadre, [self.cadre(rng, department, f"县委组织部{post}", Cadre.Rank.PRINCIPAL_STAFF,
                                                    code=code)
                                         for post in ("部长", "副部长", "干部股股长")], "cadres")
        if self.user is None:
            self.users(department, townships[0])

        plans = [self.township_plan(number, n, township) for n, township in enumerate(townships)]
        self.save(Organization, [v for p in plans for v in p["villages"]], "organizations")
        self.save(Cadre, [c for p in plans for c in p["team"] + p["staff"]], "cadres")
        teams = self.save(Team, [p["team_record"] for p in plans], "teams")
        for plan, team in zip(plans, teams, strict=True):
            for membership in plan["memberships"]:
                membership.team = team
        self.save(TeamMembership, [m for p in plans for m in p["memberships"]], "team memberships")
        if self.cadre_user.cadre_id is None:
            self.cadre_user.cadre = plans[0]["staff"][0]
            self.cadre_user.save(update_fields=["cadre"])

        self.study(plans)
        self.meetings(plans)
        self.work(plans)
        self.talks(plans, department_cadres)
        self.ids.reset_sequences()

    def users(self, department, township):
        """The accounts the benchmarks sign in with (the cadre's record is set once it exists)."""
        template = User(username="x")
        template.set_password(PASSWORD)
        accounts = {}
        for role, username in USERNAMES.items():
            accounts[role], _ = User.objects.get_or_create(username=username, defaults={
                "role": role, "password": template.password, "password_changed_at": clock.now(), "is_demo": True,
                "organization": department if role == Role.COUNTY_ADMIN else township if role == Role.TOWNSHIP_ADMIN
                else None})
        self.created["users"] += len(accounts)
        self.cadre_user = accounts["cadre"]
        self.user = accounts["county_admin"]

    def township_plan(self, county, n, township):
        rng = self.rng("township", county, n)
        villages = [Organization(name=f"{rng.choice(PLACES)}{rng.choice(SURNAMES)}{v + 1}村", kind=Organization.Kind.VILLAGE,
                                 parent=township, township=township, division_code=f"{township.division_code}{200 + v:03d}",
                                 sort_order=v + 1)
                    for v in range(rng.randint(*RATIOS["villages"]))]
        size = rng.randint(*RATIOS["team_members"])
        positions = TEAM_POSITIONS[:size]
        team = [self.cadre(rng, township, f"{township.name}{position}",
                           Cadre.Rank.SECTION_CHIEF if position in ("党委书记", "乡镇长", "人大主席")
                           else Cadre.Rank.DEPUTY_SECTION_CHIEF, born=(1968, 1990), party=1.0)
                for position in positions]
        staff = [self.cadre(rng, township, "科员", rng.choice((Cadre.Rank.STAFF, Cadre.Rank.CLERK)))
                 for _ in range(OFFICE_POSTS + rng.randint(0, 12))]
        elected_on = self.day_before(datetime.date(self.year - rng.randint(1, 4), 9, rng.randint(15, 28)))
        team_record = Team(township=township, elected_on=elected_on, term_years=5)
        team_record.term_ends_on = elected_on.replace(year=elected_on.year + 5)  # what Team.save() derives
        memberships = [TeamMembership(cadre=cadre, position=self.positions[position], is_head=position == "党委书记",
                                      started_on=elected_on, sort_order=order, appointment_document=f"组任〔{elected_on.year}〕{n + 1}号")
                       for order, (cadre, position) in enumerate(zip(team, positions, strict=True), start=1)]
        return {"township": township, "villages": villages, "team": team, "staff": staff, "team_record": team_record,
                "memberships": memberships, "rng": rng, "elected_on": elected_on}

    # --- study ------------------------------------------------------------------------------------------

    def month_day(self, months_ago, rng):
        first = self.today.replace(day=1)
        for _ in range(months_ago):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        return self.day_before(first + datetime.timedelta(days=rng.randint(2, 25)))

    def study(self, plans):
        sessions, lines, records = [], [], []
        start = self.today - datetime.timedelta(days=364)
        for plan in plans:
            rng, township, team, staff = plan["rng"], plan["township"], plan["team"], plan["staff"]
            for months_ago in range(12):
                sessions.append(StudySession(organization=township, kind=StudyKind.COMMITTEE_THEORY, minutes=120,
                                             held_on=self.month_day(months_ago, rng), topic="理论学习中心组学习"))
                lines.append(team)
                sessions.append(StudySession(organization=township, kind=StudyKind.STAFF_STUDY, minutes=60,
                                             held_on=self.month_day(months_ago, rng), topic="机关干部学习"))
                lines.append(team[:3] + staff[:25])
                if months_ago % 3 == 1:
                    sessions.append(StudySession(organization=township, kind=StudyKind.PARTY_LECTURE, minutes=90,
                                                 held_on=self.month_day(months_ago, rng), topic="讲党课",
                                                 lecturer=team[(months_ago // 3) % len(team)]))
                    lines.append(team + staff[:25])
                if months_ago % 2 == 0:
                    sessions.append(StudySession(organization=plan["villages"][(months_ago // 2) % len(plan["villages"])],
                                                 kind=StudyKind.PARTY_GROUP, minutes=60, topic="党小组学习",
                                                 held_on=self.month_day(months_ago, rng)))
                    lines.append([team[(months_ago // 2 + 1) % len(team)]])
            for cadre in team + staff[:5]:
                habit = rng.uniform(0.12, 0.5)
                for offset in range(365):
                    if rng.random() < habit:
                        records.append(StudyRecord(cadre=cadre, studied_on=start + datetime.timedelta(days=offset),
                                                   minutes=rng.choice((20, 30, 30, 30, 40, 60)),
                                                   material=rng.choice(MATERIALS)))
        sessions = self.save(StudySession, sessions, "study sessions")
        attendances = []
        for session, cadres in zip(sessions, lines, strict=True):
            guide = session.kind == StudyKind.PARTY_GROUP
            for cadre in cadres:
                absent = not guide and cadre != session.lecturer and random.Random(
                    f"{self.seed}/{session.organization.division_code}/{session.held_on}/{cadre.id_number_index}").random() < 0.06
                attendances.append(StudyAttendance(
                    session=session, cadre=cadre,
                    role=StudyAttendance.AttendanceRole.GUIDE if guide else StudyAttendance.AttendanceRole.ATTENDEE,
                    status=StudyAttendance.Status.ABSENT if absent else StudyAttendance.Status.PRESENT,
                    absence_reason="下村走访" if absent else ""))
        self.save(StudyAttendance, attendances, "study attendances")
        self.save(StudyRecord, records, "daily study records")

    # --- meetings ---------------------------------------------------------------------------------------

    def meetings(self, plans):
        team_meetings, team_lines, branch = [], [], []
        yesterday = self.today - datetime.timedelta(days=1)
        for plan in plans:
            rng, township, team = plan["rng"], plan["township"], plan["team"]
            held = [(MeetingKind.COMMITTEE, self.month_day(m, rng), 120) for m in range(12)]
            held += [(MeetingKind.CENTRAL_GROUP, self.month_day(3 * q + 1, rng), 180) for q in range(4)]
            held.append((MeetingKind.LIFE_MEETING, self.month_day(rng.randint(0, 11), rng), 240))
            for kind, day, minutes in held:
                team_meetings.append(Meeting(organization=township, kind=kind, held_on=day, topic=TEAM_TOPICS[kind],
                                             chair=team[0], recorder=team[-1], duration_minutes=minutes,
                                             minutes="会议记录见会议记录本"))
                absent = set(rng.sample(range(1, len(team)), rng.choice((0, 0, 1, 1, 2))))
                team_lines.append([(cadre, n not in absent) for n, cadre in enumerate(team)])
            for village in plan["villages"]:
                for rule in self.rules:
                    for period in governance_metrics.periods(rule.frequency, self.year):
                        end = min(period.end, yesterday)
                        if end < period.start or rng.random() < 0.07:  # some periods missed
                            continue
                        due = rng.randint(15, 60)
                        branch.append((plan, Meeting(
                            organization=village, kind=rule.meeting_kind, topic=BRANCH_TOPICS, duration_minutes=90,
                            held_on=period.start + datetime.timedelta(days=rng.randint(0, (end - period.start).days)),
                            other_members_due=due, other_members_present=round(due * rng.uniform(0.7, 0.97)),
                            minutes="会议记录见支部会议记录本")))
        team_meetings = self.save(Meeting, team_meetings, "meetings")
        rows = [Attendance(meeting=meeting, cadre=cadre, role=Attendance.Role.MEMBER, present=present, sort_order=n,
                           absence_reason="" if present else "公出")
                for meeting, line in zip(team_meetings, team_lines, strict=True)
                for n, (cadre, present) in enumerate(line)]
        branch_meetings = self.save(Meeting, [m for _plan, m in branch], "meetings")
        by_township = {}
        for (plan, _unsaved), meeting in zip(branch, branch_meetings, strict=True):
            by_township.setdefault(plan["township"].pk, []).append(meeting)
        for plan in plans:
            pool = by_township.get(plan["township"].pk, [])
            for cadre in plan["team"]:
                for meeting in plan["rng"].sample(pool, min(len(pool), plan["rng"].choice((1, 2, 2, 3, 3, 4)))):
                    rows.append(Attendance(meeting=meeting, cadre=cadre, role=Attendance.Role.LEADER, present=True))
        self.save(Attendance, rows, "meeting attendances")

    # --- work -------------------------------------------------------------------------------------------

    def work(self, plans):
        lists, tasks, outcomes, items = [], [], [], []
        start = datetime.date(self.year, 1, 10)
        for plan in plans:
            rng, township = plan["rng"], plan["township"]
            for cadre in plan["team"]:
                lists.append(WorkList(cadre=cadre, organization=township, year=self.year, responsibilities="分管工作"))
                for title in rng.sample(TASK_TITLES, rng.randint(*RATIOS["tasks_per_member"])):
                    month = rng.randint(3, 12)
                    deadline = datetime.date(self.year, month, 20 if month == 12 else 28)
                    task = Task(work_list=lists[-1], title=title, organization=township, responsible=cadre,
                                target="完成年度目标", measures="项目化推进", start_on=start, deadline=deadline)
                    if self.today <= start:
                        outcome = "on_track"
                    elif deadline < self.today:
                        outcome = rng.choices(("on_time", "late", "overdue"), (60, 15, 25))[0]
                    else:
                        outcome = rng.choices(("on_track", "lagging"), (75, 25))[0]
                    tasks.append(task)
                    outcomes.append((outcome, rng.random(), rng.randint(1, 20)))
            for n in range(RATIOS["supervised_items"][0]):
                assigned = clock.now() - datetime.timedelta(days=rng.randint(0, 40))
                items.append(SupervisedItem(title=f"{township.name}督办事项{n + 1}", assigner_name="县委督查室", assigned_by=self.user,
                                            organization=township, assignee=rng.choice(plan["team"]),
                                            assigned_at=assigned))
        lists = self.save(WorkList, lists, "work lists")
        reports, milestones = [], []
        for task, (outcome, chance, slip) in zip(tasks, outcomes, strict=True):
            span = (task.deadline - task.start_on).days
            expected = min(100, max(0, round(100 * (self.today - task.start_on).days / span)))
            percent = {"on_time": 100, "late": 100, "overdue": 50 + round(35 * chance),
                       "on_track": max(5, min(95, expected)), "lagging": max(5, expected - 35)}[outcome]
            reported_on = {"on_time": task.deadline - datetime.timedelta(days=slip // 2),
                           "late": task.deadline + datetime.timedelta(days=slip)}.get(
                outcome, self.today - datetime.timedelta(days=1 + slip % 6))
            reported_on = min(reported_on, self.today)
            if self.today > task.start_on and reported_on >= task.start_on:
                task.progress, task.last_reported_on = percent, reported_on
                task.status = Task.Status.DONE if percent == 100 else Task.Status.IN_PROGRESS
                task.completed_on = reported_on if percent == 100 else None
                reports.append((task, ProgressReport(reported_on=reported_on, percent=percent,
                                                     narrative=f"按计划推进，已完成{percent}%")))
        tasks = self.save(Task, tasks, "tasks")
        for task, (outcome, _chance, slip) in zip(tasks, outcomes, strict=True):
            for index, (title, weight) in enumerate(MILESTONES):
                due_on = task.start_on + datetime.timedelta(days=round((task.deadline - task.start_on).days * weight / 100))
                missed = outcome == "lagging" and index == len(MILESTONES) - 1
                done_on = min(due_on + datetime.timedelta(days=slip % 8 - 5), self.today) \
                    if due_on < self.today and not missed else None
                milestones.append(Milestone(task=task, title=title, weight=weight, due_on=due_on, done_on=done_on))
        for task, report in reports:
            report.task = task
        self.save(Milestone, milestones, "milestones")
        self.save(ProgressReport, [r for _t, r in reports], "progress reports")
        self.save(SupervisedItem, items, "supervised items")

    # --- talks ------------------------------------------------------------------------------------------

    def talks(self, plans, department_cadres):
        talks = []
        for plan in plans:
            rng, township, team, staff = plan["rng"], plan["township"], plan["team"], plan["staff"]
            head = team[0]
            for cadre in team[1:]:
                talks.append(Talk(talker=head, talkee=cadre, organization=township, kind=Talk.Kind.HEART_TO_HEART,
                                  held_on=self.today - datetime.timedelta(days=rng.randint(1, 300)),
                                  place="党委会议室", summary="谈心谈话，交流思想", follow_up=""))
            for _ in range(rng.randint(*RATIOS["extra_talks"])):
                talker = rng.choice(department_cadres + [head])
                talkee = rng.choice(team[1:] + staff)
                talks.append(Talk(talker=talker, talkee=talkee, organization=township,
                                  kind=rng.choice([Talk.Kind.HEART_TO_HEART, Talk.Kind.INTEGRITY, Talk.Kind.REMINDER]),
                                  reason_key_position=rng.random() < 0.3, reason_newly_appointed=rng.random() < 0.2,
                                  held_on=self.today - datetime.timedelta(days=rng.randint(1, 300)),
                                  place="县委组织部谈话室", summary="廉政提醒，压实责任", follow_up=""))
        self.save(Talk, talks, "talks")


def governance_metrics_kinds():
    """The branch meeting kinds the demo holds (governance.demo.TOPICS): every kind but the team's."""
    from banzi.governance.models import TEAM_KINDS

    return {kind for kind in MeetingKind.values if kind not in TEAM_KINDS}


def generate(townships, seed, stdout=None):
    return Province(townships, seed, stdout=stdout).run()
