"""Long pickers load their options from the server as the user types.

Up to `BANZI_PICKER_REMOTE_OVER` options, a picker has every option in the page and searches them there
(static/js/pickers.js). Beyond it (a province's people, units or tasks) the page holds only what is
chosen, and `data-source` points to `core:picker_options`, which answers a page of options at a time:

- exactly the form field's queryset (kept here as Django pickles a query, for the user who drew the page),
  read again within what that user may see now;
- searched by every word typed in the model's `ChoiceLabel.search` fields, stored pinyin included, so
  "zs" finds 张三 as in the page;
- narrowed by the unit chosen in the form (`unit=`), by the same rule the form checks on saving: the
  unit's own records or, for a unit in a township, that township's.
"""
import datetime
import hashlib
import pickle

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.urls import reverse

from . import clock
from .forms import choice_label, label_queryset, picker_data
from .models import PickerSource

PAGE_SIZE = 50
WORDS = 5  # a search reads at most this many words
REFRESH = datetime.timedelta(hours=1)  # a source drawn again after this long lives a session more


def can_load(choices, user):
    """Whether a choice could load its options from the server, were it long: a choice of records the
    server can search and label as the page does, drawn for a signed-in user. Reads nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not isinstance(choices, ModelChoiceIterator):
        return False
    field, queryset = choices.field, choices.queryset
    spec = choice_label(queryset.model) if queryset is not None else None
    return bool(spec and spec.search) and field.__dict__.get("label_from_instance", spec.label) is spec.label


def few_choices(choices, limit):
    """The choices as a list when they hold at most `limit` records, else None; reads at most limit + 1
    of them, in the one query that draws them: a short list costs nothing more than before."""
    kept, records = [], 0
    for choice in choices:
        if isinstance(choice[0], ModelChoiceIteratorValue):
            records += 1
            if records > limit:
                return None
        kept.append(choice)
    return kept


def source_url(choices, user):
    """Where a long picker loads its options from: the field's queryset kept for `user`."""
    return reverse("core:picker_options", args=[keep(user, choices.queryset, choices.field.to_field_name or "")])


def keep(user, queryset, to_field=""):
    """The key of `queryset`'s source for `user`: the same form drawn again reuses its row."""
    query = pickle.dumps(queryset.query)
    model_label = queryset.model._meta.label
    key = hashlib.sha256(b"\0".join([str(user.pk).encode(), model_label.encode(), to_field.encode(), query]))
    key = key.hexdigest()
    now = clock.now()
    touched = PickerSource.objects.filter(key=key, user=user, created_at__gte=now - REFRESH).exists()
    if not touched:
        PickerSource.objects.filter(created_at__lt=now - datetime.timedelta(hours=settings.BANZI_SESSION_MAX_HOURS)).delete()
        PickerSource.objects.update_or_create(
            key=key, defaults={"user": user, "model_label": model_label, "to_field": to_field, "query": query,
                               "created_at": now})
    return key


class ChosenChoices(ModelChoiceIterator):
    """A picker's chosen options only (and its empty choice): what a page with a long picker draws."""

    def __init__(self, choices, values):
        super().__init__(choices.field)
        self.queryset = self._chosen(choices.queryset, values)

    def _chosen(self, queryset, values):
        name = self.field.to_field_name or queryset.model._meta.pk.name
        model_field = queryset.model._meta.get_field(name)
        kept = []
        for value in values:
            try:
                kept.append(model_field.to_python(value))
            except ValidationError:
                continue  # a value sent back that is no record: the form says so beside the field
        kept = [value for value in kept if value not in (None, "")]
        return queryset.filter(**{f"{name}__in": kept}) if kept else queryset.none()

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        spec = choice_label(self.queryset.model)
        for obj in label_queryset(self.queryset.defer(None)):
            # Labelled as the server labels the options it sends, whatever a list's filter shows in the page.
            yield (ModelChoiceIteratorValue(self.field.prepare_value(obj), obj), spec.label(obj))


def options(source, user, words="", unit=None, page=1):
    """A page of `source`'s options for `user`: ([{value, text, py, unit, township}], whether more follow)."""
    queryset = _queryset(source)
    model = queryset.model
    if hasattr(queryset, "visible_to"):
        queryset = queryset.visible_to(user)
    spec = choice_label(model)
    for word in words.split()[:WORDS]:
        condition = Q()
        for path in spec.search:
            condition |= Q(**{f"{path}__icontains": word})
        queryset = queryset.filter(condition)
    if unit is not None and spec.unit_lookup:
        queryset = queryset.filter(_belongs(spec, unit))
    start = (page - 1) * PAGE_SIZE
    # A list's filter reads only the label's own fields (filters._label_only): the server's label reads more.
    rows = list(label_queryset(queryset.defer(None))[start:start + PAGE_SIZE + 1])
    results = []
    for obj in rows[:PAGE_SIZE]:
        text = str(spec.label(obj))
        data = picker_data(obj, text)
        value = getattr(obj, source.to_field) if source.to_field else obj.pk
        results.append({"value": str(value), "text": text, **{k.removeprefix("data-"): v for k, v in data.items()}})
    return results, len(rows) > PAGE_SIZE


class SourceGone(Exception):
    """A kept query that no longer reads: the system was updated since the page was drawn."""


def _queryset(source):
    from django.apps import apps

    try:
        model = apps.get_model(source.model_label)
        query = pickle.loads(bytes(source.query))  # noqa: S301 - written by keep() only, read by its own user
    except (LookupError, AttributeError, ImportError, EOFError, TypeError, ValueError, pickle.UnpicklingError) as error:
        raise SourceGone from error
    queryset = model._default_manager.all()
    queryset.query = query
    return queryset


def _belongs(spec, unit):
    """The form's rule (BaseModelForm.check_belongs) as a filter: the unit's own records, or its township's."""
    from banzi.org.models import Organization

    condition = Q(**{spec.unit_lookup: unit})
    township = Organization.objects.filter(pk=unit).values_list("township_id", flat=True).first()
    if township and spec.township_lookup:
        condition |= Q(**{spec.township_lookup: township})
    return condition
