"""An outing report's contact phone is personal data: sealed at rest, shown in full only to those who
keep the cadre's file (core.masking), and never cached."""
import io
import json

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse

from banzi.core import crypto, masking
from banzi.core.roles import Role
from tests import factories as f
from tests.api import api_for
from tests.conduct.factories import outing

CONTACT = "13900000000"  # what tests.conduct.factories.outing files


@pytest.fixture
def report(township):
    return outing(f.CadreFactory(organization=township, name="外出人"))


@pytest.fixture
def superuser(county):
    return f.UserFactory(username="root", role=Role.SYSTEM_ADMIN, is_superuser=True)


def test_contact_is_sealed_in_the_table_and_its_history(report):
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM conduct_outingreport WHERE id = %s", [report.pk])
        (stored,) = cursor.fetchone()
        cursor.execute("SELECT contact FROM conduct_historicaloutingreport")
        history = [row[0] for row in cursor.fetchall()]
    assert crypto.is_sealed(stored) and CONTACT not in stored
    assert history and all(crypto.is_sealed(v) and CONTACT not in v for v in history)


def entitled_users(report, county_admin, township_admin):
    own = f.UserFactory(username="self", role=Role.CADRE, cadre=report.cadre)
    return [county_admin, township_admin, own]


def test_entitled_users_see_the_contact_on_page_export_and_api(report, county_admin, township_admin, client_for):
    for user in entitled_users(report, county_admin, township_admin):
        client = client_for(user)
        detail = client.get(report.get_absolute_url())
        assert CONTACT in detail.content.decode() and "no-store" in detail["Cache-Control"]
        listing = client.get(reverse("conduct:outingreport_list"))
        assert CONTACT in listing.content.decode() and "no-store" in listing["Cache-Control"]
        api = api_for(user).get(f"/api/v1/conduct/outings/{report.pk}/")
        assert api.json()["contact"] == CONTACT and "no-store" in api["Cache-Control"]
    export = client_for(county_admin).get(reverse("conduct:outingreport_list"), {"_export": "xlsx"})
    cells = [v for row in openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
             for v in row]
    assert CONTACT in cells


@pytest.mark.parametrize("role", ["auditor", "superuser"])
def test_others_see_it_masked_or_not_at_all(role, request, report, client_for):
    user = request.getfixturevalue(role)
    client = client_for(user)
    responses = [client.get(report.get_absolute_url()), client.get(reverse("conduct:outingreport_list")),
                 client.get(reverse("conduct:outingreport_list"), {"_export": "xlsx"}),
                 client.get(reverse("conduct:away_today"))]
    for response in responses[:2] + responses[3:]:
        assert CONTACT not in response.content.decode()
    if responses[2].status_code == 200:
        cells = [v for row in openpyxl.load_workbook(io.BytesIO(responses[2].content)).active.iter_rows(values_only=True)
                 for v in row]
        assert CONTACT not in cells
    api = api_for(user)
    detail = api.get(f"/api/v1/conduct/outings/{report.pk}/")
    if detail.status_code == 200:
        assert detail.json()["contact"] == masking.mask_phone(CONTACT)
    listing = api.get("/api/v1/conduct/outings/")
    assert CONTACT not in json.dumps(listing.json() if listing.status_code == 200 else {}, ensure_ascii=False)
