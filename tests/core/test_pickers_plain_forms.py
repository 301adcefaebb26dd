"""The plain forms that choose people, units or talks (governance steps, the talk plan's filling, the
security administrator's role form) offer searchable pickers like every model form: each option with
its pinyin (`data-py`) and a label that tells namesakes apart, no "---------"."""
import re

import pytest

from banzi.accounts.forms import RoleForm
from banzi.core import clock
from banzi.governance.forms import AttendanceForm, CriticismForm, RectificationForm, TalksForm
from banzi.talks.forms import FillPlanForm
from banzi.talks.models import TalkPlan
from tests import factories as f
from tests.governance.cases import meeting

pytestmark = pytest.mark.django_db


def options(form, name):
    """(label, data-py) of each non-empty option of the field as the page draws it."""
    html = str(form[name])
    assert "---------" not in html
    found = re.findall(r'<option value="(\d+)"([^>]*)>([^<]*)</option>', html)
    return [(label, re.search(r'data-py="([^"]*)"', attrs).group(1) if "data-py" in attrs else None)
            for _value, attrs, label in found]


def test_the_governance_steps_offer_people_by_name_unit_and_pinyin(township, township_admin):
    namesakes = [f.CadreFactory(organization=township, name="张伟", post=post) for post in ("党委委员", "副镇长")]
    record = meeting(township, members=namesakes, present=2)
    forms = {"cadre": CriticismForm(meeting=record), "responsible": RectificationForm(meeting=record, user=township_admin)}
    for name, form in forms.items():
        drawn = options(form, name)
        assert {label for label, _py in drawn} >= {f"张伟 · {township.name} · 党委委员", f"张伟 · {township.name} · 副镇长"}
        assert all(py and "zhangwei" in py and "zw" in py.split() for label, py in drawn if label.startswith("张伟"))
    leaders = options(AttendanceForm(meeting=meeting(township), user=township_admin), "leaders")
    assert leaders and all(py for _label, py in leaders)
    assert TalksForm(meeting=record, user=township_admin)["talks"].field.widget.__class__.__name__ == "PickerSelectMultiple"


def test_the_talk_plan_and_the_role_form_offer_units_and_people_with_pinyin(township, county):
    today = clock.today()
    plan = TalkPlan.objects.create(organization=township, title="谈心谈话计划", starts_on=today, due_on=today)
    drawn = options(FillPlanForm(plan=plan), "talker_organization")
    assert any(label == township.name for label, _py in drawn) and all(py for _label, py in drawn)
    cadre = f.CadreFactory(organization=township, name="李娜", post="组织委员")
    form = RoleForm()
    assert any(label == f"李娜 · {township.name} · 组织委员" and "ln" in py.split() for label, py in options(form, "cadre"))
    assert cadre.pk and any(label == township.name for label, _py in options(form, "organization"))


def test_a_lists_filters_offer_units_with_their_pinyin(township, county_client):
    f.CadreFactory(organization=township)
    page = county_client.get("/org/cadres/").content.decode()
    option = re.search(r'<select name="township"[^>]*>.*?</select>', page, flags=re.S).group(0)
    assert f'data-py="xinchengzhen xcz">{township.name}</option>' in option  # 新城镇
    assert '<option value="" selected>' in option or '<option value="">' in option  # "any" carries none
