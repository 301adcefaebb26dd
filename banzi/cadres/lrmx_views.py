"""Pages of the 干部任免审批表 in and out: the import of .lrmx forms (upload, preview, confirm), and
the downloads of a cadre's, a team's or the filtered cadre list's forms as .lrmx (a .zip for many)
or as the printable .docx. Only the committees (county and township); every cadre through
`visible_to`, every download recorded as an export."""
import base64
import io
import zipfile

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from banzi.core import clock
from banzi.core import services as core_services
from banzi.core.audit import record_event
from banzi.core.errors import Code
from banzi.core.masking import no_store
from banzi.core.models import AuditEvent
from banzi.core.roles import STAFF, has_role
from banzi.org.filters import CadreFilterSet
from banzi.org.models import Cadre, Organization, Team

from . import approval_form, lrmx_records

LRMX_CONTENT_TYPE = "application/xml"
ZIP_CONTENT_TYPE = "application/zip"
SIGNING_SALT = "banzi.cadres.lrmx_import"
SIGNED_MAX_AGE = 60 * 60  # seconds a preview may wait for its confirmation
MAX_EXPORT = 500  # cadres in one list download


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".lrmx,.xml,.zip", "class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


def units_for(user):
    return Organization.objects.visible_to(user).filter(is_active=True).order_by("sort_order", "name")


class LrmxUploadForm(forms.Form):
    """The forms to import (.lrmx files, or .zip files of them) and the unit new cadres join."""

    files = MultipleFileField(label=gettext_lazy("Forms (.lrmx files, or a .zip of them)"))
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit of the new cadres"), queryset=Organization.objects.none(), required=False,
        help_text=gettext_lazy("Forms whose ID number matches a registered cadre update that cadre; the others "
                               "become new cadres of this unit."),
        widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user)

    def clean(self):
        cleaned = super().clean()
        uploads = cleaned.get("files") or []
        try:
            self.forms = lrmx_records.unpack([(upload.name, upload.read()) for upload in uploads])
        except ValidationError as exc:
            self.add_error("files", exc)
        return cleaned


def sign_forms(user, forms_, unit):
    """The uploaded forms, zipped and signed for this user, to carry from the preview to the import:
    nothing waits on the server in between."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (name, content) in enumerate(forms_):
            archive.writestr(f"{number:04d}/{name}", content)
    packed = base64.b64encode(buffer.getvalue()).decode("ascii")
    return signing.dumps({"forms": packed, "unit": unit.pk if unit else None}, salt=f"{SIGNING_SALT}:{user.pk}")


def unsign_forms(user, token):
    try:
        data = signing.loads(token or "", salt=f"{SIGNING_SALT}:{user.pk}", max_age=SIGNED_MAX_AGE)
        archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(data["forms"])))
        forms_ = [(info.filename.split("/", 1)[1], archive.read(info)) for info in archive.infolist()]
    except (signing.BadSignature, ValueError, TypeError, KeyError, zipfile.BadZipFile):
        raise ValidationError(_("This preview has expired or was changed; upload the files again."),
                              code=Code.IMPORT_EXPIRED) from None
    unit = units_for(user).filter(pk=data["unit"]).first() if data["unit"] else None
    return forms_, unit


class StaffMixin(LoginRequiredMixin):
    """The committees only (county and township administrators)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_role(request.user, STAFF):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


@no_store
class LrmxImportView(StaffMixin, TemplateView):
    """Upload forms, see each one checked (the cadre it updates or "new", its errors by element),
    then import them all or none."""

    template_name = "cadres/lrmx_import.html"

    def get(self, request, *args, **kwargs):
        return self.render(form=LrmxUploadForm(user=request.user))

    def render(self, **context):
        return self.render_to_response(self.get_context_data(**context))

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "import":
            return self.commit(request)
        form = LrmxUploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render(form=form)
        unit = form.cleaned_data.get("unit")
        result = lrmx_records.preview(request.user, form.forms, unit)
        return self.render(form=LrmxUploadForm(user=request.user, initial={"unit": unit}), result=result,
                           token=sign_forms(request.user, form.forms, unit) if result.ok else "")

    def commit(self, request):
        try:
            forms_, unit = unsign_forms(request.user, request.POST.get("token"))
            cadres = core_services.run(lrmx_records.import_forms, request.user, forms_, unit)
        except (ValidationError, PermissionDenied) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                messages.error(request, message)
            return self.render(form=LrmxUploadForm(user=request.user))
        messages.success(request, _("%(count)d forms are imported.") % {"count": len(cadres)})
        if len(cadres) == 1:
            return HttpResponseRedirect(cadres[0].get_absolute_url())
        return HttpResponseRedirect(reverse("org:cadre_list"))


def download(content, file_name, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def stamp():
    return f"{clock.local_now():%Y%m%d-%H%M}"


def docx_of(user, cadres, file_name, *, obj=None):
    content = approval_form.build(user, cadres)
    record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=user, obj=obj,
                 model=None if obj is not None else Cadre, detail=file_name[:500])
    return download(content, file_name, approval_form.DOCX_CONTENT_TYPE)


class CadreMixin(StaffMixin):
    def get_cadre(self, request, pk):
        return get_object_or_404(lrmx_records.with_file(Cadre.objects.visible_to(request.user)), pk=pk)


@no_store
class CadreLrmxView(CadreMixin, View):
    def get(self, request, pk):
        name, content = lrmx_records.export_one(request.user, self.get_cadre(request, pk))
        return download(content, name, LRMX_CONTENT_TYPE)


@no_store
class CadreFormView(CadreMixin, View):
    def get(self, request, pk):
        cadre = self.get_cadre(request, pk)
        return docx_of(request.user, [cadre], _("%(name)s 干部任免审批表.docx") % {"name": cadre.name}, obj=cadre)


class TeamMixin(StaffMixin):
    def get_team(self, request, pk):
        team = get_object_or_404(Team.objects.visible_to(request.user).select_related("township"), pk=pk)
        ids = team.memberships.visible_to(request.user).current().values("cadre")
        cadres = lrmx_records.with_file(Cadre.objects.visible_to(request.user).filter(pk__in=ids)).order_by(
            "name_pinyin", "pk")
        return team, cadres


@no_store
class TeamLrmxView(TeamMixin, View):
    def get(self, request, pk):
        team, cadres = self.get_team(request, pk)
        title = f"{team} {stamp()}"
        return download(lrmx_records.export_zip(request.user, cadres, title=title, obj=team), f"{title}.zip",
                        ZIP_CONTENT_TYPE)


@no_store
class TeamFormView(TeamMixin, View):
    def get(self, request, pk):
        team, cadres = self.get_team(request, pk)
        return docx_of(request.user, cadres, _("%(team)s 干部任免审批表.docx") % {"team": team}, obj=team)


class ListMixin(StaffMixin):
    """The cadre list as filtered on its page (the same query parameters, `org.filters.CadreFilterSet`)."""

    def get_cadres(self, request):
        queryset = Cadre.objects.visible_to(request.user).select_related("organization")
        cadres = CadreFilterSet(request.GET, queryset=queryset, request=request).qs
        if cadres.count() > MAX_EXPORT:
            raise ValidationError(_("At most %(max)d cadres are downloaded at once; narrow the list.")
                                  % {"max": MAX_EXPORT}, code=Code.TOO_MANY_ROWS)
        return lrmx_records.with_file(cadres).order_by("name_pinyin", "pk")

    def get(self, request):
        try:
            cadres = self.get_cadres(request)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return HttpResponseRedirect(f"{reverse('org:cadre_list')}?{request.GET.urlencode()}")
        return self.respond(request, cadres)


@no_store
class ListLrmxView(ListMixin, View):
    def respond(self, request, cadres):
        title = f"{_('Cadres')} {stamp()}"
        return download(lrmx_records.export_zip(request.user, cadres, title=title), f"{title}.zip", ZIP_CONTENT_TYPE)


@no_store
class ListFormView(ListMixin, View):
    def respond(self, request, cadres):
        return docx_of(request.user, cadres, f"{_('Cadres')} 干部任免审批表 {stamp()}.docx")
