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
"""
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from . import clock

_cards = []
_actions = []
_panels = []

CACHE = "figures"


def card(order):
    def decorator(func):
        _cards.append((order, func))
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
