"""The metrics registry: read-only figures and to-do lists that apps register in `metrics.py`, so
that the dashboard (and later the assessment) can use them without importing an app's internals.

A card is a figure (label, value, url); an action is a list of things the user must act on.
Each registered function takes the user and returns a list of dicts; it computes from records in
the user's scope only.
"""
_cards = []
_actions = []


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


def cards_for(user):
    out = []
    for _order, func in sorted(_cards, key=lambda x: x[0]):
        out.extend(func(user) or [])
    return out


def actions_for(user):
    out = []
    for _order, func in sorted(_actions, key=lambda x: x[0]):
        out.extend(func(user) or [])
    return out
