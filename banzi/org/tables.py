"""Tables for the registry lists (also the columns of their Excel exports)."""
import django_tables2 as tables
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
