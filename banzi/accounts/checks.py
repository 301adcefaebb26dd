"""Deployment checks of the accounts (`manage.py check --deploy`): no demo account and the second factor for
the administrators in production."""
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

from banzi.core.roles import Role

DEFAULT_SECOND_FACTOR_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR, Role.COUNTY_ADMIN}


@register(Tags.security, deploy=True)
def demo_accounts_in_production(app_configs=None, **kwargs):
    """The demo's accounts share a published password and skip the second factor: never in production."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    from .models import User

    try:
        names = list(User.objects.filter(is_demo=True, is_active=True).values_list("username", flat=True)[:10])
    except DatabaseError:  # no database yet (or not migrated): it holds no demo account
        return []
    if not names:
        return []
    return [Error(
        f"Active demo accounts exist in production: {', '.join(names)}.",
        hint="Deactivate or delete them (they have the published demo password and no second factor).",
        id="accounts.E001",
    )]


@register(Tags.security, deploy=True)
def second_factor_roles(app_configs=None, **kwargs):
    if not getattr(settings, "PRODUCTION", False):
        return []
    missing = DEFAULT_SECOND_FACTOR_ROLES - set(settings.BANZI_SECOND_FACTOR_ROLES)
    if not missing:
        return []
    return [Warning(
        f"BANZI_SECOND_FACTOR_ROLES leaves out {', '.join(sorted(missing))}.",
        hint="GB/T 22239-2019 8.1.4.1 d asks for a second factor for the administrators and the county "
        "organization department.",
        id="accounts.W001",
    )]
