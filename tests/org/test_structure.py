"""The team structure (班子结构): every figure recomputed here row by row from the records at two dates and
on election day, the structure rules at their boundaries, scoping, flat query counts, the page, its
Excel export and the API."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banzi.cadres.models import EducationRecord
from banzi.core import clock
from banzi.core.models import AuditEvent, Rule
from banzi.org import structure
from banzi.org.models import Cadre, TeamMembership
from tests import factories as f
from tests.api import api_for
from tests.generic import xlsx_rows

pytestmark = pytest.mark.django_db

D = datetime.date
ELECTION, PREVIOUS = D(2026, 10, 10), D(2021, 10, 10)
EARLY, TODAY = D(2026, 11, 1), D(2026, 12, 2)  # the clock is pinned at 2026-12-02
UNIVERSITY = {"postgraduate", "university"}
ORDER = structure.EDUCATION_ORDER


def member(team, started_on=None, position="党委委员", **cadre):
    person = f.CadreFactory(organization=team.township, **cadre)
    return f.TeamMembershipFactory(team=team, cadre=person, position=f.PositionFactory(name=position),
                                   started_on=started_on or team.elected_on)


@pytest.fixture
def teams(township, other_township):
    """The township's previous and current teams, with members of every kind; another township's team."""
    previous = f.TeamFactory(township=township, elected_on=PREVIOUS)
    team = f.TeamFactory(township=township, elected_on=ELECTION)
    # Turns 36 on 2026-11-20, between the two dates; a woman with in-service university education.
    member(team, gender=Cadre.Gender.FEMALE, birth_date=D(1990, 11, 20), id_number=None,
           education_fulltime="college", education_inservice="university")
    # Leaves the team on 2026-11-15: counted on the first date only. Stayed on from the previous team.
    leaving = member(team, birth_date=D(1970, 5, 5), education_fulltime="postgraduate",
                     party_joined_on=D(1995, 7, 1))
    f.TeamMembershipFactory(team=previous, cadre=leaving.cadre, started_on=PREVIOUS, ended_on=ELECTION,
                            position=f.PositionFactory(name="副书记"))
    TeamMembership.objects.filter(pk=leaving.pk).update(ended_on=D(2026, 11, 15))
    # Two positions in the team: counted once; promoted on election day; Hui nationality.
    head = member(team, position="党委书记", birth_date=D(1980, 2, 29), ethnicity="回族", is_newly_promoted=True,
                  promoted_on=ELECTION, education_fulltime="university", party_joined_on=D(2005, 6, 1))
    f.TeamMembershipFactory(team=team, cadre=head.cadre, position=f.PositionFactory(name="人大主席"),
                            started_on=D(2026, 10, 20))
    # Joins after the first date; joined the Party between the two dates; promoted before the term.
    member(team, started_on=D(2026, 11, 20), birth_date=D(1985, 12, 2), party_joined_on=D(2026, 11, 10),
           promoted_on=D(2019, 3, 1), education_fulltime="high_school", education_inservice="college")
    # Stayed on, no education recorded, aged 56 or over.
    old = member(team, birth_date=D(1969, 1, 1), party_joined_on=D(1990, 1, 1))
    f.TeamMembershipFactory(team=previous, cadre=old.cadre, started_on=D(2023, 1, 1), ended_on=ELECTION)
    other = f.TeamFactory(township=other_township, elected_on=D(2026, 10, 12))
    member(other, gender=Cadre.Gender.FEMALE, birth_date=D(1995, 1, 1), education_fulltime="university")
    return {"team": team, "previous": previous, "other": other}


# --- the figures, recomputed from the records ------------------------------------------------------------

def age(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def full_months(start, day):
    return (day.year - start.year) * 12 + day.month - start.month - (start.day > day.day)


def expected(team, day):
    """The team's figures on `day`, from its memberships one by one (no SQL aggregate)."""
    serving = [m for m in TeamMembership.objects.filter(team=team).select_related("cadre").order_by("started_on", "pk")
               if m.started_on <= day and (m.ended_on is None or m.ended_on > day)]
    firsts = {}
    for m in serving:
        firsts.setdefault(m.cadre_id, m)
    rows = list(firsts.values())
    previous = (type(team).objects.filter(township=team.township, elected_on__lt=team.elected_on)
                .order_by("-elected_on").first())
    previous_cadres = set(TeamMembership.objects.filter(team=previous).values_list("cadre_id", flat=True)) \
        if previous else set()
    figures = {key: 0 for key in structure.aggregates(structure.Reference(day), 35)}
    figures.pop("average_months_in_post")
    ages, months = [], []
    for m in rows:
        c = m.cadre
        years = age(c.birth_date, day)
        ages.append(years)
        months.append(full_months(m.started_on, day))
        figures["members"] += 1
        band = "35_or_under" if years <= 35 else "36_45" if years <= 45 else "46_55" if years <= 55 else "56_or_over"
        figures[f"age_{band}"] += 1
        figures["young"] += years <= 35
        figures["women"] += c.gender == Cadre.Gender.FEMALE
        levels = [e for e in (c.education_fulltime, c.education_inservice) if e]
        highest = min(levels, key=ORDER.index) if levels else "unknown"
        figures[f"highest_{highest}"] += 1
        figures[f"fulltime_{c.education_fulltime or 'unknown'}"] += 1
        figures["university_or_above"] += highest in UNIVERSITY
        figures["fulltime_university_or_above"] += c.education_fulltime in UNIVERSITY
        figures["minority"] += c.ethnicity not in ("汉族", "汉", "")
        figures["party_members"] += bool(c.party_joined_on and c.party_joined_on <= day)
        promoted = bool(c.promoted_on and team.elected_on <= c.promoted_on <= day and c.promoted_on < team.term_ends_on)
        figures["newly_promoted"] += promoted
        figures["stayed_on"] += (not promoted) and c.pk in previous_cadres
        figures["other_newcomers"] += (not promoted) and c.pk not in previous_cadres
        majors = [e.major for e in EducationRecord.objects.filter(cadre=c) if e.major
                  and (e.graduated_on is None or e.graduated_on <= day)]
        fields = {key for key, _label, words in structure.FIELDS for major in majors if any(w in major for w in words)}
        for key in fields:
            figures[f"field_{key}"] += 1
        figures["economy_agriculture_law"] += bool(fields & set(structure.RURAL_FIELDS))
        figures["field_unknown"] += not majors
    n = figures["members"]
    figures["non_party"] = n - figures["party_members"]
    figures["average_age"] = round(sum(ages) / n, 1) if n else None
    figures["average_years_in_post"] = round(sum(months) / n / 12, 1) if n else None
    figures["university_percent"] = round(figures["university_or_above"] * 100 / n, 1) if n else None
    return figures


def by_team(result):
    return {item.team.pk: item for item in result.teams}


@pytest.mark.parametrize("day", [EARLY, TODAY])
def test_every_figure_is_the_records_counted_one_by_one(teams, county_admin, day):
    result = structure.compute(county_admin, day)
    found = by_team(result)
    assert set(found) == {teams["team"].pk, teams["other"].pk}  # the previous team's term is over
    for team in (teams["team"], teams["other"]):
        assert found[team.pk].figures == expected(team, day), team
        assert found[team.pk].day == day
    county = result.county
    assert county["members"] == sum(expected(t, day)["members"] for t in (teams["team"], teams["other"]))
    assert county["women"] == sum(expected(t, day)["women"] for t in (teams["team"], teams["other"]))


def test_the_two_dates_differ_as_the_records_say(teams, county_admin):
    early = by_team(structure.compute(county_admin, EARLY))[teams["team"].pk].figures
    today = by_team(structure.compute(county_admin, TODAY))[teams["team"].pk].figures
    # The woman born 1990-11-20 moves from "35 or under" to "36 to 45"; the member who left on
    # 2026-11-15 is gone; the one who started on 2026-11-20 has come; the cadre with two posts counts once.
    assert (early["members"], today["members"]) == (4, 4)
    assert (early["age_35_or_under"], today["age_35_or_under"]) == (1, 0)
    assert (early["age_36_45"], today["age_36_45"]) == (0, 2)  # the woman turned 36, the 1985-born joined
    assert (early["stayed_on"], today["stayed_on"]) == (2, 1)
    assert (early["newly_promoted"], today["newly_promoted"]) == (1, 1)
    assert today["other_newcomers"] == 2  # the woman, and the one promoted before the term
    assert (early["party_members"], today["party_members"]) == (3, 3)  # 1970-born left, 1985-born joined


def test_on_election_day_each_team_is_counted_on_its_own_day(teams, county_admin):
    result = structure.compute(county_admin, TODAY, election_day=True)
    found = by_team(result)
    for team in (teams["team"], teams["other"]):
        assert found[team.pk].day == team.elected_on
        assert found[team.pk].figures == expected(team, team.elected_on)
    assert found[teams["team"].pk].figures["members"] == 4  # the later joiner is not there yet
    assert result.county["members"] == 5


def test_a_cadre_born_on_29_february_is_a_year_older_on_1_march(township, county_admin):
    team = f.TeamFactory(township=township, elected_on=ELECTION)
    member(team, birth_date=D(1992, 2, 29))
    on_28, on_1 = D(2027, 2, 28), D(2027, 3, 1)
    figures = by_team(structure.compute(county_admin, on_28))[team.pk].figures
    assert figures["average_age"] == age(D(1992, 2, 29), on_28) == 34
    figures = by_team(structure.compute(county_admin, on_1))[team.pk].figures
    assert figures["average_age"] == 35 and figures["age_35_or_under"] == 1


# --- the structure rules -----------------------------------------------------------------------------------

def rules_broken(user, team, day=TODAY):
    return {s.rule for s in by_team(structure.compute(user, day))[team.pk].shortfalls}


def test_exactly_35_on_the_day_is_young_and_36_is_not(township, county_admin):
    team = f.TeamFactory(township=township, elected_on=ELECTION)
    member(team, birth_date=D(1991, 12, 2), gender=Cadre.Gender.FEMALE, education_fulltime="university")
    assert by_team(structure.compute(county_admin, D(2026, 12, 1)))[team.pk].figures["young"] == 1  # 34
    assert "min_young" not in rules_broken(county_admin, team, D(2027, 12, 1))  # 35 the day before 36
    assert by_team(structure.compute(county_admin, D(2027, 12, 1)))[team.pk].figures["age_35_or_under"] == 1
    assert "min_young" in rules_broken(county_admin, team, D(2027, 12, 2))  # 36 that day
    Rule.objects.create(key=structure.RULE, value={"young_max_age": 36})
    assert "min_young" not in rules_broken(county_admin, team, D(2027, 12, 2))


def test_exactly_60_percent_with_university_education_meets_the_rule(township, county_admin):
    team = f.TeamFactory(township=township, elected_on=ELECTION)
    member(team, gender=Cadre.Gender.FEMALE, birth_date=D(1995, 1, 1), education_fulltime="university")
    member(team, birth_date=D(1990, 1, 1), education_inservice="postgraduate")
    member(team, birth_date=D(1990, 1, 1), education_fulltime="college", education_inservice="university")
    member(team, birth_date=D(1990, 1, 1), education_fulltime="college")
    last = member(team, birth_date=D(1990, 1, 1), education_fulltime="secondary")
    assert rules_broken(county_admin, team) == set()  # 3 of 5: 60 %
    TeamMembership.objects.filter(pk=last.pk).update(ended_on=D(2026, 11, 1))
    member(team, birth_date=D(1990, 1, 1), education_fulltime="college")
    member(team, birth_date=D(1990, 1, 1))
    result = by_team(structure.compute(county_admin))[team.pk]
    assert result.figures["university_percent"] == 50.0
    assert [s.rule for s in result.shortfalls] == ["min_university_percent"]
    assert "50" in result.shortfalls[0].label and "60" in result.shortfalls[0].label


def test_women_and_the_average_age_at_their_limits(township, county_admin):
    team = f.TeamFactory(township=township, elected_on=ELECTION)
    member(team, birth_date=D(1981, 1, 1), education_fulltime="university")  # 45
    member(team, birth_date=D(1995, 1, 1), education_fulltime="university")  # 31
    member(team, birth_date=D(1967, 1, 1), education_fulltime="university")  # 59: average 45 exactly
    assert by_team(structure.compute(county_admin, TODAY))[team.pk].figures["average_age"] == 45.0
    assert rules_broken(county_admin, team) == {"min_women"}
    Rule.objects.create(key=structure.RULE, value={"min_women": 0, "max_average_age": 44})
    assert rules_broken(county_admin, team) == {"max_average_age"}
    Rule.objects.filter(key=structure.RULE).update(value={"min_women": 0, "max_average_age": 0})  # 0: no limit
    assert rules_broken(county_admin, team) == set()


def test_fields_of_study_come_from_the_majors_held_on_the_day(township, county_admin):
    """A major counts in each field whose words it holds; a degree obtained after the day does not count
    yet; the rule on economics, agriculture or law is off by default and falls short at its limit."""
    team = f.TeamFactory(township=township, elected_on=ELECTION)
    agri_econ = member(team, gender=Cadre.Gender.FEMALE, birth_date=D(1995, 1, 1), education_fulltime="university").cadre
    EducationRecord.objects.create(cadre=agri_econ, kind="fulltime", level="university", major="农业经济管理",
                                   graduated_on=D(2016, 7, 1))
    lawyer = member(team, birth_date=D(1990, 1, 1), education_fulltime="university").cadre
    EducationRecord.objects.create(cadre=lawyer, kind="inservice", level="university", major="法学",
                                   graduated_on=D(2026, 12, 20))  # after the day counted
    member(team, birth_date=D(1990, 1, 1), education_fulltime="university")  # no major recorded
    figures = by_team(structure.compute(county_admin, TODAY))[team.pk].figures
    assert figures == expected(team, TODAY)
    assert (figures["field_agriculture"], figures["field_economics"], figures["field_administration"],
            figures["field_law"], figures["economy_agriculture_law"], figures["field_unknown"]) == (1, 1, 1, 0, 1, 2)
    later = by_team(structure.compute(county_admin, D(2027, 1, 4)))[team.pk].figures
    assert (later["field_law"], later["economy_agriculture_law"], later["field_unknown"]) == (1, 2, 1)
    assert "min_economy_agriculture_law" not in rules_broken(county_admin, team)
    Rule.objects.create(key=structure.RULE, value={"min_economy_agriculture_law": 2})
    assert "min_economy_agriculture_law" in rules_broken(county_admin, team)  # 1 of 2 on the day
    assert "min_economy_agriculture_law" not in rules_broken(county_admin, team, D(2027, 1, 4))


def test_a_team_with_nobody_serving_falls_short(township, county_admin):
    team = f.TeamFactory(township=township, elected_on=ELECTION)
    item = by_team(structure.compute(county_admin))[team.pk]
    assert item.figures["members"] == 0 and item.figures["average_age"] is None
    assert [s.rule for s in item.shortfalls] == ["members"]


def test_the_rule_refuses_settings_that_mean_nothing():
    from django.core.exceptions import ValidationError

    from banzi.core import rules
    from banzi.core.errors import Code

    good = rules.get(structure.RULE)
    rules.check(structure.RULE, good)
    for bad in ({"min_university_percent": 120}, {"young_max_age": 0}, {"min_women": -1}):
        with pytest.raises(ValidationError) as caught:
            rules.check(structure.RULE, {**good, **bad})
        assert caught.value.code == Code.OUT_OF_RANGE


# --- scoping, queries ---------------------------------------------------------------------------------------

def test_a_township_sees_its_own_team_alone(teams, township_admin, other_township_admin):
    result = structure.compute(township_admin)
    assert [item.team.pk for item in result.teams] == [teams["team"].pk]
    assert result.county == by_team(result)[teams["team"].pk].figures
    assert [item.team.pk for item in structure.compute(other_township_admin).teams] == [teams["other"].pk]


def test_the_page_is_scoped_and_refused_to_a_cadre(teams, township_client, county_client, cadre_client):
    url = reverse("org:structure")
    page = township_client.get(url).content.decode()
    assert "新城镇" in page and "赵康镇" not in page
    assert f'data-team="{teams["other"].pk}"' not in page
    county_page = county_client.get(url).content.decode()
    assert f'data-team="{teams["other"].pk}"' in county_page and f'data-team="{teams["team"].pk}"' in county_page
    assert cadre_client.get(url).status_code == 403
    assert cadre_client.get(url, {"_export": "xlsx"}).status_code == 403


def test_the_api_is_scoped_and_refused_to_a_cadre(teams, township_admin, county_admin, cadre_user):
    data = api_for(township_admin).get("/api/v1/org/structure/").json()
    assert [t["team"] for t in data["teams"]] == [teams["team"].pk]
    data = api_for(county_admin).get("/api/v1/org/structure/", {"on": EARLY.isoformat()}).json()
    assert {t["team"] for t in data["teams"]} == {teams["team"].pk, teams["other"].pk}
    ours = next(t for t in data["teams"] if t["team"] == teams["team"].pk)
    assert ours["figures"] == expected(teams["team"], EARLY)
    assert ours["day"] == EARLY.isoformat() and data["summary"]["members"] == 5
    elected = api_for(county_admin).get("/api/v1/org/structure/", {"election_day": "1"}).json()
    assert {t["day"] for t in elected["teams"]} == {ELECTION.isoformat(), "2026-10-12"}
    assert api_for(cadre_user).get("/api/v1/org/structure/").status_code == 403
    refused = api_for(county_admin).get("/api/v1/org/structure/", {"on": "2026-13-01"})
    assert refused.status_code == 400 and "invalid" in refused.content.decode()


def _teams_with_members(county, count):
    for _ in range(count):
        team = f.TeamFactory(township=f.TownshipFactory(parent=county), elected_on=ELECTION)
        for _ in range(3):
            member(team, gender=Cadre.Gender.FEMALE, education_fulltime="university")


@pytest.mark.parametrize("election_day", [False, True])
def test_queries_do_not_grow_with_the_teams(county, county_admin, county_client, election_day):
    def queries():
        with CaptureQueriesContext(connection) as direct:
            structure.compute(county_admin, election_day=election_day)
        with CaptureQueriesContext(connection) as page:
            response = county_client.get(reverse("org:structure"), {"election_day": "1" if election_day else ""})
            assert response.status_code == 200
        return len(direct.captured_queries), len(page.captured_queries)

    _teams_with_members(county, 2)
    few = queries()
    _teams_with_members(county, 6)
    f.TeamFactory(township=f.TownshipFactory(parent=county), elected_on=D(2026, 9, 1))  # another election day
    many = queries()
    assert few == many
    assert few[0] <= 4


# --- the page, the export, the team page ----------------------------------------------------------------------

def test_the_page_lists_the_shortfalls_and_draws_the_charts(teams, county_client):
    page = county_client.get(reverse("org:structure")).content.decode()
    assert 'data-short="1"' in page and 'id="structure-shortfalls"' in page
    assert "structure-age-data" in page and "org/structure_chart.js" in page
    assert 'id="structure-age-table"' in page  # the table under the chart
    assert reverse("core:rule_edit", args=[structure.RULE]) in page


def test_an_unreadable_day_falls_back_to_today(teams, county_client):
    response = county_client.get(reverse("org:structure"), {"on": "not-a-day"})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert response.context["on"] == clock.today()


def test_the_export_holds_the_figures_and_is_audited(teams, county_client, county_admin):
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows = xlsx_rows(county_client.get(reverse("org:structure"), {"on": EARLY.isoformat(), "_export": "xlsx"}))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["township", "election date", "term ends on", "figures on"]
    assert header[-1] == "falls short of the structure rules"
    ours = next(r for r in body if r[0] == "新城镇")
    figures = expected(teams["team"], EARLY)
    assert ours[3] == EARLY.isoformat()
    assert ours[header.index("Members")] == str(figures["members"])
    assert ours[header.index("Average age")] == str(figures["average_age"])
    assert ours[header.index("Aged 35 or under")] == str(figures["age_35_or_under"])
    assert ours[header.index("Women")] == str(figures["women"])
    assert ours[header.index("Stayed on from the previous team")] == str(figures["stayed_on"])
    assert "Average age: 48.5" in ours[-1]
    assert {r[0] for r in body} == {"新城镇", "赵康镇"}
    assert AuditEvent.objects.filter(id__gt=since, action=AuditEvent.Action.EXPORT, user=county_admin).count() == 1


def test_the_team_page_shows_its_structure_card(teams, county_client, cadre_client):
    response = county_client.get(teams["team"].get_absolute_url())
    page = response.content.decode()
    today = clock.today()  # the card shows the team today (whatever day the suite runs on)
    assert 'id="team-structure"' in page and f"{reverse('org:structure')}?on={today.isoformat()}" in page
    columns = response.context["structure_card"]["columns"]
    assert [column.day for _title, column in columns] == [ELECTION, today]
    assert [column.figures["members"] for _title, column in columns] == [4, 4]
    past = county_client.get(teams["previous"].get_absolute_url()).context["structure_card"]["columns"]
    assert [column.day for _title, column in past] == [PREVIOUS]  # a past team: its election day only


def test_the_menu_offers_the_page_to_staff(county_client, cadre_client, county_admin):
    url = reverse("org:structure")
    assert f'href="{url}"' in county_client.get("/").content.decode()
    assert f'href="{url}"' not in cadre_client.get("/").content.decode()


def test_a_townships_export_holds_its_own_team_alone(teams, township_client):
    rows = xlsx_rows(township_client.get(reverse("org:structure"), {"_export": "xlsx"}))
    assert [r[0] for r in rows[1:]] == ["新城镇"]


@pytest.mark.zh
def test_the_page_and_the_rule_speak_chinese(teams, county_client):
    page = county_client.get(reverse("org:structure")).content.decode()
    assert "班子结构" in page and "35岁及以下" in page and "全县班子合计" in page
    rule_page = county_client.get(reverse("core:rule_edit", args=[structure.RULE])).content.decode()
    for label in ("女性成员：至少人数", "年轻成员的年龄上限（周岁）", "大学及以上学历（全日制或在职）：占成员的最低百分比",
                  "平均年龄：不超过（岁，0 表示不限）"):
        assert label in rule_page
