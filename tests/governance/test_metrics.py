"""Figures computed from meetings: the compliance calendar across quarter and year boundaries, the
minimum attendance of a rule, the county overview, team members' dual organizational life, and the
group study and duty credits the study app reads (enter once)."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banzi.core import clock
from banzi.governance import metrics
from banzi.governance.models import MeetingKind, OrgLifeRule
from banzi.study import credits, duties, sources
from banzi.study.models import StudyKind
from tests import dates
from tests import factories as f
from tests.governance.cases import meeting, team

pytestmark = pytest.mark.django_db

D = datetime.date


def statuses(entry, kind):
    row = next(r for r in entry.rows if r.rule.meeting_kind == kind)
    return [c.status for c in row.cells]


def test_seeded_rules_are_the_articles_defaults():
    rules = {(r.organization_kind, r.meeting_kind): (r.frequency, r.min_attendance) for r in OrgLifeRule.objects.all()}
    assert rules[("village", "branch_general")] == ("quarterly", "")
    assert rules[("village", "branch_committee")] == ("monthly", "")
    assert rules[("village", "party_group")] == ("monthly", "")
    assert rules[("village", "party_lecture")] == ("quarterly", "")
    assert rules[("village", "theme_party_day")] == ("monthly", "")
    assert rules[("village", "org_life")] == ("yearly", "")
    assert rules[("village", "democratic_appraisal")] == ("yearly", "")
    assert rules[("township", "life_meeting")] == ("yearly", "two_thirds")


def test_quarters_and_year_boundaries(township):
    village = f.VillageFactory(parent=township)
    chair = [f.CadreFactory(organization=township)]
    # Last day of Q1 counts for Q1 only; the first day of Q3 for Q3; 31 December of the year before for nothing.
    for day in (D(2025, 3, 31), D(2025, 7, 1), D(2024, 12, 31), D(2026, 1, 1)):
        meeting(village, MeetingKind.BRANCH_GENERAL, members=chair, held_on=day, present=1)
    [entry] = metrics.compliance([village], 2025, today=D(2025, 11, 15))
    assert statuses(entry, MeetingKind.BRANCH_GENERAL) == ["held", "missing", "held", "not_due"]
    # On 1 January the last quarter has ended without a meeting: it is missing.
    [entry] = metrics.compliance([village], 2025, today=D(2026, 1, 1))
    assert statuses(entry, MeetingKind.BRANCH_GENERAL) == ["held", "missing", "held", "missing"]
    # Monthly: on 31 May, May is still open (not yet due) and the months after it too.
    [entry] = metrics.compliance([village], 2025, today=D(2025, 5, 31))
    assert statuses(entry, MeetingKind.BRANCH_COMMITTEE) == ["missing"] * 4 + ["not_due"] * 8
    # The year's only yearly meeting not yet held in May is not yet due.
    assert statuses(entry, MeetingKind.ORG_LIFE) == ["not_due"]
    # December held on its last day.
    meeting(village, MeetingKind.BRANCH_COMMITTEE, members=chair, held_on=D(2025, 12, 31), present=1)
    [entry] = metrics.compliance([village], 2025, today=D(2025, 12, 31))
    assert statuses(entry, MeetingKind.BRANCH_COMMITTEE) == ["missing"] * 11 + ["held"]


def test_life_meeting_needs_two_thirds_attending(township):
    members = team(township, 6)
    meeting(township, MeetingKind.LIFE_MEETING, members=members, held_on=D(2025, 1, 10), present=3)
    [entry] = metrics.compliance([township], 2025, today=D(2026, 1, 1))
    assert statuses(entry, MeetingKind.LIFE_MEETING) == ["short"]
    meeting(township, MeetingKind.LIFE_MEETING, members=members, held_on=D(2025, 1, 20), present=4)  # exactly 2/3
    [entry] = metrics.compliance([township], 2025, today=D(2026, 1, 1))
    assert statuses(entry, MeetingKind.LIFE_MEETING) == ["held"]


def test_overview_sums_the_organizations_of_each_township(township, other_township, county_admin):
    village = f.VillageFactory(parent=township)
    chair = [f.CadreFactory(organization=township)]
    for month in range(1, 13):
        meeting(village, MeetingKind.THEME_PARTY_DAY, members=chair, held_on=D(2024, month, 5), present=1)
    rows = {r.township.pk: r for r in metrics.county_overview(county_admin, 2024, today=D(2025, 3, 1))}
    row = rows[township.pk]
    # The township (1 rule) and its village (7 rules: 4+12+12+4+12+1+1 = 46 periods), all ended.
    assert row.organizations == 2
    assert (row.held, row.missing, row.short) == (12, 46 + 1 - 12, 0)
    assert row.rate == round(100 * 12 / 47)
    assert rows[other_township.pk].held == 0


def test_dual_org_life_counts_lower_level_meetings_against_two(township, township_admin):
    head, member = team(township, 2)
    village = f.VillageFactory(parent=township)
    year = clock.today().year
    record = meeting(village, MeetingKind.ORG_LIFE, members=[head], held_on=D(year, 1, 5), present=1)
    meeting(village, MeetingKind.THEME_PARTY_DAY, members=[head, member], held_on=D(year, 1, 6), present=1)
    meeting(township, MeetingKind.COMMITTEE, members=[head, member], held_on=D(year, 1, 7), present=2)  # not lower
    meeting(village, MeetingKind.BRANCH_GENERAL, members=[head], held_on=D(year - 1, 12, 31), present=1)  # last year
    rows = {r.membership.cadre_id: r for r in metrics.dual_org_life(township_admin, year)}
    assert rows[head.pk].count == 2 and rows[head.pk].short_by == 0
    assert rows[member.pk].count == 0 and rows[member.pk].short_by == 2
    assert record in rows[head.pk].attended


def test_meetings_are_group_study_and_duty_credits(township):
    head, member = team(township, 2)
    village = f.VillageFactory(parent=township)
    villager = f.CadreFactory(organization=township)
    year = clock.today().year
    start, end = D(year, 1, 1), D(year, 12, 31)
    study = meeting(township, MeetingKind.CENTRAL_GROUP, members=[head, member], held_on=D(year, 1, 3), present=1,
                    duration_minutes=150)
    lecture = meeting(village, MeetingKind.PARTY_LECTURE, members=[villager], held_on=D(year, 1, 4), present=1,
                      lecturer=head)
    theme = meeting(village, MeetingKind.THEME_PARTY_DAY, members=[head, villager], held_on=D(year, 1, 5), present=2)
    appraisal = meeting(village, MeetingKind.DEMOCRATIC_APPRAISAL, members=[member], held_on=D(year, 1, 6), present=1)
    meeting(township, MeetingKind.COMMITTEE, members=[head], held_on=D(year, 1, 7), present=1)  # proves nothing

    studies = {s.source_id: s for s in sources.group_studies(start, end)}
    assert set(studies) == {study.pk, lecture.pk}
    assert studies[study.pk].kind == StudyKind.COMMITTEE_THEORY and studies[study.pk].attendee_ids == {head.pk}
    assert studies[study.pk].minutes == 150
    assert studies[lecture.pk].kind == StudyKind.PARTY_LECTURE and studies[lecture.pk].lecturer_id == head.pk
    assert [s.source_id for s in sources.group_studies(start, end, cadre_ids={member.pk})] == []
    assert [s.source_id for s in sources.group_studies(start, end, organization_ids={village.pk})] == [lecture.pk]

    got = {(c.cadre_id, c.duty_key, c.source_id) for c in credits.credits_for({head.pk, member.pk, villager.pk},
                                                                               start, end)}
    assert got == {
        (head.pk, duties.PARTY_LECTURE, lecture.pk),
        (head.pk, duties.THEME_PARTY_DAY, theme.pk),
        (head.pk, duties.DUAL_ORG_LIFE, theme.pk),  # a team member at a lower-level branch
        (villager.pk, duties.THEME_PARTY_DAY, theme.pk),  # not a team member: no dual organizational life
        (member.pk, duties.DEMOCRATIC_APPRAISAL, appraisal.pk),
        (member.pk, duties.DUAL_ORG_LIFE, appraisal.pk),
    }


def test_providers_run_a_constant_number_of_queries(township):
    year = clock.today().year
    start, end = D(year, 1, 1), D(year, 12, 31)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            credits.credits_for(set(range(1, 500)), start, end)
            sources.group_studies(start, end)
        return len(ctx.captured_queries)

    village = f.VillageFactory(parent=township)
    members = team(township, 3)
    meeting(village, MeetingKind.THEME_PARTY_DAY, members=members, held_on=D(year, 1, 5), present=3)
    meeting(township, MeetingKind.CENTRAL_GROUP, members=members, held_on=D(year, 1, 5), present=3)
    few = queries()
    for day in range(6, 16):
        meeting(village, MeetingKind.THEME_PARTY_DAY, members=members, held_on=D(year, 1, day), present=3)
        meeting(township, MeetingKind.CENTRAL_GROUP, members=members, held_on=D(year, 1, day), present=3,
                lecturer=members[0])
    assert queries() == few


def test_dashboard_lists_team_members_short_of_two(township, township_admin):
    head, member = team(township, 2)
    village = f.VillageFactory(parent=township)
    earlier = dates.earlier_this_year(30)  # this year's count: on 1 January, today's meetings
    for kind in (MeetingKind.ORG_LIFE, MeetingKind.THEME_PARTY_DAY):
        meeting(village, kind, members=[head], held_on=earlier, present=1)
    [action] = metrics.dual_life_short(township_admin)
    assert action["count"] == 1 and [i["label"] for i in action["items"]] == [member.name]
    [card] = metrics.compliance_cards(township_admin)
    assert card["value"].endswith("%") or card["value"] == "—"
