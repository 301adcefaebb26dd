"""FilterSet base shared by the UI lists and the API: a `q` search box and Bootstrap widgets."""
import functools
import hashlib

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import Min, Q
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import clock, metrics


def _attrs_html(attrs):
    """django/forms/widgets/attrs.html in Python."""
    return "".join(f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
                   for name, value in attrs.items() if value is not False)


@functools.lru_cache(maxsize=50_000)
def label_pinyin(label):
    """The pinyin a picker searches a record's label by ("xinchengzhen xcz" for 新城镇); kept, as the
    same units and people are offered page after page."""
    from banzi.core.forms import search_pinyin

    return search_pinyin(label)


LONG = "long"  # kept in place of the options of a choice too long to draw (it loads them from the server)


class KeptChoices:
    """The options a list's record filters draw (223 units and their pinyin for a county's cadre list,
    read and drawn on every request), kept for the user while nothing is written, as the home page keeps
    its figures (core.metrics.home_figures): the key holds the last audit event, which every committed
    write adds in its own transaction, the query's SQL and parameters (the user's scope, any date the
    clock gave it), the language and the user; `BANZI_FIGURES_SECONDS` bounds how long (0: never kept).
    One per filterset: the last audit event is read once for all its filters, and only when one is drawn
    (the API's filtersets draw nothing)."""

    def __init__(self, user):
        self.user = user
        self.version = None

    def key(self, choices, loadable):
        seconds = settings.BANZI_FIGURES_SECONDS
        if seconds <= 0 or not isinstance(choices, ModelChoiceIterator) or choices.queryset is None:
            return None
        field = choices.field
        if "label_from_instance" in field.__dict__:
            return None  # a label made for this form alone: nothing says what it reads
        try:
            sql, params = choices.queryset.query.sql_with_params()
        except (EmptyResultSet, FullResultSet):
            return None
        if self.version is None:
            self.version = metrics.data_version()
        moment = int(clock.now().timestamp()) // seconds
        raw = "\0".join([
            self.version, str(moment), str(getattr(self.user, "pk", "")), translation.get_language() or "",
            f"{type(field).__module__}.{type(field).__qualname__}", str(field.empty_label), field.to_field_name or "",
            str(loadable), str(settings.BANZI_PICKER_REMOTE_OVER), sql, repr(params),
        ])
        return "choices:" + hashlib.sha256(raw.encode()).hexdigest()

    def get(self, key):
        return caches[metrics.CACHE].get(key)

    def set(self, key, parts):
        caches[metrics.CACHE].set(key, parts, settings.BANZI_FIGURES_SECONDS)


class FastSelectMixin:
    """A drop-down rendered as Django's select.html and select_option.html render it, but in Python:
    a unit or cadre filter offers hundreds of options, one included template each in Django's way. A
    record's option carries its label's pinyin (`data-py`): the searchable picker (static/js/pickers.js)
    finds 新城镇 by "xcz" in a list's filters as in its forms.

    A choice of records with more options than `BANZI_PICKER_REMOTE_OVER` draws only the chosen ones and
    `data-source`, where the picker loads the others as the user types (core/pickers.py); it needs to know
    for whom (`picker_user`: set by `use_pickers` in a form, by BaseFilterSet in a list's filters)."""

    picker_user = None
    kept_choices = None  # a list's record filters keep the options they draw (KeptChoices; BaseFilterSet)

    def render(self, name, value, attrs=None, renderer=None):
        from banzi.core import pickers

        everything = self.choices
        loadable = pickers.can_load(everything, self.picker_user)
        keeper = self.kept_choices
        key = keeper.key(everything, loadable) if keeper is not None else None
        parts = keeper.get(key) if key else None
        if parts is None:
            few = pickers.few_choices(everything, settings.BANZI_PICKER_REMOTE_OVER) if loadable else everything
            parts = LONG if few is None else self.option_parts(few)
            if key:
                keeper.set(key, parts)
        if parts == LONG:
            attrs = {**(attrs or {}), "data-source": pickers.source_url(everything, self.picker_user)}
            parts = self.option_parts(pickers.ChosenChoices(everything, self.format_value(value)))
        return self.render_parts(name, value, attrs, parts)

    def option_parts(self, choices):
        """[(value, html before, html after)] of every option, " selected" going between the two; an
        optgroup's lines have no value. What can be kept while nothing is written (KeptChoices)."""
        parts = []
        for option_value, option_label in choices:
            group = isinstance(option_label, list | tuple)
            if group:
                parts.append((None, f'\n  <optgroup label="{conditional_escape(option_value)}">', ""))
            for subvalue, sublabel in option_label if group else [(option_value, option_label)]:
                subvalue = "" if subvalue is None else subvalue
                parts.append((str(subvalue), f'\n  <option value="{conditional_escape(str(subvalue))}"',
                              f'{_attrs_html(self.option_data(subvalue, sublabel))}>{conditional_escape(sublabel)}</option>'))
            if group:
                parts.append((None, "\n  </optgroup>", ""))
        return parts

    def render_parts(self, name, value, attrs, parts):
        # As get_context() and optgroups() compute them, without a dictionary per option.
        select_attrs = self.build_attrs(self.attrs, attrs)
        multiple = self.allow_multiple_selected
        if multiple:
            select_attrs["multiple"] = True
        values = set(self.format_value(value))
        html = [f'<select name="{conditional_escape(name)}"{_attrs_html(select_attrs)}>']
        has_selected = False
        for option_value, before, after in parts:
            if option_value is not None and (multiple or not has_selected) and option_value in values:
                has_selected = True
                html += (before, " selected", after)
            else:
                html += (before, after)
        html.append("\n</select>")
        return mark_safe("".join(html))

    def option_data(self, value, label):
        """The data- attributes of an option: a record's pinyin."""
        return {"data-py": label_pinyin(str(label))} if isinstance(value, ModelChoiceIteratorValue) else {}


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastNullBooleanSelect(FastSelectMixin, forms.NullBooleanSelect):
    pass


class FastSelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass


FAST_WIDGETS = {forms.Select: FastSelect, forms.NullBooleanSelect: FastNullBooleanSelect,
                forms.SelectMultiple: FastSelectMultiple}


def _label_only(queryset):
    """The choices of a model whose label is a few fields (`choice_label_fields`, e.g. a cadre's name)
    read only those: a cadre's sealed ID number and phone are not opened to draw a drop-down."""
    fields = getattr(queryset.model, "choice_label_fields", None)
    if not fields:
        return queryset
    related = {name.rsplit("__", 1)[0] for name in fields if "__" in name}
    joined = queryset.query.select_related
    if joined is True or (joined and not set(joined) <= related):
        return queryset  # the label may read what is joined
    return (queryset.select_related(*related) if related else queryset).only("pk", *fields)


class BaseFilterSet(django_filters.FilterSet):
    """Subclasses set `search_fields` (lookups searched with icontains by `q`)."""

    search_fields = ()
    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        cond = Q()
        for lookup in self.search_fields:
            cond |= Q(**{f"{lookup}__icontains": value})
        return queryset.filter(cond)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A filter's form field is built once and cached on the filter; one built on the class's filter
        # (the API schema reads them) would be copied into every filterset with its label frozen in
        # the language of that moment, or with none at all ("Meeting kind"). Each request builds its own.
        for filter_ in self.filters.values():
            filter_.__dict__.pop("_field", None)
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select | forms.NullBooleanSelect):
                widget.attrs.setdefault("class", "form-select")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            else:
                widget.attrs.setdefault("class", "form-control")
        if "q" in self.form.fields:
            self.form.fields["q"].widget.attrs.setdefault("placeholder", _("Name or pinyin initials"))
            self.form.fields["q"].widget.attrs.setdefault("type", "search")
        user = getattr(self.request, "user", None)
        self.limit_choices_to_user(user)
        keeper = KeptChoices(user)
        for field in self.form.fields.values():
            fast = FAST_WIDGETS.get(type(field.widget))
            if fast is not None:
                field.widget.__class__ = fast  # the same widget (choices, attributes), rendered in Python
            if getattr(field, "queryset", None) is not None:
                field.queryset = _label_only(field.queryset)
                field.widget.picker_user = user  # a long one loads its options from the server
                field.widget.kept_choices = keeper

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # One row per person, place or day is taken from the rows every other filter kept.
        for name, filter_ in self.filters.items():
            if isinstance(filter_, OnePerFilter):
                queryset = filter_.first_of_each(queryset, self.form.cleaned_data.get(name))
        return queryset

    def limit_choices_to_user(self, user):
        """Offer only records the user may see as filter choices: another township's teams or
        villages must not show up in a township user's drop-downs."""
        if user is None:
            return
        for field in self.form.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)


class YesNoFilter(django_filters.BooleanFilter):
    """A yes / no / any choice that reads well in Chinese."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
        )
        super().__init__(*args, **kwargs)


class OnePerFilter(django_filters.ChoiceFilter):
    """`one_per=<choice>`: of the rows the list's other filters keep, only the first (lowest id) of each
    distinct value of a field (a cadre, a program, a day): a year-end figure that counts distinct
    people, places or days links to the list of exactly as many rows. Rows without a value are left
    out, as a distinct count leaves them out. `choices` are (value, lookup, label); applied after
    every other filter (BaseFilterSet.filter_queryset), on the rows the user may see."""

    def __init__(self, *choices, **kwargs):
        self.lookups = {value: lookup for value, lookup, _label in choices}
        kwargs.setdefault("label", _("one row per"))
        super().__init__(choices=[(value, label) for value, _lookup, label in choices], **kwargs)

    def filter(self, qs, value):
        return qs  # see first_of_each

    def first_of_each(self, queryset, value):
        lookup = self.lookups.get(value)
        if not lookup:
            return queryset
        firsts = (queryset.order_by().exclude(**{f"{lookup}__isnull": True}).values(lookup)
                  .annotate(first=Min("pk")).values("first"))
        return queryset.filter(pk__in=firsts)
