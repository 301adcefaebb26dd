"""Menu names and page titles agree: every page a role opens from the menu is titled with the menu's
name for it (a list titled 请销假 when the menu says 请销假, not the model's 请假), in Chinese; a
"我的…" entry opens a page titled with the cadre's name instead of "我的"."""
import re

import pytest
from django.test import Client

from banzi.core import navigation
from tests.second_factor import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.zh]


@pytest.mark.parametrize("role", ["county_admin", "township_admin", "cadre_user", "auditor", "system_admin",
                                  "security_admin"])
def test_every_menu_entry_opens_a_page_titled_with_its_name(role, request):
    user = request.getfixturevalue(role)
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), user)
    menu = [item for group in navigation.menu_for(user) for item in group["items"]]
    assert menu
    wrong = {}
    for item in menu:
        response = client.get(item["url"], follow=True)
        assert response.status_code == 200, item["url"]
        title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
        # "我的…" entries open the cadre's own page, titled with their name (李四的一线历练记录).
        if str(item["label"]).removeprefix("我的") not in title:
            wrong[item["url"]] = (str(item["label"]), title.strip())
    assert not wrong, wrong
