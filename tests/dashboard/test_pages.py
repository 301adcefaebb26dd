"""The shared page templates: lists, forms, detail pages, navigation and the language switcher."""
import datetime
import re

import pytest
from django.utils import translation

from banzi.org.models import Cadre
from tests import factories as f

pytestmark = pytest.mark.django_db


def main_of(html):
    """The page without its header and menu."""
    return html.split('id="main"', 1)[1]


def test_empty_list_says_what_to_do(county_client):
    html = county_client.get("/org/cadres/").content.decode()
    assert "There are no cadres yet." in html
    assert 'href="/org/cadres/add/"' in main_of(html)
    assert "<table" not in main_of(html)


def test_list_with_no_match_offers_to_clear_the_filters(county_client, township):
    f.CadreFactory(organization=township, name="张三")
    html = county_client.get("/org/cadres/", {"q": "nobody"}).content.decode()
    assert "No cadres match the search and filters." in html
    assert "Clear the filters" in html


def test_list_shows_count_sort_order_and_pages(county_client, township):
    f.CadreFactory.create_batch(30, organization=township)
    html = county_client.get("/org/cadres/", {"sort": "-birth_date"}).content.decode()
    assert "30 records" in html and "page 1 of 2" in html
    heading = re.search(r'<th[^>]*aria-sort="descending"[^>]*>(.*?)</th>', html, re.S)
    assert heading and "birth date" in heading.group(1).lower()
    assert 'rel="next"' in html
    # Sorting again starts from the first page; filtering keeps the sort.
    assert 'name="sort" value="-birth_date"' in html


def test_filters_fold_away_unless_one_is_set(county_client, township):
    f.CadreFactory(organization=township)
    folded = county_client.get("/org/cadres/", {"q": "gb"}).content.decode()
    assert 'class="collapse filter-more" id="filter-more"' in folded
    opened = county_client.get("/org/cadres/", {"is_reserve": "true"}).content.decode()
    assert 'class="collapse filter-more show" id="filter-more"' in opened
    assert re.search(r'More filters\s*<span class="badge[^"]*">1</span>', opened)


def test_form_error_is_red_on_the_field_and_nothing_is_saved(county_client, township):
    birth = datetime.date(1985, 6, 1)
    good = f.make_id_number(birth, "male", seq=3)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = county_client.post("/org/cadres/add/", {
        "name": "刘备", "gender": "male", "ethnicity": "汉族", "birth_date": birth.isoformat(),
        "id_number": bad, "organization": township.pk,
    })
    assert response.status_code == 200
    html = response.content.decode()
    field = re.search(r'<input[^>]*id="id_id_number"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    error = re.search(r'<div class="invalid-feedback d-block" id="id_id_number_error" data-field-error="id_number">(.*?)</div>',
                      html, re.S)
    assert error and error.group(1).strip()
    assert re.search(r'<label class="form-label required" for="id_name">', html)
    assert not Cadre.objects.filter(name="刘备").exists()


def test_cadre_pages_never_link_where_the_cadre_may_not_go(cadre_client, cadre_user):
    html = cadre_client.get(cadre_user.cadre.get_absolute_url()).content.decode()
    assert cadre_user.cadre.organization.get_absolute_url() not in html
    assert 'href="/org/cadres/"' not in html  # no breadcrumb to a list they do not have in their menu
    assert "Registry" not in html.split('id="main"')[0]


def test_staff_detail_pages_link_to_related_records_and_back_to_the_list(county_client, township):
    cadre = f.CadreFactory(organization=township)
    html = county_client.get(cadre.get_absolute_url()).content.decode()
    assert f'href="{township.get_absolute_url()}"' in html
    assert 'href="/org/cadres/"' in main_of(html)


def test_auditor_menu_has_the_audit_trail_and_no_business_list(auditor_client, township):
    f.CadreFactory(organization=township)
    assert auditor_client.get("/org/cadres/").status_code == 403
    html = auditor_client.get("/core/audit/").content.decode()
    assert 'href="/core/audit/"' in html
    assert 'href="/org/cadres/"' not in html


def test_menu_marks_the_current_page(county_client):
    html = county_client.get("/org/teams/").content.decode()
    assert re.search(r'class="dropdown-item active" href="/org/teams/" aria-current="page"', html)


def test_language_switcher_changes_to_english_and_back(county_client, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the default of the system, before anyone chooses
    zh = county_client.get("/")
    assert '<html lang="zh-hans">' in zh.content.decode()
    county_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in county_client.get("/").content.decode()
    county_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    back = county_client.get("/").content.decode()
    assert '<html lang="zh-hans">' in back
    with translation.override("zh-hans"):
        to_act_on = translation.gettext("To act on")
    assert to_act_on != "To act on" and to_act_on in back


def test_login_page_offers_the_language_switcher_and_no_menu(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'name="language" value="en"' in html
    assert 'id="navbar-menu"' not in html
    assert 'autocomplete="current-password"' in html


def test_delete_asks_for_confirmation_with_a_way_back(county_client, township):
    designation = f.VillageDesignationFactory(organization=f.VillageFactory(parent=township))
    html = county_client.get(designation.get_url("delete")).content.decode()
    assert "Yes, delete" in html
    assert f'href="{designation.get_absolute_url()}" autofocus' in html


def test_history_page_lists_each_change(county_client, township):
    cadre = f.CadreFactory(organization=township, post="科员")
    county_client.post(cadre.get_url("edit"), {
        "name": cadre.name, "gender": cadre.gender, "ethnicity": cadre.ethnicity,
        "birth_date": cadre.birth_date.isoformat(), "id_number": cadre.id_number,
        "organization": township.pk, "post": "副科长", "phone": cadre.phone,
    })
    html = county_client.get(cadre.get_url("history")).content.decode()
    assert "科员 → 副科长" in html
