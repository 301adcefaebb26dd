"""Who may see and change which records.

Every business model declares a `Scope`: the lookup from the model to the township that owns a
record and, for a cadre's own records, the lookup to the cadre. `ScopedQuerySet.visible_to` is the
one place that turns a user into a queryset filter; views, exports, the API and services all go
through it, so an object outside a user's scope is simply not there (404).
"""
from dataclasses import dataclass, field

from django.db import models

from .roles import ADMINISTRATORS, BUSINESS, COUNTY_WIDE, Role, active_role
from .roles import CONFIGURATION as CONFIGURATION_ROLES


@dataclass(frozen=True)
class Scope:
    """How a model is scoped.

    township: lookup to the owning township `Organization` ("organization__township"); None marks
        a county-wide catalog that every signed-in user may read.
    cadre: lookup to the `Cadre` a record belongs to ("" for the cadre itself), or a tuple of
        lookups when a record belongs to several cadres (a mentoring pair is both the mentor's and
        the mentee's); None means cadres see none of these records.
    write_roles: the roles that may change records (always within what they can see).
    configuration: a county-wide catalog of the system's configuration (the working-day calendar),
        which the system administrator reads besides the business roles; the other administrators
        see none of it, and no administrator sees any business record.
    private: the records are their cadre's alone (a daily study record, DESIGN principle 2): only
        that cadre sees or changes them, whatever the role; committees read aggregates computed by
        the app's metrics, never the records.
    """

    township: str | None = None
    cadre: str | tuple | None = None
    write_roles: frozenset = field(default_factory=lambda: frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN}))
    private: bool = False
    configuration: bool = False

    @property
    def is_catalog(self):
        return self.township is None

    @property
    def cadre_lookups(self):
        """The lookups to the cadres a record belongs to (empty when cadres see none)."""
        if self.cadre is None:
            return ()
        return self.cadre if isinstance(self.cadre, tuple) else (self.cadre,)


CATALOG = Scope(township=None, write_roles=frozenset({Role.COUNTY_ADMIN}))
# The county's configuration (the working-day calendar): read by everyone in the business and by the
# system administrator, who keeps it with the organization department.
CONFIGURATION = Scope(township=None, write_roles=CONFIGURATION_ROLES, configuration=True)


def _role(user):
    """The role that decides; Django's `is_superuser` flag gives no business access."""
    return active_role(user)


def sees_everything(user):
    return _role(user) in COUNTY_WIDE


def _administrator_reads(user, scope):
    """What an administrator (三员分立) sees of a model: only the system administrator, and only the
    configuration."""
    return scope.configuration and _role(user) == Role.SYSTEM_ADMIN


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to what a user may see or change."""

    def visible_to(self, user):
        scope = self.model.scope
        if not user or not user.is_authenticated or not user.is_active:
            return self.none()
        if _role(user) in ADMINISTRATORS:
            return self if _administrator_reads(user, scope) else self.none()
        if _role(user) not in BUSINESS:  # an account without a role yet
            return self.none()
        if scope.private:
            return self._own(user, scope)
        if sees_everything(user) or scope.is_catalog:
            return self
        role = _role(user)
        if role == Role.TOWNSHIP_ADMIN:
            township_id = user.township_id
            return self.filter(**{scope.township: township_id}) if township_id else self.none()
        if role == Role.CADRE:
            return self._own(user, scope)
        return self.none()

    def _own(self, user, scope):
        """The records that belong to the user's own cadre."""
        if not scope.cadre_lookups or not getattr(user, "cadre_id", None):
            return self.none()
        condition = models.Q()
        for lookup in scope.cadre_lookups:
            condition |= models.Q(**{lookup or "pk": user.cadre_id})
        return self.filter(condition)

    def editable_by(self, user):
        if not can_write_model(user, self.model):
            return self.none()
        return self.visible_to(user)


def can_write_model(user, model):
    """Whether the user's role may change records of this model at all."""
    return _role(user) in model.scope.write_roles


def _follow(instance, lookup):
    obj = instance
    for part in lookup.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def instance_in_scope(user, instance):
    """Whether a (possibly unsaved) record would be visible to the user with its current values."""
    scope = type(instance).scope
    if _role(user) in ADMINISTRATORS:
        return _administrator_reads(user, scope)
    if _role(user) not in BUSINESS:
        return False
    if scope.private:
        return _is_own(user, instance, scope)
    if sees_everything(user) or scope.is_catalog:
        return True
    role = _role(user)
    if role == Role.TOWNSHIP_ADMIN:
        township = _follow(instance, scope.township)
        return township is not None and township.pk == user.township_id
    if role == Role.CADRE:
        return _is_own(user, instance, scope)
    return False


def _is_own(user, instance, scope):
    cadre_id = getattr(user, "cadre_id", None)
    if not cadre_id:
        return False
    for lookup in scope.cadre_lookups:
        cadre = instance if lookup == "" else _follow(instance, lookup)
        if cadre is not None and cadre.pk == cadre_id:
            return True
    return False
