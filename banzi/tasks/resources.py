"""Excel import of work lists (工作清单) with their tasks: one row per task, in the columns the
townships already use (乡镇, 班子成员, 年度, 分工, 任务, 目标, 措施, 责任人, 开始日期, 完成时限, 来源).

A row finds or creates the team member's work list for the year, then creates the task, or updates
the task of the same title on that list. Every row is saved through the same services as the pages
(a work list belongs to a team member; a deadline is not before the start; everything stays in the
importing user's townships), and nothing is saved unless every row is right.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core import clock
from banzi.core.errors import single_errors
from banzi.core.importing.columns import ChoiceWidget, Column, DateWidget, ScopedForeignKeyWidget
from banzi.core.importing.resources import ImportResource
from banzi.org.models import Cadre, Organization
from banzi.org.resources import OrganizationWidget

from . import services
from .models import Task, WorkList

TOWNSHIP, MEMBER, YEAR, DUTIES, RESPONSIBLE = "乡镇", "班子成员", "年度", "分工", "责任人"

SOURCE_LABELS = {
    Task.Source.YEAR_START: ["年初清单", "年初工作清单", "工作清单"],
    Task.Source.ASSIGNED: ["上级交办", "交办"],
    Task.Source.MEETING: ["会议决定", "会议议定"],
    Task.Source.RECTIFICATION: ["问题整改", "整改"],
}


def _example_township(resource):
    township = Organization.objects.visible_to(resource.user).filter(kind=Organization.Kind.TOWNSHIP).first()
    return township.name if township else "某某镇"


def _year(row):
    value = (row or {}).get(YEAR)
    if value in (None, ""):
        raise ValueError(_("Enter the year in the column %(column)s.") % {"column": YEAR})
    text = str(value).strip().removesuffix("年")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text.isdigit():
        raise ValueError(_("“%(value)s” is not a year; write it like 2026.") % {"value": value})
    return int(text)


class CadreInTownshipWidget(ScopedForeignKeyWidget):
    """A cadre by name among the cadres the user manages in the row's township."""

    def __init__(self):
        super().__init__(Cadre, "name", filters={"status": Cadre.Status.ACTIVE})
        self.townships = OrganizationWidget(kinds=[Organization.Kind.TOWNSHIP])

    def township(self, row):
        self.townships.user = self.user
        township = self.townships.clean((row or {}).get(TOWNSHIP), row)
        if township is None:
            raise ValueError(_("Enter the township in the column %(column)s.") % {"column": TOWNSHIP})
        return township

    def lookup_kwargs(self, value, row):
        return {"name": value, "organization__township": self.township(row)}

    def not_found_message(self, text):
        return _("No cadre named “%(value)s” works in that township among the cadres you manage.") % {"value": text}

    def ambiguous_message(self, text):
        return _("Two cadres in that township are named “%(value)s”; tell them apart in the registry first.") % {
            "value": text}

    def describe(self):
        return _("a cadre's name in the township")


class WorkListWidget(CadreInTownshipWidget):
    """The team member's work list for the row's year: found, or prepared to be created with the
    responsibilities of the 分工 column when the row is saved."""

    def clean(self, value, row=None, **kwargs):
        cadre = super().clean(value, row, **kwargs)
        if cadre is None:
            raise ValueError(_("Enter the team member whose work list this task is on."))
        year = _year(row)
        key = ("work_list", cadre.pk, year)
        if key not in self._cache:
            found = WorkList.objects.visible_to(self.user).filter(cadre=cadre, year=year).first()
            self._cache[key] = found or WorkList(cadre=cadre, organization=self.township(row), year=year)
        work_list = self._cache[key]
        duties = str((row or {}).get(DUTIES) or "").strip()
        if duties and duties != work_list.responsibilities:
            work_list.responsibilities = duties
            work_list.import_changed = True
        return work_list

    def find(self, value, row):
        """The existing work list of a row, without preparing a new one (None if there is none)."""
        try:
            work_list = self.clean(value, row)
        except (ValueError, ValidationError):
            return None
        return work_list if work_list.pk else None

    def render(self, value, obj=None, **kwargs):
        return value.cadre.name if value else ""

    def describe(self):
        return _("the team member's name; their work list for the year is found or created")


@transaction.atomic
def import_task(user, task, *, reason=""):
    """Save an imported row: the work list first (created, or its responsibilities changed), then
    the task in the work list's township, responsible by default the team member."""
    work_list = task.work_list
    if work_list.pk is None or getattr(work_list, "import_changed", False):
        try:
            work_list = services.save_work_list(user, work_list)
        except ValidationError as exc:
            errors = single_errors(exc)  # each keeps its code
            raise ValidationError({"work_list": ValidationError(errors)}) from exc
        work_list.import_changed = False
        task.work_list = work_list
    return services.save_task(user, task)


class WorkListTaskResource(ImportResource):
    """Work lists with their tasks, one row per task."""

    township = Column(TOWNSHIP, None, required=True, example=_example_township,
                      help_text=gettext_lazy("the township of the team member"))
    work_list = Column(MEMBER, "work_list", WorkListWidget(), required=True, example="张三")
    year = Column(YEAR, None, required=True, example=lambda resource: clock.today().year,
                  help_text=gettext_lazy("the year of the work list, e.g. 2026"))
    duties = Column(DUTIES, None, example="分管党建、组织工作",
                    help_text=gettext_lazy("the team member's responsibilities; fills in the work list"))
    title = Column("任务", "title", required=True, example="村级组织活动场所提档升级")
    target = Column("目标", "target", example="年底前全部达到标准化建设要求")
    measures = Column("措施", "measures", example="逐村排查，分三批改造")
    responsible = Column(RESPONSIBLE, "responsible", CadreInTownshipWidget(), example="",
                         help_text=gettext_lazy("leave empty for the team member"))
    start_on = Column("开始日期", "start_on", DateWidget(),
                      example=lambda resource: datetime.date(clock.today().year, 1, 1),
                      help_text=gettext_lazy("empty: 1 January of the year"))
    deadline = Column("完成时限", "deadline", DateWidget(), required=True,
                      example=lambda resource: datetime.date(clock.today().year, 12, 31))
    source = Column("来源", "source", ChoiceWidget(Task.Source, SOURCE_LABELS), example="年初清单",
                    help_text=gettext_lazy("empty: year-start work list"))

    service = staticmethod(import_task)
    duplicate_columns = ("任务", MEMBER, TOWNSHIP, YEAR)
    label_columns = (MEMBER, "任务")

    class Meta:
        model = Task

    def find_instance(self, instance_loader, row):
        title = str(row.get("任务") or "").strip()
        if not title or MEMBER not in row:
            return None
        work_list = self.fields["work_list"].widget.find(row.get(MEMBER), row)
        if work_list is None:
            return None
        return self.get_queryset().filter(work_list=work_list, title=title).first()

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            self.fill_defaults(instance)

    @staticmethod
    def fill_defaults(task):
        """What a row leaves empty: the owner, the responsible cadre, the start and the source."""
        work_list = task.work_list
        if work_list is None:
            return
        task.organization = work_list.organization
        if task.responsible_id is None:
            task.responsible = work_list.cadre
        if task.start_on is None and work_list.year:
            task.start_on = datetime.date(work_list.year, 1, 1)
        if not task.source:
            task.source = Task.Source.YEAR_START
