"""Writes to the county's rules (see `core.rules`)."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import rules
from .errors import Code
from .models import Rule
from .roles import Role


def can_edit_rules(user):
    return bool(
        user and user.is_authenticated and user.is_active
        and (user.is_superuser or getattr(user, "role", None) == Role.COUNTY_ADMIN)
    )


@transaction.atomic
def save_rule(user, key, values, *, note=None):
    """Store the county's values of a registered rule on behalf of the county administrator.

    Only the keys whose value differs from the registered default are kept, so a later change of a
    default reaches every key the county never set. Returns the `Rule` (None if none is stored).
    """
    if not can_edit_rules(user):
        raise PermissionDenied(_("Only the county organization department may change the rules."))
    registered = rules.registered()
    if key not in registered:
        raise ValidationError(_("Unknown rule."), code=Code.UNKNOWN_RULE)
    defaults = registered[key][1]
    unknown = set(values) - set(defaults)
    if unknown:
        raise ValidationError(_("Unknown settings: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}, code=Code.UNKNOWN_SETTING)
    for name, value in values.items():
        options = rules.field_choices(key, name)
        if options is not None and value not in [option for option, _label in options]:
            raise ValidationError({name: ValidationError(_("Choose one of the listed values."), code=Code.INVALID_CHOICE)})
    overrides = {k: v for k, v in values.items() if v != defaults[k]}
    rule = Rule.objects.select_for_update().filter(key=key).first()
    if rule is None:
        rule = Rule(key=key)
    if rule.pk is not None and rule.value == overrides and (note is None or note == rule.note):
        return rule
    rule.value = overrides
    if note is not None:
        rule.note = note
    # An empty value (every setting at its default) is valid, though a JSONField calls it blank.
    rule.full_clean(exclude=["value"])
    rule._history_user = user
    rule.save()
    return rule
