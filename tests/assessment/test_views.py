"""The assessment pages: the assessment's page with its units and quota counts, the steps, and a
unit's grade entry where grades are proposed and confirmed under the quota (the count shown, a
refusal explained on the page and nothing saved)."""
import datetime

import pytest
from django.urls import reverse

from banzi.assessment.models import Assessee, Assessment, Grade
from banzi.talks.models import Talk
from tests import factories as f

from .factories import assessment, unit_of

pytestmark = pytest.mark.django_db


def _unit_url(parent, township):
    return reverse("assessment:assessment_unit", args=[parent.pk, township.pk])


def test_the_county_confirms_a_unit_under_its_quota_on_the_page(township, county, county_client):
    parent = assessment(county, status=Assessment.Status.COLLECTING)
    people = unit_of(parent, township, 13)
    page = county_client.get(parent.get_absolute_url())
    assert page.status_code == 200 and _unit_url(parent, township) in page.content.decode()
    assert [u["limit"] for u in page.context["units"]] == [2]

    grades = {f"grade_{a.pk}": (Grade.EXCELLENT if i < 3 else Grade.COMPETENT) for i, a in enumerate(people)}
    response = county_client.post(_unit_url(parent, township), {**grades, "action": "confirm"}, follow=True)
    body = response.content.decode()
    assert "At most 2 of the 13" in body
    assert not Assessee.objects.exclude(confirmed_grade="").exists()

    grades[f"grade_{people[2].pk}"] = Grade.COMPETENT
    response = county_client.post(_unit_url(parent, township), {**grades, "action": "confirm"}, follow=True)
    assert Assessee.objects.filter(confirmed_grade=Grade.EXCELLENT).count() == 2
    assert response.context["sheet"]["quota"]["given"] == 2
    assert 'data-figure="quota">2 / 2<' in response.content.decode()


def test_the_grade_entry_shows_each_disqualifier_with_a_link(township, county, county_client):
    parent = assessment(county, status=Assessment.Status.COLLECTING)
    person = unit_of(parent, township, 1)[0]
    talk = Talk.objects.create(talker=f.CadreFactory(organization=township), talkee=person.cadre,
                               held_on=datetime.date(2026, 6, 1), kind=Talk.Kind.ADMONISHMENT)
    body = county_client.get(_unit_url(parent, township)).content.decode()
    assert reverse("talks:talk_detail", args=[talk.pk]) in body and 'data-rule="admonishment"' in body


def test_a_township_proposes_its_own_day_to_day_grades_and_cannot_confirm(township, other_township, township_client,
                                                                          other_township_admin, client_for):
    parent = assessment(township, status=Assessment.Status.COLLECTING)
    people = unit_of(parent, township, 3, clean=False)
    grades = {f"grade_{a.pk}": Grade.FAIRLY_GOOD for a in people}
    township_client.post(_unit_url(parent, township), {**grades, "action": "propose"})
    assert set(Assessee.objects.values_list("proposed_grade", flat=True)) == {Grade.FAIRLY_GOOD}
    township_client.post(_unit_url(parent, township), {**grades, "action": "confirm"})
    assert not Assessee.objects.exclude(confirmed_grade="").exists()
    other = client_for(other_township_admin)
    assert other.get(_unit_url(parent, township)).status_code == 404
    assert other.post(_unit_url(parent, township), {**grades, "action": "propose"}).status_code == 404


def test_reopening_on_the_page_needs_a_reason(township, county, county_client):
    parent = assessment(county, status=Assessment.Status.CONFIRMED)
    person = unit_of(parent, township, 1)[0]
    Assessee.objects.filter(pk=person.pk).update(confirmed_grade=Grade.COMPETENT)
    url = reverse("assessment:assessment_reopen", args=[parent.pk])
    assert url in county_client.get(parent.get_absolute_url()).content.decode()
    county_client.post(url, {"reopen-reason": ""})
    parent.refresh_from_db()
    assert parent.status == Assessment.Status.CONFIRMED
    county_client.post(url, {"reopen-reason": "复核"})
    parent.refresh_from_db()
    assert (parent.status, parent.reopen_reason) == (Assessment.Status.COLLECTING, "复核")
    assert Assessee.objects.get(pk=person.pk).confirmed_grade == ""


def test_codes_are_issued_on_the_page_and_shown_once(township, county, county_client, township_client):
    from banzi.assessment import services
    from banzi.assessment.models import BallotCode

    from .factories import groups

    parent = assessment(county, status=Assessment.Status.COLLECTING)
    person = unit_of(parent, township, 1, clean=False)[0]
    group = groups(parent, township)["team_members"]
    url = reverse("assessment:evaluationgroup_issue_codes", args=[group.pk])
    assert url in county_client.get(group.get_absolute_url()).content.decode()
    response = county_client.post(url, {"codes-count": "4"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    codes = [c.split(">")[-1] for c in response.content.decode().split("</div>") if "data-code>" in c]
    assert len(codes) == 4 and BallotCode.objects.filter(group=group).count() == 4
    services.cast_ballot(codes[0], {person.pk: Grade.COMPETENT})  # as printed, with its hyphen
    assert 'data-figure="used">1<' in county_client.get(group.get_absolute_url()).content.decode()
    assert township_client.post(url, {"codes-count": "4"}).status_code == 403
    assert BallotCode.objects.count() == 4


def test_a_paper_ballot_is_entered_on_the_page(township, county, county_client):
    from .factories import groups

    parent = assessment(county, status=Assessment.Status.COLLECTING)
    people = unit_of(parent, township, 2, clean=False)
    group = groups(parent, township)["public_representatives"]
    url = reverse("assessment:evaluationgroup_paper_ballot", args=[group.pk])
    county_client.post(url, {f"ballot-a{people[0].pk}": Grade.INCOMPETENT, f"ballot-a{people[1].pk}": ""})
    assert [(v.assessee_id, v.grade) for v in group.ballots.get().votes.all()] == [(people[0].pk, Grade.INCOMPETENT)]
    response = county_client.post(url, {f"ballot-a{people[0].pk}": "", f"ballot-a{people[1].pk}": ""}, follow=True)
    assert "A ballot grades at least one assessee." in response.content.decode()
    assert group.ballots.count() == 1
