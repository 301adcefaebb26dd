"""The home page keeps its figures per user while nothing is written (banzi/core/metrics.py `home_figures`):
the same figures as computed afresh, never a stale one after a write, the clock's window or another user."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banzi.core import metrics
from banzi.org.models import Cadre
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("figures_kept")]



def active_cadres(response):
    return {str(c["label"]): c["value"] for c in response.context["cards"]}["Active cadres"]


def test_second_view_reads_one_query_of_figures_and_shows_the_same(county_client, township):
    f.CadreFactory.create_batch(3, organization=township)
    first = county_client.get(reverse("dashboard:home"))
    with CaptureQueriesContext(connection) as fresh:
        metrics.cards_for(first.context["user"]), metrics.actions_for(first.context["user"])
    with CaptureQueriesContext(connection) as again:
        figures = metrics.home_figures(first.context["user"])
    assert len(fresh) > 10
    assert len(again) == 1  # the data version only
    assert [(str(c["label"]), c["value"]) for c in figures[0]] == \
        [(str(c["label"]), c["value"]) for c in first.context["cards"]]
    with CaptureQueriesContext(connection) as page:
        assert active_cadres(county_client.get(reverse("dashboard:home"))) == 3
    # Showing the home page writes nothing that would make its own figures look changed.
    assert len(page) < len(fresh)


def test_a_write_through_the_application_shows_at_once(county_client, township):
    f.CadreFactory.create_batch(2, organization=township)
    assert active_cadres(county_client.get(reverse("dashboard:home"))) == 2
    cadre = f.CadreFactory(organization=township)
    assert active_cadres(county_client.get(reverse("dashboard:home"))) == 3
    cadre.status = Cadre.Status.ARCHIVED
    cadre.save()
    assert active_cadres(county_client.get(reverse("dashboard:home"))) == 2
    cadre.delete()
    f.CadreFactory(organization=township)
    assert active_cadres(county_client.get(reverse("dashboard:home"))) == 3


def test_a_change_made_around_the_application_shows_after_the_window(county_client, township, travel):
    cadres = f.CadreFactory.create_batch(2, organization=township)
    assert active_cadres(county_client.get(reverse("dashboard:home"))) == 2
    # No history and no audit event: a bulk change outside the services (a repair by SQL, say).
    Cadre.objects.filter(pk=cadres[0].pk).update(status=Cadre.Status.ARCHIVED)
    assert active_cadres(county_client.get(reverse("dashboard:home"))) == 2
    travel.shift(datetime.timedelta(seconds=61))
    assert active_cadres(county_client.get(reverse("dashboard:home"))) == 1


def test_each_user_gets_figures_of_their_own_scope(county_admin, township_admin, client_for, township,
                                                   other_township):
    f.CadreFactory.create_batch(2, organization=township)
    f.CadreFactory.create_batch(3, organization=other_township)
    county_client = client_for(county_admin)
    township_client = client_for(township_admin)
    assert active_cadres(county_client.get(reverse("dashboard:home"))) == 5
    assert active_cadres(township_client.get(reverse("dashboard:home"))) == 2
    assert active_cadres(county_client.get(reverse("dashboard:home"))) == 5


def test_a_change_of_scope_is_not_served_the_old_scope(township_admin, client_for, township, other_township):
    f.CadreFactory.create_batch(2, organization=township)
    f.CadreFactory.create_batch(3, organization=other_township)
    client = client_for(township_admin)
    assert active_cadres(client.get(reverse("dashboard:home"))) == 2
    # Moved without an audited write (the key holds the user's role and organization itself).
    type(township_admin).objects.filter(pk=township_admin.pk).update(organization=other_township)
    assert active_cadres(client.get(reverse("dashboard:home"))) == 3


def test_each_language_is_kept_apart(county_client, township):
    f.CadreFactory(organization=township)
    english = county_client.get(reverse("dashboard:home"), headers={"accept-language": "en"})
    assert "Active cadres" in {str(c["label"]) for c in english.context["cards"]}
    chinese = county_client.get(reverse("dashboard:home"), headers={"accept-language": "zh-hans"})
    labels = {str(c["label"]) for c in chinese.context["cards"]}
    assert "在职干部" in labels
    assert "Active cadres" not in labels


def test_nothing_is_kept_when_the_window_is_zero(settings, county_admin, township):
    settings.BANZI_FIGURES_SECONDS = 0
    f.CadreFactory(organization=township)
    metrics.home_figures(county_admin)
    with CaptureQueriesContext(connection) as again:
        metrics.home_figures(county_admin)
    assert len(again) > 10
