"""The cadre-file API: lists filtered by cadre and scoped, writes through the services (400 with the
rule's code, nothing saved), the photo uploaded as multipart and linked through the scoped view,
family lists audited as bulk reads of personal data and masked for those who do not keep the file."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from banzi.assessment.models import Assessment
from banzi.cadres.api import FamilyMemberSerializer
from banzi.cadres.models import CadreProfile, EarlierAssessmentResult, ResumeEntry
from banzi.core.models import AuditEvent
from tests.api import api_for
from tests.assessment import factories as af
from tests.cadres import cases as c
from tests.errors import api_codes

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cadres"
D = datetime.date
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64
GIF = b"GIF89a\x01\x00\x01\x00" + b"\0" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_lists_filter_by_cadre_in_order(township, county_admin):
    cadre = c.cadre(township)
    c.resume_entry(township, cadre, starts_on=D(2018, 6, 1), concurrent=False)
    c.resume_entry(township, cadre, starts_on=D(2010, 8, 1), ends_on=D(2018, 6, 1), concurrent=False)
    c.resume_entry(township)
    response = api_for(county_admin).get(f"{BASE}/resume/", {"cadre": cadre.pk})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["starts_on"] for r in rows] == ["2010-08-01", "2018-06-01"]
    assert {r["cadre_name"] for r in rows} == {cadre.name}


def test_an_overlapping_entry_is_400_and_nothing_saved(township, county_admin):
    cadre = c.cadre(township)
    c.resume_entry(township, cadre, starts_on=D(2015, 3, 1), concurrent=False)
    response = api_for(county_admin).post(f"{BASE}/resume/", {
        "cadre": cadre.pk, "starts_on": "2016-01-01", "text": "某某镇镇长"}, format="json")
    assert api_codes(response) == {"starts_on": ["resume_overlaps"]}
    assert ResumeEntry.objects.count() == 1


def test_another_townships_cadre_cannot_be_named(township, other_township, township_admin):
    response = api_for(township_admin).post(f"{BASE}/family/", {
        "cadre": c.cadre(other_township).pk, "relation": "妻子", "name": "王秀兰"}, format="json")
    assert api_codes(response) == {"cadre": ["does_not_exist"]}


def test_another_townships_records_are_404(township, other_township, township_admin):
    record = c.reward(other_township)
    assert api_for(township_admin).get(f"{BASE}/rewards/{record.pk}/").status_code == 404


def test_an_earlier_result_of_a_published_year_is_400(township, county_admin):
    cadre = c.cadre(township)
    af.confirmed_result(township, cadre=cadre, year=2025, status=Assessment.Status.PUBLISHED)
    response = api_for(county_admin).post(f"{BASE}/earlier-results/", {
        "cadre": cadre.pk, "year": 2025, "result": "优秀"}, format="json")
    assert api_codes(response) == {"year": ["result_in_assessment"]}
    assert not EarlierAssessmentResult.objects.exists()


def test_the_photo_is_uploaded_and_linked_through_the_scoped_view(township, county_admin):
    api = api_for(county_admin)
    cadre = c.cadre(township)
    response = api.post(f"{BASE}/profiles/", {"cadre": cadre.pk, "photo": SimpleUploadedFile("p.gif", GIF)},
                        format="multipart")
    assert api_codes(response) == {"photo": ["file_type"]}
    assert not CadreProfile.objects.exists()
    response = api.post(f"{BASE}/profiles/", {"cadre": cadre.pk, "birthplace": "山西襄汾",
                                              "photo": SimpleUploadedFile("p.png", PNG)}, format="multipart")
    assert response.status_code == 201, response.content
    profile = CadreProfile.objects.get()
    assert response.json()["photo"].endswith(reverse("cadres:cadreprofile_photo", args=[profile.pk]))
    assert "no-store" in response["Cache-Control"]


def test_a_family_list_is_audited_as_a_bulk_read(township, county_admin):
    c.family_member(township)
    response = api_for(county_admin).get(f"{BASE}/family/", {"cadre": 1})
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LIST, kind=AuditEvent.Kind.SECURITY).latest("pk")
    assert "/api/v1/cadres/family/?cadre=1" in event.detail


def test_family_names_and_birth_dates_are_masked_for_those_who_do_not_keep_the_file(
        township, township_admin, other_township_admin):
    member = c.family_member(township, name="王秀兰")
    request = APIRequestFactory().get("/")
    request.user = other_township_admin
    data = FamilyMemberSerializer(member, context={"request": request}).data
    assert (data["name"], data["birth_date"]) == ("王**", "1985")
    request.user = township_admin
    data = FamilyMemberSerializer(member, context={"request": request}).data
    assert (data["name"], data["birth_date"]) == ("王秀兰", "1985-03-02")
