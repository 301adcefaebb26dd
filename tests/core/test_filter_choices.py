"""Every list's drop-downs are drawn in Python (core.filters FastSelectMixin) with the same HTML as
Django's widget templates, and a drop-down of cadres or work lists reads only what its labels show:
the sealed ID numbers and phones are not opened to draw a filter."""
import re

import pytest
from django import forms
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from banzi.core.filters import FastSelectMixin
from banzi.tasks.filters import TaskFilterSet
from banzi.tasks.models import Task
from tests.tasks.cases import work_list

from .. import factories as f

pytestmark = pytest.mark.django_db


def _squeeze(html):
    return re.sub(r">\s+<", "><", str(html).strip())


def _form(user, params):
    request = RequestFactory().get("/tasks/tasks/", params)
    request.user = user
    return TaskFilterSet(params, queryset=Task.objects.all(), request=request).form


def test_drop_downs_drawn_in_python_are_djangos_html(county_admin, township):
    chosen = work_list(township)
    f.CadreFactory(organization=township, name="<b>王</b>&李")
    form = _form(county_admin, {"responsible": str(chosen.cadre_id), "work_list": str(chosen.pk), "state": "overdue"})
    compared = 0
    for bound in form:
        widget = bound.field.widget
        if not isinstance(widget, forms.Select):
            continue
        assert isinstance(widget, FastSelectMixin), bound.name
        fast = str(bound)
        fast_class = type(widget)
        widget.__class__ = next(c for c in fast_class.__mro__[1:] if c.__module__.startswith("django."))
        try:
            standard = str(bound)
        finally:
            widget.__class__ = fast_class
        # The same HTML but for the pinyin each record's option carries for the searchable picker.
        assert _squeeze(re.sub(r' data-py="[^"]*"', "", fast)) == _squeeze(standard), bound.name
        compared += 1
    assert compared >= 6  # year, township, responsible, status, source, state, work list
    assert f'<option value="{chosen.cadre_id}" selected data-py="' in str(form["responsible"])
    assert "&lt;b&gt;王&lt;/b&gt;&amp;李" in str(form["responsible"])
    assert 'data-py="&lt;b&gt;wang&lt;/b&gt;&amp;li &lt;' in str(form["responsible"])  # escaped like the label


def test_cadre_and_work_list_choices_do_not_open_sealed_fields(county_admin, township):
    work_list(township)
    form = _form(county_admin, {})
    with CaptureQueriesContext(connection) as queries:
        str(form["responsible"]), str(form["work_list"])
    reads = [q["sql"] for q in queries.captured_queries if "org_cadre" in q["sql"]]
    assert reads and not any("id_number" in sql or '"phone"' in sql for sql in reads)
