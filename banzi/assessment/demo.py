"""The demo's annual assessment (run by `manage.py load_demo` after every other module's demo, whose
records it reads).

- The annual assessment of the demo year (`training.demo.demo_year`: this year from October on,
  else last year, the year the demo's training, commitment letters and talks fall in) of the 13
  township teams, their heads, members and general cadres, filled from the teams by the service.
- Each township's four evaluation groups with the county's default weights; one-time codes issued
  per group (a couple left unused), ballots cast with them on phones and a quarter entered from
  paper, seeded so that a few cadres reach the one-third cap of the democratic evaluation.
- Grades proposed and confirmed unit by unit through `services.confirm_unit`, so every rule holds:
  "excellent" only for cadres without a disqualifier in the records (violation, admonishment talk,
  overdue problem, training below the minimum, late or missing commitment letter), at most 20 % of
  a unit rounded down, 25 % in one township whose quota the county approved (with the document
  number), and never above the cap of the tally.
- The four awards (好班子、好班长、好成员、好骨干) nominated with reasons from the confirmed results,
  all but one decided by the county (every kind among the decided); then the results are published.
- The two years before: their annual results entered from the archive as confirmed results (the
  system has no records of those years to compute them from), within the same quotas, so that a few
  cadres are excellent three years running and the promotion-priority list has content.

Written through the assessment services as the county department's demo user (the archive in
batches with history and audit, `core.demo.add_many`). Deterministic (seeded) and idempotent:
nothing is added once the demo year's assessment exists.
"""
import datetime
import random
from collections import Counter

from django.db import transaction

from banzi.core import clock
from banzi.core.demo import add_many
from banzi.org.models import Cadre, Organization, Team, TeamMembership
from banzi.training.demo import demo_year

from . import metrics, services
from .models import (
    FOUR_LEVEL_SCALE,
    INDIVIDUAL_SCALE,
    Assessee,
    Assessment,
    AssessmentGroup,
    Award,
    Grade,
    QuotaApproval,
)

SEED = "banzi-assessment-demo"
TITLE = "{year}年度乡镇领导班子和领导干部年度考核"
APPROVAL_DOCUMENT = "襄组函〔{year}〕{number}号"
ARCHIVE_REASON = "往年年度考核结果录入"
Category = Assessee.Category
Kind = Award.Kind
# Ballots per evaluation group (the team members' group: as many as the team has members).
GROUP_BALLOTS = {"subordinate_heads": 12, "cadre_representatives": 10, "public_representatives": 8}
UNUSED_CODES = 2
GROUPS = 4
GROUP_NAMES = ("第一考核组", "第二考核组", "第三考核组", "第四考核组")
# How voters grade an assessee of each standing: the chance of each grade of the scale, best first.
VOTING = {
    "top": (0.72, 0.25, 0.03, 0.0),
    "middle": (0.30, 0.60, 0.08, 0.02),
    "low": (0.06, 0.40, 0.40, 0.14),
}
AWARDS = ((Kind.GOOD_TEAM, 2), (Kind.GOOD_HEAD, 2), (Kind.GOOD_MEMBER, 3), (Kind.GOOD_BACKBONE, 2))
REASONS = {
    Kind.GOOD_TEAM: "班子团结协作、民主集中制执行到位，年度重点任务全部按期完成，问题清单整改销号，群众满意度高。",
    Kind.GOOD_HEAD: "带头落实全面从严治党主体责任，抓班子带队伍成效明显，推动乡村振兴重点项目落地见效。",
    Kind.GOOD_MEMBER: "分管领域工作业绩突出，包村联系点工作扎实，敢于担当、善于作为，民主测评优秀票居前。",
    Kind.GOOD_BACKBONE: "扎根基层、业务精通，在急难险重任务中表现突出，干部群众认可度高。",
}


def assessment_year(today=None):
    """The year of the demo's annual assessment: the demo year of the records it reads."""
    return demo_year(today or clock.today())


class AssessmentDemo:
    """Writes the demo assessment; `created` counts what was added."""

    def __init__(self, user, today=None):
        self.user = user
        self.today = today or clock.today()
        self.year = assessment_year(self.today)
        self.created = Counter()

    def rng(self, *parts):
        return random.Random("/".join([SEED, str(self.year), *map(str, parts)]))

    def run(self):
        if Assessment.objects.filter(kind=Assessment.Kind.ANNUAL, title=TITLE.format(year=self.year)).exists():
            return self
        county = Organization.objects.filter(kind=Organization.Kind.COUNTY).order_by("pk").first()
        townships = list(Organization.objects.filter(kind=Organization.Kind.TOWNSHIP, is_active=True)
                         .order_by("sort_order", "name"))
        if county is None or not townships:
            return self
        with transaction.atomic():
            assessment = self.plan(county, townships)
            standings = {}
            for township in townships:
                standings.update(self.evaluate(assessment, township))
            for township in townships:
                self.grade(assessment, township, standings)
            services.confirm_assessment(self.user, assessment)
            self.awards(assessment)
            services.publish(self.user, assessment)
            for year in (self.year - 2, self.year - 1):
                self.archive(county, assessment, year)
        return self

    # --- the demo year's assessment -----------------------------------------------------------------

    def plan(self, county, townships):
        assessment = services.save_assessment(self.user, Assessment(
            kind=Assessment.Kind.ANNUAL, title=TITLE.format(year=self.year), year=self.year,
            starts_on=datetime.date(self.year, 1, 1), ends_on=datetime.date(self.year, 12, 31), organization=county))
        self.created["assessments"] += 1
        added = services.fill_from_teams(self.user, assessment, units=townships, general_cadres=True)["added"]
        self.created["assessees"] += sum(added.values())
        # The county approves a larger share of "excellent" for the second township (a model unit).
        approved_on = min(self.today, assessment.ends_on) - datetime.timedelta(days=3)
        services.save_quota_approval(self.user, QuotaApproval(
            assessment=assessment, unit=townships[1 % len(townships)], approved_on=approved_on,
            document_number=APPROVAL_DOCUMENT.format(year=self.year, number=38)))
        self.created["quota approvals"] += 1
        self.assessment_groups(assessment, townships)
        services.start_collecting(self.user, assessment)
        return assessment

    def assessment_groups(self, assessment, townships):
        """The county's assessment groups: each led by a leading cadre of a county department with two
        department cadres, the townships dealt out in turn (nobody assesses a township they work in)."""
        ranks = list(Cadre.Rank.values)
        cadres = sorted(Cadre.objects.filter(organization__kind=Organization.Kind.DEPARTMENT, status=Cadre.Status.ACTIVE)
                        .select_related("organization").order_by("organization__sort_order", "pk"),
                        key=lambda c: ranks.index(c.rank) if c.rank in ranks else len(ranks))
        count = min(GROUPS, len(townships), len(cadres) // 3)
        if not count:
            return
        leaders, others = cadres[:count], cadres[count:]
        rng = self.rng("assessment groups")
        rng.shuffle(others)
        for index, leader in enumerate(leaders):
            services.save_assessment_group(
                self.user, AssessmentGroup(assessment=assessment, name=GROUP_NAMES[index], leader=leader,
                                           note="听取述职述廉、组织民主测评、个别谈话、查阅资料、实地察看。"),
                members=others[2 * index:2 * index + 2], units=townships[index::count])
            self.created["assessment groups"] += 1

    def standings(self, assessment, township, assessees):
        """{assessee id: (standing, grade aimed at)}: "excellent" for as many as the quota allows of
        those the records do not disqualify (the head first, one general cadre, then by lot), "low" for
        those with a violation or an admonishment talk in the period and one by lot in every third
        township, "middle" for the rest; teams by lot."""
        rng = self.rng("standing", township.pk)
        people = [a for a in assessees if not a.is_team]
        found = metrics.disqualifiers(assessment, [a.cadre_id for a in people])
        eligible = [a for a in people if not found.get(a.cadre_id)]
        rng.shuffle(eligible)
        eligible.sort(key=lambda a: a.category != Category.TEAM_HEAD)  # stable: the head first, the rest by lot
        general = next((a for a in eligible if a.category == Category.GENERAL_CADRE), None)
        if general is not None:
            eligible.remove(general)
            eligible.insert(1 if eligible and eligible[0].category == Category.TEAM_HEAD else 0, general)
        top = {a.pk for a in eligible[:metrics.quota(assessment, township).limit]}
        flagged = {a.pk for a in people if {f.rule for f in found.get(a.cadre_id, [])} & {"violation", "admonishment"}}
        others = [a for a in people if a.pk not in top and a.pk not in flagged]
        if township.sort_order % 3 == 0 and others:
            flagged.add(rng.choice(others).pk)
        result = {}
        for a in assessees:
            if a.is_team:
                roll = rng.random()
                result[a.pk] = ("top", Grade.GOOD) if roll < 0.35 else (
                    ("low", Grade.AVERAGE) if roll > 0.93 else ("middle", Grade.FAIRLY_GOOD))
            elif a.pk in top:
                result[a.pk] = ("top", Grade.EXCELLENT)
            elif a.pk in flagged:
                result[a.pk] = ("low", Grade.BASICALLY_COMPETENT)
            else:
                result[a.pk] = ("middle", Grade.COMPETENT)
        return result

    def evaluate(self, assessment, township):
        """The township's evaluation groups, codes and ballots; returns the grade each assessee gets,
        the aimed one lowered to the cap where the ballots reach one third."""
        assessees = list(Assessee.objects.filter(assessment=assessment, unit=township).select_related(
            "cadre__organization", "team").order_by("category", "pk"))
        if not assessees:
            return {}
        standings = self.standings(assessment, township, assessees)
        groups = services.create_default_groups(self.user, assessment, township)
        self.created["evaluation groups"] += len(groups)
        members = sum(1 for a in assessees if a.category in (Category.TEAM_HEAD, Category.TEAM_MEMBER))
        low = Counter()
        total = Counter()
        for group in groups:
            rng = self.rng("ballots", township.pk, group.kind)
            count = GROUP_BALLOTS.get(group.kind, max(members, 5))
            paper = count // 4
            codes = services.issue_codes(self.user, group, count - paper + UNUSED_CODES)
            self.created["ballot codes"] += len(codes)
            for index in range(count):
                votes = {}
                for a in assessees:
                    scale = FOUR_LEVEL_SCALE if a.is_team else INDIVIDUAL_SCALE
                    grade = rng.choices(scale, weights=VOTING[standings[a.pk][0]])[0]
                    votes[a.pk] = grade
                    total[a.pk] += 1
                    low[a.pk] += scale.index(grade) >= 2
                if index < paper:
                    services.enter_paper_ballot(self.user, group, votes)
                else:
                    services.cast_ballot(codes[index - paper], votes)
                self.created["ballots"] += 1
        grades = {}
        for a in assessees:
            scale = FOUR_LEVEL_SCALE if a.is_team else INDIVIDUAL_SCALE
            grade = standings[a.pk][1]
            if low[a.pk] * 3 >= total[a.pk] and scale.index(grade) < 2:  # the one-third cap
                grade = scale[2]
            grades[a.pk] = grade
        return grades

    def grade(self, assessment, township, grades):
        mine = dict(Assessee.objects.filter(assessment=assessment, unit=township).values_list("pk", "unit_id"))
        chosen = {pk: grade for pk, grade in grades.items() if pk in mine}
        if not chosen:
            return
        services.propose_grades(self.user, assessment, chosen)
        services.confirm_unit(self.user, assessment, township)

    def awards(self, assessment):
        """Nominations from the confirmed results, a township apart for each, all but one decided."""
        confirmed = Assessee.objects.filter(assessment=assessment).select_related(
            "assessment", "cadre", "team", "unit").order_by("unit__sort_order", "pk")
        nominated, units = [], set()
        for kind, count in AWARDS:
            needed = Grade.GOOD if kind == Kind.GOOD_TEAM else Grade.EXCELLENT
            chosen = 0
            for assessee in confirmed.filter(category=Award.CATEGORY[kind], confirmed_grade=needed):
                if chosen == count:
                    break
                if (kind, assessee.unit_id) in units:
                    continue
                units.add((kind, assessee.unit_id))
                nominated.append(services.save_award(self.user, Award(kind=kind, assessee=assessee,
                                                                      reason=REASONS[kind])))
                chosen += 1
        self.created["awards"] += len(nominated)
        # One nomination left to decide: the last of a kind nominated more than once, so every kind is decided.
        kinds = Counter(award.kind for award in nominated)
        pending = next((award for award in reversed(nominated) if kinds[award.kind] > 1), None)
        for award in nominated:
            if award is not pending:
                services.decide_award(self.user, award)

    # --- the years before, from the archive --------------------------------------------------------------

    def archive(self, county, current, year):
        """The annual results of `year` entered from the archive, confirmed and published: everyone the
        demo year assesses who works in the township, as team head or member where they sat on its team
        that year, and the teams of that year. One excellent in the demo year is excellent again in
        about half the townships (within the quota); a few are graded basically competent."""
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        confirmed_on = datetime.date(year + 1, 1, 20)
        assessment = services.save_assessment(self.user, Assessment(
            kind=Assessment.Kind.ANNUAL, title=TITLE.format(year=year), year=year, starts_on=first, ends_on=last,
            organization=county, status=Assessment.Status.PUBLISHED))
        self.created["assessments"] += 1
        served = {}  # {(cadre id, township id): whether they headed its team}
        for key in TeamMembership.objects.serving_in_year(year).values_list("cadre_id", "team__township_id",
                                                                              "is_head"):
            served[key[:2]] = served.get(key[:2], False) or key[2]
        people = list(current.assessees.filter(cadre__isnull=False).select_related("cadre__organization", "unit")
                      .order_by("unit__sort_order", "pk"))
        teams = Team.objects.filter(elected_on__lte=last, term_ends_on__gt=first).select_related("township").order_by(
            "township__sort_order", "elected_on", "pk")
        rows = []
        for team in teams:
            if any(r.team_id and r.unit_id == team.township_id for r in rows):
                continue
            grade = FOUR_LEVEL_SCALE[self.rng("archive team", year, team.township_id).choice((0, 1, 1, 1))]
            rows.append(self.result(assessment, grade, confirmed_on, category=Category.TEAM, team=team,
                                    unit=team.township))
        by_unit = {}
        for current_result in people:
            if current_result.cadre.organization.township_id == current_result.unit_id:
                by_unit.setdefault(current_result.unit, []).append(current_result)
        for unit, results in by_unit.items():
            rng = self.rng("archive", year, unit.pk)
            limit = len(results) * 20 // 100
            streak = unit.sort_order % 2 == 0  # about half the townships: the demo year's excellent again
            top = [r for r in results if streak and r.confirmed_grade == Grade.EXCELLENT][:min(1, limit)]
            rest = [r for r in results if r not in top]
            rng.shuffle(rest)
            top += rest[:max(0, limit - len(top) - 1)]
            low = {r.pk for r in results if r.confirmed_grade == Grade.BASICALLY_COMPETENT and year == self.year - 1}
            for result in results:
                cadre = result.cadre
                if (cadre.pk, unit.pk) in served:
                    category = Category.TEAM_HEAD if served[cadre.pk, unit.pk] else Category.TEAM_MEMBER
                else:
                    category = Category.GENERAL_CADRE
                grade = Grade.EXCELLENT if result in top else (
                    Grade.BASICALLY_COMPETENT if result.pk in low and rng.random() < 0.5 else Grade.COMPETENT)
                rows.append(self.result(assessment, grade, confirmed_on, category=category, cadre=cadre, unit=unit))
        add_many(self.user, rows, reason=ARCHIVE_REASON)
        self.created["assessees"] += len(rows)

    def result(self, assessment, grade, confirmed_on, **fields):
        return Assessee(assessment=assessment, proposed_grade=grade, proposed_by=self.user, confirmed_grade=grade,
                        confirmed_by=self.user, confirmed_on=confirmed_on, **fields)


def load_assessment_demo(today=None):
    """Add the demo assessment to the demo county; returns what was created ({} when nothing was)."""
    from banzi.tasks.demo import demo_user

    user = demo_user()
    if user is None:
        return Counter()
    return AssessmentDemo(user, today).run().created
