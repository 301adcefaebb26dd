"""The cadre-file API under /api/v1/cadres/: profiles (with the photo through the scoped photo view),
résumé entries, education, family members, rewards and punishments, earlier annual results; each
list filterable by `?cadre=<id>`. Reads go through `visible_to`; every write goes through the same
service as the pages. Family members' names and birth dates are masked for those who do not keep the
cadre's file, and no response is kept by a browser or proxy."""
from banzi.core.api import BaseSerializer, ScopedFileField, ScopedModelViewSet, name_of
from banzi.core.masking import no_store

from . import filters, personal, services
from .models import (
    CadreProfile,
    EarlierAssessmentResult,
    EducationRecord,
    FamilyMember,
    ResumeEntry,
    RewardPunishment,
)

TIMESTAMPS = ["created_at", "updated_at"]
CADRE = ["cadre", "cadre_name"]


class CadreProfileSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")
    photo = ScopedFileField("cadres:cadreprofile_photo", required=False, allow_null=True)

    class Meta:
        model = CadreProfile
        fields = ["id", *CADRE, "birthplace", "health", "professional_title", "speciality", "photo", "proposed_post",
                  "proposed_removal", "appointment_reason", "reporting_unit", "age_reference_date", "form_filled_on",
                  "form_filled_by", "rewards_text", "assessment_text", *TIMESTAMPS]


@no_store
class CadreProfileViewSet(ScopedModelViewSet):
    """A cadre's profile (one per cadre): birthplace, health, professional title, speciality, photo
    (JPEG or PNG, at most 2 MB; multipart upload) and the appointment form's own entries."""

    queryset = CadreProfile.objects.select_related("cadre")
    serializer_class = CadreProfileSerializer
    filterset_class = filters.CadreProfileFilterSet
    save_service = staticmethod(services.save_profile)


class ResumeEntrySerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = ResumeEntry
        fields = ["id", *CADRE, "starts_on", "ends_on", "text", "concurrent", *TIMESTAMPS]


@no_store
class ResumeEntryViewSet(ScopedModelViewSet):
    """Résumé entries, in order; months as their first day; no overlaps except concurrent posts."""

    queryset = ResumeEntry.objects.select_related("cadre").order_by("cadre", "starts_on", "id")
    serializer_class = ResumeEntrySerializer
    filterset_class = filters.ResumeEntryFilterSet
    ordering_fields = ["starts_on"]
    save_service = staticmethod(services.save_resume_entry)


class EducationRecordSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = EducationRecord
        fields = ["id", *CADRE, "kind", "level", "degree", "school", "major", "graduated_on", *TIMESTAMPS]


@no_store
class EducationRecordViewSet(ScopedModelViewSet):
    """Full-time and in-service education (学历, 学位, school and major)."""

    queryset = EducationRecord.objects.select_related("cadre")
    serializer_class = EducationRecordSerializer
    filterset_class = filters.EducationRecordFilterSet
    save_service = staticmethod(services.save_education_record)


class FamilyMemberSerializer(BaseSerializer):
    """`name` and `birth_date` are masked (张**, 1965) unless the user keeps the cadre's file."""

    cadre_name = name_of("cadre.name")

    class Meta:
        model = FamilyMember
        fields = ["id", *CADRE, "relation", "name", "birth_date", "political_status", "unit_and_post", "sort_order",
                  *TIMESTAMPS]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = getattr(self.context.get("request"), "user", None)
        if not personal.may_see(user, instance.cadre):
            data["name"] = personal.mask_name(data.get("name"))
            data["birth_date"] = (data.get("birth_date") or "")[:4] or None
        return data


@no_store
class FamilyMemberViewSet(ScopedModelViewSet):
    """Family members and important social relations (personal data: each list request is audited)."""

    queryset = FamilyMember.objects.select_related("cadre__organization")
    serializer_class = FamilyMemberSerializer
    filterset_class = filters.FamilyMemberFilterSet
    save_service = staticmethod(services.save_family_member)


class RewardPunishmentSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = RewardPunishment
        fields = ["id", *CADRE, "kind", "title", "decided_on", "decided_by", "document_number", *TIMESTAMPS]


class RewardPunishmentViewSet(ScopedModelViewSet):
    """Rewards and punishments with the deciding body and document."""

    queryset = RewardPunishment.objects.select_related("cadre")
    serializer_class = RewardPunishmentSerializer
    filterset_class = filters.RewardPunishmentFilterSet
    save_service = staticmethod(services.save_reward_punishment)


class EarlierAssessmentResultSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = EarlierAssessmentResult
        fields = ["id", *CADRE, "year", "result", *TIMESTAMPS]


class EarlierAssessmentResultViewSet(ScopedModelViewSet):
    """Annual results of years the assessment module holds no published result of the cadre for."""

    queryset = EarlierAssessmentResult.objects.select_related("cadre")
    serializer_class = EarlierAssessmentResultSerializer
    filterset_class = filters.EarlierAssessmentResultFilterSet
    save_service = staticmethod(services.save_earlier_result)
