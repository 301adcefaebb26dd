"""The cadre list renders its rows and filters at once (CadreTable.html_rows, the Python drop-downs):
the HTML must be what django-tables2 and Django's widget templates give, for every column and viewer."""
import re

import pytest
from django import forms
from django.test import RequestFactory
from django.utils.html import conditional_escape

from banzi.org.filters import CadreFilterSet
from banzi.org.models import Cadre
from banzi.org.tables import CadreTable

from .. import factories as f


def _standard_rows(table):
    """The rows as includes/table.html renders them through django-tables2, cell by cell."""
    phone = table.phone_columns
    return [f"<tr {row.attrs.as_html()}>" + "".join(
        f"<td {column.attrs['td'].as_html()} data-label=\"{conditional_escape(column.header)}\""
        f"{' data-phone' if column.name in phone else ''}>{conditional_escape(cell)}</td>"
        for column, cell in row.items()) + "</tr>" for row in table.paginated_rows]


def _squeeze(html):
    return re.sub(r">\s+<", "><", str(html).strip())


def _table(user, queryset):
    request = RequestFactory().get("/org/cadres/")
    request.user = user
    table = CadreTable(queryset, request=request)
    table.paginate(page=1, per_page=25)
    return table


@pytest.fixture
def cadres(township, other_township):
    f.CadreFactory(organization=township, name="张<b>三</b>", post='a "post" & more', is_reserve=True,
                   rank=Cadre.Rank.choices[0][0], is_key_position=True)
    f.CadreFactory(organization=other_township, name="李四", gender=Cadre.Gender.FEMALE, phone="", post="",
                   is_newly_promoted=True, id_number=f.make_id_number(f.datetime.date(1980, 1, 2), "female", 3))
    f.CadreFactory(organization=township, name="王五", status=Cadre.Status.ARCHIVED)  # no rank
    return Cadre.objects.select_related("organization").order_by("pk")


@pytest.mark.parametrize("viewer", ["county_admin", "township_admin", "system_admin"])
def test_rows_rendered_at_once_are_the_cells_django_tables2_renders(request, cadres, viewer):
    user = request.getfixturevalue(viewer)
    table = _table(user, cadres)
    fast = [_squeeze(row) for row in table.html_rows()]
    # A table of its own: django-tables2 counts rows (even/odd) across iterations of one table.
    assert fast == [_squeeze(row) for row in _standard_rows(_table(user, cadres))]
    assert len(fast) == cadres.count()
    page = "".join(fast)
    assert "张&lt;b&gt;三&lt;/b&gt;" in page and "<b>" not in page  # escaped
    # The other township's cadre is masked for a township administrator, shown in full to the county.
    other = cadres.get(name="李四")
    shown = other.id_number in page
    assert shown is (viewer == "county_admin")


def test_the_cadre_list_page_shows_the_fast_rows(county_client, cadres):
    page = county_client.get("/org/cadres/").content.decode()
    for cadre in cadres:
        assert f'<a href="{cadre.get_absolute_url()}">{conditional_escape(cadre.name)}</a>' in page


@pytest.mark.parametrize("params", [{}, {"township": "", "gender": "male", "is_reserve": "true"}])
def test_filter_drop_downs_rendered_in_python_match_djangos_templates(county_admin, township, params, cadres):
    params = {**params, "township": str(township.pk)} if "township" in params else params
    request = RequestFactory().get("/org/cadres/", params)
    request.user = county_admin
    form = CadreFilterSet(params, queryset=Cadre.objects.all(), request=request).form
    compared = 0
    for bound in form:
        widget = bound.field.widget
        if not isinstance(widget, forms.Select):
            continue
        fast = str(bound)
        # The same widget rendered through Django's templates (its own Django class).
        fast_class = type(widget)
        widget.__class__ = next(c for c in fast_class.__mro__[1:] if c.__module__.startswith("django."))
        try:
            standard = str(bound)
        finally:
            widget.__class__ = fast_class
        # The same HTML but for the pinyin each record's option carries for the searchable picker.
        assert _squeeze(re.sub(r' data-py="[^"]*"', "", fast)) == _squeeze(standard), bound.name
        compared += 1
    assert 'data-py="' in str(form["township"])
    assert compared >= 5  # township, unit, position, the yes/no filters, gender, rank, status
    if "gender" in params:
        assert '<option value="male" selected>' in str(form["gender"])


def test_links_made_from_a_url_reversed_once_are_those_of_each_record(cadres):
    for model, records in ((Cadre, list(cadres)), (type(cadres[0].organization), [c.organization for c in cadres])):
        detail = model.url_maker()
        assert [detail(record.pk) for record in records] == [record.get_absolute_url() for record in records]
    edit = Cadre.url_maker("edit")
    assert [edit(c.pk) for c in cadres] == [c.get_url("edit") for c in cadres] and None not in [edit(c.pk) for c in cadres]
