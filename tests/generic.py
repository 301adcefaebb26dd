"""The generic test harness: one `ModelCase` per business model, and helpers the generic tests use.

Every concrete subclass of `banzi.core.models.BaseModel` must have a case; `tests/core/test_scoping.py`,
`tests/core/test_audit.py` and `tests/core/test_query_counts.py` run over all of them, so a new model
inherits the scoping, audit and query-count tests by registering a case, and a model without one
fails the suite (`test_every_business_model_has_a_case`).

To register a model, add `tests/<app>/cases.py` (found automatically) with, for example:

    from tests.generic import ModelCase, register

    register(ModelCase(
        model=StudySession,
        make=lambda township: StudySessionFactory(organization=township),
        form_data=lambda township: {"organization": township.pk, "held_on": "2025-03-01", ...},
        update={"topic": "新的主题"},
        move=lambda record, other: setattr(record, "organization", other),
    ))

`make(township)` builds and saves a record owned by the township (for a county-wide catalog the
township is ignored). `form_data(township)` returns valid POST data for the add page that creates a
record in that township, creating whatever it refers to. `update` maps form fields to new values for
the edit test; nothing else may change. See `ModelCase` for the optional parts.
"""
import datetime
import importlib
import io
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.apps import apps
from django.urls import resolve, reverse

from banzi.core.models import BaseModel


@dataclass
class ModelCase:
    """How the generic tests build and edit records of one model."""

    model: type
    # A saved record owned by the township (a catalog ignores the township).
    make: Callable
    # Valid POST data for the add page that creates a record in the township.
    form_data: Callable
    # Form fields and new values for the edit test (values as they are posted).
    update: dict
    # Changes a saved record in memory so that it belongs to another township; None for catalogs.
    move: Callable | None = None
    # For models a cadre sees their own records of: a saved record belonging to the cadre.
    make_own: Callable | None = None
    # The cadre writes their own records of this model (e.g. progress reports on their own tasks):
    # the generic test then checks they cannot write anyone else's, and the app's tests check the rest.
    cadre_writes_own: bool = False
    # A saved record, owned by the township, that other records still refer to (deletion refused).
    make_referenced: Callable | None = None
    # The text that identifies a record in its list's Excel export.
    export_label: Callable = str
    # Extra GET parameters that the list needs to show every record (e.g. a default filter).
    list_params: dict = field(default_factory=dict)
    # For a private model (its cadre's alone, `Scope(private=True)`): valid POST data for the add
    # page when the cadre records their own (tests/core/test_private_records.py).
    own_form_data: Callable | None = None
    # The API (tests/core/test_api_generic.py): valid POST data for the model's create endpoint
    # (default: `form_data`, as a browser would post it); the fields and values of the update test
    # (default: `update`); False where the API does not create or change these records by the
    # standard verbs (they are made by a workflow action instead).
    api_data: Callable | None = None
    api_update: dict | None = None
    api_writes: bool = True

    @property
    def label(self):
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"

    @property
    def is_catalog(self):
        return self.model.scope.is_catalog

    @property
    def is_private(self):
        return self.model.scope.private

    @property
    def township_writes(self):
        """Whether township committees change these records (a spot check, say, is the county's)."""
        from banzi.core.roles import Role

        return Role.TOWNSHIP_ADMIN in self.model.scope.write_roles

    def url(self, action, record=None):
        name = self.model.url_name(action)
        return reverse(name, args=[record.pk]) if record is not None else reverse(name)

    @property
    def form_class(self):
        return resolve(self.url("add")).func.view_class.form_class

    def form_value(self, record, name):
        """A field's current value as the edit form posts it."""
        return instance_form_data(self.form_class, record).get(name, "")

    def api_create_data(self, township):
        """The create endpoint's body: the form's data as an API client sends it (a box ticked is
        true; a field left empty is left out)."""
        data = self.api_data(township) if self.api_data is not None else self.form_data(township)
        return {k: ("true" if v == "on" else v) for k, v in data.items() if v != ""}

    @property
    def api_update_data(self):
        return self.api_update if self.api_update is not None else self.update

    def edit_data(self, record, user):
        """The edit page's POST data for the record as it stands, with `update` applied."""
        data = instance_form_data(self.form_class, record, user)
        data.update(self.update)
        return data


_CASES = {}
_discovered = False


def register(case):
    """Register the generic-test case of a model (one per model)."""
    if case.model in _CASES:
        raise ValueError(f"{case.label} already has a case")
    _CASES[case.model] = case
    return case


def _discover():
    global _discovered
    if _discovered:
        return
    _discovered = True
    import tests

    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            # cases.py: the models' cases; api_cases.py (and api_cases_<part>.py, where an app's API comes
            # in parts): the API's workflow actions and figures.
            package = importlib.import_module(f"tests.{info.name}")
            names = sorted(m.name for m in pkgutil.iter_modules(package.__path__))
            for module in ("cases", "api_cases", *(n for n in names if n.startswith("api_cases_"))):
                try:
                    importlib.import_module(f"tests.{info.name}.{module}")
                except ModuleNotFoundError as exc:
                    if exc.name != f"tests.{info.name}.{module}":
                        raise


def all_cases():
    """Every registered case, in a stable order."""
    _discover()
    return sorted(_CASES.values(), key=lambda c: c.label)


def case_for(model):
    _discover()
    return _CASES[model]


def business_models():
    """Every concrete subclass of BaseModel, i.e. every model the generic tests must cover."""
    return [m for m in apps.get_models() if issubclass(m, BaseModel) and not m._meta.abstract]


def case_params(predicate=None, *, private=False):
    """Cases for pytest.mark.parametrize, with readable ids. Private models (their cadre's alone)
    are left out unless `private=True` asks for them only: committees neither see nor change them,
    so the generic tests of committee access do not apply and test_private_records.py covers them."""
    import pytest

    return [pytest.param(c, id=c.label) for c in all_cases()
            if c.is_private == private and (predicate is None or predicate(c))]


def owning_township(record):
    """The township that owns a record, following the model's scope lookup (None for catalogs)."""
    lookup = type(record).scope.township
    if lookup is None:
        return None
    obj = record
    for part in lookup.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def instance_form_data(form_class, instance, user=None):
    """POST data that a browser would send for the form showing this record unchanged."""
    kwargs = {"instance": instance}
    if getattr(form_class, "takes_user", False):
        kwargs["user"] = user
    form = form_class(**kwargs)
    data = {}
    for name, form_field in form.fields.items():
        value = form[name].value()
        if isinstance(form_field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, datetime.date | datetime.time):
            # As the browser sends it back: the widget's rendering (no microseconds, local time).
            data[name] = form_field.widget.format_value(value)
        else:
            data[name] = str(value)
    return data


def table_pks(response):
    """Primary keys of the rows on a list page."""
    table = response.context["table"]
    rows = table.page.object_list if getattr(table, "page", None) else table.rows
    return {row.record.pk for row in rows}


def xlsx_sheet(response):
    """The first sheet of an exported .xlsx, loaded in full (styles, widths, print settings)."""
    from openpyxl import load_workbook

    assert response.status_code == 200, response.status_code
    assert "spreadsheetml" in response["Content-Type"], response["Content-Type"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(body)).active


def xlsx_rows(response):
    """The table of an exported .xlsx, header first, as lists of strings: a list export's title rows
    above the header and its 序号 column (banzi/core/exporting.py) are left out."""
    def text(value):
        if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
            return value.date().isoformat()  # a date cell: openpyxl reads every Excel date as a datetime
        return "" if value is None else str(value)

    rows = [[text(v) for v in row] for row in xlsx_sheet(response).iter_rows(values_only=True)]
    for index, row in enumerate(rows[:3]):
        if row and row[0] in ("序号", "No."):
            return [r[1:] for r in rows[index:]]
    return rows


def login_url_of(response):
    return response.url.split("?")[0] if response.status_code == 302 else None
