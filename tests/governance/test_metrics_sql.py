"""The governance figures the database counts for the home page and the overview: they agree with
the compliance calendar and the dual organizational life page across period boundaries, minimum
attendance, members leaving mid-year and townships with no meetings, in a number of queries that does
not grow with the county."""
import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banzi.governance import metrics
from banzi.governance.models import Attendance, Frequency, MeetingKind, OrgLifeRule, Threshold
from banzi.org.models import Organization
from tests import dates
from tests import factories as f
from tests.governance.cases import meeting, team

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = 2025


def at_ten(day):
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def calendar_totals(user, year, today):
    """The overview's figures summed from the compliance calendar (the organizations' cells)."""
    totals = {}
    for entry in metrics.compliance(metrics.organizations_with_rules(user), year, today):
        township = entry.organization.township or entry.organization
        row = totals.setdefault(township.pk, [0, 0, 0, 0])
        row[0] += 1
        row[1] += entry.count(metrics.HELD)
        row[2] += entry.count(metrics.MISSING)
        row[3] += entry.count(metrics.SHORT)
    return totals


def overview_totals(user, year, today):
    return {r.township.pk: [r.organizations, r.held, r.missing, r.short]
            for r in metrics.county_overview(user, year, today)}


@pytest.fixture
def county_meetings(township, other_township):
    """新城镇: two villages (one with meetings on the edges of periods, one with none) and an inactive
    village; a half-yearly rule with a strict minimum; a short life meeting of the township. 赵康镇: a
    village and no meeting at all."""
    OrgLifeRule.objects.filter(organization_kind=Organization.Kind.VILLAGE, meeting_kind=MeetingKind.BRANCH_GENERAL
                               ).update(frequency=Frequency.HALF_YEARLY, min_attendance=Threshold.MORE_THAN_HALF)
    OrgLifeRule.objects.filter(organization_kind=Organization.Kind.VILLAGE, meeting_kind=MeetingKind.PARTY_GROUP
                               ).update(is_active=False)
    village = f.VillageFactory(parent=township)
    f.VillageFactory(parent=township)
    closed = f.VillageFactory(parent=township, is_active=False)
    f.VillageFactory(parent=other_township)
    four = [f.CadreFactory(organization=township) for _ in range(4)]
    # Exactly half present on the last day of the first half: short; three of four on the first day of
    # the second half: held; a leader from above is not a member due.
    short = meeting(village, MeetingKind.BRANCH_GENERAL, members=four, held_on=D(YEAR, 6, 30), present=2)
    Attendance.objects.create(meeting=short, cadre=f.CadreFactory(organization=township), present=True,
                              role=Attendance.Role.LEADER)
    meeting(village, MeetingKind.BRANCH_GENERAL, members=four, held_on=D(YEAR, 7, 1), present=3)
    # One of two cadres, but four of five members outside the registry: 5 of 7 is more than half.
    meeting(village, MeetingKind.BRANCH_GENERAL, members=four[:2], held_on=D(YEAR, 12, 31), present=1,
            other_members_due=5, other_members_present=4)
    for day in (D(YEAR, 1, 31), D(YEAR, 2, 1), D(YEAR, 3, 1), D(YEAR, 3, 31), D(YEAR, 12, 31),
                D(YEAR - 1, 12, 31), D(YEAR + 1, 1, 1)):
        meeting(village, MeetingKind.THEME_PARTY_DAY, members=four[:1], held_on=day, present=1)
    for day in (D(YEAR, 3, 31), D(YEAR, 4, 1)):
        meeting(village, MeetingKind.PARTY_LECTURE, members=four[:1], held_on=day, present=1)
    meeting(village, MeetingKind.PARTY_GROUP, members=four[:1], held_on=D(YEAR, 5, 5), present=1)  # inactive rule
    meeting(closed, MeetingKind.THEME_PARTY_DAY, members=four[:1], held_on=D(YEAR, 5, 5), present=1)
    meeting(township, MeetingKind.LIFE_MEETING, members=team(township, 6), held_on=D(YEAR, 1, 10), present=3)
    return village


@pytest.mark.parametrize("today", [D(YEAR, 1, 1), D(YEAR, 3, 31), D(YEAR, 4, 1), D(YEAR, 6, 30), D(YEAR, 7, 1),
                                   D(YEAR, 12, 31), D(YEAR + 1, 1, 1), D(YEAR + 3, 5, 1)])
def test_overview_counts_what_the_calendar_shows(county_meetings, county_admin, township_admin, township,
                                                 other_township, today):
    for user in (county_admin, township_admin):
        assert overview_totals(user, YEAR, today) == calendar_totals(user, YEAR, today)
    rows = {r.township.pk: r for r in metrics.county_overview(county_admin, YEAR, today)}
    # The township with no meeting is listed: every period that has ended is missing.
    quiet = rows[other_township.pk]
    assert quiet.organizations == 2 and quiet.held == quiet.short == 0
    assert quiet.missing == quiet.due
    # The township sees only itself.
    assert [r.township for r in metrics.county_overview(township_admin, YEAR, today)] == [township]


def test_overview_short_and_held_at_the_half_year(county_meetings, county_admin, township):
    [entry] = metrics.compliance([county_meetings], YEAR, today=D(YEAR + 1, 1, 1))
    row = next(r for r in entry.rows if r.rule.meeting_kind == MeetingKind.BRANCH_GENERAL)
    assert [c.status for c in row.cells] == [metrics.SHORT, metrics.HELD]
    theme = next(r for r in entry.rows if r.rule.meeting_kind == MeetingKind.THEME_PARTY_DAY)
    assert [c.status for c in theme.cells] == [metrics.HELD] * 3 + [metrics.MISSING] * 8 + [metrics.HELD]
    assert [len(c.meetings) for c in theme.cells][:3] == [1, 1, 2]
    row = {r.township.pk: r for r in metrics.county_overview(county_admin, YEAR, D(YEAR + 1, 1, 1))}[township.pk]
    # The village's short half and the township's short life meeting (3 of 6 is below two thirds).
    assert row.short == 2


def test_compliance_card_is_the_share_of_due_periods_held(county_meetings, county_admin, travel):
    travel.move_to(at_ten(D(YEAR + 1, 1, 1)))
    rows = metrics.county_overview(county_admin, YEAR + 1)
    [card] = metrics.compliance_cards(county_admin)
    held, due = sum(r.held for r in rows), sum(r.due for r in rows)
    assert card["value"] == (f"{round(100 * held / due)}%" if due else "—")


def add_township(county, year):
    """A township with a team of three, two villages and a year of meetings that the team attends."""
    town = f.TownshipFactory(parent=county)
    members = team(town, 3)
    for village in (f.VillageFactory(parent=town), f.VillageFactory(parent=town)):
        for month in range(1, 4):
            meeting(village, MeetingKind.THEME_PARTY_DAY, members=members[:2], held_on=D(year, month, 3), present=2)
            meeting(village, MeetingKind.BRANCH_COMMITTEE, members=members, held_on=D(year, month, 4), present=3)
    meeting(town, MeetingKind.LIFE_MEETING, members=members, held_on=D(year, 2, 1), present=2)
    return town


def test_home_page_figures_run_a_constant_number_of_queries(county, county_admin, township_admin,
                                                            django_assert_max_num_queries):
    year = dates.this_year()

    def queries(user):
        with CaptureQueriesContext(connection) as ctx:
            metrics.compliance_cards(user)
            metrics.dual_life_short(user)
            metrics.county_overview(user, year)
        return len(ctx.captured_queries)

    add_township(county, year)
    small = {user: queries(user) for user in (county_admin, township_admin)}
    for _ in range(3):
        add_township(county, year)
    for user in (county_admin, township_admin):
        with django_assert_max_num_queries(small[user]):
            metrics.compliance_cards(user)
            metrics.dual_life_short(user)
            metrics.county_overview(user, year)
    # Still the calendar's figures at the larger size.
    assert overview_totals(county_admin, year, None) == calendar_totals(county_admin, year, None)


# --- team members at lower-level organizational life ---------------------------------------------

@pytest.fixture
def dual_life_members(township, other_township):
    """Team members of 2025 of 新城镇 and what each attended (see the test for who is short)."""
    the_team = f.TeamFactory(township=township, elected_on=D(YEAR - 2, 3, 1))
    village = f.VillageFactory(parent=township)

    def member(started_on, ended_on=None, sort_order=0, cadre=None):
        cadre = cadre or f.CadreFactory(organization=township)
        f.TeamMembershipFactory(team=the_team, cadre=cadre, started_on=started_on, ended_on=ended_on,
                                sort_order=sort_order)
        return cadre

    people = {
        "all_year": member(D(YEAR - 2, 3, 1), sort_order=1),
        "left_mid_year": member(D(YEAR - 2, 3, 1), ended_on=D(YEAR, 6, 30), sort_order=2),
        "left_on_new_year": member(D(YEAR - 2, 3, 1), ended_on=D(YEAR, 1, 1), sort_order=3),
        "joins_next_year": member(D(YEAR + 1, 1, 1), sort_order=4),
        "not_present": member(D(YEAR - 2, 3, 1), sort_order=6),
    }
    moved = member(D(YEAR - 2, 3, 1), ended_on=D(YEAR, 5, 1), sort_order=5)
    people["moved"] = member(D(YEAR, 5, 1), sort_order=7, cadre=moved)
    at = people
    meeting(village, MeetingKind.ORG_LIFE, members=[at["all_year"]], held_on=D(YEAR, 1, 1), present=1)
    meeting(village, MeetingKind.BRANCH_GENERAL, members=[at["all_year"], at["left_mid_year"]],
            held_on=D(YEAR, 12, 31), present=2)
    # Last year's meeting, the township's own committee and an absence count for nobody.
    meeting(village, MeetingKind.BRANCH_GENERAL, members=[at["not_present"]], held_on=D(YEAR - 1, 12, 31), present=1)
    meeting(township, MeetingKind.COMMITTEE, members=[at["not_present"]], held_on=D(YEAR, 3, 3), present=1)
    meeting(village, MeetingKind.THEME_PARTY_DAY, members=[at["not_present"]], held_on=D(YEAR, 3, 3), present=0)
    # A member of the other township, attending twice, is not the township's to see.
    other = team(other_township, 1)
    other_village = f.VillageFactory(parent=other_township)
    for day in (D(YEAR, 2, 2), D(YEAR, 2, 3)):
        meeting(other_village, MeetingKind.ORG_LIFE, members=other, held_on=day, present=0)
    return people


def test_dual_life_shortfall_counts_the_members_of_the_year(dual_life_members, township_admin, county_admin):
    people = dual_life_members
    minimum, count, first = metrics.dual_life_shortfall(township_admin, YEAR)
    expected = [people["left_mid_year"].pk, people["moved"].pk, people["not_present"].pk]
    assert minimum == 2 and count == 3
    assert [cadre_id for cadre_id, _name, _n in first] == expected
    assert {cadre_id: n for cadre_id, _name, n in first} == {
        people["left_mid_year"].pk: 1, people["moved"].pk: 0, people["not_present"].pk: 0}
    # The same members, in the same order, as the page lists short.
    rows = metrics.dual_org_life(township_admin, YEAR)
    assert [r.membership.cadre_id for r in rows if r.short_by] == expected
    assert people["all_year"].pk in {r.membership.cadre_id for r in rows}
    assert not {people["left_on_new_year"].pk, people["joins_next_year"].pk} & {r.membership.cadre_id for r in rows}
    # The county also sees the other township's member, who was absent both times.
    _minimum, county_count, _first = metrics.dual_life_shortfall(county_admin, YEAR)
    assert county_count == sum(1 for r in metrics.dual_org_life(county_admin, YEAR) if r.short_by) == 4
    # Only as many as asked for are named.
    assert len(metrics.dual_life_shortfall(county_admin, YEAR, limit=2)[2]) == 2


def test_dual_life_action_names_the_first_members_short(dual_life_members, township_admin, travel):
    travel.move_to(at_ten(D(YEAR, 12, 31)))
    [action] = metrics.dual_life_short(township_admin)
    rows = [r for r in metrics.dual_org_life(township_admin, YEAR) if r.short_by]
    assert action["count"] == len(rows)
    assert [i["label"] for i in action["items"]] == [r.membership.cadre.name for r in rows][:metrics.ITEMS_SHOWN]


def test_dual_life_credit_only_while_on_the_team(township):
    """A team member who leaves mid-year earns the dual organizational life duty for the lower-level
    meetings attended while on the team, not for those after (the day they leave is already after)."""
    from banzi.study import credits, duties

    the_team = f.TeamFactory(township=township, elected_on=D(YEAR - 2, 3, 1))
    leaver = f.CadreFactory(organization=township)
    f.TeamMembershipFactory(team=the_team, cadre=leaver, started_on=D(YEAR - 2, 3, 1), ended_on=D(YEAR, 6, 30))
    village = f.VillageFactory(parent=township)
    before = meeting(village, MeetingKind.ORG_LIFE, members=[leaver], held_on=D(YEAR, 6, 29), present=1)
    on_the_day = meeting(village, MeetingKind.THEME_PARTY_DAY, members=[leaver], held_on=D(YEAR, 6, 30), present=1)
    meeting(village, MeetingKind.BRANCH_GENERAL, members=[leaver], held_on=D(YEAR, 9, 1), present=1)
    got = {(c.duty_key, c.source_id) for c in credits.credits_for({leaver.pk}, D(YEAR, 1, 1), D(YEAR, 12, 31))}
    assert got == {(duties.DUAL_ORG_LIFE, before.pk), (duties.THEME_PARTY_DAY, on_the_day.pk)}
