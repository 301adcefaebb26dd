"""The reserve pool's API: a township nominates, the county takes the steps (a disqualified cadre
refused with its code, nothing saved), the checks for committees only, scope; and the cadre's flag,
which the registry's API, form and import no longer set."""
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banzi.conduct.models import Violation
from banzi.core.roles import Role
from banzi.org.models import Cadre
from banzi.reserves.models import ReserveEntry
from tests import factories as f
from tests.api import api_for, ids
from tests.dates import days_ago
from tests.errors import api_codes
from tests.generic import instance_form_data

from .factories import Status, entry, young_cadre

pytestmark = pytest.mark.django_db
BASE = "/api/v1/reserves"


def test_township_nominates_and_the_county_follows_it_to_promotion(township, township_admin, county_admin):
    cadre = young_cadre(township)
    response = api_for(township_admin).post(f"{BASE}/entries/", {
        "cadre": cadre.pk, "nominated_on": days_ago(60).isoformat(), "source": "democratic",
        "votes_for": 28, "votes_total": 30}, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["unit"] == township.pk and response.json()["status"] == "nominated"
    assert api_for(township_admin).post(f"{BASE}/entries/{pk}/vet/", {}).status_code == 403
    county = api_for(county_admin)
    assert county.post(f"{BASE}/entries/{pk}/vet/", {"vetted_on": days_ago(40).isoformat()}).json()["status"] == "vetted"
    body = county.post(f"{BASE}/entries/{pk}/enter/", {"entered_on": days_ago(30).isoformat(),
                                                       "development_plan": "入企服务"}).json()
    assert body["status"] == "in_pool" and Cadre.objects.get(pk=cadre.pk).is_reserve
    assert api_for(township_admin).post(f"{BASE}/entries/{pk}/review/", {"conclusion": "keep"}).status_code == 200
    body = county.post(f"{BASE}/entries/{pk}/exit/", {"reason": "promoted"}).json()
    assert body["status"] == "exited" and body["exit_reason"] == "promoted"
    assert not Cadre.objects.get(pk=cadre.pk).is_reserve
    assert ReserveEntry.objects.get(pk=pk).reviews.count() == 1


def test_disqualified_vetting_is_400_with_its_code_and_saves_nothing(township, county_admin):
    record = entry(township, nominated_on=days_ago(20))
    Violation.objects.create(cadre=record.cadre, occurred_on=days_ago(40), facts="违规",
                             status=Violation.Status.CONFIRMED, decided_on=days_ago(35))
    response = api_for(county_admin).post(f"{BASE}/entries/{record.pk}/vet/", {})
    assert "reserve_disqualified" in str(api_codes(response))
    assert ReserveEntry.objects.get(pk=record.pk).status == Status.NOMINATED


def test_bad_nomination_is_400_and_nothing_is_saved(township, county_admin, other_township, township_admin):
    response = api_for(county_admin).post(f"{BASE}/entries/", {
        "cadre": young_cadre(township).pk, "nominated_on": days_ago(1).isoformat(), "source": "committee"})
    assert api_codes(response) == {"recommendation": ["required"]}
    response = api_for(township_admin).post(f"{BASE}/entries/", {
        "cadre": young_cadre(other_township).pk, "nominated_on": days_ago(1).isoformat(), "source": "committee",
        "recommendation": "推荐"})
    assert response.status_code == 400 and "cadre" in response.json()
    assert not ReserveEntry.objects.exists()


def test_checks_for_committees_only_and_cadres_see_their_entry_without_them(township, cadre_user, county_admin):
    mine = entry(township, cadre=cadre_user.cadre, nominated_on=days_ago(20))
    Violation.objects.create(cadre=cadre_user.cadre, occurred_on=days_ago(40), facts="违规",
                             status=Violation.Status.CONFIRMED, decided_on=days_ago(35))
    api_for(county_admin).post(f"{BASE}/entries/{mine.pk}/reject/", {"reason": "有违纪记录"})
    checks = api_for(county_admin).get(f"{BASE}/entries/{mine.pk}/checks/").json()
    assert [c["passed"] for c in checks if c["rule"] == "violation"] == [False]
    cadre = api_for(cadre_user)
    assert cadre.get(f"{BASE}/entries/{mine.pk}/checks/").status_code == 403
    body = cadre.get(f"{BASE}/entries/{mine.pk}/").json()
    assert body["status"] == "rejected" and body["vetting_checks"] == []
    assert ids(cadre.get(f"{BASE}/entries/")) == {mine.pk}


def test_township_lists_only_its_own(township, other_township, township_admin):
    own, other = entry(township), entry(other_township)
    client = api_for(township_admin)
    assert ids(client.get(f"{BASE}/entries/")) == {own.pk}
    assert client.get(f"{BASE}/entries/{other.pk}/").status_code == 404
    assert client.post(f"{BASE}/entries/{other.pk}/review/", {"conclusion": "keep"}).status_code == 404


# --- the registry no longer sets the flag ------------------------------------------------------------

def test_registry_api_keeps_the_flag_read_only(township, county_admin):
    cadre = f.CadreFactory(organization=township)
    response = api_for(county_admin).patch(f"/api/v1/org/cadres/{cadre.pk}/", {"is_reserve": True}, format="json")
    assert response.status_code == 200 and response.json()["is_reserve"] is False
    assert not Cadre.objects.get(pk=cadre.pk).is_reserve


def test_cadre_form_has_no_reserve_field(township, county_client):
    cadre = f.CadreFactory(organization=township)
    form_class = __import__("banzi.org.forms", fromlist=["CadreForm"]).CadreForm
    assert "is_reserve" not in form_class.base_fields
    data = instance_form_data(form_class, cadre)
    county_client.post(reverse("org:cadre_edit", args=[cadre.pk]), {**data, "is_reserve": "on"})
    assert not Cadre.objects.get(pk=cadre.pk).is_reserve


def test_cadre_import_ignores_a_reserve_column(township, county_client):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "性别", "出生日期", "身份证号", "现工作单位", "后备干部"])
    number = f.make_id_number(datetime.date(1990, 5, 4), "male", 7)
    book.active.append(["赵六", "男", datetime.date(1990, 5, 4), number, township.name, "是"])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = county_client.post(reverse("org:cadre_import"),
                                 {"file": SimpleUploadedFile("roster.xlsx", buffer.getvalue())})
    assert preview.status_code == 200 and not preview.context["report"].has_errors
    from tests.org.test_imports import confirm

    confirm(county_client, "org:cadre_import", preview)
    assert Cadre.objects.get(name="赵六").is_reserve is False


def test_roles_other_than_the_county_get_no_step(township, township_admin):
    record = entry(township, status=Status.IN_POOL)
    for role in (Role.TOWNSHIP_ADMIN,):
        response = api_for(f.UserFactory(role=role, organization=township)).post(
            f"{BASE}/entries/{record.pk}/exit/", {"reason": "promoted"})
        assert response.status_code == 403
    assert ReserveEntry.objects.get(pk=record.pk).status == Status.IN_POOL
