"""The pickers' server side (core/forms.py): every model choice carries its pinyin (`data-py`) and, for
people and records of a unit, its unit (`data-unit`, `data-township`); labels tell namesakes apart; the
empty choice reads "Choose…" (请选择…), never "---------"; a form page's queries do not grow with its
options; a person chosen beside a unit must be one of that unit's people."""
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banzi.core.errors import Code
from banzi.core.forms import search_pinyin
from banzi.tasks.forms import SupervisedItemForm, TaskForm
from banzi.tasks.models import SupervisedItem, Task
from banzi.training.forms import EnrollCadresForm
from tests import factories as f
from tests.errors import form_codes
from tests.tasks.boards_data import D, task

OPTION = re.compile(r"<option([^>]*)>([^<]*)</option>")
ATTR = re.compile(r'([\w-]+)(?:="([^"]*)")?')


def options(html):
    """[(attributes, label)] of a rendered select, unescaped as the browser reads them."""
    return [({name: unescape(value or "") for name, value in ATTR.findall(attrs)}, unescape(label))
            for attrs, label in OPTION.findall(html)]


def option_for(html, label_start):
    found = [attrs for attrs, label in options(html) if label.startswith(label_start)]
    assert len(found) == 1, (label_start, found)
    return found[0]


def test_pinyin_for_search_holds_full_pinyin_and_initials():
    assert search_pinyin("张三") == "zhangsan zs"


def test_cadre_options_carry_pinyin_unit_and_township(township, county_admin):
    village = f.VillageFactory(parent=township, name="东村")
    zhang = f.CadreFactory(name="张三", organization=village, post="村支书")
    department = f.DepartmentFactory(name="县农业农村局")
    f.CadreFactory(name="李四", organization=department, post="副局长")
    html = str(TaskForm(user=county_admin)["responsible"])
    attrs = option_for(html, "张三")
    assert attrs["value"] == str(zhang.pk)
    assert attrs["data-py"] == "zhangsan zs"  # the stored pinyin of the name, not that of the label
    assert attrs["data-unit"] == str(village.pk) and attrs["data-township"] == str(township.pk)
    li = option_for(html, "李四")
    assert li["data-unit"] == str(department.pk) and "data-township" not in li  # a county department
    assert 'data-narrow-by="organization"' in html.split(">")[0]


def test_unit_options_carry_their_township(township, county_admin):
    village = f.VillageFactory(parent=township, name="东村")
    html = str(TaskForm(user=county_admin)["organization"])
    assert option_for(html, "东村")["data-township"] == str(township.pk)
    assert option_for(html, township.name)["data-township"] == str(township.pk)
    assert option_for(html, "东村")["data-py"] == "dongcun dc"
    assert village.pk


def test_labels_tell_namesakes_apart(township, other_township, county_admin):
    """Cadres as 姓名 · 单位 · 职务, villages with their township, tasks with unit, owner and deadline."""
    for town in (township, other_township):
        f.VillageFactory(parent=town, name="李庄村")
        f.CadreFactory(name="张伟", organization=town, post="组织委员")
        task(organization=town, responsible=f.CadreFactory(organization=town, name=f"王{town.pk}"),
             title="落实民生实事项目", deadline=D(2026, 12, 31))
    form = SupervisedItemForm(user=county_admin)
    for field in ("assignee", "organization", "task"):
        labels = [label for attrs, label in options(str(form[field])) if attrs["value"]]
        assert len(labels) == len(set(labels)), (field, labels)
    labels = [label for _, label in options(str(form["assignee"]))]
    assert f"张伟 · {township.name} · 组织委员" in labels and f"张伟 · {other_township.name} · 组织委员" in labels
    labels = [label for _, label in options(str(form["organization"]))]
    assert f"李庄村 · {township.name}" in labels and f"李庄村 · {other_township.name}" in labels
    labels = [label for _, label in options(str(form["task"]))]
    assert f"落实民生实事项目 · {township.name} · 王{township.pk} · 2026-12-31" in labels


def test_the_empty_choice_reads_choose(township, county_admin):
    form = SupervisedItemForm(user=county_admin)
    for field in ("assignee", "organization", "task"):
        first = options(str(form[field]))[0]
        assert first == ({"value": "", "selected": ""}, "Choose…")
    assert "---------" not in str(form)


@pytest.mark.zh
def test_the_empty_choice_reads_choose_in_chinese(township, county_admin):
    html = str(SupervisedItemForm(user=county_admin))
    assert "请选择…" in html and "---------" not in html


def test_a_name_carrying_markup_is_escaped(township, county_admin):
    f.CadreFactory(name="张<img src=x onerror=alert(1)>", organization=township)
    html = str(TaskForm(user=county_admin)["responsible"])
    assert "<img" not in html and "张&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_plain_form_can_use_the_pickers(township, county_admin):
    """The training enrolment form (a plain form) has pinyin on each cadre, and a multiple choice."""
    f.CadreFactory(name="张三", organization=township)
    html = str(EnrollCadresForm(user=county_admin)["cadres"])
    assert "multiple" in html.split(">")[0] and option_for(html, "张三")["data-py"] == "zhangsan zs"


def page_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return ctx.captured_queries


@pytest.mark.parametrize("name", ["task_add", "superviseditem_add"])
def test_a_form_pages_queries_do_not_grow_with_its_options(township, county_admin, county_client, name):
    url = reverse(f"tasks:{name}")

    def grow(n):
        for _ in range(n):
            village = f.VillageFactory(parent=township)
            task(organization=village, responsible=f.CadreFactory(organization=village))

    grow(5)
    page_queries(county_client, url)
    few = len(page_queries(county_client, url))
    grow(45)
    queries = page_queries(county_client, url)
    assert len(queries) == few
    # Drawing the cadres opens no sealed ID number or phone.
    cadre_reads = [q["sql"] for q in queries if 'FROM "org_cadre"' in q["sql"]]
    assert cadre_reads and not any(f'"org_cadre"."{sealed}"' in sql for sql in cadre_reads
                                   for sealed in ("id_number", "phone"))


# --- narrowed by unit ----------------------------------------------------------------------------


def item_data(organization, assignee, **extra):
    return {"title": "督办事项", "description": "", "item_class": "ordinary", "assigner_name": "",
            "organization": organization.pk, "assignee": assignee.pk, "task": "", "assigned_at": "", **extra}


def test_the_assignee_must_be_of_the_chosen_unit(township, other_township, county_admin):
    outsider = f.CadreFactory(organization=other_township)
    form = SupervisedItemForm(data=item_data(township, outsider), user=county_admin)
    assert not form.is_valid()
    assert form_codes(form) == {"assignee": [Code.OUTSIDE_UNIT]}


def test_a_county_department_cadre_is_not_of_a_townships_people(township, county_admin):
    department_cadre = f.CadreFactory(organization=f.DepartmentFactory())
    form = SupervisedItemForm(data=item_data(township, department_cadre), user=county_admin)
    assert form_codes(form) == {"assignee": [Code.OUTSIDE_UNIT]}


def test_a_village_cadre_is_of_the_townships_people(township, county_admin):
    village_cadre = f.CadreFactory(organization=f.VillageFactory(parent=township))
    form = SupervisedItemForm(data=item_data(township, village_cadre), user=county_admin)
    assert form.is_valid(), form.errors


def test_a_county_unit_takes_its_own_people(county, township, county_admin):
    department = f.DepartmentFactory()
    own = f.CadreFactory(organization=department)
    assert SupervisedItemForm(data=item_data(department, own), user=county_admin).is_valid()
    other = f.CadreFactory(organization=township)
    assert form_codes(SupervisedItemForm(data=item_data(department, other), user=county_admin)) == {
        "assignee": [Code.OUTSIDE_UNIT]}


@pytest.mark.zh
def test_a_person_outside_the_unit_is_refused_through_the_page_in_chinese(township, other_township, county_admin,
                                                                        county_client):
    outsider = f.CadreFactory(organization=other_township, name="赵六")
    count = SupervisedItem.objects.count()
    response = county_client.post(reverse("tasks:superviseditem_add"), item_data(township, outsider))
    assert response.status_code == 200
    assert form_codes(response.context["form"]) == {"assignee": [Code.OUTSIDE_UNIT]}
    assert f"赵六 不是{township.name}的人员，请选择该单位的人员。" in response.content.decode()
    assert SupervisedItem.objects.count() == count


def test_a_tasks_responsible_cadre_must_be_of_its_unit(township, other_township, county_admin):
    outsider = f.CadreFactory(organization=other_township)
    data = {"work_list": "", "title": "任务", "organization": township.pk, "responsible": outsider.pk,
            "source": Task.Source.ASSIGNED, "target": "", "measures": "", "start_on": "2026-01-01",
            "deadline": "2026-12-31", "status": Task.Status.NOT_STARTED, "completed_on": ""}
    form = TaskForm(data=data, user=county_admin)
    assert form_codes(form) == {"responsible": [Code.OUTSIDE_UNIT]}
    data["responsible"] = f.CadreFactory(organization=township).pk
    assert TaskForm(data=data, user=county_admin).is_valid()


def test_a_workflow_steps_person_choice_is_a_picker_too(township, county_admin):
    """A plain form of a workflow step (the look-back review's responsible cadre) gets the labels and pinyin,
    though its queryset is set after the pickers were prepared."""
    from banzi.tasks.forms import ReviewStepForm

    f.CadreFactory(name="张三", organization=township, post="组织委员")
    html = str(ReviewStepForm(user=county_admin)["responsible"])
    assert option_for(html, f"张三 · {township.name} · 组织委员")["data-py"] == "zhangsan zs"
    assert options(html)[0][1] == "Choose…"
