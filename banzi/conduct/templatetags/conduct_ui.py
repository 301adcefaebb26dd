"""Template helpers of the strict-management pages."""
from django import template

from banzi.conduct.tables import badge

register = template.Library()


@register.simple_tag
def status_badge(value, label):
    """A status as a coloured badge, as in the lists."""
    return badge(value, label)
