"""Registry figures and to-dos for the dashboard, computed from records in the user's scope."""
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from banzi.core import metrics
from banzi.core.roles import Role

from .models import Cadre, Organization, Team, TeamMembership

STAFF = {Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.AUDITOR}


def _is_staff(user):
    return user.is_superuser or user.role in STAFF


@metrics.card(10)
def registry_cards(user):
    if not _is_staff(user):
        return []
    cadres = Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE)
    members = TeamMembership.objects.visible_to(user).current()
    return [
        {"label": _("Townships"), "value": Organization.objects.visible_to(user).filter(kind=Organization.Kind.TOWNSHIP).count(),
         "url": reverse("org:organization_list") + "?kind=township"},
        {"label": _("Current leadership teams"), "value": Team.objects.visible_to(user).current().count(),
         "url": reverse("org:team_list") + "?current=true"},
        {"label": _("Current team members"), "value": members.count(), "url": reverse("org:teammembership_list") + "?current=true"},
        {"label": _("Active cadres"), "value": cadres.count(), "url": reverse("org:cadre_list") + "?status=active"},
        {"label": _("Newly promoted cadres"), "value": cadres.filter(is_newly_promoted=True).count(),
         "url": reverse("org:cadre_list") + "?is_newly_promoted=true&status=active"},
        {"label": _("Reserve cadres"), "value": cadres.filter(is_reserve=True).count(),
         "url": reverse("org:cadre_list") + "?is_reserve=true&status=active"},
    ]


@metrics.action(10)
def registry_actions(user):
    if not (user.is_superuser or user.role in {Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN}):
        return []
    today = timezone.localdate()
    out = []
    teams = Team.objects.visible_to(user).current()
    head = TeamMembership.objects.current(today).filter(team=OuterRef("pk"), is_head=True)
    headless = teams.exclude(Exists(head)).count()
    if headless:
        out.append({"label": _("Current leadership teams without a team head"), "count": headless,
                    "url": reverse("org:team_list") + "?current=true", "level": "danger"})
    cadres = Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE)
    missing_id = cadres.filter(id_number__isnull=True).count()
    if missing_id:
        out.append({"label": _("Active cadres without an ID number on record"), "count": missing_id,
                    "url": reverse("org:cadre_list") + "?status=active"})
    return out
