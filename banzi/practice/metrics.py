"""Frontline-practice figures, computed from the records in the user's scope: the enterprise-service
summary, the rectification campaign overview, the hard-place tempering of newly appointed team
members, mentoring pairs per township, the designation map; the lead-by-example duty credits that
postings prove; and the dashboard's cards and to-dos.

Every function runs a fixed number of queries whatever the number of records.
"""
from collections import defaultdict

from django.db.models import Avg, Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from banzi.core import clock, metrics
from banzi.core.roles import STAFF, has_role
from banzi.org.models import Organization, TeamMembership, VillageDesignation
from banzi.study import credits, duties

from .models import HARD_CATEGORIES, Mentorship, Posting, RectificationGroup, StudyVisit, WorkLog

# Postings that are hard assignments whatever the place (急难险重).
HARD_KINDS = (Posting.Kind.FIRST_SECRETARY, Posting.Kind.RECTIFICATION, Posting.Kind.OTHER)
ITEMS_SHOWN = 5


def _today(on=None):
    return on or clock.today()


def active_on(day, prefix=""):
    """Records (postings, groups) whose [started_on, ended_on] holds the day; an open end runs on."""
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day}))


def _townships(user):
    return list(Organization.objects.visible_to(user).filter(kind=Organization.Kind.TOWNSHIP)
                .order_by("sort_order", "name"))


# --- enterprise service -----------------------------------------------------------------------


def enterprise_postings(user, on=None):
    """The enterprise-service postings the user may see that are active on the day."""
    return Posting.objects.visible_to(user).filter(active_on(_today(on)), kind=Posting.Kind.ENTERPRISE)


def enterprise_service(user, on=None):
    """Who serves which enterprise on the day (入企服务): cadres per enterprise, enterprises per cadre,
    and the problems their work logs report and solve, by township and for the county.

    The figures are counted by the database (a fixed number of queries); the posting rows are read
    only to list who serves where."""
    day = _today(on)
    postings = enterprise_postings(user, day).order_by()
    leading = TeamMembership.objects.current(day).filter(
        cadre_id=OuterRef("cadre_id"), team__elected_on__lte=day, team__term_ends_on__gt=day)
    totals = postings.aggregate(
        postings=Count("pk"), cadres=Count("cadre", distinct=True), enterprises=Count("organization", distinct=True),
        leading_or_reserve=Count("cadre", distinct=True, filter=Q(cadre__is_reserve=True) | Q(Exists(leading))))
    logs = WorkLog.objects.filter(posting__in=postings.values("pk")).order_by()
    problems = {"found": Sum("problems_found", default=0), "solved": Sum("problems_solved", default=0),
                "visits": Sum("visits", default=0)}
    totals.update(logs.aggregate(**problems))
    people = {row["organization__township_id"]: row for row in postings.values("organization__township_id").annotate(
        cadres=Count("cadre", distinct=True), enterprises=Count("organization", distinct=True))}
    work = {row["posting__organization__township_id"]: row
            for row in logs.values("posting__organization__township_id").annotate(**problems)}
    by_township = [
        {"township": t, "cadres": people.get(t.pk, {}).get("cadres", 0),
         "enterprises": people.get(t.pk, {}).get("enterprises", 0),
         **{key: work.get(t.pk, {}).get(key, 0) for key in problems}}
        for t in _townships(user)
    ]
    per_posting = {row["posting_id"]: row for row in logs.values("posting_id").annotate(**problems)}
    enterprises, cadres = {}, {}
    for p in postings.values("pk", "cadre_id", "cadre__name", "cadre__is_reserve", "organization_id",
                             "organization__name", leading=Exists(leading)).order_by("pk"):
        log = per_posting.get(p["pk"], {})
        enterprise = enterprises.setdefault(p["organization_id"], {
            "id": p["organization_id"], "name": p["organization__name"], "cadres": [], "found": 0, "solved": 0})
        enterprise["cadres"].append(p["cadre__name"])
        enterprise["found"] += log.get("found", 0)
        enterprise["solved"] += log.get("solved", 0)
        cadre = cadres.setdefault(p["cadre_id"], {"id": p["cadre_id"], "name": p["cadre__name"], "enterprises": [],
                                                  "leading": p["leading"], "reserve": p["cadre__is_reserve"]})
        cadre["enterprises"].append(p["organization__name"])
    return {
        "on": day,
        **totals,
        "by_township": by_township,
        "per_enterprise": sorted(enterprises.values(), key=lambda e: (-len(e["cadres"]), e["name"])),
        "per_cadre": sorted(cadres.values(), key=lambda c: (-len(c["enterprises"]), c["name"])),
    }


# --- the rectification campaign ---------------------------------------------------------------


def campaign_overview(user, year=None):
    """The county's rectification campaign of a year: each township's group and leader, the
    designated villages it covers, how many are lifted, and their average progress."""
    year = year or _today().year
    groups = {g.township_id: g for g in RectificationGroup.objects.visible_to(user).filter(year=year)
              .select_related("township", "leader").annotate(member_count=Count("postings", distinct=True))}
    designations = (VillageDesignation.objects.visible_to(user).filter(year=year, category__in=HARD_CATEGORIES)
                    .values("organization__township_id")
                    .annotate(villages=Count("organization", distinct=True),
                              lifted=Count("organization", filter=Q(lifted_on__isnull=False), distinct=True),
                              progress=Avg("rectification__progress")))
    by_township = {d["organization__township_id"]: d for d in designations}
    rows = []
    for township in _townships(user):
        d = by_township.get(township.pk, {})
        group = groups.get(township.pk)
        rows.append({"township": township, "group": group, "leader": group.leader if group else None,
                     "members": group.member_count if group else 0,
                     "villages": d.get("villages", 0), "lifted": d.get("lifted", 0),
                     "progress": round(d["progress"]) if d.get("progress") is not None else None})
    return {
        "year": year,
        "groups": len(groups),
        "townships": len(rows),
        "villages": sum(r["villages"] for r in rows),
        "lifted": sum(r["lifted"] for r in rows),
        "without_group": [r["township"] for r in rows if r["group"] is None],
        "rows": rows,
    }


# --- hard-place tempering and mentoring of the newly appointed ---------------------------------


def newly_appointed(user, on=None):
    """Current team memberships of cadres who had never sat on a leadership team before this
    team's election: the team members who are new to the job (新进班子成员)."""
    day = _today(on)
    earlier = TeamMembership.objects.filter(cadre=OuterRef("cadre"), started_on__lt=OuterRef("team__elected_on"))
    return (TeamMembership.objects.visible_to(user).current(day)
            .filter(team__elected_on__lte=day, team__term_ends_on__gt=day)
            .exclude(Exists(earlier))
            .select_related("cadre", "position", "team__township")
            .order_by("team__township__sort_order", "team__township__name", "sort_order", "id"))


def _hard(postings):
    """Of postings, those that temper a cadre in a hard place: first secretary, rectification group
    member or another hard assignment, or any posting to a designated village."""
    designated = VillageDesignation.objects.filter(organization=OuterRef("organization"), category__in=HARD_CATEGORIES)
    return postings.filter(Q(kind__in=HARD_KINDS) | Q(Exists(designated)))


def hard_postings(cadre_ids):
    """The hard-place postings of these cadres (see `_hard`), earliest first."""
    return _hard(Posting.objects.filter(cadre_id__in=cadre_ids)).select_related("organization").order_by(
        "started_on", "id")


def untempered(user, on=None):
    """The newly appointed team members (memberships, as `newly_appointed`) without any hard-place posting."""
    return newly_appointed(user, on).exclude(Exists(_hard(Posting.objects.filter(cadre_id=OuterRef("cadre_id")))))


def tempering(user, on=None):
    """For each newly appointed team member: the first hard-place posting and since when, or none.
    The first posting of each is found by the database (a subquery), not by reading all their postings."""
    first = _hard(Posting.objects.filter(cadre_id=OuterRef("cadre_id"))).order_by("started_on", "id").values("pk")[:1]
    members = list(newly_appointed(user, on).annotate(first_hard_id=Subquery(first)))
    postings = Posting.objects.select_related("organization").in_bulk(
        {m.first_hard_id for m in members if m.first_hard_id})
    rows = []
    for m in members:
        posting = postings.get(m.first_hard_id)
        rows.append({"membership": m, "cadre": m.cadre, "township": m.team.township, "posting": posting,
                     "since": posting.started_on if posting else None})
    return {"rows": rows, "total": len(rows), "tempered": sum(1 for r in rows if r["posting"]),
            "not_tempered": [r for r in rows if r["posting"] is None]}


def mentoring(user, on=None):
    """Active mentoring pairs per township, and the newly appointed team members without a mentor."""
    day = _today(on)
    active = Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    counts = dict(Mentorship.objects.visible_to(user).filter(active).values("mentee__organization__township_id")
                  .annotate(n=Count("pk")).values_list("mentee__organization__township_id", "n"))
    ended = dict(Mentorship.objects.visible_to(user).filter(ended_on__lte=day)
                 .values("mentee__organization__township_id").annotate(n=Count("pk"))
                 .values_list("mentee__organization__township_id", "n"))
    mentored = Exists(Mentorship.objects.filter(active, mentee_id=OuterRef("cadre_id")))
    members = newly_appointed(user, day)
    per_township = {row["team__township_id"]: row for row in members.order_by().values("team__township_id").annotate(
        total=Count("pk"), without=Count("pk", filter=~mentored))}
    rows = [{"township": t, "active": counts.get(t.pk, 0), "ended": ended.get(t.pk, 0),
             "without_mentor": per_township.get(t.pk, {}).get("without", 0)} for t in _townships(user)]
    return {"rows": rows, "active": sum(counts.values()),
            "newly_appointed": sum(row["total"] for row in per_township.values()),
            "without_mentor": list(members.exclude(mentored))}


def designation_grid(user, year=None):
    """Every village of each township with its designations of the year: the map-like overview."""
    year = year or _today().year
    villages = list(Organization.objects.visible_to(user)
                    .filter(kind__in=[Organization.Kind.VILLAGE, Organization.Kind.COMMUNITY], is_active=True)
                    .order_by("sort_order", "name").values("pk", "name", "township_id"))
    categories = defaultdict(list)
    for d in VillageDesignation.objects.visible_to(user).filter(year=year).values(
            "pk", "organization_id", "category", "lifted_on"):
        categories[d["organization_id"]].append(d)
    first_secretaries = defaultdict(list)
    for p in Posting.objects.visible_to(user).filter(active_on(_today()), kind=Posting.Kind.FIRST_SECRETARY).values(
            "organization_id", "cadre__name"):
        first_secretaries[p["organization_id"]].append(p["cadre__name"])
    by_township = defaultdict(list)
    for v in villages:
        found = categories.get(v["pk"], [])
        by_township[v["township_id"]].append({
            **v, "designations": found, "first_secretaries": first_secretaries.get(v["pk"], []),
            "css": found[0]["category"] if found else "none",
            "lifted": bool(found) and all(d["lifted_on"] for d in found)})
    labels = dict(VillageDesignation.Category.choices)
    rows = []
    for township in _townships(user):
        cells = by_township.get(township.pk, [])
        for cell in cells:
            cell["labels"] = [str(labels[d["category"]]) for d in cell["designations"]]
        rows.append({"township": township, "villages": cells,
                     "designated": sum(1 for c in cells if any(d["category"] in HARD_CATEGORIES
                                                              for d in c["designations"]))})
    return {"year": year, "rows": rows, "legend": VillageDesignation.Category.choices}


# --- duty credits (九个带头) ------------------------------------------------------------------


@credits.provider
def practice_credits(cadre_ids, start, end):
    """Postings and group leadership that prove lead-by-example duties, once per period each:
    liaison-point work (a posting as first secretary, to an enterprise or another assignment),
    targeted poverty alleviation (a posting to a registered poor village) and rectification
    (leading or serving on a rectification working group). Three queries."""
    overlap = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    postings = list(Posting.objects.filter(overlap, cadre_id__in=cadre_ids).select_related("organization"))
    poor = set(VillageDesignation.objects.filter(
        organization_id__in={p.organization_id for p in postings},
        category=VillageDesignation.Category.REGISTERED_POOR).values_list("organization_id", flat=True))
    for p in postings:
        day = max(p.started_on, start)
        url = p.get_url("detail") or ""
        if p.kind in (Posting.Kind.FIRST_SECRETARY, Posting.Kind.ENTERPRISE, Posting.Kind.OTHER):
            yield credits.Credit(cadre_id=p.cadre_id, duty_key=duties.LIAISON_POINT, date=day,
                                 label=_("%(kind)s: %(org)s") % {"kind": p.get_kind_display(), "org": p.organization},
                                 url=url, source="practice.posting", source_id=p.pk)
        if p.organization_id in poor:
            yield credits.Credit(cadre_id=p.cadre_id, duty_key=duties.POVERTY_ALLEVIATION, date=day,
                                 label=_("Posted to the registered poor village %(org)s") % {"org": p.organization},
                                 url=url, source="practice.posting", source_id=p.pk)
        if p.kind == Posting.Kind.RECTIFICATION:
            yield credits.Credit(cadre_id=p.cadre_id, duty_key=duties.RECTIFICATION, date=day,
                                 label=_("Rectification working group member: %(org)s") % {"org": p.organization},
                                 url=url, source="practice.posting", source_id=p.pk)
    for g in RectificationGroup.objects.filter(overlap, leader_id__in=cadre_ids).select_related("township"):
        yield credits.Credit(cadre_id=g.leader_id, duty_key=duties.RECTIFICATION, date=max(g.started_on, start),
                             label=_("Leads the %(group)s") % {"group": g}, url=g.get_url("detail") or "",
                             source="practice.rectificationgroup", source_id=g.pk)


# --- dashboard --------------------------------------------------------------------------------


def _is_staff(user):
    return has_role(user, STAFF)


@metrics.card(30, part="training")
def practice_cards(user):
    if not _is_staff(user):
        return []
    enterprise = Q(kind=Posting.Kind.ENTERPRISE)
    figures = Posting.objects.visible_to(user).filter(active_on(_today())).order_by().aggregate(
        cadres=Count("cadre", distinct=True, filter=enterprise),
        enterprises=Count("organization", distinct=True, filter=enterprise),
        first_secretaries=Count("pk", filter=Q(kind=Posting.Kind.FIRST_SECRETARY)))
    return [
        {"label": _("Cadres serving enterprises"), "value": figures["cadres"],
         "url": reverse("practice:enterprise_service")},
        {"label": _("Enterprises served"), "value": figures["enterprises"],
         "url": reverse("practice:enterprise_service")},
        {"label": _("First secretaries serving"), "value": figures["first_secretaries"],
         "url": reverse("practice:posting_list") + "?kind=first_secretary&active=true"},
    ]


@metrics.action(30)
def untempered_new_members(user):
    if not _is_staff(user):
        return []
    missing = untempered(user)
    count = missing.count()
    if not count:
        return []
    items = [{"label": str(m.cadre), "url": reverse("practice:record", args=[m.cadre_id]),
              "note": str(m.team.township)} for m in missing[:ITEMS_SHOWN]]
    return [{"label": _("New team members not yet tempered in a hard place"), "count": count,
             "items": items, "url": reverse("practice:tempering"), "level": "warning"}]


# --- indicators of the assessment (core.metrics.indicator) ------------------------------------------

# What each end-of-posting result is worth on the score sheet (0–100).
RESULT_POINTS = {Posting.Result.EXCELLENT: 100, Posting.Result.GOOD: 85, Posting.Result.PASSED: 60,
                 Posting.Result.FAILED: 0}


@metrics.indicator("postings", group="ability", subject="cadre", order=60, unit="percent", direction="up",
                   label=gettext_lazy("Results of frontline postings"))
def postings_indicator(ids, start, end):
    """Postings served at some time in the period, and the average worth of the results of those
    that ended in it (excellent 100, good 85, passed 60, failed 0); no value when none ended."""
    served = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    judged = Q(ended_on__range=(start, end)) & ~Q(result="")
    points = Case(*[When(result=result, then=Value(worth)) for result, worth in RESULT_POINTS.items()],
                  default=Value(0), output_field=IntegerField())
    rows = {row["cadre"]: row for row in Posting.objects.filter(cadre__in=ids).order_by().values("cadre").annotate(
        served=Count("pk", filter=served), judged=Count("pk", filter=judged),
        points=Sum(points, filter=judged))}
    url = reverse("practice:posting_list")
    out = {}
    for pk in ids:
        row = rows.get(pk, {"served": 0, "judged": 0, "points": 0})
        value = round(row["points"] / row["judged"]) if row["judged"] else None
        out[pk] = metrics.Reading(value, _("%(served)d postings served, %(judged)d ended with a result") % row,
                                  f"{url}?cadre={pk}")
    return out


# --- report figures (the year-end report, banzi.reports) -------------------------------------------

def _link(name, **params):
    """The list of the records a figure counts: those at work for part of the period, in its scope."""
    def link(township_ids, start, end):
        return metrics.list_link(f"practice:{name}", township_ids, during_after=start.isoformat(),
                                 during_before=end.isoformat(), **params)
    return link


def _enterprise_postings(township_ids, start, end):
    """Enterprise-service postings that ran for part of start..end, at enterprises of the townships."""
    qs = Posting.objects.filter(metrics.overlapping(start, end), kind=Posting.Kind.ENTERPRISE)
    return metrics.scoped(qs, "organization__township", township_ids).order_by()


@metrics.figure("practice.rectification_groups", part="training", order=30,
                label=gettext_lazy("Township rectification working groups"), unit=pgettext_lazy("unit", "groups"),
                list_url=_link("rectificationgroup_list"), definition=gettext_lazy(
                    "Rectification working groups of the townships at work for part of the period (started on or "
                    "before its end, not ended before its start)."))
def rectification_groups(township_ids, start, end):
    qs = metrics.scoped(RectificationGroup.objects.filter(metrics.overlapping(start, end)), "township", township_ids)
    return qs.order_by().aggregate(n=Count("id"))["n"]


@metrics.figure("practice.rectification_townships", part="training", order=31,
                label=gettext_lazy("Townships with a rectification working group"),
                unit=pgettext_lazy("unit", "townships"), list_url=_link("rectificationgroup_list", one_per="township"),
                definition=gettext_lazy("Townships with at least one rectification working group at work for part "
                                        "of the period."))
def rectification_townships(township_ids, start, end):
    qs = metrics.scoped(RectificationGroup.objects.filter(metrics.overlapping(start, end)), "township", township_ids)
    return qs.order_by().aggregate(n=Count("township", distinct=True))["n"]


@metrics.figure("practice.enterprise_cadres", part="training", order=32, label=gettext_lazy("Cadres serving enterprises"),
                unit=pgettext_lazy("unit", "people"), list_url=_link("posting_list", kind=Posting.Kind.ENTERPRISE, one_per="cadre"),
                definition=gettext_lazy("Distinct cadres with an enterprise-service posting that ran for part of the "
                                        "period."))
def enterprise_cadres(township_ids, start, end):
    return _enterprise_postings(township_ids, start, end).aggregate(n=Count("cadre", distinct=True))["n"]


@metrics.figure("practice.enterprises_served", part="training", order=33, label=gettext_lazy("Enterprises served"),
                unit=pgettext_lazy("unit", "enterprises"),
                list_url=_link("posting_list", kind=Posting.Kind.ENTERPRISE, one_per="organization"),
                definition=gettext_lazy("Distinct enterprises with a cadre posted to serve them for part of the "
                                        "period."))
def enterprises_served(township_ids, start, end):
    return _enterprise_postings(township_ids, start, end).aggregate(n=Count("organization", distinct=True))["n"]


@metrics.figure("practice.mentorships", part="training", order=34, label=gettext_lazy("Mentoring pairs"),
                unit=pgettext_lazy("unit", "pairs"), list_url=_link("mentorship_list"),
                definition=gettext_lazy("Mentoring pairs (传帮带) active for part of the period, by the mentee's "
                                        "township."))
def mentorships(township_ids, start, end):
    qs = metrics.scoped(Mentorship.objects.filter(metrics.overlapping(start, end)),
                        "mentee__organization__township", township_ids)
    return qs.order_by().aggregate(n=Count("id"))["n"]


@metrics.figure("practice.study_visits", part="training", order=35, label=gettext_lazy("Study visits"),
                unit=pgettext_lazy("unit", "times"), list_url=lambda ids, start, end: metrics.list_link(
                    "practice:studyvisit_list", ids, visited_after=start.isoformat(), visited_before=end.isoformat()),
                definition=gettext_lazy("Study visits to model units made in the period."))
def study_visits(township_ids, start, end):
    qs = metrics.scoped(StudyVisit.objects.filter(visited_on__range=(start, end)), "organization__township", township_ids)
    return qs.order_by().aggregate(n=Count("id"))["n"]
