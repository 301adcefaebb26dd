"""The award notice's document number (发文字号), typed on the download form, checked and printed in the
.docx; and the "Nominate" link of each confirmed result that earns an award on a unit's grade page."""
import io

import pytest
from django.urls import reverse
from docx import Document

from banzi.assessment.forms import AwardNoticeForm, clean_document_number
from banzi.assessment.models import Assessee, Assessment, Award, Grade
from banzi.core.errors import Code
from tests.errors import form_codes

from .factories import award, confirmed_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(township):
    decided = award(township, status=Award.Status.DECIDED)
    Assessment.objects.filter(pk=decided.assessment_id).update(status=Assessment.Status.PUBLISHED)
    return decided.assessment


def notice_text(response):
    return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


@pytest.mark.parametrize(("typed", "kept"), [
    ("襄组字〔2026〕12号", "襄组字〔2026〕12号"),
    (" 襄组字[2026]12号 ", "襄组字〔2026〕12号"),
    ("襄组字（2026）7号", "襄组字〔2026〕7号"),
    ("襄组字【2026】 125号", "襄组字〔2026〕125号"),
    ("", ""),
])
def test_a_document_number_as_gbt_9704_writes_it(typed, kept):
    assert clean_document_number(typed) == kept


@pytest.mark.parametrize(("typed", "code"), [
    ("2026年12号", Code.INVALID),            # no issuing body's code
    ("襄组字〔26〕12号", Code.INVALID),        # a two-digit year
    ("襄组字〔1999〕12号", Code.INVALID),      # a year out of range
    ("襄组字〔2026〕012号", Code.INVALID),     # a serial number with a leading zero
    ("襄组字〔2026〕12", Code.INVALID),        # no 号
    ("襄组字〔2026〕12号<script>", Code.INVALID),
    ("襄" * 35 + "〔2026〕12号", Code.TOO_LONG),
])
def test_a_malformed_document_number_is_refused(typed, code):
    form = AwardNoticeForm({"number": typed})
    assert not form.is_valid()
    assert form_codes(form) == {"number": [code]}


def test_the_number_is_printed_in_the_notice(county_client, published):
    url = reverse("assessment:assessment_award_notice", args=[published.pk])
    page = county_client.get(published.get_absolute_url()).content.decode()
    assert 'id="award-notice-form"' in page and 'name="number"' in page
    response = county_client.get(url, {"number": "襄组字[2026]12号"})
    assert response.status_code == 200
    assert "襄组字〔2026〕12号" in notice_text(response)
    # Without a number the notice still comes, with none; without the red band too.
    assert "〔2026〕" not in notice_text(county_client.get(url, {"number": "", "red_band": "0"}))


def test_a_malformed_number_downloads_nothing_and_says_why(county_client, published):
    url = reverse("assessment:assessment_award_notice", args=[published.pk])
    response = county_client.get(url, {"number": "第12号"})
    assert response.status_code == 302 and response["Location"].startswith(published.get_absolute_url())
    page = county_client.get(response["Location"]).content.decode()
    assert "Write the document number as the issuing body" in page


@pytest.mark.zh
def test_the_refusal_reads_in_chinese(county_client, published):
    url = reverse("assessment:assessment_award_notice", args=[published.pk])
    page = county_client.get(url, {"number": "第12号"}, follow=True).content.decode()
    assert "文号请按" in page and "襄组字〔2026〕12号" in page


# --- "Nominate" on a unit's grade page ----------------------------------------------------------------

def test_each_confirmed_result_that_earns_an_award_links_to_the_prefilled_form(county_client, township):
    excellent = confirmed_result(township)
    parent = excellent.assessment
    competent = confirmed_result(township, Grade.COMPETENT, parent=parent)
    team = confirmed_result(township, category=Assessee.Category.TEAM, parent=parent)
    head = confirmed_result(township, category=Assessee.Category.TEAM_HEAD, parent=parent)
    url = reverse("assessment:assessment_unit", args=[parent.pk, township.pk])
    page = county_client.get(url).content.decode()
    for result in (excellent, team, head):
        assert f'data-nominate="{result.pk}"' in page
    assert f'data-nominate="{competent.pk}"' not in page
    rows = {row["assessee"]: row["nominate"] for row in county_client.get(url).context["rows"]}
    assert rows[head.pk] == f"{reverse('assessment:award_add')}?assessee={head.pk}&kind=good_head"
    assert rows[team.pk].endswith(f"?assessee={team.pk}&kind=good_team")
    form = county_client.get(rows[excellent.pk]).context["form"]
    assert str(form.initial["assessee"]) == str(excellent.pk) and form.initial["kind"] == Award.Kind.GOOD_BACKBONE


def test_no_nominate_link_before_the_results_are_confirmed(county_client, township):
    excellent = confirmed_result(township)
    url = reverse("assessment:assessment_unit", args=[excellent.assessment_id, township.pk])
    assert "data-nominate" in county_client.get(url).content.decode()
    Assessment.objects.filter(pk=excellent.assessment_id).update(status=Assessment.Status.COLLECTING)
    assert "data-nominate" not in county_client.get(url).content.decode()
