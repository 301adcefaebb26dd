"""The annual assessment end to end in Chromium, on a small county built with the services: a voter
votes on a phone with a one-time code (refused the second time); the county user, on the unit's
grade page, sees the quota count (20 % of 6 rounded down: 1), is refused a grade over the quota in
Chinese, confirms the unit, confirms and publishes the assessment, nominates the head from the
"Nominate" link, decides the 好班长, downloads the notice (.docx) and finds the head on the
promotion-priority list (three excellent years running, the two earlier ones from the archive)."""
import datetime
import io

import pytest
from docx import Document
from playwright.sync_api import expect

from banzi.assessment import services
from banzi.assessment.models import Assessee, Assessment, AssessmentGroup, Award, Ballot, Grade
from banzi.core.roles import Role
from tests import factories as f
from tests.assessment.factories import YEAR, clean_record, confirmed_result

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "带头落实全面从严治党主体责任，抓班子带队伍成效明显。"


def _collecting(county, township, admin):
    """The annual assessment collecting, filled from the township's team: its head and five members."""
    team = f.TeamFactory(township=township)
    head = f.TeamMembershipFactory(team=team, is_head=True, position=f.PositionFactory(name="党委书记"),
                                   cadre=f.CadreFactory(organization=township, name="王书记")).cadre
    for cadre in [head, *(f.TeamMembershipFactory(team=team).cadre for _i in range(5))]:
        clean_record(cadre)
    assessment = services.save_assessment(admin, Assessment(
        kind=Assessment.Kind.ANNUAL, title=f"{YEAR}年度乡镇领导班子和领导干部年度考核", year=YEAR,
        starts_on=datetime.date(YEAR, 1, 1), ends_on=datetime.date(YEAR, 12, 31), organization=county))
    services.fill_from_teams(admin, assessment, units=[township])
    services.start_collecting(admin, assessment)
    groups = services.create_default_groups(admin, assessment, township)
    return assessment, head, groups


def test_a_vote_then_grades_under_quota_awards_notice_and_priority(live_server, open_page, log_in, county,
                                                                    township):
    admin = f.UserFactory(username="zuzhibu", role=Role.COUNTY_ADMIN)
    assessment, head, groups = _collecting(county, township, admin)
    people = {a.cadre_id: a for a in assessment.assessees.filter(cadre__isnull=False)}
    assert len(people) == 6
    team = assessment.assessees.get(category=Assessee.Category.TEAM)
    code = services.issue_codes(admin, groups[0], 1)[0]

    # A voter on a phone: the code, the ballot (the head excellent, the rest competent, the team good).
    phone = open_page(PHONE)
    phone.goto(f"{live_server.url}/assessment/vote/")
    phone.fill("#id_code", code)
    phone.click("#code-form button[type=submit]")
    expect(phone.locator("fieldset[data-assessee]")).to_have_count(7)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for cadre, assessee in people.items():
        phone.locator(f"label[for=id_a{assessee.pk}_{0 if cadre == head.pk else 1}]").click()
    phone.locator(f"label[for=id_a{team.pk}_0]").click()
    phone.click("#ballot button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/assessment/vote/thanks/")
    expect(phone.locator("#thanks")).to_be_visible()
    assert Ballot.objects.filter(group__assessment=assessment).count() == 1
    phone.goto(f"{live_server.url}/assessment/vote/")
    phone.fill("#id_code", code)
    phone.click("#code-form button[type=submit]")
    expect(phone.locator("#code-form .alert-danger")).to_contain_text("一码一票")
    assert Ballot.objects.filter(group__assessment=assessment).count() == 1

    # The county on the unit's grade page: 20 % of 6 is 1; two excellent are refused, one is confirmed.
    page = open_page()
    log_in(page, "zuzhibu", f.PASSWORD)
    unit_url = f"{live_server.url}/assessment/assessments/{assessment.pk}/units/{township.pk}/"
    page.goto(unit_url)
    quota = page.locator("[data-figure=quota]")
    expect(quota).to_have_text("0 / 1")
    expect(page.locator("#quota")).to_contain_text("6")
    other = next(a for cadre, a in people.items() if cadre != head.pk)

    def choose(grades):
        for pk, grade in grades.items():
            page.select_option(f"select[name=grade_{pk}]", grade)

    grades = {a.pk: Grade.COMPETENT for a in people.values()} | {team.pk: Grade.GOOD}
    choose(grades | {people[head.pk].pk: Grade.EXCELLENT, other.pk: Grade.EXCELLENT})
    page.click("button[value=confirm]")
    alert = page.locator(".alert-danger")
    expect(alert).to_contain_text("评为“优秀”的不得超过 1 人（20%，向下取整）；现为 2 人")
    assert not assessment.assessees.exclude(confirmed_grade="").exists()
    choose(grades | {people[head.pk].pk: Grade.EXCELLENT})
    page.click("button[value=confirm]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(quota).to_have_text("1 / 1")
    confirmed = dict(assessment.assessees.values_list("pk", "confirmed_grade"))
    assert list(confirmed.values()).count(Grade.EXCELLENT) == 1 and confirmed[people[head.pk].pk] == Grade.EXCELLENT
    assert confirmed[team.pk] == Grade.GOOD and "" not in confirmed.values()

    # The assessment confirmed and published through its steps.
    detail = f"{live_server.url}/assessment/assessments/{assessment.pk}/"
    for step, status in (("confirm", Assessment.Status.CONFIRMED), ("publish", Assessment.Status.PUBLISHED)):
        page.goto(detail)
        page.click(f"#steps form[action$='/{step}/'] button")
        expect(page.locator(".alert-success")).to_be_visible()
        assessment.refresh_from_db()
        assert assessment.status == status

    # The head nominated from the unit's page ("Nominate", the form prefilled), then the county decides.
    page.goto(unit_url)
    expect(page.locator("[data-nominate]")).to_have_count(2)  # the head's excellent and the team's good
    page.click(f"[data-nominate='{people[head.pk].pk}']")
    expect(page.locator("#id_kind")).to_have_value(Award.Kind.GOOD_HEAD)
    expect(page.locator("#id_assessee")).to_have_value(str(people[head.pk].pk))
    page.fill("#id_reason", REASON)
    page.click("button[accesskey=s]")
    page.click("#steps form[action$='/decide/'] button")
    expect(page.locator(".alert-success")).to_be_visible()
    award = Award.objects.get()
    assert (award.kind, award.assessee_id, award.status, award.reason) == (
        Award.Kind.GOOD_HEAD, people[head.pk].pk, Award.Status.DECIDED, REASON)

    # The notice of the awards (.docx): the 好班长 and the head's name.
    page.goto(detail)
    expect(page.locator(f"#awards tr[data-award='{award.pk}']")).to_contain_text("好班长")
    with page.expect_download() as download:
        page.click("#award-notice")
    text = "\n".join(p.text for p in Document(io.BytesIO(download.value.path().read_bytes())).paragraphs)
    assert "好班长" in text and "王书记" in text and REASON in text

    # The promotion-priority list: the head, excellent three years running and decided 好班长.
    for year in (YEAR - 2, YEAR - 1):
        confirmed_result(township, cadre=head, category=Assessee.Category.TEAM_HEAD, year=year,
                         status=Assessment.Status.PUBLISHED)
    page.goto(f"{live_server.url}/assessment/priority/")
    row = page.locator(f"tr[data-cadre='{head.pk}']")
    expect(row).to_contain_text("王书记")
    expect(row).to_contain_text("连续3年优秀")
    expect(page.locator("tr[data-cadre]")).to_have_count(1)


def test_forming_an_assessment_group_withdraws_an_insider(live_server, open_page, log_in, county, township):
    """On the assessment's page the county forms a group: a cadre of the township assessed is refused in
    Chinese (回避) and nothing is saved; without them the group is saved and listed on the page."""
    admin = f.UserFactory(username="zuzhibu", role=Role.COUNTY_ADMIN)
    assessment, _head, _groups = _collecting(county, township, admin)
    department = f.DepartmentFactory(parent=county, name="县委组织部")
    leader = f.CadreFactory(organization=department, name="赵组长")
    member = f.CadreFactory(organization=department, name="钱干事")
    insider = f.CadreFactory(organization=township, name="李镇干")
    page = open_page()
    log_in(page, "zuzhibu", f.PASSWORD)
    detail = f"{live_server.url}/assessment/assessments/{assessment.pk}/"
    page.goto(detail)
    expect(page.locator("#assessment-groups")).to_contain_text("尚未组建考核组")
    page.click("#add-assessment-group")
    expect(page.locator("#id_assessment")).to_have_value(str(assessment.pk))
    page.fill("#id_name", "第一考核组")
    page.select_option("#id_leader", str(leader.pk))
    page.select_option("#id_members", [str(member.pk), str(insider.pk)])
    page.select_option("#id_units", [str(township.pk)])
    page.click("form.card button[type=submit]")
    expect(page.locator(".invalid-feedback")).to_contain_text("应当回避")
    assert not AssessmentGroup.objects.exists()
    page.select_option("#id_members", [str(member.pk)])
    page.click("form.card button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    group = AssessmentGroup.objects.get()
    assert list(group.members.all()) == [member] and list(group.units.all()) == [township]
    page.goto(detail)
    row = page.locator(f"[data-assessment-group='{group.pk}']")
    expect(row).to_contain_text("赵组长")
    expect(row).to_contain_text(township.name)
