"""Registry figures, to-dos and home-page panels, computed from records in the user's scope.

Registered with `banzi.core.metrics`; the dashboard reads them through the registry. Every queryset
here starts from `visible_to(user)`, so a township user's figures count only their township.
"""
import datetime

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from banzi.core import clock, metrics
from banzi.core.roles import STAFF, Role, has_role
from banzi.core.scoping import can_write_model

from .models import Cadre, Organization, Team, TeamMembership

# How many of each to-do the home page names; the rest are behind the action's link.
ITEMS_SHOWN = 5
# A term that ends within this many months needs its election prepared.
TERM_ENDING_MONTHS = 6
# The fields a cadre's record is incomplete without (Party membership is not required of a cadre).
REQUIRED_FOR_COMPLETE = ("id_number", "phone", "education_fulltime", "work_started_on", "post")


def _is_admin(user):
    return has_role(user, STAFF)


def add_months(day, months):
    """The same day `months` later, clipped to the end of a shorter month."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def current_teams(user, on=None):
    return Team.objects.visible_to(user).current(on)


def current_members(user, on=None):
    """Memberships held today in a team whose term is running today."""
    on = on or clock.today()
    return TeamMembership.objects.visible_to(user).current(on).filter(
        team__elected_on__lte=on, team__term_ends_on__gt=on
    )


def incomplete_q():
    """Cadres whose record lacks one of REQUIRED_FOR_COMPLETE (also the cadre list's filter)."""
    cond = Q()
    for name in REQUIRED_FOR_COMPLETE:
        field = Cadre._meta.get_field(name)
        if field.null:
            cond |= Q(**{f"{name}__isnull": True})
        if isinstance(field, models.CharField | models.TextField):
            cond |= Q(**{name: ""})
    return cond


def missing_fields(cadre):
    """The labels of the fields a cadre's record still lacks."""
    return [
        str(Cadre._meta.get_field(name).verbose_name)
        for name in REQUIRED_FOR_COMPLETE
        if getattr(cadre, name) in (None, "")
    ]


def _action(label, queryset_count, items, url, level):
    return {"label": label, "count": queryset_count, "items": items[:ITEMS_SHOWN], "url": url, "level": level}


@metrics.card(10)
def registry_cards(user):
    if not _is_admin(user):
        return []
    cadres = Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE)
    cadre_list = reverse("org:cadre_list")
    counts = cadres.aggregate(
        total=Count("pk"),
        promoted=Count("pk", filter=Q(is_newly_promoted=True)),
        reserve=Count("pk", filter=Q(is_reserve=True)),
    )
    return [
        {"label": _("Townships"),
         "value": Organization.objects.visible_to(user).filter(kind=Organization.Kind.TOWNSHIP).count(),
         "url": reverse("org:organization_list") + "?kind=township"},
        {"label": _("Current leadership teams"), "value": current_teams(user).count(),
         "url": reverse("org:team_list") + "?current=true"},
        {"label": _("Current team members"), "value": current_members(user).count(),
         "url": reverse("org:teammembership_list") + "?current=true"},
        {"label": _("Active cadres"), "value": counts["total"], "url": cadre_list + "?status=active"},
        {"label": _("Newly promoted cadres"), "value": counts["promoted"],
         "url": cadre_list + "?is_newly_promoted=true&status=active"},
        {"label": _("Reserve cadres"), "value": counts["reserve"], "url": reverse("reserves:reserveentry_list") + "?status=in_pool"},
    ]


@metrics.action(10)
def townships_without_team(user):
    if not _is_admin(user):
        return []
    today = clock.today()
    running = Team.objects.current(today).filter(township=OuterRef("pk"))
    townships = (
        Organization.objects.visible_to(user)
        .filter(kind=Organization.Kind.TOWNSHIP, is_active=True)
        .exclude(Exists(running))
        .order_by("sort_order", "name")
    )
    count = townships.count()
    if not count:
        return []
    add_team = reverse(Team.url_name("add")) if can_write_model(user, Team) else None
    items = [
        {"label": str(t), "url": f"{add_team}?township={t.pk}" if add_team else t.get_absolute_url(),
         "note": ""}
        for t in townships[:ITEMS_SHOWN]
    ]
    action = _action(_("Townships without a leadership team in its term"), count, items,
                     reverse("org:team_list"), "danger")
    if add_team:
        action["hint"] = _("Choose a township to record its newly elected team.")
    return [action]


@metrics.action(20)
def teams_without_head(user):
    if not _is_admin(user):
        return []
    today = clock.today()
    head = TeamMembership.objects.current(today).filter(team=OuterRef("pk"), is_head=True)
    teams = current_teams(user, today).exclude(Exists(head)).select_related("township")
    count = teams.count()
    if not count:
        return []
    items = [{"label": str(t), "url": t.get_absolute_url(), "note": ""} for t in teams[:ITEMS_SHOWN]]
    return [_action(_("Current leadership teams without a team head"), count, items,
                    reverse("org:team_list") + "?current=true", "danger")]


@metrics.action(30)
def terms_ending_soon(user):
    if not _is_admin(user):
        return []
    today = clock.today()
    teams = (
        current_teams(user, today)
        .filter(term_ends_on__lte=add_months(today, TERM_ENDING_MONTHS))
        .select_related("township").order_by("term_ends_on")
    )
    # The first few and the count, two queries whether or not any term ends soon.
    shown = list(teams[:ITEMS_SHOWN])
    count = teams.count()
    if not count:
        return []
    items = [{"label": str(t), "url": t.get_absolute_url(),
              "note": _("term ends on %(date)s") % {"date": t.term_ends_on.isoformat()}}
             for t in shown]
    return [_action(
        _("Leadership teams whose term ends within %(months)d months") % {"months": TERM_ENDING_MONTHS},
        count, items, reverse("org:team_list") + "?current=true", "warning",
    )]


@metrics.action(40)
def incomplete_cadres(user):
    if not _is_admin(user):
        return []
    cadres = (
        Cadre.objects.visible_to(user).filter(incomplete_q(), status=Cadre.Status.ACTIVE).order_by("name_pinyin", "pk")
    )
    count = cadres.count()
    if not count:
        return []
    editable = can_write_model(user, Cadre)
    items = [
        {"label": c.name, "url": c.get_url("edit") if editable else c.get_absolute_url(),
         "note": _("missing: %(fields)s") % {"fields": "、".join(missing_fields(c))}}
        for c in cadres[:ITEMS_SHOWN]
    ]
    return [_action(_("Cadres with incomplete records"), count, items,
                    reverse("org:cadre_list") + "?incomplete=true&status=active", "info")]


@metrics.panel(10)
def members_per_township_chart(user):
    """Bar chart of current team members per township, for users who see more than one township."""
    if not _is_admin(user):
        return []
    townships = list(
        Organization.objects.visible_to(user).filter(kind=Organization.Kind.TOWNSHIP, is_active=True)
        .order_by("sort_order", "name").values_list("pk", "name")
    )
    if len(townships) < 2:
        return []
    counts = dict(
        current_members(user).values_list("team__township").annotate(n=Count("pk")).values_list("team__township", "n")
    )
    labels = [name for _pk, name in townships]
    values = [counts.get(pk, 0) for pk, _name in townships]
    return [{
        "title": _("Current team members per township"),
        "template": "dashboard/panels/bar_chart.html",
        "chart_id": "chart-members-per-township",
        "url": reverse("org:teammembership_list") + "?current=true",
        "chart": {"labels": labels, "values": values, "series": _("Current team members")},
        "table": list(zip(labels, values, strict=True)),
    }]


@metrics.panel(20)
def own_township_team(user):
    """A township user's current leadership team with its members."""
    if not (user.role == Role.TOWNSHIP_ADMIN and user.township_id):
        return []
    teams = list(current_teams(user).select_related("township").order_by("-elected_on")[:1])
    team = teams[0] if teams else None
    members = (
        list(current_members(user).filter(team=team).select_related("cadre", "position")
             .order_by("-is_head", "sort_order", "position__sort_order"))
        if team else []
    )
    return [{
        "title": _("Current leadership team"),
        "template": "dashboard/panels/team.html",
        "team": team,
        "members": members,
        "url": team.get_absolute_url() if team else reverse("org:team_list"),
    }]


@metrics.panel(30)
def own_record(user):
    """A cadre's own record and team positions, with what the record still lacks."""
    if user.role != Role.CADRE or not user.cadre_id:
        return []
    cadre = Cadre.objects.visible_to(user).select_related("organization").filter(pk=user.cadre_id).first()
    if cadre is None:
        return []
    memberships = list(
        TeamMembership.objects.visible_to(user).filter(cadre=cadre)
        .select_related("team__township", "position").order_by("-started_on")
    )
    return [{
        "title": _("My record"),
        "first": True,
        "template": "dashboard/panels/own_record.html",
        "cadre": cadre,
        "memberships": memberships,
        "missing": missing_fields(cadre),
        "url": cadre.get_absolute_url(),
    }]
