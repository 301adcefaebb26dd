"""The cadre's file on the cadre page and its own pages: the section with the profile and photo, the
résumé in order, education, family, rewards and the last three annual results with add links
prefilled with the cadre; scoped (another township's cadre and photo are 404, a cadre sees their own
file and no add links); the photo through the scoped view, never /media/."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banzi.assessment.models import Assessment, Grade
from banzi.cadres import personal
from banzi.cadres.models import CadreProfile, ResumeEntry
from tests.assessment import factories as af
from tests.cadres import cases as c

pytestmark = pytest.mark.django_db
D = datetime.date
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64
GIF = b"GIF89a\x01\x00\x01\x00" + b"\0" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def file_of(cadre):
    township = cadre.organization
    c.profile(township, cadre, photo=SimpleUploadedFile("p.png", PNG))
    later = c.resume_entry(township, cadre, starts_on=D(2018, 6, 1), text="某某镇党委委员、副镇长", concurrent=False)
    earlier = c.resume_entry(township, cadre, starts_on=D(2010, 8, 1), ends_on=D(2018, 6, 1), text="某某镇人民政府科员",
                             concurrent=False)
    c.education(township, cadre)
    c.family_member(township, cadre, name="王秀兰")
    c.reward(township, cadre, title="2024年度全县优秀共产党员")
    return earlier, later


def section(response):
    body = response.content.decode()
    assert response.status_code == 200
    start = body.index('id="cadre-file"')
    return body[start:]


def test_the_cadre_page_shows_the_file_with_add_links(township, county_client):
    cadre = c.cadre(township)
    earlier, later = file_of(cadre)
    body = section(county_client.get(cadre.get_absolute_url()))
    assert body.index("某某镇人民政府科员") < body.index("某某镇党委委员、副镇长")
    assert "2010.08" in body and "王秀兰" in body and "2024年度全县优秀共产党员" in body and "山西大学" in body
    profile = CadreProfile.objects.get(cadre=cadre)
    assert reverse("cadres:cadreprofile_photo", args=[profile.pk]) in body
    assert "/media/" not in body
    for name in ("resumeentry", "educationrecord", "familymember", "rewardpunishment", "earlierassessmentresult"):
        assert f'{reverse(f"cadres:{name}_add")}?cadre={cadre.pk}' in body


def test_the_last_three_annual_results_come_from_the_module_then_the_earlier_ones(township, county_client):
    cadre = c.cadre(township)
    af.confirmed_result(township, cadre=cadre, year=2026, grade=Grade.EXCELLENT, status=Assessment.Status.PUBLISHED)
    af.confirmed_result(township, cadre=cadre, year=2025, grade=Grade.COMPETENT, status=Assessment.Status.PUBLISHED)
    for year in (2024, 2023):
        c.earlier_result(township, cadre, year=year)
    body = section(county_client.get(cadre.get_absolute_url()))
    results = body[body.index('id="cadre-file-results"'):]
    assert 'data-year="2026" data-source="assessment"' in results
    assert 'data-year="2025" data-source="assessment"' in results
    assert 'data-year="2024" data-source="earlier"' in results
    assert 'data-year="2023"' not in results


def test_a_profile_less_cadre_gets_an_add_profile_link(township, county_client):
    cadre = c.cadre(township)
    body = section(county_client.get(cadre.get_absolute_url()))
    assert f'{reverse("cadres:cadreprofile_add")}?cadre={cadre.pk}' in body


def test_the_add_page_is_prefilled_with_the_cadre(township, county_client):
    cadre = c.cadre(township)
    response = county_client.get(reverse("cadres:resumeentry_add"), {"cadre": cadre.pk})
    assert response.status_code == 200
    assert response.context["form"].initial["cadre"] == str(cadre.pk)


def test_another_townships_file_is_404(township, other_township, township_client):
    cadre = c.cadre(other_township)
    earlier, _later = file_of(cadre)
    profile = CadreProfile.objects.get(cadre=cadre)
    assert township_client.get(cadre.get_absolute_url()).status_code == 404
    assert township_client.get(earlier.get_absolute_url()).status_code == 404
    assert township_client.get(reverse("cadres:cadreprofile_photo", args=[profile.pk])).status_code == 404
    assert township_client.get(reverse("cadres:resumeentry_add"), {"cadre": cadre.pk}).context["form"][
        "cadre"].field.queryset.filter(pk=cadre.pk).count() == 0


def test_a_cadre_sees_their_own_file_without_add_links(township, cadre_user, cadre_client):
    own = cadre_user.cadre
    file_of(own)
    body = section(cadre_client.get(own.get_absolute_url()))
    assert "某某镇党委委员、副镇长" in body and "王秀兰" in body
    assert "?cadre=" not in body
    profile = CadreProfile.objects.get(cadre=own)
    response = cadre_client.get(reverse("cadres:cadreprofile_photo", args=[profile.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"] == "inline"
    assert "no-store" in response["Cache-Control"]
    other = c.cadre(township)
    file_of(other)
    assert cadre_client.get(reverse("cadres:cadreprofile_photo", args=[other.profile.pk])).status_code == 404
    assert cadre_client.get(reverse("cadres:resumeentry_list")).context["table"].rows.__len__() == 2


def test_the_photo_is_uploaded_on_the_profile_form_and_a_gif_refused(township, county_client):
    cadre = c.cadre(township)
    data = {"cadre": cadre.pk, "birthplace": "山西襄汾", "health": "健康"}
    response = county_client.post(reverse("cadres:cadreprofile_add"),
                                  {**data, "photo": SimpleUploadedFile("p.gif", GIF)})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["photo"]] == ["file_type"]
    assert not CadreProfile.objects.exists()
    response = county_client.post(reverse("cadres:cadreprofile_add"),
                                  {**data, "photo": SimpleUploadedFile("p.png", PNG)})
    assert response.status_code == 302
    assert CadreProfile.objects.get().photo


def test_the_resume_form_takes_months(township, county_client):
    cadre = c.cadre(township)
    response = county_client.post(reverse("cadres:resumeentry_add"), {
        "cadre": cadre.pk, "starts_on": "2015-03", "ends_on": "2018-06", "text": "某某镇科员"})
    assert response.status_code == 302, response.context["form"].errors
    assert ResumeEntry.objects.get().starts_on == D(2015, 3, 1)
    response = county_client.post(reverse("cadres:resumeentry_add"), {
        "cadre": cadre.pk, "starts_on": "2018-05", "text": "某某镇副镇长"})
    assert response.status_code == 200 and "overlaps" in str(response.context["form"].errors)


def test_family_members_are_masked_for_those_who_do_not_keep_the_file(township, other_township, township_admin,
                                                                     other_township_admin, auditor):
    member = c.family_member(township, name="王秀兰")
    assert personal.shown_member(township_admin, member) == ("王秀兰", member.birth_date)
    assert personal.shown_member(other_township_admin, member) == ("王**", str(member.birth_date.year))
    assert personal.shown_member(auditor, member)[0] == "王**"
