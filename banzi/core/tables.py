"""Table base for every list: linked first column, Bootstrap styling, Chinese yes/no."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _


class YesNoColumn(tables.BooleanColumn):
    """✓ on screen, 是/否 in Excel."""

    def value(self, value, **kwargs):
        return str(_("Yes")) if value else str(_("No"))


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-vcenter card-table table-striped table-hover"}
        empty_text = _("No records match. Change the filters or add a record.")
