"""Forms of the talks pages. Choices are limited to what the user may see; the summary and
follow-up appear only for those entitled to read them (and on a new talk, which its recorder
writes); the rules live in `services.py`."""
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core.errors import Code
from banzi.core.forms import BaseModelForm, use_pickers
from banzi.org.models import Cadre, Organization

from .models import CONFIDENTIAL_FIELDS, Talk, TalkPlan, TalkPlanEntry
from .services import talkee_choices


class TalksModelForm(BaseModelForm):
    takes_user = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 4)

    def active_cadres(self, *names):
        for name in names:
            if name in self.fields:
                self.fields[name].queryset = self.fields[name].queryset.filter(
                    status=Cadre.Status.ACTIVE).select_related("organization")


class TalkForm(TalksModelForm):
    class Meta:
        model = Talk
        fields = ["talker", "talkee", "held_on", "kind", "reason_newly_appointed", "reason_key_position",
                  "reason_problem_reported", "reason_post_adjusted", "reason_difficulty", "place", "summary",
                  "follow_up"]
        widgets = {"summary": forms.Textarea(attrs={"autocomplete": "off"}),
                   "follow_up": forms.Textarea(attrs={"autocomplete": "off"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.instance.summary_visible_to(self.user):
            for name in CONFIDENTIAL_FIELDS:
                self.fields.pop(name, None)

    def limit_to_user(self, user):
        super().limit_to_user(user)
        # The talker and the talkee among the cadres the user manages (the county: any cadre, so a
        # county leader can talk with a township member); a cadre is the talker of their own talks.
        self.fields["talker"].queryset = Cadre.objects.visible_to(user)
        self.fields["talkee"].queryset = talkee_choices(user)
        self.active_cadres("talker", "talkee")

    def clean(self):
        data = super().clean()
        if data.get("talker") and data.get("talker") == data.get("talkee"):
            self.add_error("talkee", forms.ValidationError(_("A talk is held with someone else: the talker and the talkee are the same "
                                                             "cadre."), code=Code.SAME_PERSON))
        return data


class TalkPlanForm(TalksModelForm):
    class Meta:
        model = TalkPlan
        fields = ["title", "organization", "starts_on", "due_on", "description"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            kind__in=[Organization.Kind.COUNTY, Organization.Kind.TOWNSHIP])


class TalkPlanEntryForm(TalksModelForm):
    class Meta:
        model = TalkPlanEntry
        fields = ["plan", "talkee", "expected_talker", "talker_organization", "due_on", "priority_group", "kind"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["talker_organization"].queryset = Organization.objects.filter(
            kind__in=[Organization.Kind.COUNTY, Organization.Kind.TOWNSHIP, Organization.Kind.DEPARTMENT]
        ).visible_to(user) | Organization.objects.filter(kind=Organization.Kind.DEPARTMENT)
        self.active_cadres("talkee", "expected_talker")


class FillPlanForm(forms.Form):
    """Add everyone the plan must cover at once."""

    talker_organization = forms.ModelChoiceField(
        Organization.objects.none(), label=_("talker organization"), required=False,
        help_text=_("For a county plan, the organization department; for a township plan, the township committee."))
    due_on = forms.DateField(label=_("due date"), required=False, help_text=_("Defaults to the plan's due date."))

    def __init__(self, *args, user=None, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        from banzi.core.forms import DateInput

        self.fields["due_on"].widget = DateInput(attrs={"class": "form-control"})
        orgs = Organization.objects.filter(kind=Organization.Kind.DEPARTMENT)
        if plan is not None:
            orgs = orgs | Organization.objects.filter(pk=plan.organization_id)
        self.fields["talker_organization"].queryset = orgs.order_by("kind", "sort_order", "name")
        self.fields["talker_organization"].widget.attrs["class"] = "form-select"
        if plan is not None and plan.organization.kind == Organization.Kind.TOWNSHIP:
            self.fields["talker_organization"].initial = plan.organization_id
        use_pickers(self, user=user)
