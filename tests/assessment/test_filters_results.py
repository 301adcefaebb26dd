"""The assessee and award lists' filters the year-end report links to: the township, the end of the
assessment's period, results confirmed or published, and the date an award was decided."""
import datetime

from django.urls import reverse

from banzi.assessment.models import Assessment, Award, Grade
from banzi.core import clock
from tests.assessment import factories as af

D = datetime.date


def _pks(client, name, query):
    response = client.get(f"{reverse(name)}?{query}")
    assert response.status_code == 200
    return {row.record.pk for row in response.context["table"].paginator.object_list}


def _assessment(ends_on, status):
    return af.assessment(kind=Assessment.Kind.SPECIAL, year=ends_on.year, starts_on=D(ends_on.year, 1, 1),
                         ends_on=ends_on, status=status)


def test_assessees_by_the_end_of_the_period_and_results_out(township, other_township, county_client,
                                                             township_client):
    year = clock.today().year
    published = _assessment(D(year, 6, 30), Assessment.Status.PUBLISHED)
    collecting = _assessment(D(year, 6, 30), Assessment.Status.COLLECTING)
    later = _assessment(D(year, 11, 30), Assessment.Status.CONFIRMED)
    mine = af.confirmed_result(township, parent=published, grade=Grade.EXCELLENT)
    unpublished = af.confirmed_result(township, parent=collecting, grade=Grade.EXCELLENT)
    second_half = af.confirmed_result(township, parent=later, grade=Grade.EXCELLENT)
    theirs = af.confirmed_result(other_township, parent=published, grade=Grade.EXCELLENT)
    first_half = f"ends_after={year}-01-01&ends_before={year}-06-30"
    assert _pks(county_client, "assessment:assessee_list", first_half) >= {mine.pk, unpublished.pk, theirs.pk}
    assert second_half.pk not in _pks(county_client, "assessment:assessee_list", first_half)
    assert _pks(county_client, "assessment:assessee_list", f"{first_half}&results=true") == {mine.pk, theirs.pk}
    assert unpublished.pk in _pks(county_client, "assessment:assessee_list", f"{first_half}&results=false")
    assert _pks(county_client, "assessment:assessee_list", f"{first_half}&results=true&township={township.pk}") == {
        mine.pk}
    # A township's user: their own assessees only.
    assert _pks(township_client, "assessment:assessee_list", f"{first_half}&results=true") == {mine.pk}


def test_awards_by_the_day_decided_and_the_township(township, other_township, county_client, township_client):
    year = clock.today().year
    parent = _assessment(D(year, 6, 30), Assessment.Status.PUBLISHED)

    def award(each, day):
        result = af.confirmed_result(each, parent=parent, grade=Grade.EXCELLENT)
        return Award.objects.create(assessment=parent, assessee=result, kind=Award.Kind.GOOD_BACKBONE, reason="业绩突出",
                                    status=Award.Status.DECIDED, decided_on=day)

    early, late, theirs = award(township, D(year, 3, 1)), award(township, D(year, 9, 1)), award(other_township,
                                                                                                D(year, 3, 1))
    first_half = f"decided_after={year}-01-01&decided_before={year}-06-30"
    assert _pks(county_client, "assessment:award_list", first_half) == {early.pk, theirs.pk}
    assert _pks(county_client, "assessment:award_list", f"{first_half}&township={township.pk}") == {early.pk}
    assert _pks(township_client, "assessment:award_list", first_half) == {early.pk}
    assert late.pk in _pks(township_client, "assessment:award_list", "")
