"""Import of a group study's sign-in sheet (签到表): one row per cadre, with the columns the
townships already keep (姓名, 出勤, 缺席原因, 身份).

The sheet is imported into one session, chosen by the page it is uploaded on. Names are matched to
the cadres of the session's township; any name that matches no cadre, or two, is reported on its
row, and nothing is imported until every row is right (core.importing's preview and all-or-nothing
commit). A name already on the session's list updates that line.
"""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core.importing.columns import ChoiceWidget, Column, ScopedForeignKeyWidget
from banzi.core.importing.resources import ImportResource
from banzi.core.importing.views import ImportTemplateView, ImportView
from banzi.org.models import Cadre

from . import services
from .models import StudyAttendance, StudySession

NAME, ATTENDANCE, REASON, ROLE = "姓名", "出勤", "缺席原因", "身份"


class SessionCadreWidget(ScopedForeignKeyWidget):
    """A cadre by name among the active cadres of the session's township that the user manages."""

    def __init__(self):
        super().__init__(Cadre, "name", filters={"status": Cadre.Status.ACTIVE})
        self.township_id = None

    def get_queryset(self, value, row):
        queryset = super().get_queryset(value, row)
        return queryset.filter(organization__township_id=self.township_id) if self.township_id else queryset

    def not_found_message(self, text):
        return _("No cadre named “%(value)s” works in this session's township among the cadres you manage.") % {
            "value": text}

    def ambiguous_message(self, text):
        return _("Two cadres of this township are named “%(value)s”; add the other one by hand.") % {"value": text}

    def describe(self):
        return _("a cadre's name in the township")


class SignInSheetResource(ImportResource):
    """Attendance of one session from its sign-in sheet. Subclassed per session by `for_session`."""

    session_id = None
    service = staticmethod(services.save_attendance)
    duplicate_columns = (NAME,)
    label_columns = (NAME,)

    cadre = Column(NAME, "cadre", SessionCadreWidget(), required=True, example="张三")
    status = Column(ATTENDANCE, "status", ChoiceWidget(StudyAttendance.Status.choices, labels={
        StudyAttendance.Status.PRESENT: ["出席", "到", "参加", "已到"],
        StudyAttendance.Status.ABSENT: ["缺席", "未到", "请假"]}), example="出席",
        help_text=gettext_lazy("Empty means present."))
    absence_reason = Column(REASON, "absence_reason", example="")
    role = Column(ROLE, "role", ChoiceWidget(StudyAttendance.AttendanceRole.choices, labels={
        StudyAttendance.AttendanceRole.ATTENDEE: ["参学", "参加人员"],
        StudyAttendance.AttendanceRole.GUIDE: ["指导", "督导", "指导领导"]}), example="参学",
        help_text=gettext_lazy("Empty means attendee."))

    class Meta:
        model = StudyAttendance

    @classmethod
    def for_session(cls, session):
        township_id = session.organization.township_id
        return type("SessionSignInSheet", (cls,), {"session_id": session.pk, "township_id": township_id,
                                                    "__module__": cls.__module__})

    @classmethod
    def model_label(cls):
        # A previewed sheet is confirmed only into the session it was uploaded for.
        return f"study.studyattendance:{cls.session_id}"

    def __init__(self, user, file_name="", **kwargs):
        super().__init__(user, file_name, **kwargs)
        self.fields["cadre"].widget.township_id = getattr(self, "township_id", None)

    def get_queryset(self):
        return super().get_queryset().filter(session_id=self.session_id)

    def find_instance(self, instance_loader, row):
        try:
            cadre = self.fields["cadre"].clean(row)
        except ValueError:
            return None
        if cadre is None:
            return None
        return self.get_queryset().filter(cadre=cadre).first()

    def import_instance(self, instance, row, **kwargs):
        instance.session_id = self.session_id
        super().import_instance(instance, row, **kwargs)
        if not instance.status:
            instance.status = StudyAttendance.Status.PRESENT
        if not instance.role:
            instance.role = StudyAttendance.AttendanceRole.ATTENDEE


class SignInImportView(ImportView):
    """The sign-in sheet import of one session (its page's “Import sign-in sheet”)."""

    resource_class = SignInSheetResource

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.session = get_object_or_404(
                StudySession.objects.editable_by(request.user).select_related("organization"), pk=kwargs["pk"])
            self.resource_class = SignInSheetResource.for_session(self.session)
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return self.session.get_absolute_url()


class SignInTemplateView(ImportTemplateView):
    resource_class = SignInSheetResource
