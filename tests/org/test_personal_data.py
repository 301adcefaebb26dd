"""Cadres' ID numbers and phones: one cadre per ID number and exact search through the HMAC-SM3
fingerprint, masking by role on every surface (page, Excel export, API, import preview), never in
clear in the audit trail or the history, and never cached by the browser."""
import datetime
import io
import json

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from banzi.core import masking
from banzi.core.errors import Code
from banzi.core.importing.services import preview_import
from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from banzi.org.models import Cadre
from banzi.org.resources import CadreResource
from tests import factories as f
from tests.api import api_for
from tests.errors import form_codes

BIRTH = datetime.date(1983, 4, 9)
ID_NUMBER = f.make_id_number(BIRTH, "male", 5)
PHONE = "13955556666"
API = "/api/v1/org/cadres/"


@pytest.fixture
def cadre(township):
    return f.CadreFactory(name="王明", organization=township, birth_date=BIRTH, gender="male", id_number=ID_NUMBER,
                          phone=PHONE)


@pytest.fixture
def superuser(county):
    return f.UserFactory(username="root", role=Role.SYSTEM_ADMIN, is_superuser=True)


def cadre_form_data(cadre, **overrides):
    data = {"name": cadre.name, "gender": cadre.gender, "ethnicity": cadre.ethnicity, "birth_date": cadre.birth_date,
            "native_place": "", "id_number": cadre.id_number, "party_joined_on": "", "work_started_on": "",
            "education_fulltime": "", "education_inservice": "", "organization": cadre.organization_id, "post": "",
            "rank": "", "phone": cadre.phone, "promoted_on": "", "notes": ""}
    data.update(overrides)
    return data


# --- masks ---------------------------------------------------------------------------------------

def test_masks():
    assert masking.mask_id_number("110101199001011234") == "1101**********1234"
    assert masking.mask_phone("13811111111") == "138****1111"
    assert masking.mask_phone("0357-1234567") == "035*****4567"
    assert masking.mask_id_number("") == "" and masking.mask_phone(None) == ""


def test_who_may_see_personal_data(cadre, county_admin, township_admin, other_township_admin, auditor, superuser,
                                   cadre_user):
    assert masking.may_see_personal_data(county_admin, cadre)
    assert masking.may_see_personal_data(township_admin, cadre)
    assert not masking.may_see_personal_data(other_township_admin, cadre)
    assert not masking.may_see_personal_data(auditor, cadre)
    assert not masking.may_see_personal_data(superuser, cadre)
    assert not masking.may_see_personal_data(cadre_user, cadre)
    assert masking.may_see_personal_data(cadre_user, cadre_user.cadre)


# --- one cadre per ID number, through the fingerprint ------------------------------------------------

def test_fingerprint_set_on_save_from_the_normalized_number(cadre):
    assert cadre.id_number_index == Cadre.id_number_fingerprint(ID_NUMBER.lower()) and len(cadre.id_number_index) == 64
    assert cadre.phone_index == Cadre.phone_fingerprint(PHONE)
    assert ID_NUMBER not in cadre.id_number_index


def test_duplicate_id_number_refused_on_the_page_with_a_clear_message(cadre, county_client):
    other = f.CadreFactory.build(organization=cadre.organization, birth_date=BIRTH, gender="male", name="王二")
    before = Cadre.objects.count()
    response = county_client.post(reverse("org:cadre_add"), cadre_form_data(other, id_number=ID_NUMBER.lower(),
                                                                            phone=""))
    assert response.status_code == 200
    assert form_codes(response.context["form"]) == {"id_number": [Code.UNIQUE]}
    assert "Another cadre already has this ID number." in response.content.decode()
    assert Cadre.objects.count() == before


def test_duplicate_id_number_refused_by_the_model_and_the_database(cadre):
    twin = Cadre(name="王二", organization=cadre.organization, birth_date=BIRTH, gender="male", id_number=ID_NUMBER)
    with pytest.raises(Exception) as error:
        twin.full_clean()
    assert [e.code for e in error.value.error_dict["id_number"]] == [Code.UNIQUE]
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_duplicate_id_number_refused_in_an_import_from_another_township(cadre, other_township, other_township_admin):
    """The other township cannot see the cadre, yet may not create a second record with the number."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "性别", "出生日期", "身份证号", "现工作单位"])
    sheet.append(["王明", "男", BIRTH, ID_NUMBER, other_township.name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = preview_import(other_township_admin, CadreResource, buffer.getvalue(), "roster.xlsx")
    assert [(e["column"], e["code"]) for e in report.errors] == [("身份证号", Code.UNIQUE)]
    assert "Another cadre already has this ID number." in report.errors[0]["message"]
    assert Cadre.objects.count() == 1


# --- search by an exact number ---------------------------------------------------------------------

def listed(response):
    return [c.pk for c in response.context["table"].data]


def test_search_by_exact_id_number_or_phone(cadre, township, county_client):
    f.CadreFactory(organization=township, name="张三")
    url = reverse("org:cadre_list")
    assert listed(county_client.get(url, {"q": ID_NUMBER})) == [cadre.pk]
    assert listed(county_client.get(url, {"q": ID_NUMBER.lower()})) == [cadre.pk]
    assert listed(county_client.get(url, {"q": PHONE})) == [cadre.pk]
    api = api_for(f.UserFactory(role=Role.COUNTY_ADMIN))
    assert [row["id"] for row in api.get(API, {"q": ID_NUMBER}).json()["results"]] == [cadre.pk]


def test_partial_numbers_no_longer_match(cadre, county_client):
    """Sealed numbers cannot be searched by a part: only a whole number finds its cadre."""
    url = reverse("org:cadre_list")
    assert listed(county_client.get(url, {"q": ID_NUMBER[:10]})) == []
    assert listed(county_client.get(url, {"q": PHONE[-4:]})) == []
    assert listed(county_client.get(url, {"q": "王"})) == [cadre.pk]  # names still match by a part


def test_search_stays_within_scope(cadre, other_township_admin, client_for):
    response = client_for(other_township_admin).get(reverse("org:cadre_list"), {"q": ID_NUMBER})
    assert listed(response) == []


# --- masking by role, per surface -----------------------------------------------------------------

FULL = {"county_admin", "township_admin", "self"}


def viewer(role, request, cadre, superuser):
    if role == "self":
        return f.UserFactory(role=Role.CADRE, cadre=cadre)
    if role == "superuser":
        return superuser
    return request.getfixturevalue(role)


ROLES = ["county_admin", "township_admin", "self", "auditor", "superuser"]


def refused(response):
    """The auditor and the administrators may lose sight of business records altogether (三员分立);
    then nothing is shown, which keeps the personal data from them as well as a mask does."""
    if response.status_code in (403, 404):
        assert ID_NUMBER not in response.content.decode() and PHONE not in response.content.decode()
        return True
    assert response.status_code == 200
    return False


@pytest.mark.parametrize("role", ROLES)
def test_detail_page(role, request, cadre, superuser, client_for):
    response = client_for(viewer(role, request, cadre, superuser)).get(cadre.get_absolute_url())
    if role not in FULL and refused(response):
        return
    assert response.status_code == 200
    page = response.content.decode()
    if role in FULL:
        assert ID_NUMBER in page and PHONE in page
    else:
        assert ID_NUMBER not in page and PHONE not in page
        assert masking.mask_id_number(ID_NUMBER) in page and masking.mask_phone(PHONE) in page
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["county_admin", "township_admin", "auditor", "superuser"])
def test_list_page_and_export(role, request, cadre, superuser, client_for):
    client = client_for(viewer(role, request, cadre, superuser))
    page = client.get(reverse("org:cadre_list"))
    if role not in FULL and refused(page):
        return
    assert "no-store" in page["Cache-Control"]
    export = client.get(reverse("org:cadre_list"), {"_export": "xlsx"})
    assert "no-store" in export["Cache-Control"]
    cells = [str(v) for row in openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
             for v in row]
    html = page.content.decode()
    if role in FULL:
        assert ID_NUMBER in html and PHONE in html
        assert ID_NUMBER in cells and PHONE in cells
    else:
        assert ID_NUMBER not in html and PHONE not in html
        assert ID_NUMBER not in cells and PHONE not in cells
        assert masking.mask_id_number(ID_NUMBER) in cells and masking.mask_phone(PHONE) in cells


@pytest.mark.parametrize("role", ROLES)
def test_api(role, request, cadre, superuser):
    client = api_for(viewer(role, request, cadre, superuser))
    detail = client.get(f"{API}{cadre.pk}/")
    if role not in FULL and refused(detail):
        return
    assert "no-store" in detail["Cache-Control"]
    row = detail.json()
    listing = json.dumps(client.get(API).json(), ensure_ascii=False)
    if role in FULL:
        assert (row["id_number"], row["phone"]) == (ID_NUMBER, PHONE)
    else:
        assert (row["id_number"], row["phone"]) == (masking.mask_id_number(ID_NUMBER), masking.mask_phone(PHONE))
        assert ID_NUMBER not in listing and PHONE not in listing
    assert "id_number_index" not in row and "phone_index" not in row


def test_edit_form_refused_to_whoever_sees_masked_values(cadre, superuser, client_for):
    assert client_for(superuser).get(reverse("org:cadre_edit", args=[cadre.pk])).status_code == 403


def test_edit_form_is_not_cached(cadre, county_client):
    response = county_client.get(reverse("org:cadre_edit", args=[cadre.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_import_preview_masks_for_whoever_may_not_see(cadre, superuser, county_admin):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "性别", "出生日期", "身份证号", "现工作单位", "联系电话"])
    sheet.append([cadre.name, "男", BIRTH, ID_NUMBER, cadre.organization.name, "13900001111"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    def changes(user):
        report = preview_import(user, CadreResource, buffer.getvalue(), "roster.xlsx")
        assert not report.errors
        return {c["column"]: (c["old"], c["new"]) for c in report.rows[0].changes}

    assert changes(county_admin)["联系电话"] == (PHONE, "13900001111")
    try:
        shown = changes(superuser)
    except PermissionDenied:
        return  # an administrator who may not import business records sees nothing at all
    assert shown["联系电话"] == (masking.mask_phone(PHONE), masking.mask_phone("13900001111"))


# --- never in clear in the audit trail or the history ----------------------------------------------

def test_id_number_change_leaves_no_clear_value_in_audit_history_or_history_page(cadre, county_client, client_for):
    new_number = f.make_id_number(BIRTH, "male", 8)
    response = county_client.post(reverse("org:cadre_edit", args=[cadre.pk]),
                                  cadre_form_data(cadre, id_number=new_number, phone="13912340000"))
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.id_number == new_number
    event = AuditEvent.objects.filter(object_id=str(cadre.pk), action=AuditEvent.Action.UPDATE).latest("id")
    assert {c["field"]: c for c in event.changes}["id_number"] == {
        "field": "id_number", "label": "ID number", "old": None, "new": None, "sealed": True}
    trail = json.dumps(list(AuditEvent.objects.values_list("changes", "detail", "object_repr")), ensure_ascii=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM org_historicalcadre")
        history_rows = json.dumps(cursor.fetchall(), default=str, ensure_ascii=False)
    history_page = county_client.get(reverse("org:cadre_history", args=[cadre.pk])).content.decode()
    assert "changed (not shown)" in history_page
    for clear in (ID_NUMBER, new_number, PHONE, "13912340000"):
        assert clear not in trail
        assert clear not in history_rows
        assert clear not in history_page


def test_import_preview_page_is_not_cached(cadre, county_client):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "性别", "出生日期", "身份证号", "现工作单位"])
    sheet.append([cadre.name, "男", BIRTH, ID_NUMBER, cadre.organization.name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("roster.xlsx", buffer.getvalue())
    response = county_client.post(reverse("org:cadre_import"), {"file": upload})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "no-store" in county_client.get(reverse("org:cadre_import"))["Cache-Control"]
