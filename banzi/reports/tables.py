"""The list of report paragraphs (also its Excel export)."""
import django_tables2 as tables

from banzi.core.tables import BaseTable, YesNoColumn

from .models import ReportTemplate


class ReportTemplateTable(BaseTable):
    title = tables.Column(linkify=True)
    is_active = YesNoColumn()

    class Meta(BaseTable.Meta):
        model = ReportTemplate
        fields = ("part", "sort_order", "title", "text", "is_active")
