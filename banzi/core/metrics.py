"""The metrics registry: read-only figures and to-do lists that apps register in `metrics.py`, so
that the dashboard (and later the assessment) can use them without importing an app's internals.

A card is a figure (label, value, url); an action is a kind of thing the user must act on (label,
count, url, level, and optionally `items`: the first few of them, each with label, url and note);
a panel is a block of the home page drawn by its own template (title, template, and whatever that
template reads, e.g. the data of a chart). Each registered function takes the user and returns a
list of dicts; it computes from records in the user's scope only.

The home page reads them through `home_figures()`, which keeps what it computed for a user in the
"figures" cache, for at most `BANZI_FIGURES_SECONDS`, and only as long as nothing was written: the
key holds the last audit event (its id and its chained mac). Every write of a record or of a rule
adds an audit event in the transaction that writes it (`core.audit`), so the first read after a
committed write computes afresh; what changes with the clock alone (a deadline passing) shows
within `BANZI_FIGURES_SECONDS`. The figures themselves are still aggregate queries (each app's
`metrics.py`); the cache only spares the home page from running them again for the same user while
nothing changed.

An indicator (`@metrics.indicator`) is what the assessment scores: a function of (ids, start, end)
that reads one figure per cadre or team from the records of a period, with a link to those records.
"""
import calendar
import hashlib
import math
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.utils import translation

from . import clock

_cards = []
_actions = []
_panels = []

CACHE = "figures"

# The three parts of the seed's work, in its order: 强化培训实践, 完善运行机制, 从严监督管理.
PARTS = ("training", "mechanism", "supervision")


def card(order, part=None):
    """Register `func(user) -> [card]` for the home page. `part` is the seed's part the figures belong to
    (one of PARTS: 强化培训实践, 完善运行机制, 从严监督管理), under whose heading the home page shows
    them; None: the registry's and the system's own figures, shown first."""
    def decorator(func):
        if part is not None and part not in PARTS:
            raise ValueError(f"Card {func.__qualname__}: the part is one of {PARTS}")

        def tagged(user):
            return [{**c, "part": c.get("part", part)} for c in (func(user) or [])]

        _cards.append((order, tagged))
        return func
    return decorator


def action(order):
    def decorator(func):
        _actions.append((order, func))
        return func
    return decorator


def panel(order):
    def decorator(func):
        _panels.append((order, func))
        return func
    return decorator


def _collect(registered, user):
    out = []
    for _order, func in sorted(registered, key=lambda x: x[0]):
        out.extend(func(user) or [])
    return out


def cards_for(user):
    return _collect(_cards, user)


def actions_for(user):
    return _collect(_actions, user)


def panels_for(user):
    return _collect(_panels, user)


def data_version():
    """What changes with every committed write: the last audit event's id and mac (a rolled-back
    write's id may be given again on SQLite, never with the same mac)."""
    from .models import AuditEvent

    last = AuditEvent.objects.order_by("-pk").values_list("pk", "mac").first()
    return f"{last[0]}:{last[1]}" if last else "0:"


def _cache_key(user, seconds):
    moment = int(clock.now().timestamp()) // seconds
    who = f"{user.pk}:{user.role}:{user.organization_id}:{user.cadre_id}"
    raw = f"{data_version()}|{who}|{translation.get_language()}|{moment}"
    return "home:" + hashlib.sha256(raw.encode()).hexdigest()


def home_figures(user):
    """(cards, actions, panels) of the user's home page, computed at most once per write, user,
    language and `BANZI_FIGURES_SECONDS` (0 computes them on every call)."""
    seconds = getattr(settings, "BANZI_FIGURES_SECONDS", 0)
    if seconds <= 0:
        return cards_for(user), actions_for(user), panels_for(user)
    cache = caches[CACHE]
    key = _cache_key(user, seconds)
    found = cache.get(key)
    if found is None:
        found = (cards_for(user), actions_for(user), panels_for(user))
        cache.set(key, found, seconds)
    return found


# --- indicators: what the assessment scores, read from the records --------------------------------

@dataclass(frozen=True)
class Reading:
    """One indicator's value for one cadre or team over a period: the number (a percentage or a
    count; None when there was nothing to measure), what it is made of, and the filtered list of the
    records behind it."""

    value: object
    detail: str
    url: str


@dataclass(frozen=True)
class Indicator:
    """A registered indicator: `func(ids, start, end) -> {id: Reading}` for every id at once, in a
    fixed number of aggregate queries. `subject` is "cadre" (ids of cadres) or "team" (ids of
    teams); `unit` is "percent" (a rate, 0–100) or "count" (a number of things); `direction` is "up"
    (more is better) or "down" (each one is a deduction)."""

    key: str
    group: str
    subject: str
    order: int
    label: object
    unit: str
    direction: str
    func: object

    def read(self, ids, start, end):
        ids = list(ids)
        return self.func(ids, start, end) if ids else {}


SUBJECTS = ("cadre", "team")
UNITS = ("percent", "count")
DIRECTIONS = ("up", "down")
_indicators = {}


def indicator(key, *, group, subject, order, label, unit, direction):
    """Register `func(ids, start, end)` as the indicator `key` (dates inclusive)."""
    if subject not in SUBJECTS or unit not in UNITS or direction not in DIRECTIONS:
        raise ValueError(f"Indicator {key!r}: bad subject, unit or direction")

    def decorator(func):
        _indicators[key] = Indicator(key, group, subject, order, label, unit, direction, func)
        return func
    return decorator


def indicators(subject=None):
    """The registered indicators (of one subject), in their order."""
    found = [i for i in _indicators.values() if subject is None or i.subject == subject]
    return sorted(found, key=lambda i: (i.order, i.key))


def read_indicators(subject, ids, start, end):
    """{indicator key: {id: Reading}} of every indicator of the subject."""
    return {i.key: i.read(ids, start, end) for i in indicators(subject)}


def percent(part, whole):
    """part ÷ whole as a whole percentage (None when there is nothing to measure)."""
    return round(100 * part / whole) if whole else None


def team_townships(team_ids):
    """{team id: township id} of these teams (one query)."""
    from banzi.org.models import Team

    return dict(Team.objects.filter(pk__in=list(team_ids)).values_list("pk", "township_id"))


def team_member_ids(cadre_ids, start, end):
    """The cadres among `cadre_ids` who sat on a team at some time from start to end (one query)."""
    from banzi.org.models import TeamMembership

    return set(TeamMembership.objects.filter(cadre__in=list(cadre_ids), started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=start)).values_list("cadre_id", flat=True))


def by_township(team_ids, readings_of_townships):
    """Readings per team from readings per township."""
    townships = team_townships(team_ids)
    readings = readings_of_townships(sorted(set(townships.values())))
    return {team: readings[township] for team, township in townships.items() if township in readings}


def year_share(start, end):
    """The share of a year the period start..end covers (1 for a whole year, at most 1): yearly
    minimums are asked pro rata of a shorter period."""
    year_days = 366 if calendar.isleap(start.year) else 365
    return min(Fraction((end - start).days + 1, year_days), Fraction(1))


def pro_rata(yearly, start, end):
    """A yearly minimum asked of the period, rounded up (at least 1 when the yearly one is)."""
    return math.ceil(yearly * year_share(start, end)) if yearly else 0


# --- report figures: what the year-end report prints, read from the records -----------------------

@dataclass(frozen=True)
class Figure:
    """A registered report figure: `func(township_ids, start, end)` returns one number (an int, or a
    whole percentage; None when there was nothing to measure) for these townships — None for the
    whole county — over start..end (dates inclusive), in a fixed number of aggregate queries.
    `list_url(township_ids, start, end)` is the filtered list of the records it counts. `part` is
    the part of the year-end report it belongs to (see banzi.reports)."""

    key: str
    label: object
    unit: object
    definition: object
    part: str
    order: int
    func: object
    list_url: object

    def value(self, township_ids, start, end):
        return self.func(None if township_ids is None else list(township_ids), start, end)

    def url(self, township_ids, start, end):
        return self.list_url(None if township_ids is None else list(township_ids), start, end) if self.list_url else ""


_figures = {}


def figure(key, *, label, unit, definition, list_url=None, part, order=0):
    """Register `func(township_ids or None, start, end)` as the report figure `key` ("<app>.<name>")."""
    if "." not in key or part not in PARTS:
        raise ValueError(f"Figure {key!r}: the key is <app>.<name> and the part one of {PARTS}")

    def decorator(func):
        _figures[key] = Figure(key, label, unit, definition, part, order, func, list_url)
        return func
    return decorator


class _Figures:
    """The registry of report figures: `figures.all()`, `figures.get(key)`, `figures.read(keys,
    scope, start, end)`."""

    def all(self):
        return sorted(_figures.values(), key=lambda f: (PARTS.index(f.part), f.order, f.key))

    def keys(self):
        return set(_figures)

    def get(self, key):
        return _figures.get(key)

    def read(self, keys, scope, start, end):
        """{key: value} of these figures for the scope (a list of township ids, or None for the
        whole county) over start..end. An unknown key raises KeyError."""
        return {key: _figures[key].value(scope, start, end) for key in keys}


figures = _Figures()


def scoped(queryset, lookup, township_ids):
    """The queryset limited to the townships (by `lookup`, e.g. "organization__township"), or as it
    is for the whole county (township_ids None)."""
    return queryset if township_ids is None else queryset.filter(**{f"{lookup}__in": township_ids})


def year_of(start, end):
    """The year a period lies in (for a list's year filter), or None when it spans two years."""
    return start.year if start.year == end.year else None


def overlapping(start, end, prefix=""):
    """Records whose [started_on, ended_on] (an open end runs on) meets start..end."""
    return Q(**{f"{prefix}started_on__lte": end}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": start}))


def list_link(name, township_ids, *, township_param="township", **params):
    """The URL of a list page filtered by params (and by the township when the scope is one)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    query = {k: v for k, v in params.items() if v not in (None, "")}
    if township_ids is not None and len(township_ids) == 1:
        query[township_param] = township_ids[0]
    return reverse(name) + ("?" + urlencode(query) if query else "")
