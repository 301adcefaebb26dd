"""The structure of the township leadership teams (班子结构), at any date, against the county's structure
rules. For each team whose term holds the date (and for all of them together, the county): members, age
(average and bands), women, education (full-time and highest), ethnic minorities, Party members, years
in post, newly promoted / stayed on / other newcomers, and the term; then each team checked against the
rule `org.team_structure`, with the rules it falls short of.

Every figure is an aggregate query over the memberships serving on the day (one row per cadre and team),
grouped by team: a fixed number of queries whatever the number of teams. A member's age is their age in
full years (周岁) on the day, in portable SQL: the age bands compare the birth date with the day minus N
years, computed here in Python; the average adds up each member's age from the year, month and day
(Django's Extract, on SQLite as on PostgreSQL). "On election day" computes each team at its own election
day (the members serving that day) instead of one date for all.
"""
import datetime
from dataclasses import dataclass, field

from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db.models import Avg, Case, Count, Exists, F, FloatField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core import clock, rules
from banzi.core.errors import Code

from .models import Cadre, Team, TeamMembership

RULE = "org.team_structure"
rules.register(
    RULE,
    {"min_women": 1, "min_young": 1, "young_max_age": 35, "min_university_percent": 60, "max_average_age": 45,
     "min_economy_agriculture_law": 0},
    gettext_lazy("Structure of the leadership teams"),
    fields={"min_women": gettext_lazy("women: at least this many members"),
            "min_young": gettext_lazy("young members: at least this many"),
            "young_max_age": gettext_lazy("a young member is at most this old (years)"),
            "min_university_percent": gettext_lazy(
                "university education or above (full-time or in-service): at least this percentage of members"),
            "max_average_age": gettext_lazy("average age: at most this many years (0: no limit)"),
            "min_economy_agriculture_law": gettext_lazy(
                "members who studied economics, agriculture or law: at least this many (0: no rule)")},
    check=lambda values: check_rule(values),
)

# The age bands of the figures: (key, youngest, oldest) in full years; None is open.
AGE_BANDS = (("35_or_under", None, 35), ("36_45", 36, 45), ("46_55", 46, 55), ("56_or_over", 56, None))
# Highest first: a member's highest education is the higher of full-time and in-service.
EDUCATION_ORDER = [value for value, _label in Cadre.Education.choices]
UNIVERSITY_OR_ABOVE = (Cadre.Education.POSTGRADUATE, Cadre.Education.UNIVERSITY)
HAN = ("汉族", "汉", "")
# Fields of study (学科背景), read from the majors of the cadres' education records (banzi.cadres) obtained
# by the day: a major counts in every field whose words it holds (农业经济管理: agriculture and economics).
FIELDS = (
    ("economics", gettext_lazy("Economics and finance"), ("经济", "金融", "会计", "财务", "财政", "税", "贸易", "工商", "商务")),
    ("agriculture", gettext_lazy("Agriculture and forestry"), ("农", "林", "牧", "畜", "兽", "园艺", "水产", "植物")),
    ("law", gettext_lazy("Law"), ("法学", "法律")),
    ("administration", gettext_lazy("Public administration"), ("管理",)),
    ("humanities", gettext_lazy("Politics and humanities"),
     ("政治", "思想", "马克思", "党", "汉语", "中文", "文学", "历史", "哲学", "新闻", "教育", "社会")),
    ("engineering", gettext_lazy("Science and engineering"),
     ("工程", "工学", "理学", "计算机", "机械", "电气", "电子", "土木", "建筑", "化学", "物理", "数学", "信息")),
)
RURAL_FIELDS = ("economics", "agriculture", "law")  # the rule asks for one of these (rural revitalization)


def check_rule(values):
    """Refuse settings that cannot be met or mean nothing (a percentage above 100, an age of 0)."""
    for name in ("min_women", "min_young", "max_average_age"):
        if int(values[name]) < 0:
            raise ValidationError(_("The structure rule's numbers cannot be negative."), code=Code.OUT_OF_RANGE)
    if not 0 <= float(values["min_university_percent"]) <= 100:
        raise ValidationError(_("A percentage lies between 0 and 100."), code=Code.OUT_OF_RANGE)
    if not 18 <= int(values["young_max_age"]) <= 70:
        raise ValidationError(_("The age of a young member lies between 18 and 70."), code=Code.OUT_OF_RANGE)


def years_before(day, years):
    """The same day `years` earlier (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth_date, day):
    """Age in full years on `day` (the same rule as the SQL below, for the page's own checks)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# --- the reference day: one date for all teams, or each team's election day -------------------------

@dataclass(frozen=True)
class Reference:
    """The day the members are counted on: `on` for every team, or each team's own election day
    (`by_team`: {team id: election day})."""

    on: datetime.date
    election_day: bool = False
    by_team: dict = field(default_factory=dict)

    def expression(self):
        """The day as SQL, for a membership row."""
        return F("team__elected_on") if self.election_day else Value(self.on)

    def lookup_value(self):
        return F("team__elected_on") if self.election_day else self.on

    def days(self):
        """{day: [team ids]} of the distinct reference days."""
        if not self.election_day:
            return {self.on: None}
        found = {}
        for team_id, day in self.by_team.items():
            found.setdefault(day, []).append(team_id)
        return found

    def born_on_or_before(self, years_ago):
        """Members at least `years_ago` years old on the day: born on or before the day minus N years."""
        condition = None
        for day, teams in self.days().items():
            part = Q(cadre__birth_date__lte=years_before(day, years_ago))
            part = part if teams is None else part & Q(team_id__in=teams)
            condition = part if condition is None else condition | part
        return condition if condition is not None else Q(pk__in=[])

    def year_month_day(self):
        if self.election_day:
            field_name = "team__elected_on"
            return ExtractYear(field_name), ExtractMonth(field_name) * 100 + ExtractDay(field_name)
        return Value(self.on.year), Value(self.on.month * 100 + self.on.day)


def _age_at_least(ref, years):
    return ref.born_on_or_before(years)


def _age_band(ref, youngest, oldest):
    condition = Q()
    if youngest is not None:
        condition &= _age_at_least(ref, youngest)
    if oldest is not None:
        condition &= ~_age_at_least(ref, oldest + 1)
    return condition


def _full_years(ref, prefix, month_day_annotation):
    """Full years from the date field `prefix` to the reference day, as an SQL integer
    (`month_day_annotation`: the row's month * 100 + day of that date)."""
    year, month_day = ref.year_month_day()
    not_yet = Case(When(Q(**{month_day_annotation + "__gt": month_day}), then=Value(1)), default=Value(0))
    return year - ExtractYear(prefix) - not_yet


def _full_months(ref, prefix, day_annotation):
    """Full months from the date field `prefix` to the reference day (`day_annotation`: its day)."""
    if ref.election_day:
        year, month, day = (ExtractYear("team__elected_on"), ExtractMonth("team__elected_on"),
                            ExtractDay("team__elected_on"))
    else:
        year, month, day = Value(ref.on.year), Value(ref.on.month), Value(ref.on.day)
    not_yet = Case(When(Q(**{day_annotation + "__gt": day}), then=Value(1)), default=Value(0))
    return (year - ExtractYear(prefix)) * 12 + month - ExtractMonth(prefix) - not_yet


def _count(condition):
    """Members (cadres) meeting the condition: a Case/When inside the aggregate."""
    return Count(Case(When(condition, then="cadre_id")))


def serving(ref, team_ids):
    """One membership per cadre and team serving on the reference day (a cadre holding two posts in a
    team counts once, from the earlier start), annotated with the parts of the dates the figures use."""
    day = ref.lookup_value()
    holds = Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    earlier = TeamMembership.objects.filter(holds, team=OuterRef("team"), cadre=OuterRef("cadre")).filter(
        Q(started_on__lt=OuterRef("started_on")) | Q(started_on=OuterRef("started_on"), pk__lt=OuterRef("pk")))
    previous_team = Team.objects.filter(
        township=OuterRef(OuterRef("team__township")),
        elected_on__lt=OuterRef(OuterRef("team__elected_on"))).order_by("-elected_on").values("pk")[:1]
    in_previous_team = TeamMembership.objects.filter(cadre=OuterRef("cadre"), team=Subquery(previous_team))
    return (TeamMembership.objects.filter(holds, team_id__in=team_ids).exclude(Exists(earlier))
            .annotate(birth_month_day=ExtractMonth("cadre__birth_date") * 100 + ExtractDay("cadre__birth_date"),
                      start_day=ExtractDay("started_on"),
                      in_previous_team=Exists(in_previous_team), **_studied(day)))


def _major_in(words):
    condition = Q()
    for word in words:
        condition |= Q(major__contains=word)
    return condition


def _studied(day):
    """For each field of study, whether the member holds by `day` an education whose major is in it;
    and whether any major is recorded at all."""
    EducationRecord = django_apps.get_model("cadres", "EducationRecord")
    if isinstance(day, F):  # each team on its own election day: the membership's team, outside
        day = OuterRef(day.name)
    held = EducationRecord.objects.filter(Q(graduated_on__isnull=True) | Q(graduated_on__lte=day),
                                          cadre=OuterRef("cadre")).exclude(major="")
    words = {key: value for key, _label, value in FIELDS}
    flags = {f"studied_{key}": Exists(held.filter(_major_in(words[key]))) for key in words}
    flags["studied_rural"] = Exists(held.filter(_major_in([w for key in RURAL_FIELDS for w in words[key]])))
    flags["studied_any"] = Exists(held)
    return flags


def _promoted(ref):
    """Promoted in the team's term, by the reference day (or flagged newly promoted with no date)."""
    return (Q(cadre__promoted_on__gte=F("team__elected_on"), cadre__promoted_on__lte=ref.lookup_value(),
              cadre__promoted_on__lt=F("team__term_ends_on"))
            | Q(cadre__is_newly_promoted=True, cadre__promoted_on__isnull=True))


def _university(prefix_fields=("education_fulltime", "education_inservice")):
    condition = Q()
    for name in prefix_fields:
        condition |= Q(**{f"cadre__{name}__in": UNIVERSITY_OR_ABOVE})
    return condition


def _highest(level):
    """The higher of full-time and in-service education is `level`."""
    higher = EDUCATION_ORDER[:EDUCATION_ORDER.index(level)]
    return ((Q(cadre__education_fulltime=level) | Q(cadre__education_inservice=level))
            & ~Q(cadre__education_fulltime__in=higher) & ~Q(cadre__education_inservice__in=higher))


def aggregates(ref, young_max_age):
    """The figures as aggregate expressions over `serving` rows."""
    promoted = _promoted(ref)
    figures = {
        "members": Count("cadre_id"),
        "average_age": Avg(_full_years(ref, "cadre__birth_date", "birth_month_day"), output_field=FloatField()),
        "young": _count(~_age_at_least(ref, young_max_age + 1)),
        "women": _count(Q(cadre__gender=Cadre.Gender.FEMALE)),
        "university_or_above": _count(_university()),
        "fulltime_university_or_above": _count(_university(("education_fulltime",))),
        "minority": _count(~Q(cadre__ethnicity__in=HAN)),
        "party_members": _count(Q(cadre__party_joined_on__lte=ref.lookup_value())),
        "average_months_in_post": Avg(_full_months(ref, "started_on", "start_day"), output_field=FloatField()),
        "newly_promoted": _count(promoted),
        "stayed_on": _count(Q(in_previous_team=True) & ~promoted),
        "other_newcomers": _count(Q(in_previous_team=False) & ~promoted),
    }
    for key, youngest, oldest in AGE_BANDS:
        figures[f"age_{key}"] = _count(_age_band(ref, youngest, oldest))
    for level in EDUCATION_ORDER:
        figures[f"fulltime_{level}"] = _count(Q(cadre__education_fulltime=level))
        figures[f"highest_{level}"] = _count(_highest(level))
    for key, _label, _words in FIELDS:
        figures[f"field_{key}"] = _count(Q(**{f"studied_{key}": True}))
    figures["economy_agriculture_law"] = _count(Q(studied_rural=True))
    figures["field_unknown"] = _count(Q(studied_any=False))
    figures["fulltime_unknown"] = _count(Q(cadre__education_fulltime=""))
    figures["highest_unknown"] = _count(Q(cadre__education_fulltime="", cadre__education_inservice=""))
    return figures


AVERAGES = ("average_age", "average_months_in_post")


def _finish(row, keys):
    """Derived shares and rounding, from the database's counts (nothing counted here); a team with
    no member serving has 0 of everything and no averages."""
    row = {key: row.get(key) if key in AVERAGES else row.get(key) or 0 for key in keys}
    members = row["members"]
    row["non_party"] = members - row["party_members"]
    row["university_percent"] = round(row["university_or_above"] * 100 / members, 1) if members else None
    row["average_age"] = round(float(row["average_age"]), 1) if row.get("average_age") is not None else None
    months = row.pop("average_months_in_post", None)
    row["average_years_in_post"] = round(float(months) / 12, 1) if months is not None else None
    return row


@dataclass
class Shortfall:
    """A rule the team falls short of: which, what it asks and what the team has."""

    rule: str
    label: str


def shortfalls(row, values):
    """The structure rules a team's figures break ([] for none)."""
    members = row["members"]
    if not members:
        return [Shortfall("members", _("No member serves on this day."))]
    found = []
    if row["women"] < int(values["min_women"]):
        found.append(Shortfall("min_women", _("Women: %(have)d, at least %(need)d required.")
                               % {"have": row["women"], "need": int(values["min_women"])}))
    if row["young"] < int(values["min_young"]):
        found.append(Shortfall("min_young", _("Members aged %(age)d or under: %(have)d, at least %(need)d required.")
                               % {"age": int(values["young_max_age"]), "have": row["young"],
                                  "need": int(values["min_young"])}))
    percent = float(values["min_university_percent"])
    if row["university_or_above"] * 100 < percent * members:
        found.append(Shortfall("min_university_percent", _(
            "University education or above: %(have)s %%, at least %(need)s %% required.")
            % {"have": _number(row["university_percent"]), "need": _number(percent)}))
    need = int(values.get("min_economy_agriculture_law", 0))
    if need and row["economy_agriculture_law"] < need:
        found.append(Shortfall("min_economy_agriculture_law", _(
            "Members who studied economics, agriculture or law: %(have)d, at least %(need)d required.")
            % {"have": row["economy_agriculture_law"], "need": need}))
    limit = int(values["max_average_age"])
    if limit and row["average_age"] is not None and row["average_age"] > limit:
        found.append(Shortfall("max_average_age", _("Average age: %(have)s, at most %(need)d allowed.")
                               % {"have": _number(row["average_age"]), "need": limit}))
    return found


def _number(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass
class TeamStructure:
    team: Team
    day: datetime.date
    figures: dict
    shortfalls: list


@dataclass
class Structure:
    on: datetime.date
    election_day: bool
    rule: dict
    teams: list
    county: dict


def visible_teams(user, on):
    """The teams in their term on the day that the user may see: the county all, a township its own."""
    return (Team.objects.visible_to(user).current(on).select_related("township")
            .order_by("township__sort_order", "township__name", "-elected_on"))


def compute(user, on=None, *, election_day=False, teams=None):
    """The structure of the teams (those in term on `on`, default today, that the user sees; or `teams`,
    a queryset already scoped), each at `on` or, with `election_day`, at its own election day, with the
    county's (the user's scope's) figures over all of them. Four queries whatever the number of teams."""
    on = on or clock.today()
    teams = list(teams if teams is not None else visible_teams(user, on))
    ref = Reference(on, election_day, {t.pk: t.elected_on for t in teams})
    values = rules.get(RULE)
    expressions = aggregates(ref, int(values["young_max_age"]))
    rows = serving(ref, [t.pk for t in teams])
    per_team = {row["team"]: _finish(row, expressions) for row in
                rows.order_by().values("team").annotate(**expressions)} if teams else {}
    county = _finish(rows.aggregate(**expressions) if teams else {}, expressions)
    empty = _finish({}, expressions)
    result = []
    for team in teams:
        figures = dict(per_team.get(team.pk) or empty)
        result.append(TeamStructure(team, team.elected_on if election_day else on, figures,
                                    shortfalls(figures, values)))
    return Structure(on, election_day, values, result, county)


def team_structure(user, team, on=None, *, election_day=False):
    """One team's structure (the team page's card): at `on` (default today) or on its election day."""
    scoped = Team.objects.visible_to(user).filter(pk=team.pk).select_related("township")
    return compute(user, on, election_day=election_day, teams=scoped).teams[0]
