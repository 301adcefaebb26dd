"""Lifecycles, declared once as data, and the small helpers every workflow service shares.

A model with a lifecycle (a supervised item, a leave request, an agenda item …) lists its steps in a
`Lifecycle`: from which states each step may be taken, the state it leads to, and who may take it
(an `Actor`: a role, a relationship to the record such as "the assignee" or "the approver", or a
combination of both). That one table is read by

- the services, which check a step before acting (`check`) and move the record on (`advance`);
- the detail pages, which offer exactly the steps the user may take now (`available`);
- the generic edit and delete pages and the API, which ask it whether a record may still be edited
  or deleted, and by whom (the steps named "edit" and "delete");
- the API's permission class, which lets a user reach a step's action when the table names them
  (a cadre may take their own steps on a record their role may not otherwise change).

Each app declares its tables in `<app>/workflow.py`; core loads those modules at start-up.
"""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .errors import Code
from .roles import Role
from .scoping import can_write_model

# --- records within the user's reach --------------------------------------------------------------


def is_visible(user, obj):
    """Whether a record (an organization, a cadre, a task …) is one the user may see."""
    return obj is not None and type(obj)._default_manager.visible_to(user).filter(pk=obj.pk).exists()


def check_visible(user, obj, field, message):
    """Refuse a related record the user may not see: a township cannot name another township's
    cadre, organization or task. Nothing (None) is left to the field's own rules."""
    if obj is not None and not is_visible(user, obj):
        raise ValidationError({field: ValidationError(message, code=Code.OUTSIDE_SCOPE)})


def is_editable(user, obj):
    """Whether the user may change this record: their role may write the model and the record is
    within their scope. Kept on the record for the rest of the request, since every step asks."""
    cache = obj.__dict__.setdefault("_editable_by", {})
    if user.pk not in cache:
        cache[user.pk] = type(obj)._default_manager.editable_by(user).filter(pk=obj.pk).exists()
    return cache[user.pk]


def lock(instance):
    """Lock the record's row for the rest of the transaction and re-read it, so that two people
    acting on the same record at once cannot both pass a state check."""
    type(instance)._default_manager.select_for_update().filter(pk=instance.pk).first()
    instance.refresh_from_db()
    return instance


# --- who may take a step ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who may take a step: `test(user, record)` says whether this user may. Actors combine with
    `|` (either), `&` (both) and `~` (not), so that a table reads "the committee or the assignee".
    The label names them for people reading the table (and in test failures)."""

    label: str
    test: Callable

    def __call__(self, user, obj):
        return bool(user and user.is_authenticated and user.is_active and self.test(user, obj))

    def __or__(self, other):
        return Actor(f"{self.label} | {other.label}", lambda user, obj: self(user, obj) or other(user, obj))

    def __and__(self, other):
        return Actor(f"{self.label} & {other.label}", lambda user, obj: self(user, obj) and other(user, obj))

    def __invert__(self):
        return Actor(f"~{self.label}", lambda user, obj: not self(user, obj))


def role(*roles):
    """Users of these roles."""
    return Actor(" or ".join(roles), lambda user, obj: user.role in roles)


def own_cadre(lookup, label):
    """The cadre the record names under `lookup` ("assignee", "cadre", "responsible" …), acting
    through their own account."""
    def test(user, obj):
        cadre_id = getattr(user, "cadre_id", None)
        return cadre_id is not None and getattr(obj, f"{lookup}_id", None) == cadre_id
    return Actor(label, test)


def may_write(model):
    """Users whose role may change records of `model` at all."""
    return Actor(f"writer of {model.__name__}", lambda user, obj: can_write_model(user, model))


MANAGER = Actor("manager", is_editable)
COUNTY = role(Role.COUNTY_ADMIN)


# --- steps and lifecycles --------------------------------------------------------------------------


def _text(value, obj, params):
    """A message of the table: a (lazy) string formatted with the record's names, or a function of
    the record that returns the message."""
    if value is None or isinstance(value, dict) and not value:
        return None
    if callable(value):
        return value(obj)
    return str(value) % params if params else str(value)


@dataclass(frozen=True)
class Step:
    """One step of a lifecycle.

    name: the step's name, also the last part of its page's URL name ("deploy" → `…_deploy`) and
        what the API's action declares (`step="deploy"`). "edit" and "delete" are the generic pages.
    label: the button's text.
    sources: the states the step may be taken from (empty: any state).
    target: the state it leads to: one state, a dict {from: to} (states not listed stay), a tuple of
        states the step's input chooses among (a decision), a function of the record, or None (the
        state stays).
    actors: who may take it.
    guard: a further condition on the record, as a function that returns the refusal (a message or
        a {field: message} dict) or None.
    refusal: what the user is told when the state does not allow the step: a message, a dict
        {state: message} (the key None for any other state) or a function of the record. `%(obj)s`, `%(status)s`, `%(step)s` and the
        lifecycle's noun (e.g. `%(item)s`) are filled in.
    denial: what a user who may not take it is told (same forms as `refusal`).
    style: the button's look on the page; link: the step opens a page (a new record) instead of
        posting a form.
    """

    name: str
    label: Any
    sources: tuple = ()
    target: Any = None
    actors: Actor = MANAGER
    guard: Callable | None = None
    refusal: Any = None
    denial: Any = None
    style: str = "btn-outline-primary"
    link: bool = False


class Lifecycle:
    """The steps of a model, keyed by name, over the state in `field` (a field name, or a function of
    the record for a state that is derived, e.g. "back" once a return is recorded; None for a record
    whose steps do not depend on a state)."""

    def __init__(self, model, *steps, field="status", noun="obj"):
        self.model = model
        self.field = field
        self.noun = noun
        self.steps = {step.name: step for step in steps}

    def __contains__(self, name):
        return name in self.steps

    def __getitem__(self, name):
        return self.steps[name]

    def state(self, obj):
        if self.field is None:
            return None
        return self.field(obj) if callable(self.field) else getattr(obj, self.field)

    def _params(self, obj, step):
        display = getattr(obj, f"get_{self.field}_display", None) if isinstance(self.field, str) else None
        status = display() if display else self.state(obj)
        return {"obj": obj, self.noun: obj, "status": status, "step": step.label}

    def refusal(self, obj, name):
        """Why the step cannot be taken on the record as it stands (its state or its guard), or None."""
        step = self.steps[name]
        return self._state_refusal(obj, step) or (step.guard(obj) if step.guard else None)

    def _state_refusal(self, obj, step):
        state = self.state(obj)
        if not step.sources or state in step.sources:
            return None
        refusal = step.refusal
        if isinstance(refusal, dict):
            refusal = refusal.get(state, refusal.get(None))
        return _text(refusal, obj, self._params(obj, step)) or _(
            "“%(obj)s” is %(status)s: “%(step)s” is not possible now.") % self._params(obj, step)

    def permits(self, user, obj, name):
        """Whether the table names this user among those who may take the step (whatever the state)."""
        return self.steps[name].actors(user, obj)

    def denial(self, obj, name):
        step = self.steps[name]
        return _text(step.denial, obj, self._params(obj, step)) or _(
            "You may not take the step “%(step)s” on this record.") % self._params(obj, step)

    def may(self, user, obj, name):
        return name in self.steps and self.refusal(obj, name) is None and self.permits(user, obj, name)

    def available(self, user, obj):
        """The steps this user may take on the record now, in the table's order."""
        return [step for step in self.steps.values() if self.refusal(obj, step.name) is None
                and step.actors(user, obj)]

    def check(self, user, obj, name):
        """Refuse the step unless the record's state allows it (ValidationError with the reason), the
        user is among those who may take it (PermissionDenied), and its guard lets it through."""
        step = self.steps[name]
        refusal = self._state_refusal(obj, step)
        if refusal is not None:
            raise _refusal_error(refusal, by_guard=False)
        if not self.permits(user, obj, name):
            raise PermissionDenied(self.denial(obj, name))
        refusal = step.guard(obj) if step.guard else None
        if refusal is not None:
            raise _refusal_error(refusal, by_guard=True)
        return step

    def refused(self, obj, name, field=None):
        """The refusal of the step on the record as it stands (whoever takes it), as a ValidationError
        with its code (on `field` when given), or None."""
        step = self.steps[name]
        refusal = self._state_refusal(obj, step)
        if refusal is not None:
            return _refusal_error(refusal, by_guard=False, field=field)
        refusal = step.guard(obj) if step.guard else None
        return None if refusal is None else _refusal_error(refusal, by_guard=True, field=field)

    def advance(self, obj, name, to=None):
        """Move the record to the state the step leads to (`to`: the state chosen among the step's
        targets). Returns the new state."""
        target = self.steps[name].target
        current = self.state(obj)
        if isinstance(target, tuple):
            if to not in target:
                raise ValueError(f"{name} leads to one of {target}, not {to!r}")
            new = to
        elif isinstance(target, dict):
            new = target.get(current, current)
        elif callable(target):
            new = target(obj)
        else:
            new = current if target is None else target
        if isinstance(self.field, str):
            setattr(obj, self.field, new)
        return new


def _refusal_error(refusal, *, by_guard, field=None):
    """A step's refusal (a message, or {field: message} from a guard) as a ValidationError whose every
    message carries the code: wrong_state when the record's state refuses, step_not_ready when the
    step's guard does (a code given beside a dict would be lost)."""
    if field is not None and not isinstance(refusal, dict):
        refusal = {field: refusal}
    if not isinstance(refusal, dict):
        if by_guard:
            return ValidationError(refusal, code=Code.STEP_NOT_READY)
        return ValidationError(refusal, code=Code.WRONG_STATE)
    if by_guard:
        errors = {key: ValidationError(message, code=Code.STEP_NOT_READY) for key, message in refusal.items()}
    else:
        errors = {key: ValidationError(message, code=Code.WRONG_STATE) for key, message in refusal.items()}
    return ValidationError(errors)


_lifecycles = {}


def register(lifecycle):
    """Declare a model's lifecycle (from its app's `workflow.py`)."""
    _lifecycles[lifecycle.model._meta.label_lower] = lifecycle
    return lifecycle


def for_model(model):
    """The model's lifecycle, or None."""
    return _lifecycles.get(model._meta.label_lower)


def allows(user, obj, name):
    """Whether the user may take a generic step ("edit", "delete") on the record by its lifecycle:
    always, when the model declares no such step."""
    lifecycle = for_model(type(obj))
    return lifecycle is None or name not in lifecycle or lifecycle.may(user, obj, name)


def permits(user, obj, name):
    """Whether the user is among those who may take the step, whatever the record's state (a model
    that declares no such step leaves the decision to its role and scope)."""
    lifecycle = for_model(type(obj))
    return lifecycle is None or name not in lifecycle or lifecycle.permits(user, obj, name)
