"""The roles of DESIGN.md and what each may do, in one place."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("County organization department")
    TOWNSHIP_ADMIN = "township_admin", _("Township Party committee")
    CADRE = "cadre", _("Cadre")
    AUDITOR = "auditor", _("Audit administrator")
    # The three separated administrators (三员分立) of GB/T 22239-2019: the system administrator keeps
    # accounts and configuration, the security administrator roles, scopes and the security policy,
    # the audit administrator (AUDITOR) the audit trail; none of them sees business data.
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")


# The three separated administrators: no business record, menu, page, export or API is theirs
# (`core.separation` refuses them every URL outside their own duties).
ADMINISTRATORS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
# The roles of the business: the organization department, the township committees and the cadres.
BUSINESS = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE})
# Roles that see every record in the county.
COUNTY_WIDE = frozenset({Role.COUNTY_ADMIN})
# The committees: they read their scope's records and figures and write business records; each
# model narrows who writes further (`Scope.write_roles`).
STAFF = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN})
WRITERS = STAFF
# Who changes the county's configuration (the rules and the working-day calendar): the system
# administrator, and the organization department whose rules they are.
CONFIGURATION = frozenset({Role.COUNTY_ADMIN, Role.SYSTEM_ADMIN})
# Who keeps accounts: the system administrator creates, disables and resets them; the security
# administrator sets their role and scope (`banzi.accounts.services`).
ACCOUNT_KEEPERS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})


def active_role(user):
    """The role of a signed-in, active user, else None. Django's `is_superuser` adds nothing: the
    role alone decides (a superuser made by `createsuperuser` has no business role)."""
    if not user or not user.is_authenticated or not user.is_active:
        return None
    return getattr(user, "role", None)


def is_administrator(user):
    return active_role(user) in ADMINISTRATORS


def has_role(user, roles):
    return active_role(user) in roles
