"""Excel import of postings (派驻) and mentoring pairs (结对), one row per record, in the columns the
townships' rosters use. Each row is saved through the same service as the pages (a first secretary
goes to a designated village, one first-secretary posting at a time, one mentor per mentee …), and
nothing is saved unless every row is right.
"""
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core.importing.columns import ChoiceWidget, Column, DateWidget, ScopedForeignKeyWidget
from banzi.core.importing.resources import ImportResource
from banzi.core.importing.views import import_urls
from banzi.org.models import Cadre
from banzi.org.resources import OrganizationWidget

from . import services
from .models import Mentorship, Posting, RectificationGroup

KIND_LABELS = {
    Posting.Kind.FIRST_SECRETARY: ["第一书记", "驻村第一书记"],
    Posting.Kind.RECTIFICATION: ["整顿工作组成员", "集中整顿工作组", "工作组成员"],
    Posting.Kind.ENTERPRISE: ["入企服务", "包联企业"],
    Posting.Kind.OTHER: ["急难险重", "其他一线历练", "一线历练"],
}


class CadreWidget(ScopedForeignKeyWidget):
    """An active cadre by name among the cadres the user manages."""

    def __init__(self):
        super().__init__(Cadre, "name", filters={"status": Cadre.Status.ACTIVE})

    def not_found_message(self, text):
        return _("No active cadre named “%(value)s” is among the cadres you manage.") % {"value": text}

    def ambiguous_message(self, text):
        return _("Two cadres you manage are named “%(value)s”; tell them apart in the registry first.") % {
            "value": text}

    def describe(self):
        return _("a cadre's name")


def _example_cadre(resource):
    cadre = Cadre.objects.visible_to(resource.user).filter(status=Cadre.Status.ACTIVE).first()
    return cadre.name if cadre else "张三"


@transaction.atomic
def import_posting(user, posting, *, reason=""):
    """Save an imported posting; a rectification working group member joins the group of the
    place's township for the year the posting starts."""
    if posting.kind == Posting.Kind.RECTIFICATION and posting.group_id is None and posting.started_on:
        posting.group = (RectificationGroup.objects.visible_to(user)
                         .filter(township_id=posting.organization.township_id, year=posting.started_on.year)
                         .order_by("-started_on").first())
    return services.save_posting(user, posting, reason=reason)


class MatchingResource(ImportResource):
    """A row updates the record whose `match_fields` hold the row's values, else creates one."""

    match_fields = ()

    def find_instance(self, instance_loader, row):
        values = {}
        for name in self.match_fields:
            column = self.fields[name]
            if column.column_name not in row:
                return None
            values[name] = column.clean(row)
            if values[name] in (None, ""):
                return None
        return self.get_queryset().filter(**values).first()


class PostingResource(MatchingResource):
    """Postings, one row each; a row with the same cadre, kind, place and start date updates it."""

    cadre = Column("姓名", "cadre", CadreWidget(), required=True, example=_example_cadre)
    kind = Column("派驻类型", "kind", ChoiceWidget(Posting.Kind, KIND_LABELS), required=True, example="入企服务")
    organization = Column("派驻单位", "organization", OrganizationWidget(), required=True, example="某某有限公司",
                          help_text=gettext_lazy("a village, an enterprise or the township"))
    started_on = Column("开始日期", "started_on", DateWidget(), required=True, example="2026-03-01")
    ended_on = Column("结束日期", "ended_on", DateWidget(), example="")
    goals = Column("工作目标", "goals", example="帮助企业解决用工、融资难题")

    service = staticmethod(import_posting)
    duplicate_columns = ("姓名", "派驻类型", "派驻单位", "开始日期")
    label_columns = ("姓名", "派驻单位")
    match_fields = ("cadre", "kind", "organization", "started_on")

    class Meta:
        model = Posting


class MentorshipResource(MatchingResource):
    """Mentoring pairs, one row each; a row with the same mentor, mentee and start date updates it."""

    mentor = Column("导师", "mentor", CadreWidget(), required=True, example="李四")
    mentee = Column("结对对象", "mentee", CadreWidget(), required=True, example=_example_cadre)
    started_on = Column("开始日期", "started_on", DateWidget(), required=True, example="2026-10-08")
    ended_on = Column("结束日期", "ended_on", DateWidget(), example="")
    goals = Column("结对目标", "goals", required=True, example="熟悉党建和信访工作，半年内独立主持村级会议")

    service = staticmethod(services.save_mentorship)
    duplicate_columns = ("结对对象", "导师", "开始日期")
    label_columns = ("导师", "结对对象")
    match_fields = ("mentor", "mentee", "started_on")

    class Meta:
        model = Mentorship


urlpatterns = [
    *import_urls("postings", PostingResource, success_url=reverse_lazy("practice:posting_list")),
    *import_urls("mentorships", MentorshipResource, success_url=reverse_lazy("practice:mentorship_list")),
]
