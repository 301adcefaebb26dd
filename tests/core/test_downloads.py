"""A file answer tells the page it has arrived (core/downloads.py): a fresh random cookie that the
page's script watches to end a button's busy state. Pages set no such cookie."""
import pytest

from banzi.core.downloads import COOKIE, MAX_AGE
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_file_sets_a_fresh_cookie_a_page_does_not(township, county_client):
    f.CadreFactory(organization=township)
    page = county_client.get("/org/cadres/")
    assert page.status_code == 200 and COOKIE not in page.cookies
    first = county_client.get("/org/cadres/", {"_export": "xlsx"})
    second = county_client.get("/org/cadres/", {"_export": "xlsx"})
    assert first["Content-Disposition"].startswith("attachment")
    marks = [response.cookies[COOKIE] for response in (first, second)]
    assert marks[0].value != marks[1].value and len(marks[0].value) == 16
    # Readable by the page's script, for this site only, gone within a minute.
    assert marks[0]["httponly"] == "" and marks[0]["samesite"] == "Strict" and marks[0]["max-age"] == MAX_AGE


def test_a_refused_export_sets_no_cookie(township, client):
    response = client.get("/org/cadres/", {"_export": "xlsx"})
    assert response.status_code in (302, 403) and COOKIE not in response.cookies
