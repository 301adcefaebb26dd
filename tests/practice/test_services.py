"""The frontline-practice rules at their boundaries: a first secretary goes to a designated village,
one first-secretary posting at a time, no end before the start, logs inside their posting, a
rectification group led by a member of the township's team and one per campaign, one active mentor
per mentee and never oneself, study visits to model units. A broken rule is one clear message and
nothing is saved; tests match the rule's code."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from banzi.core.errors import Code
from banzi.org.models import VillageDesignation
from banzi.practice import services
from banzi.practice.models import (
    Mentorship,
    MentorshipMeeting,
    Posting,
    RectificationGroup,
    StudyVisit,
    WorkLog,
)
from tests import factories as f
from tests.errors import codes
from tests.practice import cases as c

pytestmark = pytest.mark.django_db
Kind = Posting.Kind


def refused(call, field, code):
    with pytest.raises(ValidationError) as info:
        call()
    found = codes(info.value)
    assert code in found.get(field, []), found
    return found


def first_secretary(township, cadre=None, place=None, **fields):
    fields.setdefault("started_on", c.earlier_this_year(30))
    return Posting(cadre=cadre or f.CadreFactory(organization=township), kind=Kind.FIRST_SECRETARY,
                   organization=place or c.designation(township).organization, **fields)


# --- postings ---------------------------------------------------------------------------------

def test_first_secretary_goes_to_a_designated_village(township, county_admin):
    saved = services.save_posting(county_admin, first_secretary(township))
    assert saved.pk and saved.history.first().history_user == county_admin


@pytest.mark.parametrize("category", [VillageDesignation.Category.WEAK_LAX, VillageDesignation.Category.DISPUTE_HEAVY,
                                      VillageDesignation.Category.WEAK_ECONOMY,
                                      VillageDesignation.Category.REGISTERED_POOR])
def test_every_hard_category_admits_a_first_secretary(township, county_admin, category):
    place = c.designation(township, category).organization
    assert services.save_posting(county_admin, first_secretary(township, place=place)).pk


def test_first_secretary_to_an_undesignated_village_is_refused(township, county_admin):
    posting = first_secretary(township, place=c.village(township))
    refused(lambda: services.save_posting(county_admin, posting), "organization", Code.NOT_DESIGNATED_VILLAGE)
    assert not Posting.objects.exists()


def test_a_model_unit_or_a_lifted_designation_does_not_admit_a_first_secretary(township, county_admin):
    model = c.designation(township, VillageDesignation.Category.MODEL_UNIT).organization
    refused(lambda: services.save_posting(county_admin, first_secretary(township, place=model)), "organization",
            Code.NOT_DESIGNATED_VILLAGE)
    start = c.earlier_this_year(30)
    lifted = c.designation(township, lifted_on=start).organization
    refused(lambda: services.save_posting(county_admin, first_secretary(township, place=lifted, started_on=start)),
            "organization", Code.NOT_DESIGNATED_VILLAGE)
    # Lifted the day after the posting starts: still in force on the first day.
    later = c.designation(township, lifted_on=start + datetime.timedelta(days=1)).organization
    assert services.save_posting(county_admin, first_secretary(township, place=later, started_on=start)).pk
    assert Posting.objects.count() == 1


def test_last_years_designation_admits_this_years_posting_but_not_older_ones(township, county_admin):
    year = c.this_year()
    last_year = c.designation(township, year=year - 1, designated_on=datetime.date(year - 1, 3, 1)).organization
    assert services.save_posting(county_admin, first_secretary(township, place=last_year)).pk
    old = c.designation(township, year=year - 2, designated_on=datetime.date(year - 2, 3, 1)).organization
    refused(lambda: services.save_posting(county_admin, first_secretary(township, place=old)), "organization",
            Code.NOT_DESIGNATED_VILLAGE)


def test_a_cadre_holds_one_first_secretary_posting_at_a_time(township, county_admin):
    cadre = f.CadreFactory(organization=township)
    start = c.earlier_this_year(30)
    first = services.save_posting(county_admin, first_secretary(
        township, cadre, started_on=start, ended_on=start + datetime.timedelta(days=100)))
    overlapping = first_secretary(township, cadre, started_on=first.ended_on)
    refused(lambda: services.save_posting(county_admin, overlapping), "started_on", Code.POSTING_OVERLAPS)
    assert Posting.objects.count() == 1
    # The day after the first one ends is free; another kind of posting may run alongside.
    assert services.save_posting(county_admin, first_secretary(
        township, cadre, started_on=first.ended_on + datetime.timedelta(days=1))).pk
    assert services.save_posting(county_admin, Posting(cadre=cadre, kind=Kind.ENTERPRISE,
                                                       organization=c.enterprise(township), started_on=start)).pk


def test_an_open_first_secretary_posting_blocks_any_later_one(township, county_admin):
    cadre = f.CadreFactory(organization=township)
    services.save_posting(county_admin, first_secretary(township, cadre))
    later = first_secretary(township, cadre, started_on=c.today())
    refused(lambda: services.save_posting(county_admin, later), "started_on", Code.POSTING_OVERLAPS)


def test_a_posting_does_not_end_before_it_starts(township, county_admin):
    start = c.earlier_this_year(30)
    posting = Posting(cadre=f.CadreFactory(organization=township), kind=Kind.ENTERPRISE,
                      organization=c.enterprise(township), started_on=start, ended_on=start - datetime.timedelta(days=1))
    refused(lambda: services.save_posting(county_admin, posting), "ended_on", Code.DATE_ORDER)
    posting.ended_on = start  # a one-day posting
    assert services.save_posting(county_admin, posting).pk


def test_enterprise_service_goes_to_an_enterprise(township, county_admin):
    posting = Posting(cadre=f.CadreFactory(organization=township), kind=Kind.ENTERPRISE,
                      organization=c.village(township), started_on=c.earlier_this_year())
    refused(lambda: services.save_posting(county_admin, posting), "organization", Code.WRONG_KIND)


def test_a_group_member_needs_the_group_and_stays_in_its_township(township, other_township, county_admin):
    group = c.group(township)
    posting = Posting(cadre=f.CadreFactory(organization=township), kind=Kind.RECTIFICATION,
                      organization=c.village(township), started_on=c.earlier_this_year())
    refused(lambda: services.save_posting(county_admin, posting), "group", Code.REQUIRED)
    posting.organization = c.village(other_township)
    posting.group = group
    refused(lambda: services.save_posting(county_admin, posting), "organization", Code.OTHER_TOWNSHIP)
    posting.organization = c.village(township)
    assert services.save_posting(county_admin, posting).pk


def test_a_result_needs_the_end_date(township, county_admin):
    posting = c.posting(township)
    posting.result = Posting.Result.GOOD
    refused(lambda: services.save_posting(county_admin, posting), "result", Code.NOT_APPLICABLE)


def test_ending_a_posting_before_its_logs_is_refused(township, county_admin):
    posting = c.posting(township, started_on=c.days_ago(20))
    log = WorkLog.objects.create(posting=posting, logged_on=c.days_ago(10), content="走访")
    posting.ended_on = log.logged_on - datetime.timedelta(days=1)
    refused(lambda: services.save_posting(county_admin, posting), "ended_on", Code.OUTSIDE_PERIOD)
    posting.refresh_from_db()
    assert posting.ended_on is None


def test_township_admin_cannot_post_another_townships_cadre(township, other_township, township_admin):
    posting = Posting(cadre=f.CadreFactory(organization=other_township), kind=Kind.ENTERPRISE,
                      organization=c.enterprise(township), started_on=c.earlier_this_year())
    refused(lambda: services.save_posting(township_admin, posting), "cadre", Code.OUTSIDE_SCOPE)


# --- work logs --------------------------------------------------------------------------------

def test_a_log_dated_outside_its_posting_is_refused(township, county_admin):
    start = c.days_ago(20)  # the day after the posting's end has passed too
    posting = c.posting(township, started_on=start, ended_on=start + datetime.timedelta(days=10))
    for day in (start - datetime.timedelta(days=1), posting.ended_on + datetime.timedelta(days=1)):
        log = WorkLog(posting=posting, logged_on=day, content="走访")
        refused(lambda log=log: services.save_work_log(county_admin, log), "logged_on", Code.OUTSIDE_PERIOD)
    assert not WorkLog.objects.exists()
    for day in (start, posting.ended_on):
        assert services.save_work_log(county_admin, WorkLog(posting=posting, logged_on=day, content="走访")).pk


def test_a_log_cannot_be_in_the_future(township, county_admin):
    posting = c.posting(township)
    log = WorkLog(posting=posting, logged_on=c.today() + datetime.timedelta(days=1), content="走访")
    refused(lambda: services.save_work_log(county_admin, log), "logged_on", Code.FUTURE_DATE)


def test_the_posted_cadre_logs_their_own_posting_only(township, cadre_user):
    own = c.posting(township, cadre_user.cadre)
    assert services.save_work_log(cadre_user, WorkLog(posting=own, logged_on=own.started_on, content="走访")).pk
    other = c.posting(township)
    with pytest.raises(PermissionDenied):
        services.save_work_log(cadre_user, WorkLog(posting=other, logged_on=other.started_on, content="走访"))
    assert WorkLog.objects.count() == 1


# --- rectification working groups -------------------------------------------------------------

def test_the_group_is_led_by_a_member_of_the_townships_team(township, other_township, county_admin):
    start = c.earlier_this_year(30)
    outsider = f.CadreFactory(organization=township)
    group = RectificationGroup(township=township, campaign="集中整顿", year=c.this_year(), leader=outsider,
                               started_on=start)
    refused(lambda: services.save_group(county_admin, group), "leader", Code.NOT_TEAM_MEMBER)
    group.leader = c.team_member(other_township)  # on a team, but another township's
    refused(lambda: services.save_group(county_admin, group), "leader", Code.NOT_TEAM_MEMBER)
    group.leader = c.team_member(township)
    assert services.save_group(county_admin, group).pk


def test_a_member_who_left_the_team_before_the_start_cannot_lead(township, county_admin):
    team = c.team(township)
    cadre = f.CadreFactory(organization=township)
    start = c.earlier_this_year(30)
    f.TeamMembershipFactory(team=team, cadre=cadre, started_on=team.elected_on, ended_on=start)
    group = RectificationGroup(township=township, campaign="集中整顿", year=c.this_year(), leader=cadre,
                               started_on=start)
    refused(lambda: services.save_group(county_admin, group), "leader", Code.NOT_TEAM_MEMBER)


def test_one_group_per_township_per_campaign(township, county_admin):
    first = c.group(township)
    again = RectificationGroup(township=township, campaign=first.campaign, year=first.year,
                               leader=first.leader, started_on=first.started_on)
    refused(lambda: services.save_group(county_admin, again), "__all__", Code.UNIQUE)
    assert RectificationGroup.objects.count() == 1


def test_the_group_covers_its_townships_designated_villages_of_the_year(township, other_township):
    group = c.group(township)
    covered = {c.designation(township).pk, c.designation(township, VillageDesignation.Category.REGISTERED_POOR).pk}
    c.designation(township, VillageDesignation.Category.MODEL_UNIT)
    c.designation(township, year=c.this_year() - 1, designated_on=None)
    c.designation(other_township)
    assert set(group.covered_designations().values_list("pk", flat=True)) == covered


# --- mentoring ---------------------------------------------------------------------------------

def test_a_mentor_is_never_their_own_mentee(township, county_admin):
    cadre = f.CadreFactory(organization=township)
    pair = Mentorship(mentor=cadre, mentee=cadre, started_on=c.earlier_this_year(), goals="成长")
    refused(lambda: services.save_mentorship(county_admin, pair), "mentee", Code.SAME_PERSON)
    assert not Mentorship.objects.exists()


def test_a_mentee_has_one_active_mentor(township, county_admin):
    first = c.mentorship(township)
    second = Mentorship(mentor=f.CadreFactory(organization=township), mentee=first.mentee,
                        started_on=c.today(), goals="成长")
    refused(lambda: services.save_mentorship(county_admin, second), "mentee", Code.MENTOR_OVERLAPS)
    assert Mentorship.objects.count() == 1
    # Once the first pair has ended (with both evaluations), a new mentor may start that day.
    first.ended_on = c.today()
    first.mentor_evaluation, first.mentee_evaluation = "进步明显", "收获很大"
    services.save_mentorship(county_admin, first)
    assert services.save_mentorship(county_admin, second).pk


def test_an_ended_pair_needs_both_evaluations(township, county_admin):
    pair = c.mentorship(township)
    pair.ended_on = c.today()
    pair.mentor_evaluation = "进步明显"
    refused(lambda: services.save_mentorship(county_admin, pair), "mentor_evaluation", Code.REQUIRED)


def test_a_mentor_may_guide_several_mentees(township, county_admin):
    mentor = f.CadreFactory(organization=township)
    c.mentorship(township, mentor=mentor)
    assert services.save_mentorship(county_admin, Mentorship(
        mentor=mentor, mentee=f.CadreFactory(organization=township), started_on=c.earlier_this_year(), goals="成长")).pk


def test_a_meeting_falls_within_the_pair(township, county_admin):
    pair = c.mentorship(township)
    early = MentorshipMeeting(mentorship=pair, met_on=pair.started_on - datetime.timedelta(days=1), topic="谈心")
    refused(lambda: services.save_meeting(county_admin, early), "met_on", Code.OUTSIDE_PERIOD)
    assert services.save_meeting(county_admin, MentorshipMeeting(mentorship=pair, met_on=pair.started_on,
                                                                 topic="谈心")).pk


# --- study visits -----------------------------------------------------------------------------

def test_a_study_visit_goes_to_a_model_unit(township, county_admin):
    participant = f.CadreFactory(organization=township)
    visit = StudyVisit(title="观摩", organization=township, host=c.designation(township).organization,
                       visited_on=c.earlier_this_year(40), learned="经验")
    refused(lambda: services.save_visit(county_admin, visit, participants=[participant]), "host", Code.NOT_MODEL_UNIT)
    visit.host = c.model_unit(township)
    refused(lambda: services.save_visit(county_admin, visit, participants=[]), "participants", Code.REQUIRED)
    saved = services.save_visit(county_admin, visit, participants=[participant])
    assert list(saved.participants.all()) == [participant]


def test_township_admin_cannot_take_another_townships_cadres_on_a_visit(township, other_township, township_admin):
    visit = StudyVisit(title="观摩", organization=township, host=c.model_unit(township),
                       visited_on=c.earlier_this_year(40), learned="经验")
    outsider = f.CadreFactory(organization=other_township)
    refused(lambda: services.save_visit(township_admin, visit, participants=[outsider]), "participants",
            Code.OUTSIDE_SCOPE)
    assert not StudyVisit.objects.exists()
