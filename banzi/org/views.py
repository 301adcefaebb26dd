"""Registry pages: declarations over core's generic views."""
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from banzi.core import clock, masking
from banzi.core.masking import no_store
from banzi.core.views import ObjectDetailView, ObjectEditView, ObjectListView, StepView

from . import filters, forms, services, structure_views, tables
from .models import Cadre, Organization, Position, Team, TeamMembership, VillageDesignation


def _current_members():
    today = clock.today()
    return Count(
        "memberships",
        filter=Q(memberships__started_on__lte=today)
        & (Q(memberships__ended_on__isnull=True) | Q(memberships__ended_on__gt=today)),
    )


class OrganizationListView(ObjectListView):
    queryset = Organization.objects.select_related("parent")
    filterset_class = filters.OrganizationFilterSet
    table_class = tables.OrganizationTable


class OrganizationDetailView(ObjectDetailView):
    queryset = Organization.objects.select_related("parent", "township")
    template_name = "org/organization_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["children"] = self.object.children.visible_to(user).order_by("sort_order", "name")[:200]
        ctx["designations"] = self.object.designations.visible_to(user).order_by("-year")[:50]
        ctx["cadre_count"] = self.object.cadres.visible_to(user).filter(status=Cadre.Status.ACTIVE).count()
        return ctx


class OrganizationEditView(ObjectEditView):
    model = Organization
    form_class = forms.OrganizationForm


class VillageDesignationListView(ObjectListView):
    queryset = VillageDesignation.objects.select_related("organization__township")
    filterset_class = filters.VillageDesignationFilterSet
    table_class = tables.VillageDesignationTable


class VillageDesignationDetailView(ObjectDetailView):
    queryset = VillageDesignation.objects.select_related("organization")


class VillageDesignationEditView(ObjectEditView):
    model = VillageDesignation
    form_class = forms.VillageDesignationForm


@no_store
class CadreListView(ObjectListView):
    """The cadres, with the appointment forms of the filtered list to download (banzi.cadres)."""

    template_name = "org/cadre_list.html"
    queryset = Cadre.objects.select_related("organization")
    filterset_class = filters.CadreFilterSet
    table_class = tables.CadreTable
    import_url_name = "org:cadre_import"


@no_store
class CadreDetailView(ObjectDetailView):
    queryset = Cadre.objects.select_related("organization")
    template_name = "org/cadre_detail.html"
    exclude = ("id_number",)

    def field_rows(self, obj):
        rows = super().field_rows(obj)
        phone_label = Cadre._meta.get_field("phone").verbose_name
        for row in rows:
            if row["label"] == phone_label:
                row["value"] = masking.shown_phone(self.request.user, obj)
        return rows

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["memberships"] = (
            self.object.memberships.visible_to(self.request.user)
            .select_related("team__township", "position").order_by("-started_on")
        )
        ctx["shown_id_number"] = masking.shown_id_number(self.request.user, self.object)
        from banzi.assessment.results import last_results  # the assessment app builds on the registry

        ctx["annual_results"] = last_results(self.request.user, self.object)
        from banzi.cadres.file import cadre_file  # the cadre's file builds on the registry

        ctx["cadre_file"] = cadre_file(self.request.user, self.object, ctx["annual_results"])
        from banzi.reserves.models import ReserveEntry  # the pool builds on the registry

        ctx["reserve_entries"] = list(ReserveEntry.objects.visible_to(self.request.user).filter(cadre=self.object))
        return ctx


@no_store
class CadreEditView(ObjectEditView):
    model = Cadre
    form_class = forms.CadreForm

    def get_object(self):
        # The form holds the full ID number and phone: only for those who keep the cadre's file.
        obj = super().get_object()
        if obj is not None and not masking.may_see_personal_data(self.request.user, obj):
            raise PermissionDenied
        return obj


class CadreArchiveStep(StepView):
    """POST: archive a cadre (ending open memberships), with an optional reason."""

    model, step, form_class = Cadre, "archive", forms.ArchiveStepForm
    service = staticmethod(services.archive_cadre)
    success_message = gettext_lazy("“%(obj)s” has been archived.")


class CadreRestoreStep(StepView):
    model, step, service = Cadre, "restore", staticmethod(services.restore_cadre)
    success_message = gettext_lazy("“%(obj)s” is active again.")


class PositionListView(ObjectListView):
    model = Position
    filterset_class = filters.PositionFilterSet
    table_class = tables.PositionTable


class PositionDetailView(ObjectDetailView):
    model = Position


class PositionEditView(ObjectEditView):
    model = Position
    form_class = forms.PositionForm


class TeamListView(ObjectListView):
    queryset = (
        Team.objects.select_related("township").annotate(member_count=_current_members())
        .order_by("township__sort_order", "township__name", "-elected_on")
    )
    filterset_class = filters.TeamFilterSet
    table_class = tables.TeamTable


class TeamDetailView(ObjectDetailView):
    queryset = Team.objects.select_related("township")
    template_name = "org/team_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        members = self.object.memberships.visible_to(self.request.user).select_related("cadre", "position")
        ctx["current_members"] = [m for m in members if m.is_current]
        ctx["former_members"] = [m for m in members if not m.is_current]
        ctx["add_member_url"] = (
            f"{reverse(TeamMembership.url_name('add'))}?team={self.object.pk}" if ctx["edit_url"] else None
        )
        ctx.update(structure_views.team_card(self.request.user, self.object))
        return ctx


class TeamEditView(ObjectEditView):
    model = Team
    form_class = forms.TeamForm


class TeamMembershipListView(ObjectListView):
    queryset = TeamMembership.objects.select_related("cadre", "position", "team__township")
    filterset_class = filters.TeamMembershipFilterSet
    table_class = tables.TeamMembershipTable
    import_url_name = "org:teammembership_import"


class TeamMembershipDetailView(ObjectDetailView):
    queryset = TeamMembership.objects.select_related("cadre", "position", "team__township")


class TeamMembershipEditView(ObjectEditView):
    model = TeamMembership
    form_class = forms.TeamMembershipForm
