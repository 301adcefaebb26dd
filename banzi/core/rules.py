"""Rules are data: each app registers its rules with defaults here; the county overrides them in
the `Rule` table (admin or settings page) without a code change.

    rules.register("tasks.13710", {"deploy_days": 1, ...}, _("13710 clock"))
    rules.get("tasks.13710")["deploy_days"]
"""
_defaults = {}
_labels = {}


def register(key, default, label=""):
    _defaults[key] = dict(default)
    _labels[key] = label


def registered():
    return {key: (_labels[key], dict(value)) for key, value in sorted(_defaults.items())}


def get(key):
    """The rule's defaults overlaid with the county's stored values."""
    from .models import Rule

    if key not in _defaults:
        raise KeyError(f"Unknown rule {key!r}")
    value = dict(_defaults[key])
    stored = Rule.objects.filter(key=key).values_list("value", flat=True).first()
    if isinstance(stored, dict):
        value.update({k: v for k, v in stored.items() if k in value})
    return value
