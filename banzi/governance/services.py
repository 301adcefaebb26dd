"""Governance writes with rules: meetings and their members due, attendance, agenda items and the
decisions of democratic centralism, democratic life meetings and their rectification measures.

Every function is atomic, re-checks the user's right to change the records it touches and raises
one clear `ValidationError` per broken rule, so that nothing is half-saved. The decision rules are
settings (`DECISION_RULE` in `core.rules`), read when a decision is recorded.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core import clock, rules, services
from banzi.core.errors import Code
from banzi.core.workflow import check_visible, lock
from banzi.org.models import Organization, TeamMembership
from banzi.tasks import services as task_services
from banzi.tasks.models import Problem

from .models import (
    BRANCH_KINDS,
    LOWER_LEVEL_ORG_KINDS,
    TEAM_KINDS,
    TEAM_MEMBER_KINDS,
    AgendaItem,
    Attendance,
    Meeting,
    Opinion,
    Threshold,
)
from .workflow import AGENDA_ITEMS, MEETINGS

DECISION_RULE = "governance.decisions"
rules.register(
    DECISION_RULE,
    {
        "quorum": Threshold.MORE_THAN_HALF.value,
        "appointment_presence": Threshold.TWO_THIRDS.value,
        "passing": Threshold.MORE_THAN_HALF.value,
        "major_needs_every_opinion": True,
        "chair_speaks_last": True,
        "major_only_at_committee": True,
    },
    gettext_lazy("Collective decisions (democratic centralism)"),
    fields={
        "quorum": gettext_lazy("Quorum: members due present"),
        "appointment_presence": gettext_lazy("Appointments and removals: members due present"),
        "passing": gettext_lazy("Passing: votes for, of the members due"),
        "major_needs_every_opinion": gettext_lazy("Every present member states an opinion on a major matter"),
        "chair_speaks_last": gettext_lazy("The chair (team head) states their opinion last"),
        "major_only_at_committee": gettext_lazy("Major matters are decided only at a Party committee meeting"),
    },
    choices={name: Threshold.choices for name in ("quorum", "appointment_presence", "passing")},
)

_FRACTIONS = {
    Threshold.MORE_THAN_HALF: (1, 2, True),
    Threshold.TWO_THIRDS: (2, 3, False),
    Threshold.THREE_QUARTERS: (3, 4, False),
    Threshold.ALL: (1, 1, False),
}


def meets(count, total, threshold):
    """Whether `count` of `total` reaches the threshold ("more than half", "at least two thirds" …),
    in whole numbers so that exactly half or exactly two thirds are decided without rounding."""
    if not threshold:
        return True
    numerator, denominator, strict = _FRACTIONS[Threshold(threshold)]
    if strict:
        return count * denominator > total * numerator
    return count * denominator >= total * numerator


def threshold_label(threshold):
    return Threshold(threshold).label if threshold else ""


def _saved(user, obj, reason=""):
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    obj.full_clean()
    obj.save()
    return obj


# --- meetings and members due -----------------------------------------------------------------

def team_members_on(township, on):
    """The cadres on the township's leadership team on a date, the team head first is not implied:
    ordered as the team lists them."""
    memberships = (TeamMembership.objects.current(on).filter(team__township=township, team__elected_on__lte=on,
                                                               team__term_ends_on__gt=on)
                   .select_related("cadre").order_by("sort_order", "position__sort_order", "id"))
    seen, cadres = set(), []
    for membership in memberships:
        if membership.cadre_id not in seen:
            seen.add(membership.cadre_id)
            cadres.append(membership.cadre)
    return cadres


def _check_kind_fits_organization(meeting):
    organization = meeting.organization
    if meeting.kind in TEAM_KINDS and organization.kind != Organization.Kind.TOWNSHIP:
        raise ValidationError({"kind": ValidationError(_("A %(kind)s is held by a township Party committee.") % {
            "kind": meeting.get_kind_display()}, code=Code.WRONG_KIND)})
    if meeting.kind in BRANCH_KINDS and organization.kind == Organization.Kind.COUNTY:
        raise ValidationError({"organization": ValidationError(_("Choose the branch or township that held the meeting."), code=Code.WRONG_KIND)})


@transaction.atomic
def save_meeting(user, meeting, members_due=None):
    """Create or change a meeting and its members due.

    A meeting is recorded after it is held; its kind fits the organization (a committee meeting,
    democratic life meeting or central-group study is the township's); the chair and the members
    due are cadres the user manages. For the team's meetings the members due default to the
    township's team members on that day. The chair is one of the members due."""
    services.ensure_can_write(user, meeting)
    check_visible(user, meeting.organization, "organization", _("Choose an organization you manage."))
    if meeting.held_on and meeting.held_on > clock.today():
        raise ValidationError({"held_on": ValidationError(_("A meeting is recorded once it has been held; the date is in the future."), code=Code.FUTURE_DATE)})
    _check_kind_fits_organization(meeting)
    for field in ("chair", "recorder", "lecturer"):
        check_visible(user, getattr(meeting, field), field, _("Choose a cadre of an organization you manage."))
    if meeting.kind in TEAM_KINDS and not meeting.chair_id:
        raise ValidationError({"chair": ValidationError(_("Choose the chair: the team head or whoever chaired in their place."), code=Code.REQUIRED)})
    creating = meeting.pk is None
    if members_due is None and creating and meeting.kind in TEAM_MEMBER_KINDS:
        members_due = team_members_on(meeting.organization, meeting.held_on)
        if not members_due:
            raise ValidationError({"organization": ValidationError(_(
                "%(org)s has no leadership team members on %(date)s; record the team first or choose the "
                "members due.") % {"org": meeting.organization, "date": meeting.held_on.isoformat()}, code=Code.NO_TEAM_MEMBERS)})
    if members_due is not None:
        members_due = list(dict.fromkeys(members_due))
        for cadre in members_due:
            check_visible(user, cadre, "members_due", _("Choose cadres of organizations you manage."))
        if meeting.chair_id and meeting.chair_id not in {c.pk for c in members_due} and (
                members_due or meeting.kind in TEAM_KINDS):
            raise ValidationError({"chair": ValidationError(_("The chair is one of the members due to attend."), code=Code.NOT_DUE)})
    elif not creating and meeting.chair_id:
        due_ids = set(meeting.attendances.filter(role=Attendance.Role.MEMBER).values_list("cadre_id", flat=True))
        if due_ids and meeting.chair_id not in due_ids:
            raise ValidationError({"chair": ValidationError(_("The chair is one of the members due to attend."), code=Code.NOT_DUE)})
    if not creating:
        stored_kind = Meeting.objects.filter(pk=meeting.pk).values_list("kind", flat=True).first()
        if stored_kind != meeting.kind and meeting.items.exclude(outcome=AgendaItem.Outcome.PENDING).exists():
            raise ValidationError({"kind": ValidationError(_("This meeting has decided items; its kind can no longer change."), code=Code.FROZEN)})
    saved = services.save_object(user, meeting)
    if members_due is not None:
        _set_members_due(user, saved, members_due)
    return saved


create_meeting = update_meeting = save_meeting


def _set_members_due(user, meeting, members_due):
    wanted = {c.pk: i for i, c in enumerate(members_due)}
    rows = {a.cadre_id: a for a in meeting.attendances.all()}
    spoke = set(Opinion.objects.filter(item__meeting=meeting).values_list("cadre_id", flat=True))
    for cadre_id, row in rows.items():
        if row.role == Attendance.Role.MEMBER and cadre_id not in wanted:
            if cadre_id in spoke:
                raise ValidationError({"members_due": ValidationError(_(
                    "%(cadre)s stated opinions at this meeting and stays among the members due.") % {"cadre": row.cadre}, code=Code.OPINION_STATED)})
            row._history_user = user
            row.delete()
    for cadre in members_due:
        row = rows.get(cadre.pk)
        if row is None:
            _saved(user, Attendance(meeting=meeting, cadre=cadre, role=Attendance.Role.MEMBER,
                                    sort_order=wanted[cadre.pk]))
        elif row.role != Attendance.Role.MEMBER or row.sort_order != wanted[cadre.pk]:
            row.role, row.sort_order = Attendance.Role.MEMBER, wanted[cadre.pk]
            _saved(user, row)


@transaction.atomic
def delete_meeting(user, meeting):
    """Delete a meeting that has no decided items (a decision is part of the record)."""
    services.ensure_can_write(user, meeting)
    if meeting.items.exclude(outcome=AgendaItem.Outcome.PENDING).exists():
        raise ValidationError(_("“%(meeting)s” has decided items and cannot be deleted.") % {"meeting": meeting}, code=Code.PROTECTED)
    for row in meeting.attendances.all():
        row._history_user = user
        row.delete()
    return services.delete_object(user, meeting)


@transaction.atomic
def record_attendance(user, meeting, *, present, absent, leaders=(), other_present=None):
    """Record who attended: every member due is present or absent with a reason; leaders from the
    level above may attend a lower-level branch's meeting. `present` is a list of cadres, `absent`
    maps cadres to reasons, `leaders` lists attending leaders (all present)."""
    services.ensure_can_write(user, meeting)
    meeting = lock(meeting)
    rows = {a.cadre_id: a for a in meeting.attendances.select_related("cadre")}
    due = {cid: a for cid, a in rows.items() if a.role == Attendance.Role.MEMBER}
    present_ids = [c.pk for c in present]
    absent_ids = {c.pk: (reason or "").strip() for c, reason in absent.items()}
    for cadre in [*present, *absent]:
        if cadre.pk not in due:
            raise ValidationError({"present": ValidationError(_(
                "%(cadre)s is not among the members due to attend; only members due are marked present or absent.")
                % {"cadre": cadre}, code=Code.NOT_DUE)})
    both = set(present_ids) & set(absent_ids)
    if both:
        raise ValidationError({"present": ValidationError(_("A member cannot be both present and absent."), code=Code.PRESENT_AND_ABSENT)})
    unmarked = [a.cadre for cid, a in due.items() if cid not in present_ids and cid not in absent_ids]
    if unmarked:
        raise ValidationError({"present": ValidationError(_("Mark every member due as present or absent: %(names)s.") % {
            "names": "、".join(str(c) for c in unmarked)}, code=Code.ATTENDANCE_INCOMPLETE)})
    no_reason = [due[cid].cadre for cid, reason in absent_ids.items() if not reason]
    if no_reason:
        raise ValidationError({"absent": ValidationError(_("Give the reason for the absence of %(names)s.") % {
            "names": "、".join(str(c) for c in no_reason)}, code=Code.REQUIRED)})
    if meeting.chair_id in absent_ids:
        raise ValidationError({"absent": ValidationError(_("The chair %(cadre)s chaired the meeting and cannot be absent.") % {
            "cadre": meeting.chair}, code=Code.CHAIR_ABSENT)})
    spoke = set(Opinion.objects.filter(item__meeting=meeting).values_list("cadre_id", flat=True))
    silenced = [due[cid].cadre for cid in absent_ids if cid in spoke]
    if silenced:
        raise ValidationError({"absent": ValidationError(_("%(names)s stated opinions on this meeting's items and were present.") % {
            "names": "、".join(str(c) for c in silenced)}, code=Code.OPINION_STATED)})
    leaders = list(dict.fromkeys(leaders))
    if leaders:
        if meeting.organization.kind not in LOWER_LEVEL_ORG_KINDS:
            raise ValidationError({"leaders": ValidationError(_("Leaders from the level above attend the meetings of lower-level "
                                                "branches, not of the township itself."), code=Code.WRONG_KIND)})
        for cadre in leaders:
            if cadre.pk in due:
                raise ValidationError({"leaders": ValidationError(_("%(cadre)s is a member due; mark them present instead.") % {
                    "cadre": cadre}, code=Code.LEADER_IS_DUE)})
            check_visible(user, cadre, "leaders", _("Choose cadres of organizations you manage."))
    if other_present is not None:
        if other_present > meeting.other_members_due:
            raise ValidationError({"other_present": ValidationError(_(
                "More other members cannot be present than were due to attend (%(n)d).") % {
                "n": meeting.other_members_due}, code=Code.OUT_OF_RANGE)})
        if meeting.other_members_present != other_present:
            meeting.other_members_present = other_present
            services.save_object(user, meeting)
    for cid, row in due.items():
        is_present = cid in present_ids
        reason = "" if is_present else absent_ids[cid]
        if row.present != is_present or row.absence_reason != reason:
            row.present, row.absence_reason = is_present, reason
            _saved(user, row)
    leader_ids = {c.pk for c in leaders}
    for cid, row in rows.items():
        if row.role == Attendance.Role.LEADER and cid not in leader_ids:
            row._history_user = user
            row.delete()
    for i, cadre in enumerate(leaders):
        if cadre.pk not in rows:
            _saved(user, Attendance(meeting=meeting, cadre=cadre, role=Attendance.Role.LEADER, present=True,
                                    sort_order=i))
    return meeting


def attendance_counts(meeting, rows=None):
    """(members due, members present) of a meeting: registered members due plus the other members."""
    rows = list(meeting.attendances.all()) if rows is None else rows
    due = [a for a in rows if a.role == Attendance.Role.MEMBER]
    present = sum(1 for a in due if a.present)
    return len(due) + meeting.other_members_due, present + meeting.other_members_present


# --- agenda items and decisions -------------------------------------------------------------------

def _check_major_at_committee(item, values):
    if item.is_major and values["major_only_at_committee"] and not item.meeting.is_committee:
        raise ValidationError({"category": ValidationError(_(
            "“%(title)s” is a major matter (三重一大); it is decided collectively at a Party committee meeting, not at "
            "a %(kind)s.") % {"title": item.title, "kind": item.meeting.get_kind_display()}, code=Code.MAJOR_OUTSIDE_COMMITTEE)})


@transaction.atomic
def save_agenda_item(user, item):
    """Create or change an agenda item that is not yet decided. A major matter belongs to a Party
    committee meeting; an item that reconsiders another refers to an earlier decided item of the
    same township."""
    services.ensure_can_write(user, item)
    check_visible(user, item.meeting, "meeting", _("Choose a meeting you manage."))
    check_visible(user, item.proposer, "proposer", _("Choose a cadre of an organization you manage."))
    if item.pk:
        AGENDA_ITEMS.check(user, AgendaItem.objects.get(pk=item.pk), "edit")
    _check_major_at_committee(item, rules.get(DECISION_RULE))
    if item.reconsiders_id:
        earlier = item.reconsiders
        check_visible(user, earlier, "reconsiders", _("Choose an item you manage."))
        if not earlier.is_decided:
            raise ValidationError({"reconsiders": ValidationError(_("Only a decided item can be reconsidered."), code=Code.WRONG_STATE)})
        if earlier.pk == item.pk or earlier.meeting.held_on > item.meeting.held_on:
            raise ValidationError({"reconsiders": ValidationError(_("An item reconsiders a decision taken earlier."), code=Code.DATE_ORDER)})
        if earlier.meeting.organization.township_id != item.meeting.organization.township_id:
            raise ValidationError({"reconsiders": ValidationError(_("An item reconsiders a decision of the same township."), code=Code.OTHER_TOWNSHIP)})
    return services.save_object(user, item)


create_agenda_item = update_agenda_item = save_agenda_item


def _check_quorum(item, values, due, present):
    if not meets(present, due, values["quorum"]):
        raise ValidationError(_(
            "No quorum: %(present)d of the %(due)d members due were present; a decision needs %(rule)s.") % {
            "present": present, "due": due, "rule": threshold_label(values["quorum"])}, code=Code.NO_QUORUM)
    if item.category == AgendaItem.Category.APPOINTMENT and not meets(present, due, values["appointment_presence"]):
        raise ValidationError(_(
            "Appointments and removals need %(rule)s of the members due present; %(present)d of %(due)d were.") % {
            "rule": threshold_label(values["appointment_presence"]), "present": present, "due": due}, code=Code.APPOINTMENT_PRESENCE)


def _check_opinions(item, values, opinions, due_rows):
    """Opinions come from present members, once each; on a major matter from every present member;
    the chair speaks last."""
    by_cadre = {a.cadre_id: a for a in due_rows}
    seen = set()
    for cadre, _stance, _note in opinions:
        row = by_cadre.get(cadre.pk)
        if row is None:
            raise ValidationError({"opinions": ValidationError(_("%(cadre)s is not among the members due and cannot state an opinion.")
                                   % {"cadre": cadre}, code=Code.NOT_DUE)})
        if not row.present:
            raise ValidationError({"opinions": ValidationError(_("%(cadre)s was absent and cannot state an opinion.") % {"cadre": cadre}, code=Code.NOT_PRESENT)})
        if cadre.pk in seen:
            raise ValidationError({"opinions": ValidationError(_("%(cadre)s states one opinion per item.") % {"cadre": cadre}, code=Code.UNIQUE)})
        seen.add(cadre.pk)
    for _cadre, stance, _note in opinions:
        if stance not in Opinion.Stance.values:
            raise ValidationError({"opinions": ValidationError(_("An opinion is agree, disagree or defer."), code=Code.INVALID_CHOICE)})
    if item.is_major and values["major_needs_every_opinion"]:
        missing = [a.cadre for a in due_rows if a.present and a.cadre_id not in seen]
        if missing:
            raise ValidationError({"opinions": ValidationError(_(
                "On a major matter every present member states an opinion; missing: %(names)s.") % {
                "names": "、".join(str(c) for c in missing)}, code=Code.OPINION_MISSING)})
    chair_id = item.meeting.chair_id
    if values["chair_speaks_last"] and chair_id in seen and opinions[-1][0].pk != chair_id:
        raise ValidationError({"opinions": ValidationError(_("The chair %(cadre)s states their opinion last.") % {
            "cadre": item.meeting.chair}, code=Code.CHAIR_NOT_LAST)})


@transaction.atomic
def record_decision(user, item, *, opinions, outcome, votes_for=None, votes_against=None, votes_abstain=None,
                    decision=""):
    """Record the decision on an agenda item under democratic centralism.

    `opinions` is the list of (cadre, stance, note) in speaking order. Refused, one rule at a time:
    an item already decided (reconsider it with a new item); attendance not recorded; a major
    matter outside a Party committee meeting; no quorum; an appointment without two thirds present;
    an opinion from someone absent or not due; a missing opinion on a major matter; the chair not
    speaking last; passing without more than half of the members due voting for. Votes default to
    the count of each stance."""
    services.ensure_can_write(user, item)
    item = lock(item)
    AGENDA_ITEMS.check(user, item, "decision")
    values = rules.get(DECISION_RULE)
    meeting = item.meeting
    rows = list(meeting.attendances.select_related("cadre"))
    due_rows = [a for a in rows if a.role == Attendance.Role.MEMBER]
    if not due_rows and not meeting.other_members_due:
        raise ValidationError(_("Record the members due and the attendance before recording a decision."), code=Code.ATTENDANCE_INCOMPLETE)
    if any(a.present is None for a in due_rows):
        raise ValidationError(_("Record the attendance of the meeting before recording a decision."), code=Code.ATTENDANCE_INCOMPLETE)
    if outcome not in (AgendaItem.Outcome.PASSED, AgendaItem.Outcome.REJECTED, AgendaItem.Outcome.DEFERRED):
        raise ValidationError({"outcome": ValidationError(_("Choose the outcome: passed, rejected or deferred."), code=Code.INVALID_CHOICE)})
    _check_major_at_committee(item, values)
    due, present = attendance_counts(meeting, rows)
    _check_quorum(item, values, due, present)
    opinions = list(opinions)
    _check_opinions(item, values, opinions, due_rows)
    stances = [stance for _cadre, stance, _note in opinions]
    if votes_for is None:
        votes_for = stances.count(Opinion.Stance.AGREE)
    if votes_against is None:
        votes_against = stances.count(Opinion.Stance.DISAGREE)
    if votes_abstain is None:
        votes_abstain = stances.count(Opinion.Stance.DEFER)
    if votes_for + votes_against + votes_abstain > present:
        raise ValidationError({"votes_for": ValidationError(_("There are more votes (%(votes)d) than members present (%(present)d).") % {
            "votes": votes_for + votes_against + votes_abstain, "present": present}, code=Code.OUT_OF_RANGE)})
    if outcome == AgendaItem.Outcome.PASSED and not meets(votes_for, due, values["passing"]):
        raise ValidationError({"outcome": ValidationError(_(
            "Not passed: %(votes)d votes for of %(due)d members due; passing needs %(rule)s of the members due.") % {
            "votes": votes_for, "due": due, "rule": threshold_label(values["passing"])}, code=Code.NOT_PASSED)})
    for order, (cadre, stance, note) in enumerate(opinions, start=1):
        _saved(user, Opinion(item=item, cadre=cadre, order=order, stance=stance, note=(note or "").strip()))
    item.votes_for, item.votes_against, item.votes_abstain = votes_for, votes_against, votes_abstain
    AGENDA_ITEMS.advance(item, "decision", to=outcome)
    item.decided_on = meeting.held_on
    item.decision = (decision or "").strip()
    return services.save_object(user, item, reason=_("Decision recorded"))


# --- democratic life meetings ---------------------------------------------------------------------

@transaction.atomic
def record_criticism(user, meeting, cadre, *, self_criticism, criticism_received):
    """Record a member's self-criticism points and the criticism they received at a democratic
    life meeting; the member was present."""
    services.ensure_can_write(user, meeting)
    MEETINGS.check(user, meeting, "criticism")
    row = meeting.attendances.filter(cadre=cadre, role=Attendance.Role.MEMBER).first()
    if row is None:
        raise ValidationError({"cadre": ValidationError(_("%(cadre)s is not among the members due of this meeting.") % {"cadre": cadre}, code=Code.NOT_DUE)})
    if not row.present:
        raise ValidationError({"cadre": ValidationError(_("%(cadre)s was not present at this meeting.") % {"cadre": cadre}, code=Code.NOT_PRESENT)})
    self_criticism, criticism_received = (self_criticism or "").strip(), (criticism_received or "").strip()
    if not self_criticism:
        raise ValidationError({"self_criticism": ValidationError(_("Enter the member's self-criticism points."), code=Code.REQUIRED)})
    row.self_criticism, row.criticism_received = self_criticism, criticism_received
    return _saved(user, row)


@transaction.atomic
def add_rectification(user, meeting, *, description, responsible, deadline, measures=""):
    """Turn a rectification measure of a democratic life meeting into a problem on the problem list,
    with a responsible cadre and a deadline, linked to the meeting."""
    services.ensure_can_write(user, meeting)
    MEETINGS.check(user, meeting, "rectification")
    if deadline and deadline < meeting.held_on:
        raise ValidationError({"deadline": ValidationError(_("The deadline cannot be before the meeting."), code=Code.DATE_ORDER)})
    problem = task_services.create_problem(
        user, meeting.organization, Problem.Source.LIFE_MEETING, description, responsible, deadline,
        measures=measures, source_reference=str(meeting)[:200])
    meeting.rectifications.add(problem)
    return problem


@transaction.atomic
def link_talks(user, meeting, talks):
    """Link the talks held in preparation of a democratic life meeting: talks of the township's
    cadres held before the meeting (only who, with whom, when and which kind are shown)."""
    from banzi.talks.models import Talk

    services.ensure_can_write(user, meeting)
    MEETINGS.check(user, meeting, "talks")
    talks = list(talks)
    visible = set(Talk.objects.visible_to(user).filter(pk__in=[t.pk for t in talks]).values_list("pk", flat=True))
    for talk in talks:
        if talk.pk not in visible:
            raise ValidationError({"talks": ValidationError(_("Choose talks you can see."), code=Code.OUTSIDE_SCOPE)})
        if talk.held_on > meeting.held_on:
            raise ValidationError({"talks": ValidationError(_("%(talk)s was held after the meeting.") % {"talk": talk}, code=Code.OUTSIDE_PERIOD)})
        if talk.organization.township_id != meeting.organization.township_id:
            raise ValidationError({"talks": ValidationError(_("%(talk)s belongs to another township.") % {"talk": talk}, code=Code.OTHER_TOWNSHIP)})
    meeting._history_user = user
    meeting.talks.set(talks)
    return meeting

