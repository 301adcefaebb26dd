"""Frontline-practice writes with rules: postings and their work logs, rectification working
groups, village rectifications, mentoring pairs and their meetings, study visits.

Every function is atomic, checks the user's right to change the record (core.services) and that
the records it refers to are in the user's scope, and raises one clear ValidationError per broken
rule, so that nothing is saved when a rule is broken. Pages, the API and the Excel import call
these functions; they hold no rules of their own.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from banzi.core import clock, services
from banzi.core.errors import Code
from banzi.core.workflow import check_visible
from banzi.org.models import Cadre, Organization, TeamMembership, VillageDesignation

from .models import (
    HARD_CATEGORIES,
    Mentorship,
    Posting,
)

VILLAGE_KINDS = (Organization.Kind.VILLAGE, Organization.Kind.COMMUNITY)


_check_in_scope = check_visible  # a related record outside the user's scope is refused on its field


def _overlaps(start, end, other_start, other_end):
    """Whether two periods overlap; both ends are days of the period, an open end runs forever."""
    return start <= (other_end or datetime.date.max) and other_start <= (end or datetime.date.max)


def designation_in_force(village, day):
    """The village's designation (weak and lax, dispute-heavy, weak economy, registered poor) in force
    on the day: made for that year or the year before, and not lifted by then."""
    return (
        VillageDesignation.objects.filter(organization=village, category__in=HARD_CATEGORIES,
                                          year__in=(day.year - 1, day.year))
        .filter(Q(lifted_on__isnull=True) | Q(lifted_on__gt=day))
        .order_by("-year")
        .first()
    )


def is_team_member_on(cadre, township, day):
    """Whether the cadre sits on the township's leadership team (in its term) on the day."""
    return TeamMembership.objects.serving(day).filter(cadre=cadre, team__township=township).exists()


# --- postings and work logs -------------------------------------------------------------------


def _check_posting_place(posting):
    kind, org = posting.kind, posting.organization
    if kind == Posting.Kind.FIRST_SECRETARY:
        if org.kind not in VILLAGE_KINDS or designation_in_force(org, posting.started_on) is None:
            raise ValidationError({"organization": ValidationError(_(
                "A first secretary goes to a designated village (weak and lax, dispute-heavy, weak collective "
                "economy or registered poor); %(org)s has no such designation in force on %(date)s.")
                % {"org": org, "date": posting.started_on.isoformat()}, code=Code.NOT_DESIGNATED_VILLAGE)})
    elif kind == Posting.Kind.ENTERPRISE and org.kind != Organization.Kind.ENTERPRISE:
        raise ValidationError({"organization": ValidationError(_("Enterprise service is a posting to an enterprise."),
                                                                code=Code.WRONG_KIND)})
    if kind == Posting.Kind.RECTIFICATION:
        group = posting.group
        if group is None:
            raise ValidationError({"group": ValidationError(_("Choose the rectification working group the cadre joins."), code=Code.REQUIRED)})
        if org.township_id != group.township_id:
            raise ValidationError({"organization": ValidationError(_(
                "A rectification working group member is posted within the group's township (%(township)s).")
                % {"township": group.township}, code=Code.OTHER_TOWNSHIP)})
    elif posting.group_id:
        raise ValidationError({"group": ValidationError(_("Only a rectification working group member belongs to a group."),
                                                         code=Code.NOT_APPLICABLE)})


def _check_one_first_secretary_post(posting):
    if posting.kind != Posting.Kind.FIRST_SECRETARY:
        return
    others = Posting.objects.filter(cadre_id=posting.cadre_id, kind=Posting.Kind.FIRST_SECRETARY).exclude(
        pk=posting.pk).select_related("organization")
    for other in others:
        if _overlaps(posting.started_on, posting.ended_on, other.started_on, other.ended_on):
            raise ValidationError({"started_on": ValidationError(_(
                "%(cadre)s is already first secretary of %(org)s from %(start)s; a cadre holds one first-secretary "
                "posting at a time.") % {"cadre": posting.cadre, "org": other.organization,
                                         "start": other.started_on.isoformat()}, code=Code.POSTING_OVERLAPS)})


def _check_logs_inside(posting):
    if not posting.pk:
        return
    last_day = posting.ended_on or datetime.date.max
    outside = posting.logs.filter(Q(logged_on__lt=posting.started_on) | Q(logged_on__gt=last_day)).order_by(
        "logged_on").first()
    if outside is not None:
        raise ValidationError({"ended_on": ValidationError(_(
            "The work log of %(date)s would fall outside the posting; change or delete it first.")
            % {"date": outside.logged_on.isoformat()}, code=Code.OUTSIDE_PERIOD)})


@transaction.atomic
def save_posting(user, posting, *, reason=""):
    """Create or change a posting: the place fits the kind (a first secretary goes to a designated
    village, enterprise service to an enterprise, a group member within the group's township), a
    cadre holds one first-secretary posting at a time, and the posting does not end before it
    starts nor cut off its own work logs."""
    services.ensure_can_write(user, posting)
    posting.full_clean()
    _check_in_scope(user, posting.cadre, "cadre", _("Choose a cadre you manage."))
    _check_in_scope(user, posting.group, "group", _("Choose a rectification working group you manage."))
    _check_posting_place(posting)
    # Lock the cadre's row so that two first-secretary postings saved at once cannot both pass.
    Cadre.objects.select_for_update().filter(pk=posting.cadre_id).first()
    _check_one_first_secretary_post(posting)
    _check_logs_inside(posting)
    return services.save_object(user, posting, reason=reason)


@transaction.atomic
def save_work_log(user, log, *, reason=""):
    """Create or change a work log: dated within its posting and not in the future. Problems solved
    may outnumber those found on the day: earlier problems are solved later."""
    services.ensure_can_write(user, log)
    posting = log.posting
    _check_in_scope(user, posting, "posting", _("Choose a posting you may see."))
    if log.logged_on:
        if log.logged_on > clock.today():
            raise ValidationError({"logged_on": ValidationError(_("This date cannot be in the future."), code=Code.FUTURE_DATE)})
        if log.logged_on < posting.started_on or (posting.ended_on and log.logged_on > posting.ended_on):
            raise ValidationError({"logged_on": ValidationError(_(
                "The log is dated %(date)s, outside the posting (%(start)s to %(end)s).")
                % {"date": log.logged_on.isoformat(), "start": posting.started_on.isoformat(),
                   "end": posting.ended_on.isoformat() if posting.ended_on else _("open")}, code=Code.OUTSIDE_PERIOD)})
    return services.save_object(user, log, reason=reason)


# --- rectification working groups and village rectifications ----------------------------------


@transaction.atomic
def save_group(user, group, *, reason=""):
    """Create or change a township's rectification working group: one per township per campaign,
    led by a member of that township's leadership team when the group starts."""
    services.ensure_can_write(user, group)
    _check_in_scope(user, group.township, "township", _("Choose a township you manage."))
    if group.year and not 2000 <= group.year <= clock.today().year + 1:
        raise ValidationError({"year": ValidationError(_("Enter a year between 2000 and next year."), code=Code.YEAR_OUT_OF_RANGE)})
    if group.township_id and group.leader_id and group.started_on:
        if not is_team_member_on(group.leader, group.township, group.started_on):
            raise ValidationError({"leader": ValidationError(_(
                "%(cadre)s is not a member of the leadership team of %(township)s on %(date)s; a rectification "
                "working group is led by a team member.") % {
                    "cadre": group.leader, "township": group.township, "date": group.started_on.isoformat()},
                code=Code.NOT_TEAM_MEMBER)})
    return services.save_object(user, group, reason=reason)


@transaction.atomic
def save_rectification(user, rectification, *, reason=""):
    """Create or change a designated village's rectification target and progress."""
    services.ensure_can_write(user, rectification)
    _check_in_scope(user, rectification.designation, "designation", _("Choose a designation you manage."))
    if rectification.progress_note and not rectification.reported_on:
        rectification.reported_on = clock.today()
    return services.save_object(user, rectification, reason=reason)


# --- mentoring --------------------------------------------------------------------------------


@transaction.atomic
def save_mentorship(user, pair, *, reason=""):
    """Create or change a mentoring pair: one to one, never one's own mentor, and a mentee has at
    most one mentor at a time."""
    services.ensure_can_write(user, pair)
    _check_in_scope(user, pair.mentee, "mentee", _("Choose a cadre you manage."))
    if pair.mentor_id and pair.mentor_id == pair.mentee_id:
        raise ValidationError({"mentee": ValidationError(_("A cadre cannot be their own mentor."), code=Code.SAME_PERSON)})
    if pair.mentee_id and pair.started_on:
        Cadre.objects.select_for_update().filter(pk=pair.mentee_id).first()
        for other in Mentorship.objects.filter(mentee_id=pair.mentee_id).exclude(pk=pair.pk).select_related("mentor"):
            # A pair's end day is its first day without the mentor.
            end = pair.ended_on - datetime.timedelta(days=1) if pair.ended_on else None
            other_end = other.ended_on - datetime.timedelta(days=1) if other.ended_on else None
            if _overlaps(pair.started_on, end, other.started_on, other_end):
                raise ValidationError({"mentee": ValidationError(_(
                    "%(mentee)s already has %(mentor)s as mentor from %(start)s; a mentee has one mentor at a time.")
                    % {"mentee": pair.mentee, "mentor": other.mentor, "start": other.started_on.isoformat()},
                    code=Code.MENTOR_OVERLAPS)})
    return services.save_object(user, pair, reason=reason)


@transaction.atomic
def save_meeting(user, meeting, *, reason=""):
    """Record a meeting of a mentoring pair, dated within the pair's time."""
    services.ensure_can_write(user, meeting)
    pair = meeting.mentorship
    _check_in_scope(user, pair, "mentorship", _("Choose a mentoring pair you manage."))
    if meeting.met_on:
        if meeting.met_on > clock.today():
            raise ValidationError({"met_on": ValidationError(_("This date cannot be in the future."), code=Code.FUTURE_DATE)})
        if meeting.met_on < pair.started_on or (pair.ended_on and meeting.met_on > pair.ended_on):
            raise ValidationError({"met_on": ValidationError(_("The meeting falls outside the pair's time together."), code=Code.OUTSIDE_PERIOD)})
    return services.save_object(user, meeting, reason=reason)


# --- study visits -----------------------------------------------------------------------------


def is_model_unit(organization, year):
    return VillageDesignation.objects.filter(
        organization=organization, category=VillageDesignation.Category.MODEL_UNIT, year__lte=year).exists()


@transaction.atomic
def save_visit(user, visit, *, participants=None, reason=""):
    """Create or change a study visit to a model unit; `participants` (when given) replaces the
    list of those who went, each of them a cadre the user manages."""
    services.ensure_can_write(user, visit)
    if visit.host_id and visit.visited_on and not is_model_unit(visit.host, visit.visited_on.year):
        raise ValidationError({"host": ValidationError(_(
            "%(org)s is not designated a model unit; a study visit goes to a model unit.") % {"org": visit.host},
            code=Code.NOT_MODEL_UNIT)})
    if visit.visited_on and visit.visited_on > clock.today():
        raise ValidationError({"visited_on": ValidationError(_("This date cannot be in the future."), code=Code.FUTURE_DATE)})
    if participants is not None:
        participants = list(participants)
        if not participants:
            raise ValidationError({"participants": ValidationError(_("Choose at least one participant."), code=Code.REQUIRED)})
        visible = set(Cadre.objects.visible_to(user).filter(pk__in=[c.pk for c in participants])
                      .values_list("pk", flat=True))
        if any(c.pk not in visible for c in participants):
            raise ValidationError({"participants": ValidationError(_("Choose cadres you manage."), code=Code.OUTSIDE_SCOPE)})
    saved = services.save_object(user, visit, reason=reason)
    if participants is not None:
        saved.participants.set(participants)
    return saved
