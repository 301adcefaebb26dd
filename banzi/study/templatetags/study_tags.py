"""Small template helpers of the study pages."""
from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (an organization's name by id, a kind's label by value)."""
    return mapping.get(key, "") if mapping else ""
