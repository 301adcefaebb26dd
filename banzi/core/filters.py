"""FilterSet base shared by the UI lists and the API: a `q` search box and Bootstrap widgets."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
        self.limit_choices_to_user(getattr(self.request, "user", None))

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
