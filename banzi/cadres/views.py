"""Cadre-file pages: declarations over core's generic views (list = Excel export with the import
button of `imports`, detail, edit and delete through the services, history), the scoped photo view,
and the file section of the cadre page (`cadre_file`). No page keeps personal data in a browser or proxy cache."""
import mimetypes
import os

from banzi.core.masking import no_store
from banzi.core.uploads import FileDownloadView
from banzi.core.views import ObjectDetailView, ObjectEditView, ObjectListView

from . import filters, forms, personal, services, tables
from .models import (
    CadreProfile,
    EarlierAssessmentResult,
    EducationRecord,
    FamilyMember,
    ResumeEntry,
    RewardPunishment,
)

CADRE_JOINS = ("cadre__organization",)


@no_store
class CadreProfileListView(ObjectListView):
    queryset = CadreProfile.objects.select_related(*CADRE_JOINS)
    filterset_class = filters.CadreProfileFilterSet
    table_class = tables.CadreProfileTable
    import_url_name = "cadres:cadreprofile_import"


@no_store
class CadreProfileDetailView(ObjectDetailView):
    queryset = CadreProfile.objects.select_related(*CADRE_JOINS)
    template_name = "cadres/cadreprofile_detail.html"
    exclude = ("photo",)


@no_store
class CadreProfileEditView(ObjectEditView):
    model = CadreProfile
    form_class = forms.CadreProfileForm
    service = staticmethod(services.save_profile)


@no_store
class CadrePhotoView(FileDownloadView):
    """The profile's photo, shown in the page (inline) to those who may see the profile; 404 otherwise."""

    model, field = CadreProfile, "photo"

    def get(self, request, pk):
        response = super().get(request, pk)
        name = os.path.basename(response.filename or "")
        response["Content-Type"] = mimetypes.guess_type(name)[0] or "application/octet-stream"
        response["Content-Disposition"] = "inline"
        return response


@no_store
class ResumeEntryListView(ObjectListView):
    queryset = ResumeEntry.objects.select_related(*CADRE_JOINS).order_by("cadre__name_pinyin", "cadre", "starts_on",
                                                                         "id")
    filterset_class = filters.ResumeEntryFilterSet
    table_class = tables.ResumeEntryTable
    import_url_name = "cadres:resumeentry_import"


@no_store
class ResumeEntryDetailView(ObjectDetailView):
    queryset = ResumeEntry.objects.select_related(*CADRE_JOINS)


@no_store
class ResumeEntryEditView(ObjectEditView):
    model = ResumeEntry
    form_class = forms.ResumeEntryForm
    service = staticmethod(services.save_resume_entry)


@no_store
class EducationRecordListView(ObjectListView):
    queryset = EducationRecord.objects.select_related(*CADRE_JOINS)
    filterset_class = filters.EducationRecordFilterSet
    table_class = tables.EducationRecordTable
    import_url_name = "cadres:educationrecord_import"


@no_store
class EducationRecordDetailView(ObjectDetailView):
    queryset = EducationRecord.objects.select_related(*CADRE_JOINS)


@no_store
class EducationRecordEditView(ObjectEditView):
    model = EducationRecord
    form_class = forms.EducationRecordForm
    service = staticmethod(services.save_education_record)


@no_store
class FamilyMemberListView(ObjectListView):
    queryset = FamilyMember.objects.select_related(*CADRE_JOINS)
    filterset_class = filters.FamilyMemberFilterSet
    table_class = tables.FamilyMemberTable
    import_url_name = "cadres:familymember_import"


@no_store
class FamilyMemberDetailView(ObjectDetailView):
    queryset = FamilyMember.objects.select_related(*CADRE_JOINS)

    def field_rows(self, obj):
        rows = super().field_rows(obj)
        name, birth_date = personal.shown_member(self.request.user, obj)
        shown = {FamilyMember._meta.get_field("name").verbose_name: name,
                 FamilyMember._meta.get_field("birth_date").verbose_name: birth_date}
        for row in rows:
            if row["label"] in shown:
                row["value"] = shown[row["label"]]
        return rows


@no_store
class FamilyMemberEditView(ObjectEditView):
    model = FamilyMember
    form_class = forms.FamilyMemberForm
    service = staticmethod(services.save_family_member)


class RewardPunishmentListView(ObjectListView):
    queryset = RewardPunishment.objects.select_related(*CADRE_JOINS)
    filterset_class = filters.RewardPunishmentFilterSet
    table_class = tables.RewardPunishmentTable
    import_url_name = "cadres:rewardpunishment_import"


class RewardPunishmentDetailView(ObjectDetailView):
    queryset = RewardPunishment.objects.select_related(*CADRE_JOINS)


class RewardPunishmentEditView(ObjectEditView):
    model = RewardPunishment
    form_class = forms.RewardPunishmentForm
    service = staticmethod(services.save_reward_punishment)


class EarlierAssessmentResultListView(ObjectListView):
    queryset = EarlierAssessmentResult.objects.select_related(*CADRE_JOINS)
    filterset_class = filters.EarlierAssessmentResultFilterSet
    table_class = tables.EarlierAssessmentResultTable
    import_url_name = "cadres:earlierassessmentresult_import"


class EarlierAssessmentResultDetailView(ObjectDetailView):
    queryset = EarlierAssessmentResult.objects.select_related(*CADRE_JOINS)


class EarlierAssessmentResultEditView(ObjectEditView):
    model = EarlierAssessmentResult
    form_class = forms.EarlierAssessmentResultForm
    service = staticmethod(services.save_earlier_result)
