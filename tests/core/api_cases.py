"""API cases of core's own endpoints that are not a business model's records (tests/core/test_api_generic.py):
the rules, the audit trail and the signed-in user. The working-day calendar's records have their
ModelCases in cases.py; the rules' changes and the audit trail's filters have their own tests
(test_rule_api.py, test_audit_api.py)."""
from banzi.core.audit import record_event
from banzi.core.models import AuditEvent
from tests import factories as f
from tests.api import ReadCase, register_read

BUSINESS = ("county_admin", "township_admin", "cadre_user")
# Who they are: everyone signed in, the three administrators included.
EVERYONE = (*BUSINESS, "system_admin", "security_admin", "auditor")
# The rules are configuration: the business reads them, the system administrator keeps them.
CONFIGURATION = (*BUSINESS, "system_admin")


def _event(township):
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN_FAILED, username="intruder")
    return AuditEvent.objects.latest("pk")


def _created_cadre(township):
    return f.CadreFactory(organization=township)


register_read(ReadCase(url_name="api-me", url=lambda township: "/api/v1/me/", roles=EVERYONE, township_scoped=False))
register_read(ReadCase(url_name="core-rule-list", url=lambda township: "/api/v1/core/rules/", roles=CONFIGURATION,
                       township_scoped=False))
register_read(ReadCase(url_name="core-rule-detail", url=lambda township: "/api/v1/core/rules/tasks.13710/",
                       roles=CONFIGURATION, township_scoped=False))
register_read(ReadCase(url_name="core-rule-history", url=lambda township: "/api/v1/core/rules/tasks.13710/history/",
                       roles=CONFIGURATION, township_scoped=False))
# The audit trail is the audit administrator's alone; each change adds its events to it.
register_read(ReadCase(url_name="core-auditevent-list", url=lambda township: "/api/v1/core/audit-events/",
                       make=_created_cadre, roles=("auditor",), township_scoped=False))
register_read(ReadCase(url_name="core-auditevent-detail",
                       url=lambda township: f"/api/v1/core/audit-events/{_event(township).pk}/",
                       roles=("auditor",), township_scoped=False))
register_read(ReadCase(url_name="core-auditevent-export", url=lambda township: "/api/v1/core/audit-events/export/",
                       roles=("auditor",), township_scoped=False))
