"""The API of the 干部任免审批表 in and out (/api/v1/cadres/lrmx-units/, lrmx-cadres/, lrmx-teams/): import
.lrmx forms (files or zips) into a unit, with `dry_run` for the preview; download a cadre's, a team's or a filtered list's forms as .lrmx (a zip
for many) or as the printable .docx. The committees only; every record through `visible_to`, every
write through the same services as the pages (`lrmx_records`), every download an export event."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from banzi.core import services as core_services
from banzi.core.errors import Code
from banzi.core.roles import STAFF, has_role
from banzi.core.separation import WithinDuties
from banzi.org.filters import CadreFilterSet
from banzi.org.models import Cadre, Organization, Team

from . import approval_form, lrmx_records, lrmx_views


class CommitteesOnly(permissions.BasePermission):
    """The county and township committees: cadres and the auditor get 403."""

    message = gettext_lazy("Only the county and township committees exchange appointment forms.")

    def has_permission(self, request, view):
        return has_role(request.user, STAFF)


PERMISSIONS = [permissions.IsAuthenticated, WithinDuties, CommitteesOnly]


class ImportInputSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False,
                                  label=gettext_lazy("forms (.lrmx files, or .zip files of them)"))
    dry_run = serializers.BooleanField(required=False, default=False,
                                       label=gettext_lazy("only check the forms; import nothing"))


class FormErrorSerializer(serializers.Serializer):
    element = serializers.CharField(help_text=gettext_lazy("the element of the form (empty: the file as a whole)"))
    message = serializers.CharField()
    code = serializers.CharField()


class ImportItemSerializer(serializers.Serializer):
    file_name = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    cadre = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("the cadre the form updates; null: new"))
    notes = serializers.ListField(child=serializers.CharField())
    errors = FormErrorSerializer(many=True)


class ImportResultSerializer(serializers.Serializer):
    forms = ImportItemSerializer(many=True)
    imported = serializers.ListField(child=serializers.IntegerField(), help_text=gettext_lazy("the cadres written"))


def _item(item):
    return {"file_name": item.file_name, "name": item.person.name if item.person else "",
            "cadre": item.cadre.pk if item.cadre else None, "notes": [str(n) for n in item.notes],
            "errors": [{"element": e.element, "message": e.message, "code": e.code} for e in item.errors]}


class UnitImportViewSet(viewsets.GenericViewSet):
    """Forms imported into a unit: a form whose ID number matches a registered cadre updates that
    cadre; the others become new cadres of the unit."""

    queryset = Organization.objects.all()
    permission_classes = PERMISSIONS
    serializer_class = ImportResultSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return Organization.objects.visible_to(self.request.user)

    @extend_schema(request={"multipart/form-data": ImportInputSerializer},
                   responses={200: ImportResultSerializer, 201: ImportResultSerializer})
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_forms(self, request, pk=None):
        """Check every form (`dry_run`: answer with each form's match and errors by element, import
        nothing); otherwise import them all (201) or, if any is wrong, none (400, the errors by file)."""
        unit = self.get_object()
        data = ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        forms = lrmx_records.unpack([(f.name, f.read()) for f in data.validated_data["files"]])
        result = lrmx_records.preview(request.user, forms, unit)
        body = {"forms": [_item(item) for item in result.items], "imported": []}
        if data.validated_data["dry_run"]:
            return Response(body)
        if not result.ok:
            raise serializers.ValidationError({"files": [
                f"{item.file_name}: {e.element + '：' if e.element else ''}{e.message}"
                for item in result.items for e in item.errors]}, code=Code.INVALID)
        cadres = core_services.run(lrmx_records.import_forms, request.user, forms, unit)
        body["imported"] = [c.pk for c in cadres]
        return Response(body, status=201)


LRMX = OpenApiResponse(OpenApiTypes.BINARY, description=gettext_lazy("the form as a .lrmx file"))
ZIP = OpenApiResponse(OpenApiTypes.BINARY, description=gettext_lazy("the forms as .lrmx files in a zip"))
DOCX = OpenApiResponse(OpenApiTypes.BINARY, description=gettext_lazy("the printable 干部任免审批表"))


class CadreFormViewSet(viewsets.GenericViewSet):
    """A cadre's form, or the forms of the cadres a list's filters select (as on the cadre list)."""

    queryset = Cadre.objects.all()
    permission_classes = PERMISSIONS
    serializer_class = None
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return lrmx_records.with_file(Cadre.objects.visible_to(self.request.user))

    def _filtered(self, request):
        cadres = CadreFilterSet(request.query_params, queryset=Cadre.objects.visible_to(request.user),
                                request=request).qs
        if cadres.count() > lrmx_views.MAX_EXPORT:
            raise DjangoValidationError(_("At most %(max)d cadres are downloaded at once; narrow the list.")
                                        % {"max": lrmx_views.MAX_EXPORT}, code=Code.TOO_MANY_ROWS)
        return lrmx_records.with_file(cadres).order_by("name_pinyin", "pk")

    @extend_schema(responses={(200, lrmx_views.LRMX_CONTENT_TYPE): LRMX})
    @action(detail=True, methods=["get"], url_path="lrmx")
    def lrmx(self, request, pk=None):
        name, content = lrmx_records.export_one(request.user, self.get_object())
        return lrmx_views.download(content, name, lrmx_views.LRMX_CONTENT_TYPE)

    @extend_schema(responses={(200, approval_form.DOCX_CONTENT_TYPE): DOCX})
    @action(detail=True, methods=["get"], url_path="form")
    def form(self, request, pk=None):
        cadre = self.get_object()
        return lrmx_views.docx_of(request.user, [cadre], _("%(name)s 干部任免审批表.docx") % {"name": cadre.name},
                                  obj=cadre)

    @extend_schema(filters=False, responses={(200, lrmx_views.ZIP_CONTENT_TYPE): ZIP})
    @action(detail=False, methods=["get"], url_path="export-lrmx")
    def list_lrmx(self, request):
        """The forms of the cadres the filters of the cadre list select (at most 500)."""
        title = f"{_('Cadres')} {lrmx_views.stamp()}"
        content = lrmx_records.export_zip(request.user, self._filtered(request), title=title)
        return lrmx_views.download(content, f"{title}.zip", lrmx_views.ZIP_CONTENT_TYPE)

    @extend_schema(filters=False, responses={(200, approval_form.DOCX_CONTENT_TYPE): DOCX})
    @action(detail=False, methods=["get"], url_path="export-forms")
    def list_forms(self, request):
        """The printable forms of the cadres the filters of the cadre list select, one a page."""
        return lrmx_views.docx_of(request.user, self._filtered(request),
                                  f"{_('Cadres')} 干部任免审批表 {lrmx_views.stamp()}.docx")


class TeamFormViewSet(viewsets.GenericViewSet):
    """The forms of a team's current members."""

    queryset = Team.objects.all()
    permission_classes = PERMISSIONS
    serializer_class = None
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return Team.objects.visible_to(self.request.user).select_related("township")

    def _members(self, team):
        ids = team.memberships.visible_to(self.request.user).current().values("cadre")
        return lrmx_records.with_file(Cadre.objects.visible_to(self.request.user).filter(pk__in=ids)).order_by(
            "name_pinyin", "pk")

    @extend_schema(responses={(200, lrmx_views.ZIP_CONTENT_TYPE): ZIP})
    @action(detail=True, methods=["get"], url_path="lrmx")
    def lrmx(self, request, pk=None):
        team = self.get_object()
        title = f"{team} {lrmx_views.stamp()}"
        content = lrmx_records.export_zip(request.user, self._members(team), title=title, obj=team)
        return lrmx_views.download(content, f"{title}.zip", lrmx_views.ZIP_CONTENT_TYPE)

    @extend_schema(responses={(200, approval_form.DOCX_CONTENT_TYPE): DOCX})
    @action(detail=True, methods=["get"], url_path="form")
    def form(self, request, pk=None):
        team = self.get_object()
        return lrmx_views.docx_of(request.user, self._members(team), _("%(team)s 干部任免审批表.docx") % {"team": team},
                                  obj=team)
