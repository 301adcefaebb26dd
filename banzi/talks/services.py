"""Writes and confidential reads of the talks app: recording a talk, planning talks, filling a plan
from the teams, and reading a talk's summary.

Every function is atomic, re-checks the user's right to change the records it touches and raises
one clear `ValidationError` per broken rule, so nothing is saved when a rule is broken. Reading a
summary goes through `read_summary`, which refuses anyone not entitled as if the talk did not exist
(404) and records every read in the audit trail.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from banzi.core import services
from banzi.core.audit import record_event
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from banzi.core.workflow import is_visible
from banzi.org.models import Cadre, Organization, TeamMembership

from .models import CONFIDENTIAL_FIELDS, Talk, TalkPlanEntry

_in_scope = is_visible


# --- talks ----------------------------------------------------------------------------------------

def talkee_choices(user):
    """Whom a user may record a talk with: the cadres in their scope; a cadre (who records only the
    talks they held) talks with the cadres of their own township, or, from a county department,
    with any cadre."""
    if getattr(user, "role", None) == Role.CADRE and user.cadre_id:
        own = Cadre.objects.select_related("organization").get(pk=user.cadre_id)
        township = own.organization.township_id
        return Cadre.objects.filter(organization__township=township) if township else Cadre.objects.all()
    return Cadre.objects.visible_to(user)


def _stored_confidential(talk):
    """The confidential values as stored (the instance may carry what a form or API client sent)."""
    if talk.pk is None:
        return dict.fromkeys(CONFIDENTIAL_FIELDS, "")
    return Talk.objects.filter(pk=talk.pk).values(*CONFIDENTIAL_FIELDS).first() or {}


@transaction.atomic
def save_talk(user, talk):
    """Record or correct a talk. A talk with oneself is refused; a cadre records only talks they
    held; the summary and follow-up of an existing talk are changed only by those entitled to read
    them (anyone else's input for them is ignored, never saved over what the talker wrote)."""
    if talk.talkee_id:
        talk.organization_id = talk.talkee.organization_id  # the talk belongs to the talkee's township
    services.ensure_can_write(user, talk)
    if talk.talker_id and talk.talker_id == talk.talkee_id:
        raise ValidationError({"talkee": ValidationError(_("A talk is held with someone else: the talker and the talkee are the "
                                                           "same cadre."), code=Code.SAME_PERSON)})
    if user.role == Role.CADRE and talk.talker_id != user.cadre_id:
        raise ValidationError({"talker": ValidationError(_("You can record only the talks you held yourself."),
                                                         code=Code.OWN_RECORDS_ONLY)})
    if talk.talkee_id and not talkee_choices(user).filter(pk=talk.talkee_id).exists():
        raise ValidationError({"talkee": ValidationError(_("Choose a cadre of an organization you manage."),
                                                         code=Code.OUTSIDE_SCOPE)})
    if talk.pk is not None:
        stored = Talk.objects.get(pk=talk.pk)
        if not stored.summary_visible_to(user):
            for name in CONFIDENTIAL_FIELDS:
                setattr(talk, name, getattr(stored, name))
    changed = talk.pk is not None and any(
        getattr(talk, name) != value for name, value in _stored_confidential(talk).items())
    reason = _("Summary or follow-up changed (confidential)") if changed else ""
    return services.save_object(user, talk, reason=reason)


@transaction.atomic
def delete_talk(user, talk):
    return services.delete_object(user, talk)


def read_summary(user, talk, *, via):
    """The talk's summary and follow-up for a user entitled to read them, the read recorded in the
    audit trail; anyone else gets a 404 (the refusal is recorded too). `via` says where it was read."""
    if not _in_scope(user, talk) or not talk.summary_visible_to(user):
        record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.DENIED, user=user, obj=talk,
                     detail=_("Refused: read a talk's confidential summary (%(via)s)") % {"via": via})
        raise Http404(_("No such talk."))
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.READ, user=user, obj=talk,
                 detail=_("Read a talk's confidential summary and follow-up (%(via)s)") % {"via": via})
    return {name: getattr(talk, name) for name in CONFIDENTIAL_FIELDS}


# --- plans ----------------------------------------------------------------------------------------

@transaction.atomic
def save_plan(user, plan):
    if plan.organization_id and plan.organization.kind not in (Organization.Kind.COUNTY, Organization.Kind.TOWNSHIP):
        raise ValidationError({"organization": ValidationError(_("A talk plan belongs to the county or to a township."),
                                                               code=Code.WRONG_KIND)})
    return services.save_object(user, plan)


@transaction.atomic
def save_plan_entry(user, entry):
    services.ensure_can_write(user, entry)
    if entry.talkee_id and not _in_scope(user, entry.talkee):
        raise ValidationError({"talkee": ValidationError(_("Choose a cadre of an organization you manage."),
                                                         code=Code.OUTSIDE_SCOPE)})
    if entry.plan_id and entry.due_on and entry.plan.due_on and entry.due_on > entry.plan.due_on:
        raise ValidationError({"due_on": ValidationError(_("The due date cannot be after the plan's due date (%(date)s).")
                                                         % {"date": entry.plan.due_on.isoformat()}, code=Code.OUTSIDE_PERIOD)})
    return services.save_object(user, entry)


def priority_group_of(cadre, plan, *, new_members=frozenset(), leaving=frozenset()):
    """The priority group a cadre falls in for a plan: leaving the team, newly appointed (first
    joined a team at this election, or promoted in the year before the plan), key position, or none.
    Reported problems are known to the department, not to the records: it sets that group itself."""
    group = TalkPlanEntry.PriorityGroup
    if cadre.pk in leaving:
        return group.LEAVING
    promoted = cadre.is_newly_promoted and cadre.promoted_on and 0 <= (plan.starts_on - cadre.promoted_on).days <= 366
    if cadre.pk in new_members or promoted:
        return group.NEWLY_APPOINTED
    if cadre.is_key_position:
        return group.KEY_POSITION
    return group.NONE


ELECTION_WINDOW_DAYS = 90


def plan_candidates(plan):
    """Who a plan must cover, as (cadres, ids of new team members, ids of those leaving a team).

    A county plan covers every current township team member and those who left a team in the
    90 days before the plan started; a township plan covers the township's active general cadres
    (cadres not on its current team)."""
    on = plan.starts_on
    window = on - datetime.timedelta(days=ELECTION_WINDOW_DAYS)
    memberships = TeamMembership.objects.select_related("cadre", "team__township")
    current = memberships.current(on).filter(cadre__status=Cadre.Status.ACTIVE)
    if plan.organization.kind == Organization.Kind.COUNTY:
        cadres = [m.cadre for m in current.order_by("team__township__sort_order", "sort_order", "id")]
        current_ids = {c.pk for c in cadres}
        earlier = set(memberships.filter(cadre__in=current_ids, started_on__lt=window).values_list("cadre_id", flat=True))
        new_members = {m.cadre_id for m in current if m.started_on >= window and m.cadre_id not in earlier}
        left = [m.cadre for m in memberships.filter(ended_on__gte=window, ended_on__lte=on, cadre__status=Cadre.Status.ACTIVE)
                .exclude(cadre__in=current_ids).order_by("ended_on", "id")]
        seen = set()
        left = [c for c in left if not (c.pk in seen or seen.add(c.pk))]
        return cadres + left, new_members, {c.pk for c in left}
    team_ids = set(current.filter(team__township=plan.organization).values_list("cadre_id", flat=True))
    cadres = Cadre.objects.filter(organization__township=plan.organization, status=Cadre.Status.ACTIVE).order_by(
        "name_pinyin", "id")
    return [c for c in cadres if c.pk not in team_ids], set(), set()


@transaction.atomic
def fill_plan(user, plan, *, talker_organization=None, expected_talker=None, due_on=None):
    """Add an entry for everyone the plan must cover who has none yet (see `plan_candidates`), each
    with its priority group; returns how many were added."""
    services.ensure_can_write(user, plan)
    if expected_talker is None and talker_organization is None:
        raise ValidationError({"talker_organization": ValidationError(
            _("Choose the expected talker or the talker organization."), code=Code.REQUIRED)})
    due_on = due_on or plan.due_on
    if due_on < plan.starts_on or due_on > plan.due_on:
        raise ValidationError({"due_on": ValidationError(_("The due date must fall within the plan (%(start)s to %(end)s).")
                                                         % {"start": plan.starts_on.isoformat(), "end": plan.due_on.isoformat()},
                                                         code=Code.OUTSIDE_PERIOD)})
    existing = set(plan.entries.values_list("talkee_id", flat=True))
    cadres, new_members, leaving = plan_candidates(plan)
    candidates = [c for c in cadres if c.pk not in existing and c.pk != getattr(expected_talker, "pk", None)]
    added = 0
    for cadre in candidates:
        entry = TalkPlanEntry(plan=plan, talkee=cadre, expected_talker=expected_talker,
                              talker_organization=talker_organization, due_on=due_on,
                              priority_group=priority_group_of(cadre, plan, new_members=new_members,
                                                               leaving=leaving))
        save_plan_entry(user, entry)
        added += 1
    return added

