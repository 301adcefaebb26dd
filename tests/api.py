"""Shared API test helpers: a token client per user, the ids of a list page, and the two checks every
app's API runs on each endpoint (scoping, and list query counts that do not grow with rows)."""
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def api_for(user):
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def assert_township_scoped(url, make, township, other_township, county_admin, township_admin):
    """The county lists both townships' records; a township lists, opens and changes only its own
    (another township's record answers 404 to every verb, and stays)."""
    own, other = make(township), make(other_township)
    assert {own.pk, other.pk} <= ids(api_for(county_admin).get(url))
    client = api_for(township_admin)
    listed = ids(client.get(url))
    assert own.pk in listed and other.pk not in listed
    assert client.get(f"{url}{own.pk}/").status_code == 200
    assert client.get(f"{url}{other.pk}/").status_code == 404
    assert client.patch(f"{url}{other.pk}/", {}).status_code == 404
    assert client.delete(f"{url}{other.pk}/").status_code == 404
    assert type(other).objects.filter(pk=other.pk).exists()


def assert_list_queries_flat(client, url, make, township):
    """The list's queries with 3 records equal those with 12, and the count follows the records."""

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"page_size": 100})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    for _ in range(3):
        make(township)
    few, count_few = queries()
    for _ in range(9):
        make(township)
    many, count_many = queries()
    assert count_many == count_few + 9
    assert many == few
