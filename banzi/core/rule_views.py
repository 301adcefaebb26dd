"""The rules page: the registered rules with the county's values, and an edit form per rule whose
inputs follow the type of each default value."""
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from . import rules, services
from .errors import single_errors
from .models import Rule
from .rule_services import TEXT_MAX_LENGTH, can_edit_rules, save_rule


class RuleForm(forms.Form):
    """One input per default key; the type comes from the default value."""

    note = forms.CharField(label=gettext_lazy("note"), max_length=200, required=False)

    def __init__(self, *args, defaults, key, **kwargs):
        super().__init__(*args, **kwargs)
        self.defaults = defaults
        for name, default in defaults.items():
            self.fields[name] = _field_for(name, default, rules.field_label(key, name), rules.field_choices(key, name))
        self.order_fields([*defaults, "note"])

    def rule_values(self):
        return {name: self.cleaned_data[name] for name in self.defaults}


def _field_for(name, default, label, choices=None):
    help_text = _("Default: %(value)s") % {"value": _show(default, choices)}
    if choices is not None:
        field = forms.ChoiceField(label=label, choices=choices, help_text=help_text)
        field.widget.attrs["class"] = "form-select"
        return field
    if isinstance(default, bool):
        field = forms.BooleanField(label=label, required=False, help_text=help_text)
        field.widget.attrs["class"] = "form-check-input"
        return field
    if isinstance(default, int):
        field = forms.IntegerField(
            label=label, min_value=0, help_text=help_text,
            error_messages={
                "invalid": gettext_lazy("Enter a whole number, 0 or more."),
                "min_value": gettext_lazy("Enter a whole number, 0 or more."),
            },
        )
    elif isinstance(default, float):
        field = forms.FloatField(
            label=label, min_value=0, help_text=help_text,
            error_messages={
                "invalid": gettext_lazy("Enter a number, 0 or more."),
                "min_value": gettext_lazy("Enter a number, 0 or more."),
            },
        )
    else:
        field = forms.CharField(label=label, max_length=TEXT_MAX_LENGTH, help_text=help_text)
    field.widget.attrs["class"] = "form-control"
    return field


def _show(value, choices=None):
    """A setting's value as the county reads it: the label of a choice, yes or no, or the value."""
    if choices:
        labels = {str(option): label for option, label in choices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


class RuleListView(LoginRequiredMixin, TemplateView):
    """Every registered rule with its defaults and the county's current values."""

    template_name = "core/rule_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        stored = {rule.key: rule for rule in Rule.objects.all()}
        can_edit = can_edit_rules(self.request.user)
        rows = []
        values = rules.current_values()
        for key, (label, defaults) in rules.registered().items():
            current = values[key]
            rows.append({
                "key": key,
                "label": label or key,
                "settings": [
                    {"name": rules.field_label(key, name), "key": name,
                     "default": _show(default, rules.field_choices(key, name)),
                     "value": _show(current[name], rules.field_choices(key, name)),
                     "changed": current[name] != default}
                    for name, default in defaults.items()
                ],
                "note": stored[key].note if key in stored else "",
                "edit_url": reverse("core:rule_edit", args=[key]) if can_edit else None,
                "history_url": reverse("core:rule_history", args=[key]) if key in stored else None,
            })
        ctx["rows"] = rows
        return ctx


class RuleMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        registered = rules.registered()
        if kwargs["key"] not in registered:
            raise Http404
        self.key = kwargs["key"]
        self.label, self.defaults = registered[self.key]
        self.rule = Rule.objects.filter(key=self.key).first()
        return super().dispatch(request, *args, **kwargs)


class RuleEditView(RuleMixin, FormView):
    """Change the county's values of one rule."""

    model = Rule  # what a refused form here is about, in the audit trail
    template_name = "core/rule_edit.html"
    form_class = RuleForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_edit_rules(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["defaults"] = self.defaults
        kwargs["key"] = self.key
        return kwargs

    def get_initial(self):
        initial = dict(rules.get(self.key))
        initial["note"] = self.rule.note if self.rule else ""
        return initial

    def form_valid(self, form):
        try:
            services.run(save_rule, self.request.user, self.key, form.rule_values(), note=form.cleaned_data["note"])
        except ValidationError as exc:
            for error in single_errors(exc):  # each keeps its code
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved “%(obj)s”.") % {"obj": self.label or self.key})
        return HttpResponseRedirect(reverse("core:rule_list"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rule_key"] = self.key
        ctx["rule_label"] = self.label or self.key
        ctx["cancel_url"] = reverse("core:rule_list")
        return ctx


class RuleHistoryView(RuleMixin, TemplateView):
    """Who changed a rule's values, when, and to what."""

    template_name = "core/rule_history.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rule_key"] = self.key
        ctx["rule_label"] = self.label or self.key
        ctx["records"] = (
            self.rule.history.select_related("history_user").order_by("-history_date", "-history_id")[:100]
            if self.rule else []
        )
        ctx["list_url"] = reverse("core:rule_list")
        return ctx
