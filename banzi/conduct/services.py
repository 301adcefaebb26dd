"""Strict-management writes with rules: violations and their decisions, declarations and their
decisions, the leave lifecycle with its approver and annual-leave ledger, outing reports.

Every function here is atomic, re-checks the user's right to act (`core.services.ensure_can_write`
and the record's scope), and raises one clear `ValidationError` per broken rule, so that nothing is
saved when a rule is broken. Pages and the API call these functions; they hold no rules of their own.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banzi.core import services
from banzi.org.models import Cadre

from .models import Violation


def _in_scope(user, obj):
    return obj is not None and type(obj)._default_manager.visible_to(user).filter(pk=obj.pk).exists()


def _check_cadre(user, cadre, field="cadre"):
    if cadre is None or not _in_scope(user, cadre):
        raise ValidationError({field: _("Choose a cadre of an organization you manage.")})


def _fresh(instance):
    """Lock the record's row for the rest of the transaction and re-read it, so that two people
    acting on the same record at once cannot both pass a state check."""
    type(instance)._default_manager.select_for_update().filter(pk=instance.pk).first()
    instance.refresh_from_db()
    return instance


def _require_county(user, message=None):
    if not (user and user.is_authenticated and user.is_active and user.is_county_admin):
        raise PermissionDenied(message or _("Only the county organization department may do this."))


# --- violations --------------------------------------------------------------------------------


@transaction.atomic
def record_violation_candidate(*, cadre, rule=None, occurred_on, facts, source, user):
    """Record a possible breach of discipline (e.g. a spot check found the cadre on duty absent) for
    the department to confirm or dismiss. The user must be allowed to record violations of the cadre."""
    if not isinstance(cadre, Cadre):
        raise ValidationError({"cadre": _("Choose a cadre of an organization you manage.")})
    violation = Violation(cadre=cadre, rule=rule, occurred_on=occurred_on, facts=(facts or "").strip(),
                          source=(source or "").strip(), status=Violation.Status.CANDIDATE)
    return save_violation(user, violation)


@transaction.atomic
def save_violation(user, violation):
    """Create or change a violation's facts. The decision is taken only through `decide_violation`."""
    services.ensure_can_write(user, violation)
    _check_cadre(user, violation.cadre)
    if not violation.facts.strip():
        raise ValidationError({"facts": _("Describe the facts of the violation.")})
    if violation.rule_id and not violation.rule.is_active and (
            not violation.pk or Violation.objects.filter(pk=violation.pk).exclude(rule=violation.rule).exists()):
        raise ValidationError({"rule": _("This discipline rule is no longer in force.")})
    return services.save_object(user, violation)


@transaction.atomic
def decide_violation(user, violation, *, status, decision="", decision_body="", decided_on=None):
    """The department confirms a violation with its decision and deciding body, or dismisses it."""
    _require_county(user, _("Only the county organization department decides on violations."))
    services.ensure_can_write(user, violation)
    violation = _fresh(violation)
    if status not in (Violation.Status.CONFIRMED, Violation.Status.DISMISSED):
        raise ValidationError({"status": _("Confirm or dismiss the violation.")})
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The decision date cannot be in the future.")})
    if decided_on < violation.occurred_on:
        raise ValidationError({"decided_on": _("The decision cannot come before the violation occurred.")})
    if status == Violation.Status.CONFIRMED:
        if not (decision or "").strip():
            raise ValidationError({"decision": _("Enter the decision taken on a confirmed violation.")})
        if not (decision_body or "").strip():
            raise ValidationError({"decision_body": _("Enter the body that took the decision.")})
    violation.status = status
    violation.decision = (decision or "").strip()
    violation.decision_body = (decision_body or "").strip()
    violation.decided_on = decided_on
    violation.decided_by = user
    return services.save_object(user, violation, reason=_("Decision recorded"))
