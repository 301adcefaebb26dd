"""The home page's figures under the seed's three parts of the work (强化培训实践, 完善运行机制,
从严监督管理), each figure a link to the records behind it where there is a list."""
import re

import pytest
from django.utils import translation

from banzi.core import metrics
from banzi.dashboard.views import PART_HEADINGS, grouped

pytestmark = pytest.mark.django_db


def test_cards_are_grouped_in_the_parts_order_and_the_registrys_come_first():
    cards = [{"label": "s", "part": "supervision"}, {"label": "r"}, {"label": "t", "part": "training"},
             {"label": "m", "part": "mechanism"}, {"label": "t2", "part": "training"}]
    groups = grouped(cards)
    assert [heading for heading, _members in groups] == [None, *PART_HEADINGS.values()]
    assert [[c["label"] for c in members] for _heading, members in groups] == [["r"], ["t", "t2"], ["m"], ["s"]]
    assert grouped([{"label": "r"}]) == [(None, [{"label": "r"}])]  # no empty part headings


def test_a_card_names_a_known_part():
    with pytest.raises(ValueError):
        metrics.card(1, part="elsewhere")(lambda user: [])


@pytest.mark.zh
def test_the_county_home_page_shows_its_figures_under_the_three_parts(county_client, township):
    page = county_client.get("/").content.decode()
    headings = re.findall(r'<h2 class="h4 text-secondary mb-2">([^<]+)</h2>', page)
    with translation.override("zh-hans"):
        parts = [str(heading) for heading in PART_HEADINGS.values()]
    assert headings and all(h in parts for h in headings), headings
    assert headings == sorted(headings, key=parts.index)  # in the seed's order, each once
    assert len(headings) == len(set(headings))
    for section in page.split('class="mb-3 card-group-part"')[1:]:
        tiles = section.split("</section>", 1)[0]
        assert 'class="card card-sm card-link h-100" href="/' in tiles  # the figures link to their lists
