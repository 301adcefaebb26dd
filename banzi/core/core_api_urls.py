"""API under /api/v1/core/: the rules, the working-day calendar and the audit trail."""
from rest_framework.routers import DefaultRouter

from . import audit_api, calendar_api, rule_api

router = DefaultRouter()
router.register("rules", rule_api.RuleViewSet, basename="core-rule")
router.register("calendar-years", calendar_api.CalendarYearViewSet, basename="core-calendaryear")
router.register("calendar-days", calendar_api.CalendarDayViewSet, basename="core-calendarday")
router.register("audit-events", audit_api.AuditEventViewSet, basename="core-auditevent")

urlpatterns = router.urls
