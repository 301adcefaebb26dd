"""Keeping accounts, split between two of the three separated administrators (三员分立).

The system administrator creates accounts, changes their names, disables and re-enables them and
resets their passwords; a new account has no role and opens nothing. The security administrator gives
an account its role and scope (role, organization, cadre record). Neither touches the other's work,
and neither touches an administrator's account (their own included): administrators are made and
their passwords reset only on the server, with `manage.py create_administrators`. Nobody changes
their own account here, so nobody gives themselves a role.

Each function checks the actor, validates, saves with the record's history and writes the audit
trail, in the transaction of `core.services.run`.
"""
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from banzi.core.audit import record_event
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.core.roles import ADMINISTRATORS, BUSINESS, Role, active_role

from . import passwords
from .models import User

# The fields each administrator changes; the account pages and the API offer exactly these.
SYSTEM_FIELDS = ("username", "first_name", "last_name", "email")
SECURITY_FIELDS = ("role", "organization", "cadre")
# The roles the security administrator gives: the business roles, or none.
GRANTABLE_ROLES = BUSINESS | {""}


def keeps_accounts(user):
    """Whether the user opens the account pages at all (the system and security administrators)."""
    return active_role(user) in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


def accounts_for(user):
    """The accounts listed to an account keeper (all of them, administrators included); none to others."""
    if not keeps_accounts(user):
        return User.objects.none()
    return User.objects.select_related("organization", "cadre")


def _ensure_role(actor, role, message):
    if active_role(actor) != role:
        raise PermissionDenied(message)


def _ensure_business_account(actor, user):
    """An administrator's account, the actor's own included, is not changed from the pages."""
    if user.pk is not None and user.pk == actor.pk:
        raise PermissionDenied(_("Nobody changes their own account here; ask the other administrators."))
    if user.role in ADMINISTRATORS:
        raise PermissionDenied(_("An administrator's account is kept on the server (manage.py create_administrators)."))


def may_edit_account(actor, user):
    """Whether the actor may change anything of this account (a page shows its buttons by this)."""
    return keeps_accounts(actor) and user.pk != actor.pk and user.role not in ADMINISTRATORS


def _save(actor, user, reason):
    user._history_user = actor
    user._change_reason = reason
    user.full_clean()
    user.save()


def create_account(actor, user, password):
    """A new account, made by the system administrator, with no role until the security administrator
    gives it one."""
    _ensure_role(actor, Role.SYSTEM_ADMIN, _("Only the system administrator creates accounts."))
    user.role, user.organization, user.cadre = "", None, None
    user.is_superuser = user.is_staff = False
    validate_password(password, user)
    user.set_password(password)
    _save(actor, user, _("Account created"))
    return user


def update_account(actor, user):
    """The system administrator's changes to an account's username, name and e-mail."""
    _ensure_role(actor, Role.SYSTEM_ADMIN, _("Only the system administrator changes accounts."))
    _ensure_business_account(actor, user)
    _save(actor, user, _("Account changed"))
    return user


def set_active(actor, user, active):
    """Disable an account (it can no longer sign in; its API tokens end) or enable it again."""
    _ensure_role(actor, Role.SYSTEM_ADMIN, _("Only the system administrator disables or enables accounts."))
    _ensure_business_account(actor, user)
    user.is_active = active
    _save(actor, user, _("Account enabled") if active else _("Account disabled"))
    return user


def reset_password(actor, user, password):
    """The system administrator sets a new password for a business account: the one place where a password
    is set on someone else's behalf. The user must change it at their next sign-in, and their sessions and
    API tokens end (banzi/accounts/passwords.py); the audit trail records who reset it."""
    _ensure_role(actor, Role.SYSTEM_ADMIN, _("Only the system administrator resets passwords."))
    _ensure_business_account(actor, user)
    user._history_user = actor
    user._change_reason = _("Password reset by the system administrator")
    passwords.set_password_by_administrator(user, password, by=actor)
    return user


def assign_role(actor, user):
    """The security administrator's change of an account's role and scope (role, organization, cadre
    record), with the values already set on `user`. Only business roles (or none) are given."""
    _ensure_role(actor, Role.SECURITY_ADMIN, _("Only the security administrator gives roles and scopes."))
    before = User.objects.filter(pk=user.pk).values("role", "organization", "cadre").get()
    _ensure_business_account(actor, User(pk=user.pk, role=before["role"]))
    if user.role not in GRANTABLE_ROLES:
        raise ValidationError({"role": ValidationError(
            _("Administrators are made on the server (manage.py create_administrators), not given here."),
            code=Code.INVALID_CHOICE)})
    _save(actor, user, _("Role and scope changed"))
    after = {"role": user.role, "organization": user.organization_id, "cadre": user.cadre_id}
    changes = [{"field": name, "old": before[name], "new": after[name]} for name in SECURITY_FIELDS
               if before[name] != after[name]]
    if changes:
        record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.UPDATE, user=actor, obj=user,
                     changes=changes, detail=_("Role and scope changed by the security administrator"))
    return user
