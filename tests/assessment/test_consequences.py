"""Results put to use (结果运用) as records in the other modules: every trigger at its boundary
(basically competent once vs two years running, a gap year; three excellent years vs two), the
records made in talks, tasks and training with their history, idempotence, what a reopening and a
changed grade do to open consequences, the county's steps, scoping, exports, the API and query counts."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from banzi.assessment import consequences, results, services
from banzi.assessment.models import Assessee, Assessment, Consequence, Grade
from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import AuditEvent, Rule
from banzi.core.workdays import add_months
from banzi.org.models import Cadre
from banzi.talks.models import Talk, TalkPlan, TalkPlanEntry
from banzi.tasks.models import Problem
from banzi.training.models import TrainingNeed, TrainingTopic
from tests import factories as f
from tests.errors import ALL, refused
from tests.generic import xlsx_rows

from .factories import YEAR, assessee, assessment, confirmed_result

pytestmark = pytest.mark.django_db
Kind = Consequence.Kind
Category = Assessee.Category
Status = Assessment.Status


@pytest.fixture(autouse=True)
def _no_training_needs_from_scores():
    """The cadres built here have no records, so every indicator would score below its threshold: the
    training needs from the scores are tested on their own (test_indicators_below_threshold_…)."""
    Rule.objects.create(key=consequences.RULE, value={"training_needs": False})


# --- builders -----------------------------------------------------------------------------------------

def team_with_head(township, name="书记"):
    """The township's current team and its Party secretary."""
    team = f.TeamFactory(township=township)
    head = f.CadreFactory(organization=township, name=name)
    f.TeamMembershipFactory(team=team, cadre=head, is_head=True)
    return team, head


def confirmed_annual(status=Status.CONFIRMED, year=YEAR):
    return assessment(status=status, year=year, starts_on=datetime.date(year, 1, 1),
                      ends_on=datetime.date(year, 12, 31))


def result(parent, township, grade, cadre=None, category=Category.GENERAL_CADRE, **fields):
    return assessee(parent, township, cadre, category=category, proposed_grade=grade, confirmed_grade=grade,
                    confirmed_on=datetime.date(parent.year, 12, 20), **fields)


def earlier(township, cadre, grades):
    """Confirmed annual results of earlier years ({year: grade})."""
    for year, grade in grades.items():
        confirmed_result(township, grade, cadre=cadre, year=year)


def publish(user, parent):
    services.publish(user, parent)
    parent.refresh_from_db()
    return parent


def kinds(assessee_):
    return sorted(Consequence.objects.filter(assessee=assessee_).values_list("kind", flat=True))


# --- 基本称职: an admonishment talk on the talk plan and a rectification problem -------------------

def test_basically_competent_makes_a_talk_due_and_a_problem_with_their_history(county_admin, township):
    _team, secretary = team_with_head(township)
    parent = confirmed_annual()
    cadre = f.CadreFactory(organization=township, name="王五")
    weak = result(parent, township, Grade.BASICALLY_COMPETENT, cadre)
    competent = result(parent, township, Grade.COMPETENT)
    publish(county_admin, parent)

    consequence = Consequence.objects.get(assessee=weak)
    assert consequence.kind == Kind.ADMONISHMENT and consequence.status == Consequence.Status.OPEN
    entry, problem = consequence.talk_entry, consequence.problem
    assert entry.talkee == cadre and entry.kind == Talk.Kind.ADMONISHMENT
    assert entry.expected_talker == secretary and entry.talker_organization is None  # a general cadre: the secretary
    assert entry.plan.organization == township and entry.due_on == clock.today() + datetime.timedelta(days=30)
    assert problem.source == Problem.Source.ASSESSMENT and problem.responsible == cadre
    assert problem.organization == cadre.organization and problem.status == Problem.Status.OPEN
    assert problem.deadline == add_months(clock.today(), 3)
    assert parent.title in problem.source_reference
    assert kinds(competent) == []
    for record in (consequence, entry, entry.plan, problem):
        history = record.history.first()
        assert history.history_type == "+" and history.history_user == county_admin
        assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, user=county_admin,
                                         content_type__model=type(record)._meta.model_name,
                                         object_id=str(record.pk)).exists()


def test_a_team_member_is_admonished_by_the_county(county_admin, county, township):
    team, _secretary = team_with_head(township)
    parent = confirmed_annual()
    member = f.CadreFactory(organization=township)
    f.TeamMembershipFactory(team=team, cadre=member)
    weak = result(parent, township, Grade.BASICALLY_COMPETENT, member, category=Category.TEAM_MEMBER)
    publish(county_admin, parent)
    entry = Consequence.objects.get(assessee=weak).talk_entry
    assert entry.talker_organization == parent.organization == county and entry.expected_talker is None


def test_the_current_plan_is_used_when_it_runs_long_enough(county_admin, township):
    team_with_head(township)
    today = clock.today()
    current = TalkPlan.objects.create(title="年度谈心谈话计划", organization=township, starts_on=today - datetime.timedelta(days=10),
                                      due_on=today + datetime.timedelta(days=60))
    short = TalkPlan.objects.create(title="即将结束的计划", organization=township, starts_on=today,
                                    due_on=today + datetime.timedelta(days=5))
    parent = confirmed_annual()
    first = result(parent, township, Grade.BASICALLY_COMPETENT)
    already = result(parent, township, Grade.BASICALLY_COMPETENT)
    TalkPlanEntry.objects.create(plan=current, talkee=already.cadre, talker_organization=township, due_on=today)
    publish(county_admin, parent)
    assert Consequence.objects.get(assessee=first).talk_entry.plan == current
    own = Consequence.objects.get(assessee=already).talk_entry.plan  # already on the current plan: a new one
    assert own not in (current, short) and parent.title in own.title and own.organization == township
    assert not short.entries.exists()


# --- flags: adjustment (two years running), demotion ---------------------------------------------------

def test_adjustment_needs_two_consecutive_basically_competent_years(county_admin, township):
    team_with_head(township)
    twice, once, gap, after_competent = (f.CadreFactory(organization=township) for _i in range(4))
    earlier(township, twice, {YEAR - 1: Grade.BASICALLY_COMPETENT})
    earlier(township, gap, {YEAR - 2: Grade.BASICALLY_COMPETENT})  # no result last year: the run is broken
    earlier(township, after_competent, {YEAR - 2: Grade.BASICALLY_COMPETENT, YEAR - 1: Grade.COMPETENT})
    parent = confirmed_annual()
    rows = {c: result(parent, township, Grade.BASICALLY_COMPETENT, c) for c in (twice, once, gap, after_competent)}
    publish(county_admin, parent)
    assert kinds(rows[twice]) == [Kind.ADJUSTMENT, Kind.ADMONISHMENT]
    for cadre in (once, gap, after_competent):
        assert kinds(rows[cadre]) == [Kind.ADMONISHMENT]
    flag = Consequence.objects.get(assessee=rows[twice], kind=Kind.ADJUSTMENT)
    assert flag.talk_entry is None and flag.problem is None


def test_incompetent_is_flagged_for_demotion_only(county_admin, township):
    parent = confirmed_annual()
    poor = result(parent, township, Grade.INCOMPETENT)
    publish(county_admin, parent)
    assert kinds(poor) == [Kind.DEMOTION]


# --- 三年连续优秀: a commendation, in agreement with the promotion-priority list ------------------------

def test_commendation_needs_three_excellent_years_and_agrees_with_the_priority_list(county_admin, township):
    three, two, gap, retired = (f.CadreFactory(organization=township, name=name) for name in
                                ("三年优秀", "两年优秀", "中断", "已退休"))
    earlier(township, three, {YEAR - 2: Grade.EXCELLENT, YEAR - 1: Grade.EXCELLENT})
    earlier(township, two, {YEAR - 1: Grade.EXCELLENT})
    earlier(township, gap, {YEAR - 3: Grade.EXCELLENT, YEAR - 1: Grade.EXCELLENT})
    earlier(township, retired, {YEAR - 2: Grade.EXCELLENT, YEAR - 1: Grade.EXCELLENT})
    Cadre.objects.filter(pk=retired.pk).update(status=Cadre.Status.ARCHIVED)
    parent = confirmed_annual()
    rows = {c: result(parent, township, Grade.EXCELLENT, c) for c in (three, two, gap, retired)}
    publish(county_admin, parent)
    assert kinds(rows[three]) == [Kind.COMMENDATION]
    assert kinds(rows[two]) == kinds(rows[gap]) == kinds(rows[retired]) == []
    listed = {row["cadre"] for row in results.priority_list(county_admin)["rows"] if "excellent_years" in row["grounds"]}
    commended = set(Consequence.objects.filter(kind=Kind.COMMENDATION, assessment=parent).values_list(
        "assessee__cadre", flat=True))
    assert listed == commended == {three.pk}


# --- a team graded 一般 or 较差: a rectification problem of the township -------------------------------

def test_a_team_graded_average_or_poor_gets_a_problem_of_the_township(county_admin, township, other_township):
    team, secretary = team_with_head(township)
    other_team, _other_secretary = team_with_head(other_township, "另一书记")
    third = f.TownshipFactory(name="第三镇", parent=township.parent)
    third_team, _third_secretary = team_with_head(third, "第三书记")
    parent = confirmed_annual()
    average = result(parent, township, Grade.AVERAGE, category=Category.TEAM, team=team)
    fairly = result(parent, other_township, Grade.FAIRLY_GOOD, category=Category.TEAM, team=other_team)
    poor = result(parent, third, Grade.POOR, category=Category.TEAM, team=third_team)
    publish(county_admin, parent)
    problem = Consequence.objects.get(assessee=average, kind=Kind.TEAM_RECTIFICATION).problem
    assert problem.organization == township and problem.responsible == secretary
    assert problem.source == Problem.Source.ASSESSMENT
    assert kinds(fairly) == [] and kinds(poor) == [Kind.TEAM_RECTIFICATION]


def test_the_rule_sets_the_team_grade_and_the_deadlines(county_admin, township, other_township):
    Rule.objects.filter(key=consequences.RULE).update(value={
        "team_rectification_from": "poor", "problem_months": 6, "talk_days": 14, "training_needs": False})
    team, _secretary = team_with_head(township)
    parent = confirmed_annual()
    average = result(parent, township, Grade.AVERAGE, category=Category.TEAM, team=team)
    weak = result(parent, township, Grade.BASICALLY_COMPETENT)
    publish(county_admin, parent)
    assert kinds(average) == []
    consequence = Consequence.objects.get(assessee=weak)
    assert consequence.problem.deadline == add_months(clock.today(), 6)
    assert consequence.talk_entry.due_on == clock.today() + datetime.timedelta(days=14)


# --- idempotence, reopening and a changed grade -------------------------------------------------------

def _counts():
    return (Consequence.objects.count(), TalkPlanEntry.objects.count(), TalkPlan.objects.count(),
            Problem.objects.count())


def test_publishing_and_applying_again_creates_nothing_new(county_admin, township):
    team_with_head(township)
    parent = confirmed_annual()
    result(parent, township, Grade.BASICALLY_COMPETENT)
    result(parent, township, Grade.INCOMPETENT)
    publish(county_admin, parent)
    before = _counts()
    assert before[0] == 2
    assert consequences.apply(county_admin, parent) == {"created": 0, "dismissed": 0}
    assert consequences.apply(county_admin, parent) == {"created": 0, "dismissed": 0}
    assert _counts() == before


def test_the_step_applies_to_an_assessment_published_before(county_client, township_client, township, county_admin):
    team_with_head(township)
    parent = confirmed_annual(status=Status.PUBLISHED)  # published before consequences existed
    weak = result(parent, township, Grade.BASICALLY_COMPETENT)
    page = county_client.get(parent.get_absolute_url()).content.decode()
    url = reverse("assessment:assessment_apply_consequences", args=[parent.pk])
    assert url in page
    assert url not in township_client.get(parent.get_absolute_url()).content.decode()
    assert township_client.post(url).status_code in (302, 403, 404)
    assert not Consequence.objects.exists()
    county_client.post(url)
    assert kinds(weak) == [Kind.ADMONISHMENT]
    county_client.post(url)
    assert Consequence.objects.count() == 1


def test_a_grade_changed_after_reopening_dismisses_what_it_no_longer_calls_for(county_admin, township):
    team_with_head(township)
    parent = confirmed_annual()
    changed = result(parent, township, Grade.BASICALLY_COMPETENT)
    started = result(parent, township, Grade.BASICALLY_COMPETENT)
    kept = result(parent, township, Grade.BASICALLY_COMPETENT)
    publish(county_admin, parent)
    started_problem = Consequence.objects.get(assessee=started).problem
    Problem.objects.filter(pk=started_problem.pk).update(status=Problem.Status.RECTIFYING)
    stale = Consequence.objects.get(assessee=changed)
    entry_id, problem_id = stale.talk_entry_id, stale.problem_id

    services.reopen(county_admin, parent, "群众反映情况有误，重新核实")
    parent.refresh_from_db()
    assert parent.status == Status.COLLECTING
    assert Consequence.objects.filter(status=Consequence.Status.OPEN).count() == 3  # unchanged while reopened
    Assessee.objects.filter(pk__in=[changed.pk, started.pk]).update(confirmed_grade=Grade.COMPETENT,
                                                                    proposed_grade=Grade.COMPETENT)
    Assessee.objects.filter(pk=kept.pk).update(confirmed_grade=Grade.BASICALLY_COMPETENT)
    Assessment.objects.filter(pk=parent.pk).update(status=Status.CONFIRMED)
    publish(county_admin, parent.__class__.objects.get(pk=parent.pk))

    stale.refresh_from_db()
    assert stale.status == Consequence.Status.DISMISSED and "Competent" in stale.reason
    assert stale.talk_entry is None and stale.problem is None
    assert not TalkPlanEntry.objects.filter(pk=entry_id).exists() and not Problem.objects.filter(pk=problem_id).exists()
    assert TalkPlanEntry.history.filter(id=entry_id, history_type="-", history_user=county_admin).exists()
    assert Problem.history.filter(id=problem_id, history_type="-", history_user=county_admin).exists()
    started_consequence = Consequence.objects.get(assessee=started)
    assert started_consequence.talk_entry is None  # the talk was still only due
    assert started_consequence.status == Consequence.Status.DISMISSED
    assert started_consequence.problem_id == started_problem.pk  # being rectified: kept
    assert Consequence.objects.get(assessee=kept).status == Consequence.Status.OPEN
    assert Consequence.objects.count() == 3


# --- the county's steps ---------------------------------------------------------------------------------

def test_only_the_county_applies_dismisses_or_marks_done(township_admin, county_admin, township):
    parent = confirmed_annual(status=Status.PUBLISHED)
    result(parent, township, Grade.INCOMPETENT)
    with pytest.raises(PermissionDenied):
        consequences.apply(township_admin, parent)
    assert not Consequence.objects.exists()
    consequences.apply(county_admin, parent)
    flag = Consequence.objects.get()
    with pytest.raises(PermissionDenied):
        consequences.dismiss(township_admin, flag, "不需要")
    with pytest.raises(PermissionDenied):
        consequences.mark_done(township_admin, flag)
    flag.refresh_from_db()
    assert flag.status == Consequence.Status.OPEN


@pytest.mark.zh
def test_refusals_are_in_chinese(township_admin, county_admin, township):
    parent = confirmed_annual(status=Status.PUBLISHED)
    result(parent, township, Grade.INCOMPETENT)
    with translation.override("zh-hans"):
        with pytest.raises(PermissionDenied) as info:
            consequences.apply(township_admin, parent)
        assert "只有县委组织部" in str(info.value)
        consequences.apply(county_admin, parent)
        with refused("reason", Code.REQUIRED) as info:
            consequences.dismiss(county_admin, Consequence.objects.get(), "  ")
        assert "理由" in str(info.value)


def test_dismissing_needs_a_reason_and_a_closed_one_is_not_changed(county_admin, township):
    team_with_head(township)
    parent = confirmed_annual()
    weak = result(parent, township, Grade.BASICALLY_COMPETENT)
    publish(county_admin, parent)
    consequence = Consequence.objects.get(assessee=weak)
    with refused("reason", Code.REQUIRED):
        consequences.dismiss(county_admin, consequence, "")
    consequences.dismiss(county_admin, consequence, "已调离本县，另行处理。")
    consequence.refresh_from_db()
    assert consequence.status == Consequence.Status.DISMISSED and consequence.reason == "已调离本县，另行处理。"
    assert consequence.talk_entry is None and consequence.problem is None
    assert consequence.history.first().history_user == county_admin
    with refused(ALL, Code.WRONG_STATE):
        consequences.mark_done(county_admin, consequence)
    with refused(ALL, Code.WRONG_STATE):
        consequences.dismiss(county_admin, consequence, "再次")


def test_mark_done_and_the_delete_guard(county_admin, township):
    team_with_head(township)
    parent = confirmed_annual()
    weak = result(parent, township, Grade.BASICALLY_COMPETENT)
    publish(county_admin, parent)
    consequence = Consequence.objects.get(assessee=weak)
    with refused(ALL, Code.STEP_NOT_READY):  # it made records: dismiss it instead
        consequences.delete_consequence(county_admin, consequence)
    consequences.mark_done(county_admin, consequence)
    consequence.refresh_from_db()
    assert consequence.status == Consequence.Status.DONE


def test_apply_is_refused_before_publishing_and_for_other_kinds(county_admin, township):
    confirmed = confirmed_annual()
    result(confirmed, township, Grade.INCOMPETENT)
    with refused(ALL, Code.WRONG_STATE):
        consequences.apply(county_admin, confirmed)
    special = assessment(kind=Assessment.Kind.SPECIAL, status=Status.PUBLISHED)
    result(special, township, Grade.INCOMPETENT)
    with refused(ALL, Code.STEP_NOT_READY):
        consequences.apply(county_admin, special)
    special.status = Status.CONFIRMED
    special.save()
    services.publish(county_admin, special)  # publishing another kind puts nothing to use
    assert not Consequence.objects.exists()


def test_a_hand_made_consequence_needs_a_confirmed_result_and_matching_kind(county_admin, township):
    collecting = assessment(status=Status.COLLECTING)
    open_result = assessee(collecting, township, proposed_grade=Grade.BASICALLY_COMPETENT)
    with refused("assessee", Code.WRONG_STATE):
        consequences.save_consequence(county_admin, Consequence(assessee=open_result, kind=Kind.ADJUSTMENT))
    parent = confirmed_annual()
    cadre_result = result(parent, township, Grade.BASICALLY_COMPETENT)
    with refused("kind", Code.WRONG_KIND):
        consequences.save_consequence(county_admin, Consequence(assessee=cadre_result, kind=Kind.TEAM_RECTIFICATION))
    made = consequences.save_consequence(county_admin, Consequence(assessee=cadre_result, kind=Kind.ADJUSTMENT))
    made.kind = Kind.DEMOTION
    with refused("kind", Code.FROZEN):
        consequences.save_consequence(county_admin, made)
    with refused(ALL, Code.UNIQUE):
        consequences.save_consequence(county_admin, Consequence(assessee=cadre_result, kind=Kind.ADJUSTMENT))
    assert Consequence.objects.count() == 1 and Consequence.objects.get().kind == Kind.ADJUSTMENT


# --- training needs from indicators below their threshold -----------------------------------------------

def test_training_needs_one_per_cadre_and_topic(county_admin, township):
    parent = confirmed_annual(status=Status.PUBLISHED)
    first, second = result(parent, township, Grade.COMPETENT), result(parent, township, Grade.COMPETENT)
    existing = TrainingTopic.objects.create(name="组织生活")
    below = [(first, "组织生活"), (first, "组织生活"), (first, "谈心谈话覆盖"), (second, "组织生活")]
    made = consequences.training_needs(county_admin, parent, below)
    assert len(made) == 3
    needs = TrainingNeed.objects.filter(source=TrainingNeed.Source.ASSESSMENT)
    assert needs.count() == 3 and needs.filter(topic=existing).count() == 2
    assert TrainingTopic.objects.filter(name="谈心谈话覆盖").count() == 1
    need = needs.get(cadre=first.cadre, topic=existing)
    assert need.organization == first.cadre.organization and need.status == TrainingNeed.Status.OPEN
    assert need.history.first().history_user == county_admin
    assert Consequence.objects.get(training_need=need).topic == "组织生活"
    assert consequences.training_needs(county_admin, parent, below) == []
    assert TrainingNeed.objects.count() == 3


def test_training_needs_refuse_outsiders_and_open_results(county_admin, township_admin, township):
    parent = confirmed_annual(status=Status.PUBLISHED)
    other = result(confirmed_annual(year=YEAR - 1), township, Grade.COMPETENT)
    with refused(ALL, Code.NOT_ASSESSED):
        consequences.training_needs(county_admin, parent, [(other, "组织生活")])
    mine = result(parent, township, Grade.COMPETENT)
    with refused(ALL, Code.REQUIRED):
        consequences.training_needs(county_admin, parent, [(mine, " ")])
    with pytest.raises(PermissionDenied):
        consequences.training_needs(township_admin, parent, [(mine, "组织生活")])
    collecting = assessment(status=Status.COLLECTING)
    with refused(ALL, Code.WRONG_STATE):
        consequences.training_needs(county_admin, collecting, [])
    assert not TrainingNeed.objects.exists()


# --- the records appear in the other modules' lists ----------------------------------------------------

def test_the_records_appear_in_talks_tasks_and_training_with_their_source(county_client, county_admin, township):
    team_with_head(township)
    parent = confirmed_annual()
    cadre = f.CadreFactory(organization=township, name="赵六")
    weak = result(parent, township, Grade.BASICALLY_COMPETENT, cadre)
    publish(county_admin, parent)
    consequences.training_needs(county_admin, parent, [(weak, "民主集中制")])
    consequence = Consequence.objects.get(assessee=weak, kind=Kind.ADMONISHMENT)
    entries = county_client.get(reverse("talks:talkplanentry_list")).content.decode()
    assert consequence.talk_entry.get_absolute_url() in entries and "Admonishment talk" in entries
    problems = county_client.get(reverse("tasks:problem_list"), {"source": "assessment"}).content.decode()
    assert consequence.problem.get_absolute_url() in problems
    needs = county_client.get(reverse("training:trainingneed_list"), {"source": "assessment"}).content.decode()
    need = Consequence.objects.get(kind=Kind.TRAINING).training_need
    assert need.get_absolute_url() in needs and "民主集中制" in needs
    page = county_client.get(consequence.get_absolute_url()).content.decode().split('id="consequence-records"')[1]
    assert consequence.talk_entry.get_absolute_url() in page and consequence.problem.get_absolute_url() in page


# --- pages, scoping, export, API, query counts ------------------------------------------------------------

@pytest.fixture
def two_townships(county_admin, township, other_township, cadre_user):
    parent = confirmed_annual(status=Status.PUBLISHED)
    mine = result(parent, township, Grade.INCOMPETENT, cadre_user.cadre)
    colleague = result(parent, township, Grade.INCOMPETENT)
    theirs = result(parent, other_township, Grade.INCOMPETENT)
    consequences.apply(county_admin, parent)
    return {name: Consequence.objects.get(assessee=a) for name, a in
            (("mine", mine), ("colleague", colleague), ("theirs", theirs))}


def test_the_list_detail_export_and_api_are_scoped(two_townships, county_client, township_client, cadre_client):
    mine, colleague, theirs = two_townships["mine"], two_townships["colleague"], two_townships["theirs"]
    url = reverse("assessment:consequence_list")

    def listed(client):
        return {c.pk for c in (mine, colleague, theirs) if c.get_absolute_url() in client.get(url).content.decode()}

    assert listed(county_client) == {mine.pk, colleague.pk, theirs.pk}
    assert listed(township_client) == {mine.pk, colleague.pk}
    assert listed(cadre_client) == {mine.pk}
    assert township_client.get(theirs.get_absolute_url()).status_code == 404
    assert cadre_client.get(colleague.get_absolute_url()).status_code == 404
    assert cadre_client.get(mine.get_absolute_url()).status_code == 200
    names = [row[0] for row in xlsx_rows(township_client.get(url, {"_export": "xlsx"}))]
    assert str(colleague.assessee) in names and str(theirs.assessee) not in names
    api = "/api/v1/assessment/consequences/"
    assert {r["id"] for r in township_client.get(api).json()["results"]} == {mine.pk, colleague.pk}
    assert {r["id"] for r in cadre_client.get(api).json()["results"]} == {mine.pk}
    assert township_client.get(f"{api}{theirs.pk}/").status_code == 404
    assert county_client.get(f"{api}{theirs.pk}/").json()["kind"] == Kind.DEMOTION


def test_the_list_filters_by_kind_unit_and_assessment(two_townships, county_client, township, county_admin):
    api = "/api/v1/assessment/consequences/"
    assert len(county_client.get(api, {"unit": township.pk}).json()["results"]) == 2
    assert county_client.get(api, {"kind": Kind.COMMENDATION}).json()["count"] == 0
    other = confirmed_annual(status=Status.PUBLISHED, year=YEAR - 1)
    assert county_client.get(api, {"assessment": other.pk}).json()["count"] == 0
    assert county_client.get(api, {"assessment": two_townships["mine"].assessment_id}).json()["count"] == 3


def test_the_api_steps_are_the_countys(two_townships, county_client, township_client):
    theirs, mine = two_townships["theirs"], two_townships["mine"]
    api = "/api/v1/assessment/consequences/"
    assert township_client.post(f"{api}{mine.pk}/done/").status_code == 403
    response = county_client.post(f"{api}{mine.pk}/dismiss/", {"reason": ""})
    assert response.status_code == 400 and "reason" in response.json()
    response = county_client.post(f"{api}{theirs.pk}/dismiss/", {"reason": "已免职"})
    assert response.status_code == 200 and response.json()["status"] == Consequence.Status.DISMISSED


def test_the_steps_on_the_page(two_townships, county_client, township_client):
    mine = two_townships["mine"]
    page = township_client.get(mine.get_absolute_url()).content.decode()
    assert reverse("assessment:consequence_dismiss", args=[mine.pk]) not in page
    page = county_client.get(mine.get_absolute_url()).content.decode()
    assert reverse("assessment:consequence_dismiss", args=[mine.pk]) in page
    county_client.post(reverse("assessment:consequence_done", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == Consequence.Status.DONE


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_of_the_list_page_and_api_do_not_grow(county_client, county_admin, township):
    team_with_head(township)
    parent = confirmed_annual(status=Status.PUBLISHED)
    result(parent, township, Grade.BASICALLY_COMPETENT)
    consequences.apply(county_admin, parent)
    page, api = reverse("assessment:consequence_list"), "/api/v1/assessment/consequences/"
    few = (_queries(county_client, page), _queries(county_client, api))
    for grade in (Grade.BASICALLY_COMPETENT, Grade.BASICALLY_COMPETENT, Grade.INCOMPETENT):
        result(parent, township, grade)
    consequences.apply(county_admin, parent)
    consequences.training_needs(county_admin, parent, [(a, "组织生活") for a in parent.assessees.all()])
    assert Consequence.objects.count() >= 8
    assert (_queries(county_client, page), _queries(county_client, api)) == few


def test_the_assessee_page_and_the_cadre_page_show_the_consequences(county_client, county_admin, township):
    team_with_head(township)
    cadre = f.CadreFactory(organization=township)
    earlier(township, cadre, {YEAR - 1: Grade.BASICALLY_COMPETENT})
    parent = confirmed_annual()
    weak = result(parent, township, Grade.BASICALLY_COMPETENT, cadre)
    publish(county_admin, parent)
    shown = Consequence.objects.filter(assessee=weak)
    assert shown.count() == 2
    panel = county_client.get(weak.get_absolute_url()).content.decode().split('id="consequences"')[1]
    assert all(c.get_absolute_url() in panel for c in shown)
    panel = county_client.get(cadre.get_absolute_url()).content.decode().split('id="annual-results"')[1]
    assert all(f'data-consequence="{c.pk}"' in panel for c in shown)
    assert [len(r["consequences"]) for r in results.last_results(county_admin, cadre)] == [2, 0]


def test_a_talk_already_held_keeps_its_plan_entry_when_dismissed(county_admin, township):
    _team, secretary = team_with_head(township)
    parent = confirmed_annual()
    weak = result(parent, township, Grade.BASICALLY_COMPETENT)
    publish(county_admin, parent)
    consequence = Consequence.objects.get(assessee=weak)
    Talk.objects.create(talker=secretary, talkee=weak.cadre, held_on=clock.today(), kind=Talk.Kind.ADMONISHMENT)
    consequences.dismiss(county_admin, consequence, "谈话已开展，问题另行处理。")
    consequence.refresh_from_db()
    assert consequence.talk_entry is not None and consequence.problem is None
    assert consequence.status == Consequence.Status.DISMISSED


def test_indicators_below_threshold_raise_training_needs_when_published(county_admin, township):
    from banzi.assessment import scores
    from banzi.training.models import Attendance

    Rule.objects.filter(key=consequences.RULE).update(value={"training_needs": True})
    parent = confirmed_annual()
    untrained = result(parent, township, Grade.COMPETENT)
    unconfirmed = assessee(parent, township, category=Category.GENERAL_CADRE)
    below = {(a.pk, key) for a, key, _label in scores.below_threshold(parent, [untrained, unconfirmed])}
    assert (untrained.pk, "training") in below and (unconfirmed.pk, "training") in below
    assert not Attendance.objects.filter(cadre=untrained.cadre).exists()

    publish(county_admin, parent)
    made = Consequence.objects.filter(assessment=parent, kind=Kind.TRAINING)
    keys = {key for pk, key in below if pk == untrained.pk}
    assert made.count() == len(keys) and set(made.values_list("assessee", flat=True)) == {untrained.pk}
    needs = TrainingNeed.objects.filter(source=TrainingNeed.Source.ASSESSMENT, cadre=untrained.cadre)
    assert needs.count() == len(keys) and set(needs.values_list("pk", flat=True)) == set(
        made.values_list("training_need", flat=True))
    assert set(made.values_list("topic", flat=True)) == {
        str(line.label) for line in scores.score_sheets(parent, [untrained])[untrained.pk].lines if line.below}

    assert consequences.apply(county_admin, parent) == {"created": 0, "dismissed": 0}
    assert made.count() == len(keys)
