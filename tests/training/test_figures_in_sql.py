"""Uncovered training needs found by the database: the same needs as the need-by-need matching
(`match_needs`), on edges the first test does not have, and a number of queries that does not grow
with needs or programs."""
import datetime

import pytest

from banzi.org.models import Organization
from banzi.training import metrics
from banzi.training.models import Attendance
from tests import factories as f

from . import factories as tf

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 6, 1)


def by_matching(user, today, **kwargs):
    return [need for need, programs in metrics.match_needs(user, today, **kwargs) if not programs]


@pytest.fixture
def department(county):
    return Organization.objects.create(name="县委宣传部", kind=Organization.Kind.DEPARTMENT, parent=county)


def test_uncovered_needs_edges(county, township, other_township, department, county_admin, township_admin):
    topic = tf.topic("基层治理")
    starts_today = tf.need(township, topic_name="应急管理")
    tf.program(county, [tf.topic("应急管理")], start_on=TODAY, end_on=TODAY)  # starts today: still upcoming
    county_need = tf.need(department, topic_name="基层治理")
    tf.program(township, [topic], start_on=D(2025, 7, 1), end_on=D(2025, 7, 2))  # a township's own program
    # The township's need on the same topic is covered by its own program; the department's is not.
    township_need = tf.need(township, topic_name="基层治理")
    two_topics = tf.need(other_township, topic_name="党史学习")
    tf.program(county, [tf.topic("财务管理"), tf.topic("党史学习")], start_on=D(2025, 9, 1), end_on=D(2025, 9, 1))
    no_program = tf.need(other_township, topic_name="无人开班")
    for user in (county_admin, township_admin):
        assert metrics.uncovered_needs(user, TODAY) == by_matching(user, TODAY)
    uncovered = metrics.uncovered_needs(county_admin, TODAY)
    assert county_need in uncovered and no_program in uncovered
    assert starts_today not in uncovered and township_need not in uncovered and two_topics not in uncovered
    assert metrics.uncovered_needs(county_admin, TODAY, township=other_township) == \
        by_matching(county_admin, TODAY, township=other_township) == [no_program]


def test_uncovered_needs_cost_fixed_queries_for_more_needs_and_programs(county, township, other_township,
                                                                       county_admin, township_admin,
                                                                       django_assert_max_num_queries):
    for more in (2, 16):
        for i in range(more):
            tf.need(township if i % 2 else other_township, topic_name=f"专题{i % 5}")
            if i % 3 == 0:
                tf.program(county if i % 2 else other_township, [tf.topic(f"专题{i % 5}")],
                           start_on=TODAY + datetime.timedelta(days=i), end_on=TODAY + datetime.timedelta(days=i))
        for user in (county_admin, township_admin):
            with django_assert_max_num_queries(1):
                uncovered = metrics.uncovered_needs(user, TODAY)
            assert uncovered == by_matching(user, TODAY)


def test_the_session_page_counts_who_was_present(township, county, township_admin, client):
    session = tf.session(tf.program(county))
    statuses = [Attendance.Status.PRESENT, Attendance.Status.PRESENT, Attendance.Status.ABSENT]
    for status in statuses:
        tf.attend(session, f.CadreFactory(organization=township), status)
    tf.attend(session, f.CadreFactory(organization=f.TownshipFactory(parent=county)))  # not the township's
    client.force_login(township_admin)
    response = client.get(session.get_absolute_url())
    assert response.status_code == 200
    visible = Attendance.objects.visible_to(township_admin).filter(session=session)
    assert response.context["present"] == sum(1 for a in visible if a.status == Attendance.Status.PRESENT) == 2
