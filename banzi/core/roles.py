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


# Roles that see every record in the county (the auditor only reads).
COUNTY_WIDE = {Role.COUNTY_ADMIN, Role.AUDITOR}
# Roles that may write business records at all; each model narrows this further.
WRITERS = {Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN}
