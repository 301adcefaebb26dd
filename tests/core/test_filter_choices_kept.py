"""A list's record filters keep the options they draw per user while nothing is written (core.filters
KeptChoices), as the home page keeps its figures: the same options as drawn afresh, the chosen one
marked on every request, never a stale list after a write, past the clock's window, for another user's
scope or in another language."""
import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from banzi.core.filters import KeptChoices
from banzi.org.filters import CadreFilterSet
from banzi.org.models import Cadre, Organization
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("figures_kept")]

LIST = reverse("org:cadre_list")
SELECT = re.compile(r'<select name="organization".*?</select>', re.S)
OPTION = re.compile(r'<option value="([^"]*)"( selected)?[^>]*>([^<]*)</option>')
OPTION_READS = ('FROM "org_organization"', 'FROM "org_position"')



def unit_select(response):
    assert response.status_code == 200
    found = SELECT.search(response.content.decode())
    assert found, "no unit filter on the cadre list"
    return found.group(0)


def options(response):
    """[(value, selected, label)] of the unit filter."""
    return [(value, bool(selected), unescape(label)) for value, selected, label in OPTION.findall(unit_select(response))]


def units(response):
    return {label for value, _selected, label in options(response) if value}


def option_reads(queries):
    return [q["sql"] for q in queries.captured_queries if any(read in q["sql"] for read in OPTION_READS)]


def test_the_second_view_draws_the_same_options_without_reading_them(county_client, township, other_township):
    f.VillageFactory(parent=township, name="东村")
    with CaptureQueriesContext(connection) as first_queries:
        first = county_client.get(LIST)
    with CaptureQueriesContext(connection) as again_queries:
        again = county_client.get(LIST)
    assert option_reads(first_queries)  # the units, the townships and the positions were read once
    assert option_reads(again_queries) == []
    assert len(again_queries) < len(first_queries)
    assert unit_select(again) == unit_select(first)
    assert {"新城镇", "赵康镇", "东村"} <= units(again)


def test_the_chosen_unit_is_marked_on_every_request(county_client, township, other_township):
    county_client.get(LIST)
    for chosen in (township, other_township):
        shown = options(county_client.get(LIST, {"organization": chosen.pk}))
        assert [(value, label) for value, selected, label in shown if selected] == [(str(chosen.pk), chosen.name)]
    assert [value for value, selected, _label in options(county_client.get(LIST)) if selected] == [""]


def test_a_write_through_the_application_shows_at_once(county_client, township):
    assert "东村" not in units(county_client.get(LIST))
    village = f.VillageFactory(parent=township, name="东村")
    assert "东村" in units(county_client.get(LIST))
    village.name = "西村"
    village.save()
    shown = units(county_client.get(LIST))
    assert "西村" in shown and "东村" not in shown


def test_a_change_made_around_the_application_shows_after_the_window(county_client, township, travel):
    village = f.VillageFactory(parent=township, name="东村")
    assert "东村" in units(county_client.get(LIST))
    # No history and no audit event: a change outside the services (a repair by SQL, say).
    Organization.objects.filter(pk=village.pk).update(name="西村")
    assert "东村" in units(county_client.get(LIST))
    travel.shift(datetime.timedelta(seconds=61))
    assert "西村" in units(county_client.get(LIST))


def test_each_user_gets_the_options_of_their_own_scope(county_admin, township_admin, client_for, township,
                                                       other_township):
    f.VillageFactory(parent=township, name="东村")
    f.VillageFactory(parent=other_township, name="北村")
    county_client, township_client = client_for(county_admin), client_for(township_admin)
    assert {"东村", "北村"} <= units(county_client.get(LIST))
    shown = units(township_client.get(LIST))
    assert "东村" in shown
    assert "北村" not in shown and "赵康镇" not in shown
    assert {"东村", "北村"} <= units(county_client.get(LIST))


def test_each_language_is_kept_apart(county_admin, rf):
    request = rf.get(LIST)
    request.user = county_admin
    field = CadreFilterSet({}, queryset=Cadre.objects.all(), request=request).form.fields["organization"]
    keeper = KeptChoices(county_admin)
    with translation.override("en"):
        english = keeper.key(field.widget.choices, True)
    with translation.override("zh-hans"):
        chinese = keeper.key(field.widget.choices, True)
    assert english and chinese and english != chinese
    assert keeper.key(field.widget.choices, False) != keeper.key(field.widget.choices, True)


def test_a_long_filter_keeps_loading_from_the_server_and_draws_the_chosen_unit(settings, county_client, township,
                                                                                other_township):
    settings.BANZI_PICKER_REMOTE_OVER = 3
    villages = [f.VillageFactory(parent=township, name=name) for name in ("东村", "西村", "南村")]
    first = unit_select(county_client.get(LIST))
    assert "data-source=" in first
    for village in villages[:2]:
        response = county_client.get(LIST, {"organization": village.pk})
        assert "data-source=" in unit_select(response)
        # Only the chosen unit is drawn, labelled as the server labels the options it sends.
        assert [(value, label) for value, selected, label in options(response) if value] == \
            [(str(village.pk), f"{village.name} · {township.name}")]
        assert [value for value, selected, _label in options(response) if selected] == [str(village.pk)]


def test_nothing_is_kept_when_the_window_is_zero(settings, county_client, township):
    settings.BANZI_FIGURES_SECONDS = 0
    county_client.get(LIST)
    with CaptureQueriesContext(connection) as again:
        county_client.get(LIST)
    assert option_reads(again)
