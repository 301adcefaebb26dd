"""The workbench (工作台): the few actions each role takes every day, one tap from the home page, and
what the user has done lately (已办) beside what waits for them (待办: the home page's actions).

A cadre records study, asks for leave, reports an outing, checks in for duty and opens their tasks; a
township committee approves, sees who is at post today and this week's meetings; the organization
department supervises items and issues bulletins. A shortcut is offered only where the user may do
what it opens: a form only to a role that may write that record, a list only to a role the list
admits; the pages themselves check again.
"""
import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.models import AuditEvent
from banzi.core.roles import Role, active_role
from banzi.core.scoping import can_write_model

DONE_SHOWN = 10


@dataclass(frozen=True)
class Shortcut:
    label: str
    url: str
    mark: str  # the character shown in the tile (no icon font: none is vendored, and none may be fetched)
    tone: str  # a Tabler colour name
    count: int | None = None


def _url(name, **query):
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def _cadre_shortcuts(user):
    from banzi.conduct.models import LeaveRequest, OutingReport
    from banzi.study.models import StudyRecord

    today = clock.today()
    shortcuts = []
    if can_write_model(user, StudyRecord):
        shortcuts.append(Shortcut(_("Record study"), _url("study:studyrecord_add"), "学", "green"))
    if can_write_model(user, LeaveRequest):
        shortcuts.append(Shortcut(_("Ask for leave"), _url("conduct:leaverequest_add"), "假", "orange"))
    if can_write_model(user, OutingReport):
        shortcuts.append(Shortcut(_("Report an outing"), _url("conduct:outingreport_add"), "外", "azure"))
    if user.cadre_id:
        shortcuts.append(Shortcut(_("Duty check-in"), _url("conduct:dutyshift_list", cadre=user.cadre_id,
                                                           date=today.isoformat()), "值", "purple"))
        shortcuts.append(Shortcut(_("My tasks"), _url("tasks:task_list", responsible=user.cadre_id,
                                                      year=today.year), "任", "red"))
    shortcuts.append(Shortcut(_("My study"), _url("study:my_study"), "档", "teal"))
    return shortcuts


def _township_shortcuts(user):
    from banzi.conduct.metrics import leave_to_approve

    today = clock.today()
    monday = today - datetime.timedelta(days=today.weekday())
    return [
        Shortcut(_("To approve"), _url("conduct:leaverequest_list", to_approve="true"), "批", "orange",
                 count=leave_to_approve(user).count()),
        Shortcut(_("At post today"), _url("conduct:attendancerecord_list", date=today.isoformat()), "岗", "green"),
        Shortcut(_("This week's meetings"), _url("governance:meeting_list", held_after=monday.isoformat(),
                                                 held_before=(monday + datetime.timedelta(days=6)).isoformat()),
                 "会", "azure"),
        Shortcut(_("Away today"), _url("conduct:away_today"), "离", "purple"),
        Shortcut(_("Battle map"), _url("tasks:battle_map"), "图", "red"),
    ]


def _county_shortcuts(user):
    return [
        *_township_shortcuts(user)[:1],
        Shortcut(_("Supervised items"), _url("tasks:superviseditem_list", state="overdue"), "督", "red"),
        Shortcut(_("Bulletins"), _url("tasks:bulletin_list"), "通", "orange"),
        Shortcut(_("Battle map"), _url("tasks:battle_map"), "图", "azure"),
        Shortcut(_("Year-end report"), _url("reports:report_form"), "报", "green"),
        Shortcut(_("Assessments"), _url("assessment:assessment_list"), "考", "purple"),
    ]


SHORTCUTS = {Role.CADRE: _cadre_shortcuts, Role.TOWNSHIP_ADMIN: _township_shortcuts, Role.COUNTY_ADMIN: _county_shortcuts}


def shortcuts_for(user):
    """The user's daily actions, in the order they are taken; none for the administrators."""
    build = SHORTCUTS.get(active_role(user))
    if build is None:
        return []
    return build(user)


# What counts as done: a record the user wrote or a step they took (a workflow step is a change of
# the record), not a page they read or a file they downloaded.
DONE_ACTIONS = (AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE, AuditEvent.Action.DELETE)


def done_by(user, limit=DONE_SHOWN):
    """The user's latest writes (已办), newest first: what, when, and a link to the record while its
    page exists (one query for the events, the record types from Django's cache; links are built from the record
    type and id, not by loading the record)."""
    events = list(AuditEvent.objects.filter(user=user, kind=AuditEvent.Kind.DATA, action__in=DONE_ACTIONS,
                                            outcome=AuditEvent.Outcome.SUCCESS)
                  .order_by("-time", "-pk")[:limit])
    types = {pk: ContentType.objects.get_for_id(pk) for pk in {e.content_type_id for e in events if e.content_type_id}}
    rows = []
    for event in events:
        url = None
        content_type = types.get(event.content_type_id)
        if content_type is not None and event.object_id and event.action != AuditEvent.Action.DELETE:
            try:
                url = reverse(f"{content_type.app_label}:{content_type.model}_detail", args=[event.object_id])
            except NoReverseMatch:
                url = None
        rows.append({"event": event, "label": event.object_repr or event.detail,
                     "type": content_type.model_class()._meta.verbose_name if content_type and content_type.model_class() else "",
                     "url": url})
    return rows
