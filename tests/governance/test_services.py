"""The rules of democratic centralism and of meetings, each at its boundaries: quorum at exactly
half, two thirds for appointments, passing by more than half of the members due, every opinion on a
major matter, the chair last, decided items reconsidered only by a new item; attendance only of
members due; and nothing half-saved when a rule is broken."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied

from banzi.core import services as core_services
from banzi.core.errors import Code
from banzi.core.rule_services import save_rule
from banzi.governance import services
from banzi.governance.models import AgendaItem, Attendance, Meeting, MeetingKind, Opinion
from banzi.tasks.models import Problem
from tests import factories as f
from tests.errors import ALL, refused
from tests.governance.cases import agenda_item, meeting, recent, team

pytestmark = pytest.mark.django_db

AGREE, DISAGREE, DEFER = Opinion.Stance.AGREE, Opinion.Stance.DISAGREE, Opinion.Stance.DEFER
PASSED = AgendaItem.Outcome.PASSED


def committee(township, due, present, **fields):
    """A committee meeting of `due` team members, the first `present` of them present; the chair
    (the team head) is the first."""
    return meeting(township, MeetingKind.COMMITTEE, members=team(township, due), present=present, **fields)


def present_members(record):
    return [a.cadre for a in record.attendances.filter(present=True).order_by("sort_order")]


def chair_last(record, stances=None):
    """Every present member's opinion, the chair speaking last."""
    members = present_members(record)
    ordered = members[1:] + members[:1]
    stances = stances or [AGREE] * len(ordered)
    return [(cadre, stance, "") for cadre, stance in zip(ordered, stances, strict=True)]


def decide(user, item, opinions, outcome=PASSED, **kwargs):
    return services.record_decision(user, item, opinions=opinions, outcome=outcome, **kwargs)


def assert_nothing_decided(item):
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.PENDING
    assert not Opinion.objects.filter(item=item).exists()


# --- quorum, two thirds, passing ------------------------------------------------------------------

def test_exactly_half_present_is_no_quorum(township, township_admin):
    record = committee(township, due=6, present=3)
    item = agenda_item(township, record, category=AgendaItem.Category.MAJOR_DECISION)
    with refused(ALL, Code.NO_QUORUM):
        decide(township_admin, item, chair_last(record), outcome=AgendaItem.Outcome.REJECTED)
    assert_nothing_decided(item)


def test_one_more_than_half_is_a_quorum_and_passing_needs_more_than_half_of_those_due(township, township_admin):
    record = committee(township, due=6, present=4)
    item = agenda_item(township, record, category=AgendaItem.Category.MAJOR_PROJECT)
    # 3 of 6 due for is exactly half: not passed.
    with refused("outcome", Code.NOT_PASSED):
        decide(township_admin, item, chair_last(record, [AGREE, AGREE, DISAGREE, AGREE]))
    assert_nothing_decided(item)
    decide(township_admin, item, chair_last(record))
    item.refresh_from_db()
    assert (item.outcome, item.votes_for, item.votes_against, item.votes_abstain) == (PASSED, 4, 0, 0)
    assert list(item.opinions.values_list("order", flat=True)) == [1, 2, 3, 4]
    assert item.opinions.last().cadre_id == record.chair_id


def test_appointment_needs_two_thirds_present(township, township_admin):
    short = committee(township, due=9, present=5)  # quorum (5 > 4.5) but one short of two thirds
    item = agenda_item(township, short, category=AgendaItem.Category.APPOINTMENT)
    with refused(ALL, Code.APPOINTMENT_PRESENCE):
        decide(township_admin, item, chair_last(short))
    assert_nothing_decided(item)

    exact = committee(township, due=9, present=6)  # exactly two thirds
    item = agenda_item(township, exact, category=AgendaItem.Category.APPOINTMENT)
    with refused("outcome", Code.NOT_PASSED):
        decide(township_admin, item, chair_last(exact, [AGREE, AGREE, AGREE, DISAGREE, DEFER, AGREE]))
    decide(township_admin, item, chair_last(exact, [AGREE, AGREE, AGREE, AGREE, DEFER, AGREE]))
    item.refresh_from_db()
    assert (item.outcome, item.votes_for, item.votes_abstain) == (PASSED, 5, 1)


def test_ordinary_matter_uses_the_same_quorum_but_no_two_thirds(township, township_admin):
    record = committee(township, due=9, present=5)
    item = agenda_item(township, record, category=AgendaItem.Category.ORDINARY)
    decide(township_admin, item, chair_last(record))
    assert AgendaItem.objects.get(pk=item.pk).outcome == PASSED


def test_the_county_can_raise_the_quorum(township, township_admin, county_admin):
    save_rule(county_admin, services.DECISION_RULE, {"quorum": "two_thirds"})
    record = committee(township, due=6, present=3 + 0)
    item = agenda_item(township, record)
    with refused(ALL, Code.NO_QUORUM):
        decide(township_admin, item, chair_last(record))
    record = committee(township, due=6, present=4)
    item = agenda_item(township, record)
    decide(township_admin, item, chair_last(record))


# --- opinions --------------------------------------------------------------------------------------

def test_major_matter_with_a_missing_opinion_is_refused(township, township_admin):
    record = committee(township, due=5, present=5)
    item = agenda_item(township, record, category=AgendaItem.Category.LARGE_SUM)
    opinions = chair_last(record)
    silent = opinions.pop(1)[0]
    with refused("opinions", Code.OPINION_MISSING) as info:
        decide(township_admin, item, opinions)
    assert silent.name in info.value.messages[0]  # the message names who is missing
    assert_nothing_decided(item)


def test_ordinary_matter_needs_no_opinion_from_everyone(township, township_admin):
    record = committee(township, due=5, present=5)
    item = agenda_item(township, record)
    decide(township_admin, item, chair_last(record)[2:], votes_for=5)
    assert AgendaItem.objects.get(pk=item.pk).votes_for == 5


def test_opinion_from_an_absent_member_is_refused(township, township_admin):
    record = committee(township, due=5, present=4)
    absent = record.attendances.get(present=False).cadre
    item = agenda_item(township, record, category=AgendaItem.Category.MAJOR_DECISION)
    with refused("opinions", Code.NOT_PRESENT) as info:
        decide(township_admin, item, [(absent, AGREE, ""), *chair_last(record)])
    assert absent.name in info.value.messages[0]
    assert_nothing_decided(item)


def test_opinion_from_someone_not_due_is_refused(township, township_admin):
    record = committee(township, due=3, present=3)
    outsider = f.CadreFactory(organization=township)
    item = agenda_item(township, record)
    with refused("opinions", Code.NOT_DUE):
        decide(township_admin, item, [(outsider, AGREE, ""), *chair_last(record)])
    assert_nothing_decided(item)


def test_chair_not_last_is_refused(township, township_admin):
    record = committee(township, due=4, present=4)
    item = agenda_item(township, record, category=AgendaItem.Category.MAJOR_DECISION)
    opinions = chair_last(record)
    opinions.insert(0, opinions.pop())  # the chair first
    with refused("opinions", Code.CHAIR_NOT_LAST):
        decide(township_admin, item, opinions)
    assert_nothing_decided(item)


def test_major_matter_outside_a_committee_meeting_is_refused(township, township_admin):
    village = f.VillageFactory(parent=township)
    members = [f.CadreFactory(organization=township) for _ in range(3)]
    record = meeting(village, MeetingKind.BRANCH_COMMITTEE, members=members, present=3)
    with refused("category", Code.MAJOR_OUTSIDE_COMMITTEE):
        services.save_agenda_item(township_admin, AgendaItem(meeting=record, title="修建村道",
                                                             category=AgendaItem.Category.MAJOR_PROJECT))
    item = agenda_item(township, record, category=AgendaItem.Category.MAJOR_PROJECT)  # stored by other means
    with refused("category", Code.MAJOR_OUTSIDE_COMMITTEE):
        decide(township_admin, item, [(m, AGREE, "") for m in members[1:] + members[:1]])
    assert_nothing_decided(item)


def test_decision_before_attendance_is_refused(township, township_admin):
    record = committee(township, due=3, present=None)
    item = agenda_item(township, record)
    with refused(ALL, Code.ATTENDANCE_INCOMPLETE):
        decide(township_admin, item, [])


# --- decided items --------------------------------------------------------------------------------

def test_decided_item_is_reconsidered_only_by_a_new_item(township, township_admin):
    record = committee(township, due=3, present=3, held_on=recent() - datetime.timedelta(days=10))
    item = agenda_item(township, record)
    decide(township_admin, item, chair_last(record))
    item.refresh_from_db()
    with refused(ALL, Code.WRONG_STATE):
        decide(township_admin, item, chair_last(record), outcome=AgendaItem.Outcome.REJECTED)
    item.title = "改名"
    with refused(ALL, Code.WRONG_STATE):
        services.save_agenda_item(township_admin, item)
    with refused(ALL, Code.WRONG_STATE):
        core_services.delete_object(township_admin, item)
    later = committee(township, due=3, present=3)
    again = services.save_agenda_item(township_admin, AgendaItem(meeting=later, title="复议", reconsiders=item))
    decide(township_admin, again, chair_last(later), outcome=AgendaItem.Outcome.REJECTED)
    assert AgendaItem.objects.get(pk=item.pk).outcome == PASSED  # the first decision stays as it was
    pending = agenda_item(township, later)
    with refused("reconsiders", Code.WRONG_STATE):
        services.save_agenda_item(township_admin, AgendaItem(meeting=later, title="再议", reconsiders=pending))


# --- meetings and attendance ------------------------------------------------------------------------

def test_committee_meeting_members_due_are_the_team(township, township_admin):
    members = team(township, 4)
    f.TeamMembershipFactory(team=members[0].memberships.first().team, started_on=recent() + datetime.timedelta(days=1),
                            sort_order=9)  # joins after the meeting
    record = services.save_meeting(township_admin, Meeting(
        organization=township, kind=MeetingKind.COMMITTEE, held_on=recent(), topic="党委会", chair=members[0]))
    due = list(record.attendances.order_by("sort_order").values_list("cadre_id", flat=True))
    assert due == [c.pk for c in members]


def test_meeting_in_the_future_or_of_the_wrong_organization_is_refused(township, township_admin):
    members = team(township, 3)
    with refused("held_on", Code.FUTURE_DATE):
        services.save_meeting(township_admin, Meeting(organization=township, kind=MeetingKind.COMMITTEE,
                                                      held_on=recent() + datetime.timedelta(days=2), topic="x",
                                                      chair=members[0]))
    village = f.VillageFactory(parent=township)
    with refused("kind", Code.WRONG_KIND):
        services.save_meeting(township_admin, Meeting(organization=village, kind=MeetingKind.COMMITTEE,
                                                      held_on=recent(), topic="x", chair=members[0]))
    assert not Meeting.objects.exists()


def test_chair_must_be_a_member_due(township, township_admin):
    members = team(township, 3)
    outsider = f.CadreFactory(organization=township)
    with refused("chair", Code.NOT_DUE):
        services.save_meeting(township_admin, Meeting(organization=township, kind=MeetingKind.COMMITTEE,
                                                      held_on=recent(), topic="x", chair=outsider))
    assert not Meeting.objects.exists() and members


def test_attendance_of_someone_not_due_is_refused_and_nothing_saved(township, township_admin):
    record = committee(township, due=3, present=None)
    members = [a.cadre for a in record.attendances.order_by("sort_order")]
    outsider = f.CadreFactory(organization=township)
    with refused("present", Code.NOT_DUE):
        services.record_attendance(township_admin, record, present=[*members, outsider], absent={})
    with refused("absent", Code.REQUIRED):
        services.record_attendance(township_admin, record, present=members[:2], absent={members[2]: " "})
    with refused("present", Code.ATTENDANCE_INCOMPLETE):
        services.record_attendance(township_admin, record, present=members[:2], absent={})
    with refused("absent", Code.CHAIR_ABSENT):
        services.record_attendance(township_admin, record, present=members[1:], absent={members[0]: "病假"})
    with refused("leaders", Code.WRONG_KIND):
        services.record_attendance(township_admin, record, present=members, absent={}, leaders=[outsider])
    assert not record.attendances.exclude(present=None).exists()
    services.record_attendance(township_admin, record, present=members[:2], absent={members[2]: "病假"})
    assert services.attendance_counts(record) == (3, 2)
    assert record.attendances.get(cadre=members[2]).history.first().history_user == township_admin


def test_leader_attends_a_village_meeting(township, township_admin):
    leader = team(township, 1)[0]
    village = f.VillageFactory(parent=township)
    record = meeting(village, MeetingKind.THEME_PARTY_DAY, members=[], present=None, other_members_due=20)
    services.record_attendance(township_admin, record, present=[], absent={}, leaders=[leader], other_present=18)
    record.refresh_from_db()
    assert services.attendance_counts(record) == (20, 18)
    assert record.attendances.get().role == Attendance.Role.LEADER
    with refused("other_present", Code.OUT_OF_RANGE):
        services.record_attendance(township_admin, record, present=[], absent={}, other_present=21)


def test_another_townships_meeting_is_refused(township, other_township, township_admin):
    record = committee(other_township, due=3, present=3)
    with pytest.raises(PermissionDenied):
        decide(township_admin, agenda_item(other_township, record), chair_last(record))


# --- democratic life meetings -----------------------------------------------------------------------

def test_life_meeting_criticism_and_rectification_on_the_problem_list(township, township_admin):
    members = team(township, 3)
    record = meeting(township, MeetingKind.LIFE_MEETING, members=members, present=3, opinions_solicited=12,
                     opinions_solicited_from="村干部、党员代表")
    services.record_criticism(township_admin, record, members[1], self_criticism="调查研究不够深入",
                              criticism_received="下村次数偏少")
    assert record.attendances.get(cadre=members[1]).self_criticism == "调查研究不够深入"
    problem = services.add_rectification(township_admin, record, description="调研不深入", responsible=members[1],
                                         deadline=recent() + datetime.timedelta(days=90), measures="每月下村四次")
    assert problem.source == Problem.Source.LIFE_MEETING and problem.responsible == members[1]
    assert list(record.rectifications.all()) == [problem]
    with refused("description", Code.REQUIRED):
        services.add_rectification(township_admin, record, description=" ", responsible=members[1],
                                   deadline=recent() + datetime.timedelta(days=90))
    assert record.rectifications.count() == 1
    branch = committee(township, due=3, present=3)
    with refused(ALL, Code.STEP_NOT_READY):
        services.add_rectification(township_admin, branch, description="x", responsible=members[1],
                                   deadline=recent())
