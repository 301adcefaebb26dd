"""Tables of the reserve pool's lists (also the columns of their Excel exports)."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from banzi.core.tables import BaseTable

from .models import DevelopmentMeasure, ReserveEntry, ReserveReview


class ReserveEntryTable(BaseTable):
    cadre = tables.Column(linkify=lambda record: record.get_absolute_url(), order_by=("cadre__name_pinyin",))
    unit = tables.Column(verbose_name=_("township"))
    post = tables.Column(accessor="cadre__post", verbose_name=_("current post"))
    birth_date = tables.Column(accessor="cadre__birth_date", verbose_name=_("birth date"))

    class Meta(BaseTable.Meta):
        model = ReserveEntry
        fields = ("cadre", "unit", "post", "birth_date", "source", "nominated_on", "status", "vetted_on",
                  "entered_on", "exited_on", "exit_reason")


class ReserveReviewTable(BaseTable):
    cadre = tables.Column(accessor="entry__cadre", verbose_name=_("cadre"),
                          linkify=lambda record: record.get_absolute_url(), order_by=("entry__cadre__name_pinyin",))
    unit = tables.Column(accessor="entry__unit", verbose_name=_("township"))

    class Meta(BaseTable.Meta):
        model = ReserveReview
        fields = ("cadre", "unit", "year", "conclusion", "note")


class DevelopmentMeasureTable(BaseTable):
    cadre = tables.Column(accessor="entry__cadre", verbose_name=_("cadre"),
                          linkify=lambda record: record.get_absolute_url(), order_by=("entry__cadre__name_pinyin",))
    unit = tables.Column(accessor="entry__unit", verbose_name=_("township"))

    class Meta(BaseTable.Meta):
        model = DevelopmentMeasure
        fields = ("cadre", "unit", "kind", "description", "posting", "enrollment", "due_on", "done_on")
