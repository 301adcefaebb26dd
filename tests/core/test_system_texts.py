"""Words the system stored (the seeded catalogues' history reason, the seeded calendar years' source)
and the people who made changes show in Chinese on the pages: no stored English phrase, no library
name, no username."""
import pytest
from django.urls import reverse

from banzi.core.models import CalendarYear
from banzi.org.models import Position

pytestmark = [pytest.mark.django_db, pytest.mark.zh]


def test_a_seeded_catalogue_entry_says_it_was_preset(county_client):
    position = Position.objects.order_by("pk").first()
    page = county_client.get(reverse("org:position_history", args=[position.pk])).content.decode()
    assert "系统预置目录" in page and "Seeded catalog" not in page


def test_the_seeded_calendar_names_its_source_not_the_library(county_client):
    year = CalendarYear.objects.filter(source="chinesecalendar").order_by("year").first()
    assert year is not None
    for url in (reverse("core:calendaryear_list"), year.get_absolute_url()):
        page = county_client.get(url).content.decode()
        assert "国务院办公厅节假日安排" in page and "chinesecalendar" not in page


def test_a_change_shows_who_made_it_by_name(county_client, county_admin):
    from banzi.core import services

    position = Position.objects.order_by("pk").first()
    position.sort_order += 1
    services.save_object(county_admin, position)
    page = county_client.get(reverse("org:position_history", args=[position.pk])).content.decode()
    assert county_admin.display_name in page and f">{county_admin.username}<" not in page
