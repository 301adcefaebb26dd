"""Excel import of enrollments (参训名单) and of per-session sign-in sheets (签到表), with the
generic preview and all-or-nothing commit of `core.importing`.

A row names the program (and for a sign-in sheet the session) by its title, and the cadre by name,
with their unit where two cadres share a name. Every name that matches no cadre the user manages
is reported in the preview, row by row, and nothing is imported until every row is right; each row
is saved through the same service as the pages (a township enrolls only its own cadres; only
enrolled cadres sign in)."""
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core.importing.columns import ChoiceWidget, Column, DateWidget, ScopedForeignKeyWidget, TextWidget
from banzi.core.importing.resources import ImportResource
from banzi.core.importing.views import import_urls
from banzi.org.models import Cadre

from . import services
from .models import Attendance, Enrollment, TrainingProgram, TrainingSession

PROGRAM, SESSION, DATE, NAME, UNIT, STATUS, NOTE = "培训班", "课程", "日期", "姓名", "单位", "出勤", "备注"

STATUS_LABELS = {
    Attendance.Status.PRESENT: ["出席", "到", "已到", "签到", "√"],
    Attendance.Status.ABSENT: ["缺席", "缺", "未到", "×"],
    Attendance.Status.EXCUSED: ["请假", "假"],
}


class ProgramWidget(ScopedForeignKeyWidget):
    """A program by name among those the user organizes (may change)."""

    def __init__(self):
        super().__init__(TrainingProgram, "name")

    def get_queryset(self, value, row):
        return TrainingProgram.objects.editable_by(self.user)

    def not_found_message(self, text):
        return _("There is no training program named “%(value)s” among those you organize.") % {"value": text}

    def describe(self):
        return _("the name of a training program you organize")


class SessionWidget(ScopedForeignKeyWidget):
    """A session by title within the row's program; the date column tells two same-titled sessions apart."""

    def __init__(self):
        super().__init__(TrainingSession, "title")
        self.programs = ProgramWidget()
        self.dates = DateWidget()

    def get_queryset(self, value, row):
        return TrainingSession.objects.editable_by(self.user)

    def lookup_kwargs(self, value, row):
        self.programs.user = self.user
        program = self.programs.clean((row or {}).get(PROGRAM), row)
        if program is None:
            raise ValueError(_("Enter the training program in the column %(column)s.") % {"column": PROGRAM})
        kwargs = {"program": program, "title": value}
        held_on = self.dates.clean((row or {}).get(DATE), row)
        if held_on:
            kwargs["held_on"] = held_on
        return kwargs

    def not_found_message(self, text):
        return _("The program has no session titled “%(value)s” on that date.") % {"value": text}

    def ambiguous_message(self, text):
        return _("The program has several sessions titled “%(value)s”; fill in the column %(column)s.") % {
            "value": text, "column": DATE}

    def describe(self):
        return _("the session's title as in the program")


class CadreWidget(ScopedForeignKeyWidget):
    """An active cadre by name among those the user manages; the unit column tells namesakes apart."""

    def __init__(self):
        super().__init__(Cadre, "name", filters={"status": Cadre.Status.ACTIVE})

    def lookup_kwargs(self, value, row):
        kwargs = {"name": value}
        unit = str((row or {}).get(UNIT) or "").strip()
        if unit:
            kwargs["organization__name"] = unit
        return kwargs

    def not_found_message(self, text):
        return _("No cadre named “%(value)s” (in that unit) is among the cadres you manage.") % {"value": text}

    def ambiguous_message(self, text):
        return _("Several cadres are named “%(value)s”; fill in the column %(column)s.") % {
            "value": text, "column": UNIT}

    def describe(self):
        return _("a cadre's name as in the registry")


def _example_program(resource):
    program = TrainingProgram.objects.editable_by(resource.user).order_by("-start_on").first()
    return program.name if program else "2026年新提拔乡镇干部专题培训班"


def _example_session(resource):
    program = TrainingProgram.objects.editable_by(resource.user).order_by("-start_on").first()
    session = program.sessions.first() if program else None
    return session.title if session else "习近平新时代中国特色社会主义思想"


class EnrollmentResource(ImportResource):
    """Enrollments: one row per cadre and program."""

    program = Column(PROGRAM, "program", ProgramWidget(), required=True, example=_example_program)
    cadre = Column(NAME, "cadre", CadreWidget(), required=True, example="张三")
    unit = Column(UNIT, None, TextWidget(), example="",
                  help_text=gettext_lazy("the cadre's unit, needed only where two cadres share a name"))
    note = Column(NOTE, "note", example="")

    service = staticmethod(services.save_enrollment)
    duplicate_columns = (NAME, UNIT, PROGRAM)
    label_columns = (NAME, PROGRAM)

    class Meta:
        model = Enrollment

    def find_instance(self, instance_loader, row):
        try:
            program = self.fields["program"].clean(row)
            cadre = self.fields["cadre"].clean(row)
        except (ValueError, TypeError):
            return None
        if program is None or cadre is None:
            return None
        return self.get_queryset().filter(program=program, cadre=cadre).first()


class AttendanceResource(ImportResource):
    """A sign-in sheet: one row per cadre and session; an empty attendance cell means present."""

    program = Column(PROGRAM, None, required=True, example=_example_program,
                     help_text=gettext_lazy("the name of a training program you organize"))
    session = Column(SESSION, "session", SessionWidget(), required=True, example=_example_session)
    held_on = Column(DATE, None, DateWidget(), example="",
                     help_text=gettext_lazy("the session's date, needed only where two sessions share a title"))
    cadre = Column(NAME, "cadre", CadreWidget(), required=True, example="张三")
    unit = Column(UNIT, None, TextWidget(), example="",
                  help_text=gettext_lazy("the cadre's unit, needed only where two cadres share a name"))
    status = Column(STATUS, "status", ChoiceWidget(Attendance.Status, STATUS_LABELS), example="出席",
                    help_text=gettext_lazy("empty: present"))
    note = Column(NOTE, "note", example="")

    service = staticmethod(services.save_attendance)
    duplicate_columns = (NAME, UNIT, SESSION, DATE, PROGRAM)
    label_columns = (NAME, SESSION)

    class Meta:
        model = Attendance

    def find_instance(self, instance_loader, row):
        try:
            session = self.fields["session"].clean(row)
            cadre = self.fields["cadre"].clean(row)
        except (ValueError, TypeError):
            return None
        if session is None or cadre is None:
            return None
        return self.get_queryset().filter(session=session, cadre=cadre).first()

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            if not instance.status:
                instance.status = Attendance.Status.PRESENT


urlpatterns = [
    *import_urls("enrollments", EnrollmentResource, success_url=reverse_lazy("training:enrollment_list")),
    *import_urls("attendances", AttendanceResource, success_url=reverse_lazy("training:attendance_list")),
]
