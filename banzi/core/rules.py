"""Rules are data: each app registers its rules with defaults here; the county overrides them in
the `Rule` table (admin or settings page) without a code change.

    rules.register("tasks.13710", {"deploy_days": 1, ...}, _("13710 clock"),
                   fields={"deploy_days": _("days to deploy")}, choices={"day_mode": [...]})
    rules.get("tasks.13710")["deploy_days"]
    rules.get_many("tasks.13710", "tasks.progress")  # several rules in one query

`fields` labels each setting on the county's edit form; `choices` restricts a setting to a list of
(value, label) pairs; `check(values)` refuses a whole set of values (raising a ValidationError), e.g.
weights that must add up to 100.
"""
# The JSON type of a setting follows its default value.
SETTING_TYPES = ["boolean", "integer", "number", "string"]
_TYPES = [("boolean", bool), ("integer", int), ("number", float)]

_defaults = {}
_labels = {}
_field_labels = {}
_choices = {}
_checks = {}


def register(key, default, label="", *, fields=None, choices=None, check=None):
    _defaults[key] = dict(default)
    _checks[key] = check
    _labels[key] = label
    _field_labels[key] = dict(fields or {})
    _choices[key] = {name: list(options) for name, options in (choices or {}).items()}


def setting_type(default):
    """"boolean", "integer", "number" or "string" (a yes/no default is not a count)."""
    return next((name for name, python_type in _TYPES if isinstance(default, python_type)), "string")


def check(key, values):
    """Refuse the rule's whole set of values (all its settings) if its `check` says so."""
    if _checks.get(key):
        _checks[key](values)


def field_label(key, name):
    return _field_labels.get(key, {}).get(name, name)


def field_choices(key, name):
    return _choices.get(key, {}).get(name)


def registered():
    return {key: (_labels[key], dict(value)) for key, value in sorted(_defaults.items())}


def get(key):
    """The rule's defaults overlaid with the county's stored values."""
    from .models import Rule

    if key not in _defaults:
        raise KeyError(f"Unknown rule {key!r}")
    return _overlay(key, Rule.objects.filter(key=key).values_list("value", flat=True).first())


def get_many(*keys):
    """{key: values} of the given rules, as `get` gives them, read in one query."""
    from .models import Rule

    unknown = [key for key in keys if key not in _defaults]
    if unknown:
        raise KeyError(f"Unknown rule {unknown[0]!r}")
    stored = dict(Rule.objects.filter(key__in=keys).values_list("key", "value"))
    return {key: _overlay(key, stored.get(key)) for key in keys}


def current_values():
    """{key: values} of every registered rule, as `get` gives them, read in one query."""
    from .models import Rule

    stored = dict(Rule.objects.filter(key__in=list(_defaults)).values_list("key", "value"))
    return {key: _overlay(key, stored.get(key)) for key in sorted(_defaults)}


def _overlay(key, stored):
    value = dict(_defaults[key])
    if isinstance(stored, dict):
        value.update({k: v for k, v in stored.items() if k in value})
    return value
