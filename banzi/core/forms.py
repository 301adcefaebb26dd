"""Form base: Bootstrap classes, HTML date inputs, the current user where a form needs it, and pickers.

Every foreign-key and many-to-many choice is drawn by `PickerSelect` / `PickerSelectMultiple`: each option
carries `data-py` (full pinyin and initials, so "zs" and "zhangsan" find 张三) and, for people and records
tied to a unit, `data-unit` and `data-township`; `static/js/pickers.js` turns the long ones into searchable
pickers. Labels come from `CHOICE_LABELS` (by model), so that two cadres or tasks of the same name are told
apart, and the queryset joins what the label reads: a form page's queries do not grow with its options."""
from dataclasses import dataclass
from functools import lru_cache

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

from banzi.core.errors import Code
from banzi.core.fields import EncryptedMixin
from banzi.core.filters import FastSelectMixin
from banzi.core.pinyin import pinyin_and_initials

EMPTY_LABEL = _("Choose…")
DASHES = BLANK_CHOICE_DASH[0][1]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's name
        super().__init__(attrs=attrs, format=format)


# --- choice labels, by model ----------------------------------------------------------------------


@lru_cache(maxsize=20_000)
def search_pinyin(text):
    """'张三' -> 'zhangsan zs': what a picker matches typed pinyin against."""
    full, initials = pinyin_and_initials(text)
    return f"{full} {initials}"


def _unit_name(org):
    """An organization told apart from its namesakes: a village is shown with its township."""
    if org is None:
        return ""
    if org.township_id and org.township_id != org.pk:
        return f"{org.name} · {org.township.name}"
    return org.name


def _joined(*parts):
    return " · ".join(str(p) for p in parts if p not in (None, ""))


def _day(value):
    return f"{value:%Y-%m-%d}" if value else ""


@dataclass(frozen=True)
class ChoiceLabel:
    """How a model's records read in a picker: `label(obj)`, the relations it joins (`related`), the text
    whose pinyin is searched (`pinyin(obj)`, or a stored pinyin) and the unit the record belongs to."""

    label: object
    related: tuple = ()
    pinyin: object = None
    unit: object = None
    township: object = None
    # For a picker that loads its options from the server (core/pickers.py): the fields a typed word is
    # looked for in (stored pinyin included), and the lookups of the record's unit and township.
    search: tuple = ()
    unit_lookup: str = None
    township_lookup: str = None


def _stored_pinyin(obj):
    """A cadre's or unit's name pinyin as saved with it (what the server searches too)."""
    return f"{obj.name_pinyin} {obj.name_initials}" if obj.name_pinyin else search_pinyin(obj.name)


CHOICE_LABELS = {
    # A person: 姓名 · 单位 · 职务 (two 张伟 in one county are told apart by unit and post).
    "org.Cadre": ChoiceLabel(
        label=lambda c: _joined(c.name, _unit_name(c.organization), c.post),
        related=("organization__township",), pinyin=_stored_pinyin,
        unit=lambda c: c.organization_id, township=lambda c: c.organization.township_id,
        search=("name", "name_pinyin", "name_initials", "post", "organization__name"),
        unit_lookup="organization_id", township_lookup="organization__township_id"),
    # Villages of the same name in two townships.
    "org.Organization": ChoiceLabel(
        label=_unit_name, related=("township",), pinyin=_stored_pinyin,
        unit=lambda o: o.pk, township=lambda o: o.township_id,
        search=("name", "name_pinyin", "name_initials", "township__name"), unit_lookup="pk",
        township_lookup="township_id"),
    "org.VillageDesignation": ChoiceLabel(
        label=lambda d: _joined(_unit_name(d.organization), d.year, d.get_category_display()),
        related=("organization__township",), pinyin=lambda d: search_pinyin(d.organization.name),
        unit=lambda d: d.organization_id),
    # A task: its title with its unit, its responsible cadre and its deadline.
    "tasks.Task": ChoiceLabel(
        label=lambda t: _joined(t.title, t.organization.name, t.responsible.name, _day(t.deadline)),
        related=("organization", "responsible"), pinyin=lambda t: search_pinyin(t.title),
        unit=lambda t: t.organization_id, township=lambda t: t.organization.township_id,
        search=("title", "organization__name", "responsible__name", "responsible__name_pinyin",
                "responsible__name_initials"),
        unit_lookup="organization_id", township_lookup="organization__township_id"),
    "governance.Meeting": ChoiceLabel(
        label=lambda m: _joined(m, _unit_name(m.organization)), related=("organization__township",),
        pinyin=lambda m: search_pinyin(m.topic), unit=lambda m: m.organization_id,
        search=("topic", "organization__name"), unit_lookup="organization_id"),
    "governance.AgendaItem": ChoiceLabel(
        label=lambda i: _joined(i.title, _day(i.meeting.held_on), _unit_name(i.meeting.organization)),
        related=("meeting__organization__township",), pinyin=lambda i: search_pinyin(i.title),
        search=("title", "meeting__topic", "meeting__organization__name")),
    "study.StudySession": ChoiceLabel(
        label=lambda s: _joined(s, _unit_name(s.organization)), related=("organization__township",),
        pinyin=lambda s: search_pinyin(s.topic), unit=lambda s: s.organization_id,
        search=("topic", "organization__name"), unit_lookup="organization_id"),
    "training.TrainingSession": ChoiceLabel(
        label=lambda s: _joined(s, s.program.name), related=("program",), pinyin=lambda s: search_pinyin(s.title),
        search=("title", "program__name")),
    "talks.TalkPlan": ChoiceLabel(
        label=lambda p: _joined(p.title, p.organization.name), related=("organization",),
        pinyin=lambda p: search_pinyin(p.title), unit=lambda p: p.organization_id),
}


def choice_label(model):
    return CHOICE_LABELS.get(model._meta.label)


def _sealed_fields(model, prefix=""):
    """The encrypted fields of a model (and of the relations a label joins): never opened to draw a list."""
    return [f"{prefix}{f.name}" for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]


def _related_model(model, path):
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


class PickerChoiceIterator(ModelChoiceIterator):
    """The field's queryset with what the label reads joined, and sealed columns left unread."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = label_queryset(self.queryset)
        if not queryset._prefetch_related_lookups:
            queryset = queryset.iterator()
        for obj in queryset:
            yield self.choice(obj)


def label_queryset(queryset):
    """`queryset` joining what its records' labels read, its sealed columns (and theirs) left unread."""
    model = queryset.model
    spec = choice_label(model)
    related = spec.related if spec else ()
    if related and queryset.query.select_related is not True:
        queryset = queryset.select_related(*related)
    sealed = _sealed_fields(model)
    joined = queryset.query.select_related
    if isinstance(joined, dict):
        for path in _paths(joined):
            sealed += _sealed_fields(_related_model(model, path), f"{path}__")
    if sealed and queryset.query.deferred_loading[1]:  # deferring (not narrowed by only())
        queryset = queryset.defer(*sealed)
    return queryset


def _paths(tree, prefix=""):
    for name, sub in tree.items():
        yield f"{prefix}{name}"
        if sub:
            yield from _paths(sub, f"{prefix}{name}__")


class PickerMixin(FastSelectMixin):
    """Options with `data-py` (pinyin), `data-unit` and `data-township` for the searchable picker, drawn
    as Django's select.html would draw them but in Python (hundreds of options, one template each).

    A long picker loads its options from the server (FastSelectMixin); `use_pickers` says for whom."""

    def option_data(self, value, label):
        if isinstance(value, ModelChoiceIteratorValue) and value.instance is not None:
            return picker_data(value.instance, label)
        return {}


def picker_data(obj, label):
    spec = choice_label(type(obj))
    data = {"data-py": spec.pinyin(obj) if spec and spec.pinyin else search_pinyin(str(label))}
    for key in ("unit", "township"):
        read = getattr(spec, key, None)
        value = read(obj) if read else None
        if value is not None:
            data[f"data-{key}"] = value
    return data


class PickerSelect(PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    pass


PICKER_WIDGETS = {forms.Select: PickerSelect, forms.SelectMultiple: PickerSelectMultiple}


def use_pickers(form, narrow=None, user=None):
    """Make every model choice of `form` a picker: unique labels, pinyin and unit on each option, joins for
    the label, "Choose…" for the empty choice. `narrow` = {person field: unit field} makes the person picker
    show only the chosen unit's people. `user` (default: the form's) is whom a long picker's options are
    kept for on the server. Call it at the end of a plain form's `__init__` (BaseModelForm does)."""
    user = user if user is not None else getattr(form, "user", None)
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            picker = PICKER_WIDGETS.get(type(field.widget))
            if picker is not None:
                field.widget.__class__ = picker  # the same widget (attributes), drawn with the picker's data
            if isinstance(field.widget, PickerMixin):
                field.widget.picker_user = user
            spec = choice_label(field.queryset.model) if field.queryset is not None else None
            if spec is not None and "label_from_instance" not in field.__dict__:
                field.label_from_instance = spec.label
            if field.empty_label is not None and str(field.empty_label) == DASHES:
                field.empty_label = EMPTY_LABEL
            field.iterator = PickerChoiceIterator
            field.widget.choices = field.choices  # later querysets keep the picker's iterator
        elif isinstance(field, forms.ChoiceField) and not isinstance(field.widget, forms.RadioSelect):
            choices = list(field.choices)
            if choices and choices[0][0] == "" and str(choices[0][1]) == DASHES:
                field.choices = [("", EMPTY_LABEL), *choices[1:]]
    for person, unit in (narrow or {}).items():
        if person in form.fields and unit in form.fields:
            form.fields[person].widget.attrs["data-narrow-by"] = form.add_prefix(unit)


class BaseModelForm(forms.ModelForm):
    """Adds Bootstrap classes, date pickers and searchable pickers. Set `takes_user = True` to receive
    `user`, and narrow choices to what that user may see in `limit_to_user`. `narrow = {"responsible":
    "organization"}` shows only the chosen unit's people in the person picker (the server checks it too)."""

    takes_user = False
    narrow = {}

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(field, forms.DateField) and not isinstance(widget, DateInput):
                field.widget = widget = DateInput()
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
        if user is not None:
            self.limit_to_user(user)
        use_pickers(self, self.narrow)

    def clean(self):
        data = super().clean()
        for person, unit in self.narrow.items():
            self.check_belongs(person, unit, data)
        return data

    def check_belongs(self, person_field, unit_field, data):
        """The person picker's rule on the server: the person is one of the chosen unit's people (the
        unit's own or, for a township-level unit, anyone of its township)."""
        person, unit = data.get(person_field), data.get(unit_field)
        spec = choice_label(type(person)) if person is not None else None
        if unit is None or spec is None or spec.unit is None:
            return
        township = getattr(unit, "township_id", None)
        if spec.unit(person) == unit.pk or (township and spec.township and spec.township(person) == township):
            return
        self.add_error(person_field, forms.ValidationError(
            _("%(person)s is not one of the people of %(unit)s: choose someone of that unit."),
            code=Code.OUTSIDE_UNIT, params={"person": person, "unit": unit}))

    def limit_to_user(self, user):
        """Restrict every foreign-key choice to the records the user may see."""
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)
