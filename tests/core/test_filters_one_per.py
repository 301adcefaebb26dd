"""`one_per` (core.filters.OnePerFilter): of the rows a list's other filters keep, the first of each
person, place or day, on the rows the user may see; and the filters the year-end report's links use
carry Chinese labels."""
import datetime

import pytest
from django.urls import reverse

from banzi.assessment.filters import AssesseeFilterSet, AwardFilterSet
from banzi.conduct.filters import ViolationFilterSet
from banzi.conduct.models import Violation
from banzi.core import clock
from banzi.practice.filters import PostingFilterSet, RectificationGroupFilterSet
from banzi.talks.filters import TalkFilterSet, TalkPlanEntryFilterSet
from banzi.training.filters import AttendanceFilterSet
from tests import factories as f
from tests.conduct import factories as cf

URL = reverse("conduct:violation_list")


def _rows(client, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return [row.record for row in response.context["table"].paginator.object_list]


@pytest.fixture
def violations(township, other_township):
    day = clock.today() - datetime.timedelta(days=20)
    cadre = f.CadreFactory(organization=township)
    # The cadre's first violation (the lowest id) is dismissed: a row the status filter drops.
    dismissed = cf.violation(cadre, occurred_on=day, status=Violation.Status.DISMISSED)
    confirmed = [cf.violation(cadre, occurred_on=day, status=Violation.Status.CONFIRMED) for _ in range(2)]
    other = f.CadreFactory(organization=other_township)
    elsewhere = [cf.violation(other, occurred_on=day, status=Violation.Status.CONFIRMED) for _ in range(3)]
    return cadre, dismissed, confirmed, other, elsewhere


def test_one_row_per_cadre_of_the_rows_the_other_filters_keep(violations, county_client):
    cadre, dismissed, confirmed, other, elsewhere = violations
    assert len(_rows(county_client, "status=confirmed")) == len(confirmed) + len(elsewhere)
    rows = _rows(county_client, "status=confirmed&one_per=cadre")
    # Applied after the status filter: the cadre's first confirmed violation, not the dismissed one.
    assert sorted(row.pk for row in rows) == sorted([confirmed[0].pk, elsewhere[0].pk])
    assert {row.cadre_id for row in _rows(county_client, "one_per=cadre")} == {cadre.pk, other.pk}
    assert [row.pk for row in _rows(county_client, f"one_per=cadre&cadre={cadre.pk}")] == [dismissed.pk]


def test_a_township_user_gets_one_row_of_each_of_their_own_only(violations, township_client, county_client):
    cadre, _dismissed, confirmed, _other, _elsewhere = violations
    assert [row.pk for row in _rows(township_client, "status=confirmed&one_per=cadre")] == [confirmed[0].pk]
    assert len(_rows(county_client, "status=confirmed&one_per=cadre")) == 2


def test_an_unknown_choice_is_an_error_of_the_filter_form(violations, county_client):
    response = county_client.get(f"{URL}?one_per=facts")
    assert response.status_code == 200
    assert "one_per" in response.context["filter"].errors


# The filters the year-end report's links add to the lists, with their Chinese labels.
ADDED = [(AttendanceFilterSet, "kind", "类型"), (AttendanceFilterSet, "newly_promoted", "新提拔"),
         (AttendanceFilterSet, "one_per", "每项只列一条"), (PostingFilterSet, "one_per", "每项只列一条"),
         (RectificationGroupFilterSet, "one_per", "每项只列一条"), (TalkFilterSet, "one_per", "每项只列一条"),
         (ViolationFilterSet, "one_per", "每项只列一条"), (TalkPlanEntryFilterSet, "township", "乡镇"),
         (TalkPlanEntryFilterSet, "due", "完成期限"), (TalkPlanEntryFilterSet, "not_yet_due", "未到期限"),
         (AssesseeFilterSet, "township", "乡镇"), (AssesseeFilterSet, "ends", "考核期截止"),
         (AssesseeFilterSet, "results", "结果已确认或已公布"), (AwardFilterSet, "township", "乡镇"),
         (AwardFilterSet, "decided", "决定日期")]


@pytest.mark.zh
@pytest.mark.parametrize("filterset, name, label", ADDED, ids=[f"{c.__name__}.{n}" for c, n, _l in ADDED])
def test_the_added_filters_have_chinese_labels(filterset, name, label):
    assert str(filterset().form.fields[name].label) == label


@pytest.mark.zh
def test_the_one_per_choices_read_in_chinese():
    choices = dict(AttendanceFilterSet().form.fields["one_per"].choices)
    assert (choices["cadre"], choices["program"], choices["lecturer"], choices["day"]) == (
        "每名干部一条", "每个培训班一条", "每名授课人一条", "每天一条")
    assert dict(TalkFilterSet().form.fields["one_per"].choices)["talkee"] == "每名谈话对象一条"
