"""The metrics registry: read-only figures and to-do lists that apps register in `metrics.py`, so
that the dashboard (and later the assessment) can use them without importing an app's internals.

A card is a figure (label, value, url); an action is a kind of thing the user must act on (label,
count, url, level, and optionally `items`: the first few of them, each with label, url and note);
a panel is a block of the home page drawn by its own template (title, template, and whatever that
template reads, e.g. the data of a chart). Each registered function takes the user and returns a
list of dicts; it computes from records in the user's scope only.
"""
_cards = []
_actions = []
_panels = []


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
