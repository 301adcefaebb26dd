"""A voter at the meeting, without an account, votes on a phone in Chromium: the code from the slip,
the ballot of the code's group as large buttons that fit a 390 px screen, the thank-you page; the
same code typed again is refused in Chinese and nothing more is saved."""
import pytest

from banzi.assessment import services
from banzi.assessment.models import Assessment, Ballot, Vote
from tests import factories as f
from tests.assessment.factories import assessee, assessment, groups, unit_of

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_phone_votes_with_a_code_then_the_code_is_refused(live_server, open_page, county):
    township = f.TownshipFactory(parent=county)
    parent = assessment(county, status=Assessment.Status.COLLECTING)
    people = unit_of(parent, township, 2, clean=False)
    team = assessee(parent, township, category="team")
    group = groups(parent, township)["team_members"]
    admin = f.UserFactory(username="zuzhibu", role="county_admin")
    code = services.issue_codes(admin, group, 1)[0]

    page = open_page(PHONE)
    page.goto(f"{live_server.url}/assessment/vote/")
    page.fill("#id_code", f"{code[:5]}-{code[5:]}")
    page.click("#code-form button[type=submit]")
    page.wait_for_selector("#ballot")
    page.wait_for_load_state()  # the ballot's DOM can be there before its stylesheet; measure after it
    assert page.locator("fieldset[data-assessee]").count() == 3

    button = page.locator(f"label[for=id_a{people[0].pk}_1]")  # 称职
    box = button.bounding_box()
    assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    button.click()
    page.locator(f"label[for=id_a{people[1].pk}_0]").click()
    page.locator(f"label[for=id_a{team.pk}_0]").click()
    page.click("#ballot button[type=submit]")
    page.wait_for_url(f"{live_server.url}/assessment/vote/thanks/")
    assert page.locator("#thanks").is_visible()
    assert Ballot.objects.count() == 1 and Vote.objects.count() == 3

    page.goto(f"{live_server.url}/assessment/vote/")
    page.fill("#id_code", code)
    page.click("#code-form button[type=submit]")
    alert = page.locator("#code-form .alert-danger")
    assert "一码一票" in alert.inner_text()
    assert Ballot.objects.count() == 1
