"""Long pickers load their options from the server (core/pickers.py, core/picker_views.py).

Beyond `BANZI_PICKER_REMOTE_OVER` options, a form draws only what is chosen and a `data-source`; the
source answers the form field's own choices, within what the asking user may see, searched by name,
stored pinyin and post, narrowed by unit by the rule the form checks, a page at a time, for its own user
only, with queries that do not grow with the rows."""
import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banzi.core import clock
from banzi.core.models import PickerSource
from banzi.core.pickers import PAGE_SIZE
from banzi.tasks.forms import SupervisedItemForm, TaskForm
from banzi.tasks.models import SupervisedItem
from tests import factories as f
from tests.conftest import _client

SOURCE = re.compile(r'data-source="([^"]+)"')
OPTION = re.compile(r"<option[^>]*>([^<]*)</option>")


@pytest.fixture(autouse=True)
def long_over_three(settings):
    settings.BANZI_PICKER_REMOTE_OVER = 3


@pytest.fixture
def people(township, other_township):
    village = f.VillageFactory(parent=township, name="东村")
    return {
        "zhang": f.CadreFactory(organization=township, name="张三", post="组织委员"),
        "li": f.CadreFactory(organization=township, name="李四", post="宣传委员"),
        "wang": f.CadreFactory(organization=village, name="王五", post="村支书"),
        "zhao": f.CadreFactory(organization=other_township, name="赵四", post="组织委员"),
        "qian": f.CadreFactory(organization=other_township, name="钱七", post="纪委书记"),
        "village": village,
    }


def source_of(html):
    found = SOURCE.search(html)
    assert found, html[:300]
    return unescape(found.group(1))


def labels(html):
    return [unescape(label) for label in OPTION.findall(html)]


def answer(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def texts(json):
    return [row["text"] for row in json["results"]]


def test_a_long_picker_draws_only_what_is_chosen(county_admin, people):
    form = TaskForm(user=county_admin, initial={"responsible": people["li"].pk})
    html = str(form["responsible"])
    assert source_of(html).startswith("/core/pickers/")
    assert labels(html) == ["Choose…", "李四 · 新城镇 · 宣传委员"]
    assert 'data-narrow-by="organization"' in html


def test_a_short_picker_keeps_every_option_in_the_page(settings, county_admin, people):
    settings.BANZI_PICKER_REMOTE_OVER = 5  # exactly as many as there are people
    field = TaskForm(user=county_admin)["responsible"]
    with CaptureQueriesContext(connection) as ctx:
        html = str(field)
    assert "data-source" not in html
    assert len(labels(html)) == 1 + 5  # the empty choice and everyone
    assert len(ctx.captured_queries) == 1  # the one query that draws them: no count before it
    assert not PickerSource.objects.exists()


def test_the_source_answers_the_fields_choices_searched_by_name_pinyin_and_post(county_admin, county_client, people):
    url = source_of(str(TaskForm(user=county_admin)["responsible"]))
    everyone = answer(county_client, url)
    assert len(everyone["results"]) == 5 and everyone["more"] is False
    zhang = next(row for row in everyone["results"] if row["text"].startswith("张三"))
    assert zhang == {"value": str(people["zhang"].pk), "text": "张三 · 新城镇 · 组织委员", "py": "zhangsan zs",
                     "unit": people["zhang"].organization_id, "township": people["zhang"].organization_id}
    assert texts(answer(county_client, url, q="zs")) == ["张三 · 新城镇 · 组织委员", "赵四 · 赵康镇 · 组织委员"]
    assert texts(answer(county_client, url, q="zhangsan")) == ["张三 · 新城镇 · 组织委员"]
    assert texts(answer(county_client, url, q="组织委员 赵")) == ["赵四 · 赵康镇 · 组织委员"]  # every word
    assert answer(county_client, url, q="无此人")["results"] == []


def test_the_source_narrows_by_unit_as_the_form_checks(county_admin, county_client, township, other_township,
                                                       people):
    url = source_of(str(TaskForm(user=county_admin)["responsible"]))
    # A township: its own people and its villages'.
    assert sorted(texts(answer(county_client, url, unit=township.pk))) == sorted([
        "张三 · 新城镇 · 组织委员", "李四 · 新城镇 · 宣传委员", "王五 · 东村 · 新城镇 · 村支书"])
    assert sorted(texts(answer(county_client, url, unit=other_township.pk))) == sorted([
        "赵四 · 赵康镇 · 组织委员", "钱七 · 赵康镇 · 纪委书记"])
    # Whatever the server offers for a unit, the form takes with that unit.
    for row in answer(county_client, url, unit=township.pk)["results"]:
        form = SupervisedItemForm(user=county_admin, data={
            "title": "督办事项", "item_class": "ordinary", "organization": township.pk, "assignee": row["value"]})
        assert "assignee" not in form.errors, (row, form.errors)
    # A unit id that is no unit narrows to its own (none); a word that is not a number is ignored.
    assert answer(county_client, url, unit=999_999)["results"] == []
    assert len(answer(county_client, url, unit="abc")["results"]) == 5


def test_a_township_users_source_holds_only_their_township(settings, township_admin, people):
    settings.BANZI_PICKER_REMOTE_OVER = 2
    client = _client(township_admin)
    url = source_of(str(TaskForm(user=township_admin)["responsible"]))
    assert sorted(texts(answer(client, url))) == sorted([
        "张三 · 新城镇 · 组织委员", "李四 · 新城镇 · 宣传委员", "王五 · 东村 · 新城镇 · 村支书"])
    assert texts(answer(client, url, q="zs")) == ["张三 · 新城镇 · 组织委员"]  # 赵四 is not theirs


def test_the_source_reads_again_within_what_the_user_sees_now(county_admin, township_admin, people):
    """A source whose query reaches wider than its user may see now answers only what the user sees."""
    url = source_of(str(TaskForm(user=county_admin)["responsible"]))
    PickerSource.objects.update(user=township_admin)
    assert sorted(texts(answer(_client(township_admin), url))) == sorted([
        "张三 · 新城镇 · 组织委员", "李四 · 新城镇 · 宣传委员", "王五 · 东村 · 新城镇 · 村支书"])


def test_a_source_is_its_users_only(settings, county_admin, township_admin, other_township_admin, people, client):
    settings.BANZI_PICKER_REMOTE_OVER = 2
    url = source_of(str(TaskForm(user=township_admin)["responsible"]))
    assert _client(other_township_admin).get(url).status_code == 404
    assert _client(county_admin).get(url).status_code == 404
    assert client.get(url).status_code in (302, 403)  # signed out
    assert _client(township_admin).get(url).status_code == 200
    assert _client(township_admin).get(reverse("core:picker_options", args=["0" * 64])).status_code == 404


def test_the_source_answers_a_page_at_a_time(county_admin, county_client, township):
    for i in range(PAGE_SIZE + 5):
        f.CadreFactory(organization=township, name=f"干部{i:02d}")
    url = source_of(str(TaskForm(user=county_admin)["responsible"]))
    first = answer(county_client, url)
    assert len(first["results"]) == PAGE_SIZE and first["more"] is True
    second = answer(county_client, url, page=2)
    assert len(second["results"]) == 5 and second["more"] is False
    assert not {r["value"] for r in first["results"]} & {r["value"] for r in second["results"]}
    assert county_client.get(url, {"page": "0"}).status_code == 200  # read as the first page


def test_the_sources_queries_do_not_grow_with_the_rows(county_admin, county_client, township, people):
    url = source_of(str(TaskForm(user=county_admin)["responsible"]))

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            answer(county_client, url, unit=township.pk)
        return ctx.captured_queries

    for i in range(5):
        f.CadreFactory(organization=f.VillageFactory(parent=township), name=f"甲{i}")
    few = len(queries())
    for i in range(30):
        f.CadreFactory(organization=f.VillageFactory(parent=township), name=f"乙{i}")
    many = queries()
    assert len(many) == few
    assert not any(f'"org_cadre"."{sealed}"' in q["sql"] for q in many for sealed in ("id_number", "phone"))


@pytest.mark.zh
def test_a_source_that_no_longer_reads_asks_for_a_reload_in_chinese(county_admin, county_client, people):
    url = source_of(str(TaskForm(user=county_admin)["responsible"]))
    PickerSource.objects.update(query=b"not a query")
    response = county_client.get(url)
    assert response.status_code == 410
    assert response.json() == {"error": "页面已过期，请刷新后重新选择。"}


def test_drawing_the_same_form_again_reuses_its_source_and_old_ones_go(county_admin, people, settings):
    first = source_of(str(TaskForm(user=county_admin)["responsible"]))
    assert source_of(str(TaskForm(user=county_admin)["responsible"])) == first
    assert PickerSource.objects.count() == 1
    old = clock.now() - datetime.timedelta(hours=settings.BANZI_SESSION_MAX_HOURS + 1)
    stale = PickerSource.objects.create(key="old", user=county_admin, model_label="org.Cadre", query=b"",
                                        created_at=old)
    str(TaskForm(user=county_admin)["organization"])  # another field's source is kept; the stale one goes
    assert not PickerSource.objects.filter(pk=stale.pk).exists()
    assert PickerSource.objects.count() == 2


def test_a_form_page_with_a_long_picker_saves_what_was_chosen(county_client, township, people):
    url = reverse("tasks:superviseditem_add")
    page = county_client.get(url).content.decode()
    assert 'id="id_assignee"' in page and "data-source" in page
    response = county_client.post(url, {
        "title": "督办事项", "description": "", "item_class": "ordinary", "assigner_name": "",
        "organization": township.pk, "assignee": people["zhang"].pk, "task": "", "assigned_at": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    assert SupervisedItem.objects.get().assignee == people["zhang"]
    # Sent back with an error, the page draws the chosen person again.
    response = county_client.post(url, {"title": "", "item_class": "ordinary", "organization": township.pk,
                                        "assignee": people["zhang"].pk})
    assert response.status_code == 200
    assert "张三 · 新城镇 · 组织委员" in labels(str(response.context["form"]["assignee"]))


# --- a list's filters -----------------------------------------------------------------------------


def test_a_lists_long_unit_filter_loads_from_the_server(county_client, township, other_township, people):
    """The cadre list's 单位 filter (6 units here, over the limit of 3) draws only the chosen unit."""
    url = reverse("org:cadre_list")
    page = county_client.get(url, {"organization": township.pk})
    assert page.status_code == 200
    html = page.content.decode()
    select = re.search(r'<select name="organization"[^>]*>.*?</select>', html, re.S).group(0)
    assert labels(select) == ["All", "新城镇"]
    source = source_of(select)
    assert texts(answer(county_client, source, q="xcz")) == ["新城镇"]
    assert texts(answer(county_client, source, q="东")) == ["东村 · 新城镇"]
    # The list is still filtered by the chosen unit.
    assert sorted(c.name for c in page.context["object_list"]) == sorted(["张三", "李四"])


def test_a_list_with_long_filters_costs_as_many_queries_drawn_again(county_client, township, people):
    url = reverse("org:cadre_list")
    county_client.get(url)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert county_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(20):
        f.CadreFactory(organization=f.VillageFactory(parent=township), name=f"丙{i}")
    assert queries() == few
