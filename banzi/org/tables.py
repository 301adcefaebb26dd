"""Tables for the registry lists (also the columns of their Excel exports)."""
import django_tables2 as tables
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from banzi.core import masking
from banzi.core.tables import BaseTable, YesNoColumn

from .models import Cadre, Organization, Position, Team, TeamMembership, VillageDesignation


def viewer(table):
    """The user a table is shown to (None, so everything masked, for a table built without a request)."""
    request = getattr(table, "request", None)
    return getattr(request, "user", None)


class OrganizationTable(BaseTable):
    name = tables.Column(linkify=True)
    parent = tables.Column(linkify=True)
    is_active = YesNoColumn()

    class Meta(BaseTable.Meta):
        model = Organization
        fields = ("name", "kind", "parent", "division_code", "phone", "is_active")


class VillageDesignationTable(BaseTable):
    organization = tables.Column(linkify=True)
    category = tables.Column(linkify=lambda record: record.get_absolute_url())
    township = tables.Column(accessor="organization__township", verbose_name=_("township"))

    class Meta(BaseTable.Meta):
        model = VillageDesignation
        fields = ("year", "category", "organization", "township", "designated_on", "lifted_on")


class CadreTable(BaseTable):
    name = tables.Column(linkify=True)
    organization = tables.Column(linkify=True)
    # Sealed at rest, so neither can be sorted; masked unless the user keeps the cadre's file (core.masking).
    id_number = tables.Column(verbose_name=_("ID number"), orderable=False)
    phone = tables.Column(orderable=False)
    is_newly_promoted = YesNoColumn()
    is_reserve = YesNoColumn()
    is_key_position = YesNoColumn()
    phone_column_names = ("name", "organization", "post", "status")

    class Meta(BaseTable.Meta):
        model = Cadre
        fields = ("name", "gender", "birth_date", "organization", "post", "rank", "phone", "id_number",
                  "is_newly_promoted", "is_reserve", "is_key_position", "status")
        order_by = ("name_pinyin",)

    def render_id_number(self, record, value):
        return masking.shown(viewer(self), record, value, masking.mask_id_number)

    def render_phone(self, record, value):
        return masking.shown(viewer(self), record, value, masking.mask_phone)

    value_id_number = render_id_number  # the Excel export too
    value_phone = render_phone

    # The page's rows in HTML, as django-tables2 renders them cell by cell but without its per-cell
    # introspection (it inspects each render method's signature for every cell: most of the list's
    # time; includes/table.html shows them). tests/org/test_cadre_list.py checks they are the same HTML.

    def _cell_renderers(self):
        user = viewer(self)
        yes_no = {True: mark_safe('<span class="true">✔</span>'), False: mark_safe('<span class="false">✘</span>')}

        def link(url, text):
            return format_html('<a href="{}">{}</a>', url, text)

        def text(value):
            return value

        def choice(name):
            labels = {value: str(label) for value, label in Cadre._meta.get_field(name).flatchoices}
            return lambda cadre: labels.get(getattr(cadre, name), getattr(cadre, name)) if getattr(cadre, name) else None

        def masked(name, mask):
            return lambda cadre: masking.shown(user, cadre, getattr(cadre, name), mask) if getattr(cadre, name) else None

        # Reversed and looked up once for the page, not for each row.
        cadre_url, unit_url = Cadre.url_maker(), Organization.url_maker()
        short_date = get_format("SHORT_DATE_FORMAT")
        return {
            "name": lambda cadre: link(cadre_url(cadre.pk), cadre.name) if cadre.name else None,
            "gender": choice("gender"),
            "birth_date": lambda cadre: format_date(cadre.birth_date, short_date) if cadre.birth_date else None,
            "organization": lambda cadre: (link(unit_url(cadre.organization_id), cadre.organization)
                                           if cadre.organization_id else None),
            "post": lambda cadre: text(cadre.post) or None,
            "rank": choice("rank"),
            "phone": masked("phone", masking.mask_phone),
            "id_number": masked("id_number", masking.mask_id_number),
            "is_newly_promoted": lambda cadre: yes_no[bool(cadre.is_newly_promoted)],
            "is_reserve": lambda cadre: yes_no[bool(cadre.is_reserve)],
            "is_key_position": lambda cadre: yes_no[bool(cadre.is_key_position)],
            "status": choice("status"),
        }

    def html_rows(self):
        renderers = self._cell_renderers()
        phone = self.phone_columns
        columns = [(column, renderers.get(column.name),
                    column.attrs["td"].as_html() + format_html(' data-label="{}"', column.header)
                    + (" data-phone" if not phone or column.name in phone else ""))
                   for column in self.columns]
        rows = []
        for index, row in enumerate(self.paginated_rows):
            cells = []
            for column, render, attrs in columns:
                if render is None or column.localize is not None:  # a column this method does not know
                    cell = row.get_cell(column.name)
                else:
                    cell = render(row.record)
                    cell = column.default if cell is None or cell == "" else cell
                cells.append(f"<td {attrs}>{conditional_escape(cell)}</td>")
            rows.append(mark_safe(f'<tr class="{"odd" if index % 2 else "even"}">' + "".join(cells) + "</tr>"))
        return rows


class PositionTable(BaseTable):
    name = tables.Column(linkify=True)
    is_head = YesNoColumn()
    is_active = YesNoColumn()

    class Meta(BaseTable.Meta):
        model = Position
        fields = ("name", "is_head", "sort_order", "is_active")


class TeamTable(BaseTable):
    name = tables.Column(accessor="pk", verbose_name=_("leadership team"), linkify=lambda record: record.get_absolute_url(),
                         orderable=False)
    township = tables.Column(linkify=True)
    member_count = tables.Column(verbose_name=_("current members"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Team
        fields = ("name", "township", "elected_on", "term_years", "term_ends_on", "member_count")

    def render_name(self, record):
        return str(record)

    def value_name(self, record):
        return str(record)


class TeamMembershipTable(BaseTable):
    cadre = tables.Column(linkify=True)
    position = tables.Column(linkify=lambda record: record.get_absolute_url())
    team = tables.Column(linkify=True)
    is_head = YesNoColumn()

    class Meta(BaseTable.Meta):
        model = TeamMembership
        fields = ("cadre", "position", "is_head", "team", "started_on", "ended_on", "appointment_document")
