"""Table base for every list: linked first column, Bootstrap styling, Chinese yes/no."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _


class YesNoColumn(tables.BooleanColumn):
    """✓ on screen, 是/否 in Excel."""

    def value(self, value, **kwargs):
        return str(_("Yes")) if value else str(_("No"))


# On a phone a list shows each row as a card of what matters: the first columns (who, what) and the
# status and dates a person acts on; the rest is on the record's page (banzi.css, includes/table.html).
PHONE_FIRST_COLUMNS = 3
PHONE_COLUMN_NAMES = frozenset({
    "status", "state", "result", "grade", "deadline", "due_on", "due_at", "starts_on", "ends_on", "held_on",
    "occurred_on", "decided_on", "departs_at", "date", "year", "progress",
})


class BaseTable(tables.Table):
    # Names of the columns a phone shows in a row's card; None: the first columns and those named in
    # PHONE_COLUMN_NAMES. A table lists its own where that rule misses what matters.
    phone_column_names = None

    class Meta:
        attrs = {"class": "table table-vcenter card-table table-striped table-hover"}
        empty_text = _("No records match. Change the filters or add a record.")

    @property
    def phone_columns(self):
        if self.phone_column_names is not None:
            return frozenset(self.phone_column_names)
        names = [column.name for column in self.columns]
        return frozenset(names[:PHONE_FIRST_COLUMNS]) | (PHONE_COLUMN_NAMES & set(names))
