"""Drawing the compliance calendar: one badge per period of a rule's row, built in Python with
`format_html` (every value escaped), because a township's calendar has a couple of thousand of them
and the template engine spent most of the page's time on them."""
from django import template
from django.utils.html import format_html, format_html_join

from banzi.governance.metrics import STATUS_COLOURS, STATUS_LABELS

register = template.Library()


@register.simple_tag
def compliance_badges(row):
    labels = {status: str(label) for status, label in STATUS_LABELS.items()}
    return format_html_join(
        "\n", '<span class="badge bg-{}-lt" title="{}" data-status="{}">{}：{}{}</span>',
        ((STATUS_COLOURS[cell.status], labels[cell.status], cell.status, cell.period.label, labels[cell.status],
          format_html(" ({})", len(cell.meetings)) if cell.meetings else "")
         for cell in row.cells))
