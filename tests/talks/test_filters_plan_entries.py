"""The plan-entry list's filters the coverage rate links to: township, due date and not yet due."""
import datetime

from django.urls import reverse

from banzi.core import clock
from banzi.talks.models import TalkPlanEntry
from tests.talks import factories as talks

URL = reverse("talks:talkplanentry_list")
DAY = datetime.timedelta(days=1)


def _pks(client, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return {row.record.pk for row in response.context["table"].paginator.object_list}


def _entries(township):
    today = clock.today()
    plan = talks.plan(township, starts_on=today - 60 * DAY, due_on=today + 30 * DAY)
    overdue = talks.entry(township, plan, due_on=today - 5 * DAY)
    covered = talks.entry(township, plan, due_on=today + 10 * DAY)
    talks.talk(township, talkee=covered.talkee, held_on=today - DAY)  # by a cadre of the township: covered
    pending = talks.entry(township, plan, due_on=today + 10 * DAY)
    return overdue, pending


def test_not_yet_due_is_the_entries_neither_covered_nor_past_their_due_date(township, county_client):
    overdue, pending = _entries(township)
    everything = set(TalkPlanEntry.objects.values_list("pk", flat=True))
    assert _pks(county_client, "not_yet_due=true") == {pending.pk}
    assert _pks(county_client, "not_yet_due=false") == everything - {pending.pk}
    assert overdue.pk in everything - {pending.pk}


def test_the_due_dates_and_the_township_of_the_talkee(township, other_township, county_client, township_client):
    overdue, _pending = _entries(township)
    elsewhere, _ = _entries(other_township)
    day = overdue.due_on.isoformat()
    assert _pks(county_client, f"due_after={day}&due_before={day}") == {overdue.pk, elsewhere.pk}
    assert _pks(county_client, f"due_after={day}&due_before={day}&township={township.pk}") == {overdue.pk}
    # A township's user sees their own entries only, whatever the link asks.
    assert _pks(township_client, f"due_after={day}&due_before={day}") == {overdue.pk}
    assert elsewhere.pk not in _pks(township_client, f"township={other_township.pk}")
