"""Writes to the county's rules (see `core.rules`)."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import rules
from .errors import Code
from .models import Rule
from .roles import CONFIGURATION, has_role


def can_edit_rules(user):
    return has_role(user, CONFIGURATION)


TEXT_MAX_LENGTH = 200


def clean_values(key, defaults, values):
    """The values with the type of their defaults, or a ValidationError naming each setting refused.

    Counts are whole numbers and ratios numbers, both 0 or more; a yes/no setting is true or false;
    a text is 1 to 200 characters; a setting with choices takes one of them. The rules page's form
    converts what is typed before it gets here; an API client sends the JSON types themselves.
    """
    cleaned, errors = {}, {}
    for name, value in values.items():
        try:
            cleaned[name] = _clean_value(key, name, defaults[name], value)
        except ValidationError as exc:
            errors[name] = exc.error_list  # each error keeps its code
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_value(key, name, default, value):
    options = rules.field_choices(key, name)
    if options is not None:
        if value not in [option for option, _label in options]:
            raise ValidationError(_("Choose one of the listed values."), code=Code.INVALID_CHOICE)
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValidationError(_("Enter true or false."), code=Code.WRONG_TYPE)
        return value
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(default, int):
        if not (is_number and value == int(value)):
            raise ValidationError(_("Enter a whole number, 0 or more."), code=Code.WRONG_TYPE)
        if value < 0:
            raise ValidationError(_("Enter a whole number, 0 or more."), code=Code.OUT_OF_RANGE)
        return int(value)
    if isinstance(default, float):
        if not is_number:
            raise ValidationError(_("Enter a number, 0 or more."), code=Code.WRONG_TYPE)
        if value < 0:
            raise ValidationError(_("Enter a number, 0 or more."), code=Code.OUT_OF_RANGE)
        return float(value)
    if not isinstance(value, str):
        raise ValidationError(_("Enter a text of 1 to %(max)d characters.") % {"max": TEXT_MAX_LENGTH},
                              code=Code.WRONG_TYPE)
    if not value.strip() or len(value) > TEXT_MAX_LENGTH:
        raise ValidationError(_("Enter a text of 1 to %(max)d characters.") % {"max": TEXT_MAX_LENGTH},
                              code=Code.OUT_OF_RANGE)
    return value


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
        raise ValidationError(_("Unknown settings: %(keys)s.") % {"keys": ", ".join(sorted(unknown))},
                              code=Code.UNKNOWN_SETTING)
    values = clean_values(key, defaults, values)
    rules.check(key, {**defaults, **values})
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
