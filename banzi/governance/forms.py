"""Forms of the governance pages: the meeting with its members due, the attendance sheet, the
decision sheet (each present member's opinion in speaking order), and the democratic life
meeting's criticism, rectification and talks steps."""
import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.forms import BaseModelForm, DateInput, use_pickers
from banzi.org.models import Cadre

from .models import AgendaItem, Attendance, Meeting, MeetingKind, Opinion, OrgLifeRule


def _active_cadres(user):
    return Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE).select_related("organization")


class MeetingForm(BaseModelForm):
    takes_user = True
    members_due = forms.ModelMultipleChoiceField(
        queryset=Cadre.objects.none(), required=False, label=_("members due"),
        help_text=_("Leave empty for a Party committee meeting, democratic life meeting or central-group study: "
                    "the township's team members on the day are filled in."),
    )

    class Meta:
        model = Meeting
        fields = ["organization", "kind", "held_on", "topic", "chair", "recorder", "lecturer", "duration_minutes",
                  "members_due", "other_members_due", "minutes", "attachment", "opinions_solicited",
                  "opinions_solicited_from"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members_due"].widget.attrs["size"] = 10
        if self.instance.pk and not self.is_bound:
            self.initial["members_due"] = list(self.instance.attendances.filter(
                role=Attendance.Role.MEMBER).order_by("sort_order", "id").values_list("cadre_id", flat=True))

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["members_due"].queryset = _active_cadres(user)

    def members_due_value(self):
        """The chosen members due, in the list's order; None leaves them as they are (or the default)."""
        chosen = self.cleaned_data.get("members_due")
        if not chosen:
            return None if not self.instance.pk else list(chosen or [])
        return list(chosen)


class AgendaItemForm(BaseModelForm):
    takes_user = True

    class Meta:
        model = AgendaItem
        fields = ["meeting", "sort_order", "title", "category", "proposer", "description", "reconsiders"]

    # The meetings offered: those that decide matters, held recently (a page opened from a meeting
    # passes ?meeting=); the item's own meeting is always offered.
    DECIDING_KINDS = (MeetingKind.COMMITTEE, MeetingKind.BRANCH_GENERAL, MeetingKind.BRANCH_COMMITTEE)
    RECENT_DAYS = 120

    def limit_to_user(self, user):
        super().limit_to_user(user)
        since = clock.today() - datetime.timedelta(days=self.RECENT_DAYS)
        chosen = Q(pk=self.instance.meeting_id) | Q(pk=self.initial.get("meeting") or 0)
        self.fields["meeting"].queryset = (Meeting.objects.visible_to(user).filter(
            Q(kind__in=self.DECIDING_KINDS, held_on__gte=since) | chosen).select_related("organization"))
        years_ago = clock.today() - datetime.timedelta(days=5 * 366)
        self.fields["reconsiders"].queryset = (AgendaItem.objects.visible_to(user)
                                               .exclude(outcome=AgendaItem.Outcome.PENDING)
                                               .filter(Q(meeting__held_on__gte=years_ago)
                                                       | Q(pk=self.instance.reconsiders_id or 0)))


class OrgLifeRuleForm(BaseModelForm):
    class Meta:
        model = OrgLifeRule
        fields = ["organization_kind", "meeting_kind", "frequency", "min_attendance", "is_active"]


class AttendanceForm(forms.Form):
    """One row per member due: present, or absent with a reason; plus attending leaders."""

    PRESENT, ABSENT = "present", "absent"

    def __init__(self, *args, meeting, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.rows = list(meeting.attendances.filter(role=Attendance.Role.MEMBER).select_related("cadre"))
        for row in self.rows:
            initial = None if row.present is None else (self.PRESENT if row.present else self.ABSENT)
            self.fields[f"status_{row.cadre_id}"] = forms.ChoiceField(
                label=row.cadre.name, required=False, initial=initial,
                choices=[("", "—"), (self.PRESENT, _("Present")), (self.ABSENT, _("Absent"))],
                widget=forms.Select(attrs={"class": "form-select"}))
            self.fields[f"reason_{row.cadre_id}"] = forms.CharField(
                label=_("reason for absence"), required=False, initial=row.absence_reason, max_length=200,
                widget=forms.TextInput(attrs={"class": "form-control"}))
        leaders = [a.cadre_id for a in meeting.attendances.filter(role=Attendance.Role.LEADER)]
        self.fields["leaders"] = forms.ModelMultipleChoiceField(
            queryset=_active_cadres(user).exclude(pk__in=[r.cadre_id for r in self.rows]), required=False,
            initial=leaders, label=_("attending leaders"),
            help_text=_("Team members from the level above who attended this branch's meeting."),
            widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}))
        if meeting.other_members_due:
            self.fields["other_present"] = forms.IntegerField(
                label=_("other members present"), min_value=0, initial=meeting.other_members_present,
                widget=forms.NumberInput(attrs={"class": "form-control"}))
        use_pickers(self, user=user)  # the leaders: searchable, chosen without Ctrl-click

    def row_fields(self):
        return [(row, self[f"status_{row.cadre_id}"], self[f"reason_{row.cadre_id}"]) for row in self.rows]

    def service_arguments(self):
        data = self.cleaned_data
        present, absent = [], {}
        for row in self.rows:
            status = data.get(f"status_{row.cadre_id}")
            if status == self.PRESENT:
                present.append(row.cadre)
            elif status == self.ABSENT:
                absent[row.cadre] = data.get(f"reason_{row.cadre_id}", "")
        return {"present": present, "absent": absent, "leaders": list(data.get("leaders") or []),
                "other_present": data.get("other_present")}


class DecisionForm(forms.Form):
    """The decision sheet: for each present member, their opinion and note and the order they spoke
    in (the chair is proposed last); then the votes and the outcome."""

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        meeting = item.meeting
        rows = [a for a in meeting.attendances.filter(role=Attendance.Role.MEMBER, present=True)
                .select_related("cadre").order_by("sort_order", "id")]
        rows.sort(key=lambda a: a.cadre_id == meeting.chair_id)
        self.rows = rows
        for position, row in enumerate(rows, start=1):
            cid = row.cadre_id
            self.fields[f"stance_{cid}"] = forms.ChoiceField(
                label=row.cadre.name, required=False, choices=[("", "—"), *Opinion.Stance.choices],
                widget=forms.Select(attrs={"class": "form-select"}))
            self.fields[f"note_{cid}"] = forms.CharField(
                label=_("note"), required=False, max_length=500, widget=forms.TextInput(attrs={"class": "form-control"}))
            self.fields[f"order_{cid}"] = forms.IntegerField(
                label=_("speaking order"), min_value=1, initial=position,
                widget=forms.NumberInput(attrs={"class": "form-control", "style": "max-width:6rem"}))
        number = forms.NumberInput(attrs={"class": "form-control"})
        self.fields["votes_for"] = forms.IntegerField(label=_("votes for"), min_value=0, required=False, widget=number,
                                                      help_text=_("Leave empty to count the opinions."))
        self.fields["votes_against"] = forms.IntegerField(label=_("votes against"), min_value=0, required=False,
                                                          widget=number)
        self.fields["votes_abstain"] = forms.IntegerField(label=_("abstentions"), min_value=0, required=False,
                                                          widget=number)
        self.fields["outcome"] = forms.ChoiceField(
            label=_("outcome"), choices=[(v, label) for v, label in AgendaItem.Outcome.choices
                                         if v != AgendaItem.Outcome.PENDING],
            widget=forms.Select(attrs={"class": "form-select"}))
        self.fields["decision"] = forms.CharField(label=_("decision"), required=False,
                                                  widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))

    def row_fields(self):
        return [(row, self[f"order_{row.cadre_id}"], self[f"stance_{row.cadre_id}"], self[f"note_{row.cadre_id}"])
                for row in self.rows]

    def clean(self):
        data = super().clean()
        orders = [data.get(f"order_{row.cadre_id}") for row in self.rows if data.get(f"stance_{row.cadre_id}")]
        if len(orders) != len(set(orders)):
            raise forms.ValidationError(_("Two members have the same speaking order."), code=Code.UNIQUE)
        return data

    def opinions(self):
        """(cadre, stance, note) of every member who stated an opinion, in speaking order."""
        data = self.cleaned_data
        stated = [(data.get(f"order_{row.cadre_id}") or 0, row.cadre, data[f"stance_{row.cadre_id}"],
                   data.get(f"note_{row.cadre_id}", "")) for row in self.rows if data.get(f"stance_{row.cadre_id}")]
        stated.sort(key=lambda entry: entry[0])
        return [(cadre, stance, note) for _order, cadre, stance, note in stated]


class CriticismForm(forms.Form):
    cadre = forms.ModelChoiceField(queryset=Cadre.objects.none(), label=_("member"),
                                   widget=forms.Select(attrs={"class": "form-select"}))
    self_criticism = forms.CharField(label=_("self-criticism points"),
                                     widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))
    criticism_received = forms.CharField(label=_("criticism received"), required=False,
                                         widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = Cadre.objects.filter(
            meeting_attendances__meeting=meeting, meeting_attendances__role=Attendance.Role.MEMBER,
            meeting_attendances__present=True)
        use_pickers(self)


class RectificationForm(forms.Form):
    description = forms.CharField(label=_("problem"), widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
    measures = forms.CharField(label=_("rectification measures"), required=False,
                               widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
    responsible = forms.ModelChoiceField(queryset=Cadre.objects.none(), label=_("responsible cadre"),
                                         widget=forms.Select(attrs={"class": "form-select"}))
    deadline = forms.DateField(label=_("deadline"), widget=DateInput(attrs={"class": "form-control"}))

    def __init__(self, *args, meeting, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _active_cadres(user).filter(
            organization__township=meeting.organization.township_id)
        use_pickers(self, user=user)


class TalksForm(forms.Form):
    talks = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("talks held beforehand"),
                                           widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}))

    def __init__(self, *args, meeting, user, **kwargs):
        from banzi.talks.models import Talk

        super().__init__(*args, **kwargs)
        self.fields["talks"].queryset = (Talk.objects.visible_to(user)
                                         .filter(organization__township=meeting.organization.township_id,
                                                 held_on__lte=meeting.held_on)
                                         .select_related("talker", "talkee").only(
                                             "id", "held_on", "kind", "talker__name", "talkee__name", "organization_id"))
        self.fields["talks"].initial = list(meeting.talks.values_list("pk", flat=True))
        use_pickers(self, user=user)
