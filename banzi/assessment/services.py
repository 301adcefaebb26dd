"""Writes of the assessment: planning an assessment and who is assessed, proposing and confirming
grades under quota, reopening confirmed results with a reason, the evaluation groups and their
weights, issuing one-time ballot codes, casting and entering ballots.

Every function is atomic, re-checks the user's right to change what it touches and raises one clear
`ValidationError` (with its `Code`) per broken rule, so nothing is saved when a rule is broken.
Casting a ballot with a code needs no account (the voters at the meeting have none) and leaves no
trace that ties the ballot to its code: no link, no time, no change history, and an audit event that
names only the group and the assessment (no code, no user, no client address).
"""
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from banzi.core import clock, crypto, rules, services
from banzi.core.audit import record_event
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from banzi.core.workflow import check_visible, lock
from banzi.org.models import Cadre, Organization, Team, TeamMembership

from . import metrics
from .models import (
    Assessee,
    Assessment,
    AssessmentGroup,
    Award,
    Ballot,
    BallotCode,
    EvaluationGroup,
    Grade,
    Vote,
)
from .workflow import ASSESSMENTS, AWARDS

Status = Assessment.Status
GRADE_LABELS = dict(Grade.choices)


def _county(user):
    if getattr(user, "role", None) != Role.COUNTY_ADMIN:
        raise PermissionDenied(_("Only the county organization department may do this."))


def _label(grade):
    return str(GRADE_LABELS.get(grade, grade))


# --- assessments and assessees ----------------------------------------------------------------

@transaction.atomic
def save_assessment(user, assessment):
    """Plan or correct an assessment. Confirmed results change only after reopening."""
    if assessment.pk is not None:
        stored = Assessment.objects.get(pk=assessment.pk)
        ASSESSMENTS.check(user, stored, "edit")
    return services.save_object(user, assessment)


@transaction.atomic
def delete_assessment(user, assessment):
    return services.delete_object(user, assessment)


def _check_open(assessee):
    if assessee.confirmed_grade:
        raise ValidationError(
            _("The result of %(name)s is confirmed (%(grade)s); it changes only after reopening with a reason.")
            % {"name": assessee, "grade": _label(assessee.confirmed_grade)}, code=Code.RESULT_CONFIRMED)


@transaction.atomic
def save_assessee(user, assessee):
    """Add or correct who is assessed (and their 述职述廉 report). The assessment must be one the user
    may see; a confirmed result is not changed."""
    services.ensure_can_write(user, assessee)
    if assessee.assessment_id:
        check_visible(user, assessee.assessment, "assessment", _("Choose an assessment you manage."))
    _check_team_head(assessee)
    if assessee.pk is not None:
        stored = Assessee.objects.get(pk=assessee.pk)
        moved = any(getattr(stored, name) != getattr(assessee, name)
                    for name in ("assessment_id", "category", "team_id", "cadre_id", "unit_id"))
        if moved:
            _check_open(stored)
    return services.save_object(user, assessee)


def _in_period(memberships, assessment):
    """Memberships that sat on their team, within its term, at some time in the assessment's period."""
    first, last = assessment.starts_on, assessment.ends_on
    return memberships.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first), started_on__lte=last,
                              team__elected_on__lte=last, team__term_ends_on__gt=first)


def _check_team_head(assessee):
    """A "team head" assessee headed a team of the unit at some time in the assessment's period."""
    if assessee.category != Assessee.Category.TEAM_HEAD or not (assessee.cadre_id and assessee.assessment_id):
        return
    unit_id = assessee.unit_id or assessee.cadre.organization.township_id
    heads = _in_period(TeamMembership.objects.filter(cadre=assessee.cadre_id, is_head=True, team__township=unit_id),
                       assessee.assessment)
    if not heads.exists():
        raise ValidationError({"category": ValidationError(
            _("%(name)s did not head the leadership team of %(unit)s in the assessment's period; assess them as a "
              "team member or a general cadre.") % {"name": assessee.cadre, "unit": Organization.objects.get(
                pk=unit_id)}, code=Code.NOT_TEAM_HEAD)})


def assessed_townships(user, assessment):
    """The townships an assessment assesses by default: a township's own, or every township the user sees."""
    if assessment.organization.kind == Organization.Kind.TOWNSHIP:
        return [assessment.organization]
    return list(unit_choices(user).order_by("sort_order", "pk"))


@transaction.atomic
def fill_from_teams(user, assessment, *, units=None, general_cadres=False):
    """Add the teams and their members: every team of the assessed townships (`units`, by default
    `assessed_townships`) current at the end of the period (or today, if sooner) as a team assessee, its
    head then as team head, everyone else who sat on it in the period as a team member, and, when asked,
    the townships' other active cadres as general cadres. Whoever is already assessed stays as they are,
    so running it twice adds nothing twice; a member who has since moved to another township is left
    out. Returns the counts added ({category: count}) and how many were left out."""
    lock(assessment)
    check_visible(user, assessment, "assessment", _("Choose an assessment you manage."))
    if assessment.status not in (Status.PLANNING, Status.COLLECTING):
        raise ValidationError(_("“%(obj)s” is %(status)s: who is assessed changes only before the results are "
                                "confirmed.") % {"obj": assessment, "status": assessment.get_status_display()},
                              code=Code.WRONG_STATE)
    units = list(units) if units is not None else assessed_townships(user, assessment)
    on = min(assessment.ends_on, clock.today())
    taken_teams = set(assessment.assessees.filter(team__isnull=False).values_list("team_id", flat=True))
    taken_cadres = set(assessment.assessees.filter(cadre__isnull=False).values_list("cadre_id", flat=True))
    added = dict.fromkeys(Assessee.Category.values, 0)
    left_out = 0

    def add(**fields):
        save_assessee(user, Assessee(assessment=assessment, **fields))
        added[fields["category"]] += 1

    teams = Team.objects.filter(township__in=units, elected_on__lte=on, term_ends_on__gt=on).select_related(
        "township").order_by("township__sort_order", "pk")
    for team in teams:
        if team.pk not in taken_teams:
            add(category=Assessee.Category.TEAM, team=team, unit=team.township)
            taken_teams.add(team.pk)
        memberships = _in_period(TeamMembership.objects.filter(team=team), assessment).select_related(
            "cadre__organization").order_by("-is_head", "sort_order", "started_on", "pk")
        head_ids = set(TeamMembership.objects.filter(team=team, is_head=True).current(on).values_list(
            "cadre_id", flat=True))
        for membership in memberships:
            cadre = membership.cadre
            if cadre.pk in taken_cadres:
                continue
            if cadre.status != Cadre.Status.ACTIVE or cadre.organization.township_id != team.township_id:
                left_out += 1
                continue
            category = Assessee.Category.TEAM_HEAD if cadre.pk in head_ids else Assessee.Category.TEAM_MEMBER
            add(category=category, cadre=cadre, unit=team.township)
            taken_cadres.add(cadre.pk)
    if general_cadres:
        others = Cadre.objects.filter(status=Cadre.Status.ACTIVE, organization__township__in=units).exclude(
            pk__in=taken_cadres).select_related("organization").order_by("organization__township__sort_order", "pk")
        for cadre in others:
            add(category=Assessee.Category.GENERAL_CADRE, cadre=cadre, unit=cadre.organization.township)
    return {"added": added, "left_out": left_out}


@transaction.atomic
def delete_assessee(user, assessee):
    _check_open(assessee)
    return services.delete_object(user, assessee)


def may_write_report(user, assessee):
    """Whether the user writes this assessee's 述职述廉 report: the cadre assessed (their own only), the
    township administrator for its township's assessees (in the county's assessments too), the county
    for anyone. The assessment must be collecting; `save_report` says why not."""
    role = getattr(user, "role", None)
    if role == Role.CADRE:
        return bool(user.cadre_id) and assessee.cadre_id == user.cadre_id
    if role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN):
        return Assessee.objects.editable_by(user).filter(pk=assessee.pk).exists()
    return False


@transaction.atomic
def save_report(user, assessee, report, report_file=None):
    """Write or replace the 述职述廉 report of one assessee (text, an attachment, or both), by its
    author (`may_write_report`), while the assessment is collecting; kept in the history with its
    user. `report_file` is a new file, False to remove the attachment, None to keep it."""
    assessee = Assessee.objects.select_for_update(of=("self",)).select_related("assessment", "cadre", "team", "unit").get(
        pk=assessee.pk)
    if not may_write_report(user, assessee):
        raise PermissionDenied(_("Only the cadre assessed, the administrator of their township or the county writes "
                                 "this report."))
    if assessee.assessment.status != Status.COLLECTING:
        raise ValidationError(_("“%(obj)s” is %(status)s: reports are written while it is collecting.")
                              % {"obj": assessee.assessment, "status": assessee.assessment.get_status_display()},
                              code=Code.WRONG_STATE)
    assessee.report = (report or "").strip()
    if report_file is False:
        assessee.report_file = ""
    elif report_file is not None:
        assessee.report_file = report_file
    assessee.full_clean()
    assessee._history_user = user
    assessee._change_reason = "述职述廉"
    assessee.save()
    return assessee


def _grade_errors(assessment, grades, *, unit=None):
    """The assessees of `grades` ({assessee id: grade}) locked for the change, refusing anyone not
    in the assessed set (of the unit, when given) and any grade outside the assessee's scale."""
    grades = {_as_id(pk): grade for pk, grade in grades.items()}
    assessees = {a.pk: a for a in Assessee.objects.select_for_update(of=("self",)).filter(
        assessment=assessment, pk__in=[pk for pk in grades if pk is not None]).select_related(
        "assessment", "cadre", "team", "unit")}
    outside = [pk for pk in grades if pk not in assessees or (unit is not None and assessees[pk].unit_id != unit.pk)]
    if outside:
        raise ValidationError(
            _("%(count)d of the grades are for someone outside the assessed set of %(where)s; nothing was saved.")
            % {"count": len(outside), "where": unit or assessment}, code=Code.NOT_ASSESSED)
    for pk, grade in grades.items():
        assessee = assessees[pk]
        if grade not in assessee.scale():
            raise ValidationError(
                _("%(grade)s is not a grade of %(name)s; choose one of: %(scale)s.") % {
                    "grade": grade, "name": assessee, "scale": "、".join(_label(g) for g in assessee.scale())},
                code=Code.INVALID_CHOICE)
    return [(assessees[pk], grade) for pk, grade in grades.items()]


def _as_id(value):
    try:
        return int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        return None


def _check_collecting(assessment):
    if assessment.status != Status.COLLECTING:
        raise ValidationError(_("“%(obj)s” is %(status)s: grades are entered while it is collecting.")
                              % {"obj": assessment, "status": assessment.get_status_display()},
                              code=Code.WRONG_STATE)


@transaction.atomic
def propose_grades(user, assessment, grades):
    """Propose grades ({assessee id: grade}): the county for anyone, a township for its own cadres
    in a day-to-day assessment. A confirmed result is not changed."""
    lock(assessment)
    _check_collecting(assessment)
    pairs = _grade_errors(assessment, grades)
    for assessee, grade in pairs:
        services.ensure_can_write(user, assessee)
        if user.role != Role.COUNTY_ADMIN and (not assessment.is_quarterly or assessee.is_team):
            raise PermissionDenied(_("A township proposes only its own cadres' day-to-day grades; the county "
                                     "proposes the others."))
        if assessee.proposed_grade == grade:
            continue
        _check_open(assessee)
        assessee.proposed_grade, assessee.proposed_by = grade, user
        services.save_object(user, assessee)
    return len(pairs)


@transaction.atomic
def confirm_unit(user, assessment, unit, grades=None):
    """The county confirms the grades of a unit's assessees, all at once: `grades` ({assessee id:
    grade}) where given, the confirmed or else the proposed grade otherwise. Refused over the quota (rounded down, the
    count shown), for a disqualified cadre graded excellent (naming the reason), above the cap of the
    democratic evaluation, for someone outside the unit's assessed set, and where a confirmed result
    would change. Returns the quota."""
    _county(user)
    lock(assessment)
    _check_collecting(assessment)
    given = _grade_errors(assessment, dict(grades or {}), unit=unit)
    chosen = {a.pk: grade for a, grade in given}
    assessees = list(Assessee.objects.select_for_update(of=("self",)).filter(assessment=assessment, unit=unit)
                     .select_related("assessment", "cadre", "team", "unit").order_by("pk"))
    final = [(a, chosen.get(a.pk) or a.confirmed_grade or a.proposed_grade) for a in assessees]
    missing = [a for a, grade in final if not grade]
    if not assessees or missing:
        raise ValidationError(_("Every assessee of %(unit)s needs a grade before the unit is confirmed; %(count)d "
                                "have none.") % {"unit": unit, "count": len(missing)}, code=Code.REQUIRED)
    for assessee, grade in final:
        if assessee.confirmed_grade and assessee.confirmed_grade != grade:
            _check_open(assessee)
    _check_quota(assessment, unit, final)
    _check_disqualifiers(assessment, final)
    _check_cap(assessment, unit, final)
    today = clock.today()
    for assessee, grade in final:
        if assessee.confirmed_grade == grade:
            continue
        assessee.confirmed_grade, assessee.confirmed_by, assessee.confirmed_on = grade, user, today
        services.save_object(user, assessee)
    return metrics.quota(assessment, unit)


def _check_quota(assessment, unit, final):
    quota = metrics.quota(assessment, unit)
    given = sum(1 for a, grade in final if not a.is_team and grade == quota.grade)
    if given > quota.limit:
        raise ValidationError(
            _("At most %(limit)d of the %(assessed)d assessed in %(unit)s may be graded %(grade)s (%(percent)d %%, "
              "rounded down); %(given)d are.") % {"limit": quota.limit, "assessed": quota.assessed, "unit": unit,
                                                  "grade": _label(quota.grade), "percent": quota.percent,
                                                  "given": given},
            code=Code.OVER_QUOTA)


def _check_disqualifiers(assessment, final):
    top = [a for a, grade in final if not a.is_team and grade == Grade.EXCELLENT]
    if not top:
        return
    found = metrics.disqualifiers(assessment, [a.cadre_id for a in top])
    for assessee in top:
        findings = found.get(assessee.cadre_id)
        if findings:
            raise ValidationError(
                _("%(name)s cannot be graded excellent: %(reasons)s.") % {
                    "name": assessee, "reasons": "；".join(f"{f.label}（{f.detail}）" for f in findings)},
                code=Code.DISQUALIFIED)


def _check_cap(assessment, unit, final):
    tallies = metrics.tally(assessment, unit)
    for assessee, grade in final:
        result = tallies.get(assessee.pk)
        cap = result.cap if result else None
        if cap and assessee.scale().index(grade) < assessee.scale().index(cap):
            raise ValidationError(
                _("%(low)d of the %(total)d votes for %(name)s are for the two lowest grades, at least one third: the "
                  "grade is at most %(cap)s.") % {"low": result.low, "total": result.total, "name": assessee,
                                                  "cap": _label(cap)},
                code=Code.BALLOT_CAP)


@transaction.atomic
def confirm_assessment(user, assessment):
    """Close the assessment once every assessee's grade is confirmed."""
    lock(assessment)
    ASSESSMENTS.check(user, assessment, "confirm")
    open_count = assessment.assessees.filter(confirmed_grade="").count()
    if open_count:
        raise ValidationError(_("%(count)d assessees have no confirmed grade yet.") % {"count": open_count},
                              code=Code.STEP_NOT_READY)
    return _advance(user, assessment, "confirm")


@transaction.atomic
def start_collecting(user, assessment):
    lock(assessment)
    ASSESSMENTS.check(user, assessment, "collect")
    return _advance(user, assessment, "collect")


@transaction.atomic
def publish(user, assessment):
    """Publish confirmed results; an annual assessment's results are put to use at once
    (`consequences.apply`: admonishment talks, rectification problems, flags, commendations)."""
    from . import consequences

    lock(assessment)
    ASSESSMENTS.check(user, assessment, "publish")
    published = _advance(user, assessment, "publish")
    if assessment.kind == Assessment.Kind.ANNUAL:
        consequences.apply(user, assessment)
    return published


def _advance(user, assessment, step, reason=""):
    ASSESSMENTS.advance(assessment, step)
    return services.save_object(user, assessment, reason=reason)


@transaction.atomic
def reopen(user, assessment, reason, *, unit=None):
    """Reopen confirmed results with a reason (kept in the history): the unit's (or every unit's)
    confirmed grades are cleared and a confirmed or published assessment collects again."""
    _county(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give the reason for reopening confirmed results."),
                                                         code=Code.REQUIRED)})
    lock(assessment)
    confirmed = Assessee.objects.select_for_update(of=("self",)).filter(assessment=assessment).exclude(confirmed_grade="")
    if unit is not None:
        confirmed = confirmed.filter(unit=unit)
    confirmed = list(confirmed)
    if not confirmed and assessment.status not in (Status.CONFIRMED, Status.PUBLISHED):
        raise ValidationError(_("Nothing in “%(obj)s” is confirmed; there is nothing to reopen.") % {"obj": assessment},
                              code=Code.WRONG_STATE)
    for assessee in confirmed:
        assessee.confirmed_grade, assessee.confirmed_by, assessee.confirmed_on = "", None, None
        services.save_object(user, assessee, reason=reason)
    if assessment.status in (Status.CONFIRMED, Status.PUBLISHED):
        ASSESSMENTS.check(user, assessment, "reopen")
        assessment.reopen_reason = reason
        _advance(user, assessment, "reopen", reason=reason)
    return len(confirmed)


# --- assessment groups (考核组) ---------------------------------------------------------------------

def _check_group_open(assessment):
    if assessment.status in RESULTS_CONFIRMED:
        raise ValidationError(_("The results of %(assessment)s are confirmed; its assessment groups change only after "
                                "reopening.") % {"assessment": assessment}, code=Code.FROZEN)


def _check_group_units(group, units):
    """The townships a group covers: townships only, a township's own assessment its own township only,
    and none already covered by another group of the assessment."""
    assessment = group.assessment
    for unit in units:
        if unit.kind != Organization.Kind.TOWNSHIP:
            raise ValidationError({"units": ValidationError(
                _("%(unit)s is not a township; an assessment group assesses townships.") % {"unit": unit},
                code=Code.WRONG_KIND)})
        if assessment.organization.kind == Organization.Kind.TOWNSHIP and unit.pk != assessment.organization_id:
            raise ValidationError({"units": ValidationError(
                _("A township's own assessment assesses only its own cadres."), code=Code.OTHER_TOWNSHIP)})
    taken = (AssessmentGroup.objects.filter(assessment=assessment, units__in=units).exclude(pk=group.pk)
             .values_list("name", "units__name").order_by("name", "units__sort_order"))
    if taken:
        other, unit = taken[0]
        raise ValidationError({"units": ValidationError(
            _("%(unit)s is already assessed by %(group)s of this assessment.") % {"unit": unit, "group": other},
            code=Code.UNIT_COVERED)})


def _check_group_people(group, leader, members, units):
    """The leader is not also a member; in the county's assessments nobody on a group works in a
    township it assesses (回避)."""
    if leader is not None and any(m.pk == leader.pk for m in members):
        raise ValidationError({"members": ValidationError(
            _("%(cadre)s leads the group; list them as its leader only.") % {"cadre": leader},
            code=Code.SAME_PERSON)})
    if group.assessment.organization.kind == Organization.Kind.TOWNSHIP:
        return
    townships = {u.pk for u in units}
    for field, cadres in (("leader", [leader] if leader is not None else []), ("members", members)):
        for cadre in cadres:
            if cadre.organization.township_id in townships:
                raise ValidationError({field: ValidationError(
                    _("%(cadre)s works in %(township)s, which the group assesses; they are withdrawn from it (回避).")
                    % {"cadre": cadre, "township": cadre.organization.township}, code=Code.ASSESS_OWN_TOWNSHIP)})


@transaction.atomic
def save_assessment_group(user, group, members=None, units=None):
    """Form or change an assessment group (考核组) of an assessment the user may see, while its results
    are not confirmed. `members` and `units` (cadres, townships), when given, replace the group's; the
    checks read the stored ones otherwise."""
    services.ensure_can_write(user, group)
    if not group.assessment_id:
        return services.save_object(user, group)  # the model's own error: the assessment is required
    check_visible(user, group.assessment, "assessment", _("Choose an assessment you manage."))
    _check_group_open(group.assessment)
    if group.pk is not None:
        stored = AssessmentGroup.objects.select_related("assessment").get(pk=group.pk)
        _check_group_open(stored.assessment)
    stored_members = list(group.members.select_related("organization__township")) if group.pk else []
    stored_units = list(group.units.all()) if group.pk else []
    members = list(members) if members is not None else stored_members
    units = list(units) if units is not None else stored_units
    if group.pk is None and not units:
        raise ValidationError({"units": ValidationError(_("Choose the townships the group assesses."),
                                                        code=Code.REQUIRED)})
    _check_group_units(group, units)
    _check_group_people(group, group.leader if group.leader_id else None, members, units)
    group = services.save_object(user, group)
    group.members.set(members)
    group.units.set(units)
    return group


@transaction.atomic
def delete_assessment_group(user, group):
    _check_group_open(group.assessment)
    return services.delete_object(user, group)


# --- quota approvals and evaluation groups -------------------------------------------------------

@transaction.atomic
def save_quota_approval(user, approval):
    return services.save_object(user, approval)


def _check_weights(total, unit):
    if total != 100:
        raise ValidationError(_("The weights of the evaluation groups of %(unit)s add up to %(total)d; they must add "
                                "up to 100.") % {"unit": unit, "total": total}, code=Code.WEIGHTS_NOT_100)


@transaction.atomic
def save_group(user, group):
    """Add or change one evaluation group: the unit's weights may not exceed 100 in all (they must
    reach exactly 100 before ballots are tallied)."""
    services.ensure_can_write(user, group)
    if group.assessment_id and group.unit_id and group.weight is not None:
        others = EvaluationGroup.objects.filter(assessment=group.assessment_id, unit=group.unit_id).exclude(
            pk=group.pk).values_list("weight", flat=True)
        total = sum(others) + group.weight
        if total > 100:
            raise ValidationError({"weight": ValidationError(
                _("The weights of the evaluation groups of %(unit)s would add up to %(total)d; they must add up to "
                  "100.") % {"unit": group.unit, "total": total}, code=Code.WEIGHTS_NOT_100)})
    return services.save_object(user, group)


@transaction.atomic
def set_weights(user, assessment, unit, weights):
    """Set the unit's groups and their weights at once ({group kind: weight}); refused unless they add
    up to 100. Groups not named are removed if they have no ballots."""
    _county(user)
    unknown = set(weights) - set(EvaluationGroup.Kind.values)
    if unknown:
        raise ValidationError(_("Unknown evaluation groups: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))},
                              code=Code.INVALID_CHOICE)
    _check_weights(sum(int(w) for w in weights.values()), unit)
    groups = []
    existing = {g.kind: g for g in EvaluationGroup.objects.select_for_update(of=("self",)).filter(assessment=assessment, unit=unit)}
    for kind, group in existing.items():
        if kind not in weights:
            if group.ballots.exists():
                raise ValidationError(_("%(group)s already has ballots; it stays.") % {"group": group},
                                      code=Code.FROZEN)
            services.delete_object(user, group)
    for kind, weight in weights.items():
        group = existing.get(kind) or EvaluationGroup(assessment=assessment, unit=unit, kind=kind)
        if group.weight != int(weight):
            group.weight = int(weight)
            services.save_object(user, group)
        groups.append(group)
    return groups


@transaction.atomic
def create_default_groups(user, assessment, unit):
    """The unit's four evaluation groups with the county's default weights."""
    values = rules.get(metrics.EVALUATION_RULE)
    return set_weights(user, assessment, unit, {kind: int(values[kind]) for kind in metrics.GROUP_KINDS})


# --- ballots ---------------------------------------------------------------------------------------

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed on a phone
CODE_LENGTH = 10
MAX_CODES = 500


def code_hash(code):
    """The keyed fingerprint kept of a code (HMAC-SM3 under the index key); the code itself is not kept."""
    return crypto.blind_index(normalize_code(code), "assessment.ballot_code")


def normalize_code(code):
    return "".join((code or "").split()).replace("-", "").upper()


def _new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


@transaction.atomic
def issue_codes(user, group, count):
    """Issue `count` one-time ballot codes for a group; returns the plain codes, shown this once (for the
    printable sheet): only their keyed fingerprints are kept."""
    services.ensure_can_write(user, group)
    if group.assessment.status not in (Status.PLANNING, Status.COLLECTING):
        raise ValidationError(_("Ballot codes are issued before the results are confirmed."), code=Code.WRONG_STATE)
    if not 1 <= int(count) <= MAX_CODES:
        raise ValidationError(_("Issue between 1 and %(max)d codes at a time.") % {"max": MAX_CODES},
                              code=Code.OUT_OF_RANGE)
    codes = set()
    while len(codes) < int(count):
        codes.add(_new_code())
    hashes = {code: code_hash(code) for code in codes}
    if BallotCode.objects.filter(code_hash__in=hashes.values()).exists():  # vanishingly rare: draw again
        return issue_codes(user, group, count)
    BallotCode.objects.bulk_create(BallotCode(group=group, code_hash=h) for h in hashes.values())
    record_event(kind=AuditEvent.Kind.DATA, action=AuditEvent.Action.CREATE, user=user, obj=group,
                 detail=_("Issued %(count)d ballot codes") % {"count": len(codes)})
    return sorted(codes)


def _votes(group, votes):
    """The ballot's votes ({assessee id: grade}) checked against the unit's assessed set."""
    if group.assessment.status != Status.COLLECTING:
        raise ValidationError(_("The evaluation is not collecting ballots."), code=Code.WRONG_STATE)
    if not votes:
        raise ValidationError(_("A ballot grades at least one assessee."), code=Code.REQUIRED)
    return _grade_errors(group.assessment, votes, unit=group.unit)


def _save_ballot(group, source, pairs):
    ballot = Ballot.objects.create(group=group, source=source)
    Vote.objects.bulk_create(Vote(ballot=ballot, assessee=assessee, grade=grade) for assessee, grade in pairs)
    return ballot


def _ballot_code(code, *, for_update=False):
    """The issued, unused code's record, or the refusal a voter reads (unknown, used, not collecting)."""
    codes = BallotCode.objects.select_related("group__assessment", "group__unit")
    if for_update:
        codes = codes.select_for_update(of=("self",))
    ballot_code = codes.filter(code_hash=code_hash(code)).first() if normalize_code(code) else None
    if ballot_code is None:
        raise ValidationError({"code": ValidationError(_("This ballot code was not issued; check it and try again."),
                                                       code=Code.CODE_UNKNOWN)})
    if ballot_code.used:
        raise ValidationError({"code": ValidationError(_("This ballot code has already been used: one code, one "
                                                         "ballot."), code=Code.CODE_USED)})
    if ballot_code.group.assessment.status != Status.COLLECTING:
        raise ValidationError({"code": ValidationError(_("The evaluation is not collecting ballots."),
                                                       code=Code.WRONG_STATE)})
    return ballot_code


def open_ballot(code):
    """The evaluation group whose ballot a code opens, and the assessees on it (the group's unit's, in
    the order of the paper ballot). Refused like `cast_ballot` for a code never issued or already used,
    or when the evaluation is not collecting; reads only."""
    group = _ballot_code(code).group
    assessees = list(Assessee.objects.filter(assessment=group.assessment_id, unit=group.unit_id).select_related(
        "assessment", "cadre", "team__township").order_by("category", "pk"))
    return group, assessees


@transaction.atomic
def cast_ballot(code, votes):
    """Cast a ballot on a phone with a one-time code. A code never issued or already used is refused;
    the code is marked used in the same transaction as the ballot is stored (one code, one ballot),
    and nothing records which code the ballot came with, or when. The audit event names the group and
    the assessment only: no code, no user, no client address."""
    ballot_code = _ballot_code(code, for_update=True)
    group = ballot_code.group
    pairs = _votes(group, votes)
    # A queryset update: no change history, so no time is kept of the code's use.
    if not BallotCode.objects.filter(pk=ballot_code.pk, used=False).update(used=True):
        raise ValidationError({"code": ValidationError(_("This ballot code has already been used: one code, one "
                                                         "ballot."), code=Code.CODE_USED)})
    try:
        with transaction.atomic():
            ballot = _save_ballot(group, Ballot.Source.PHONE, pairs)
    except IntegrityError:
        raise ValidationError(_("A ballot grades each assessee once."), code=Code.UNIQUE) from None
    record_event(kind=AuditEvent.Kind.DATA, action=AuditEvent.Action.CREATE, obj=group, anonymous=True,
                 detail=_("A ballot was cast with a code in %(assessment)s") % {"assessment": group.assessment})
    return ballot


@transaction.atomic
def enter_paper_ballot(user, group, votes):
    """Enter one paper ballot of a group (the county, from the ballot box)."""
    services.ensure_can_write(user, group)
    lock(group.assessment)
    ballot = _save_ballot(group, Ballot.Source.PAPER, _votes(group, votes))
    record_event(kind=AuditEvent.Kind.DATA, action=AuditEvent.Action.CREATE, user=user, obj=group,
                 detail=_("Entered a paper ballot"))
    return ballot


def unit_choices(user):
    """The units (townships) a user may work with."""
    return Organization.objects.visible_to(user).filter(kind=Organization.Kind.TOWNSHIP)


# --- the four awards -----------------------------------------------------------------------------

RESULTS_CONFIRMED = (Status.CONFIRMED, Status.PUBLISHED)


@transaction.atomic
def save_award(user, award):
    """Nominate a team or cadre for an award, or correct a nomination, from a confirmed result of an
    annual assessment: the kind matches the assessee's category (好班子 a team, 好班长 a team head,
    好成员 a team member, 好骨干 a general cadre) and the confirmed grade is excellent (good for a
    team). The assessment's results must be confirmed; a decided award is not changed."""
    services.ensure_can_write(user, award)
    if award.pk is not None:
        AWARDS.check(user, Award.objects.get(pk=award.pk), "edit")
    if award.assessee_id:
        assessee = Assessee.objects.select_related("assessment").get(pk=award.assessee_id)
        check_visible(user, assessee, "assessee", _("Choose an assessee you manage."))
        award.assessment = assessee.assessment
        if assessee.assessment.status not in RESULTS_CONFIRMED:
            raise ValidationError({"assessee": ValidationError(
                _("“%(obj)s” is %(status)s: awards are nominated once its results are confirmed.") % {
                    "obj": assessee.assessment, "status": assessee.assessment.get_status_display()},
                code=Code.WRONG_STATE)})
    return services.save_object(user, award)


@transaction.atomic
def delete_award(user, award):
    return services.delete_object(user, award)


@transaction.atomic
def decide_award(user, award):
    """The county decides a nominated award (nominated → decided), naming who decided and when. The
    result it rests on must still be the confirmed one it was nominated from."""
    award = Award.objects.select_for_update(of=("self",)).select_related("assessee__assessment").get(pk=award.pk)
    services.ensure_can_write(user, award)
    AWARDS.check(user, award, "decide")
    _county(user)
    award.full_clean()  # the result may have been reopened since the nomination
    AWARDS.advance(award, "decide")
    award.decided_by, award.decided_on = user, clock.today()
    return services.save_object(user, award)
