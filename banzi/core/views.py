"""Generic views: every model's list, detail, edit, delete and history pages are a few lines over
these. Each view starts from `Model.objects.visible_to(user)`, so scope is decided in one place; an
object outside the scope is a 404. Writes go through a service (core.services by default)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from banzi.core import clock

from . import services
from .audit import field_changes, record_event, shown_changes
from .models import AuditEvent
from .scoping import can_write_model


def url_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class ScopedMixin(LoginRequiredMixin):
    """Restricts the queryset to what the user may see; `queryset` adds select_related and the like."""

    model = None
    queryset = None

    def get_queryset(self):
        qs = self.queryset.all() if self.queryset is not None else self.model._default_manager.all()
        return qs.visible_to(self.request.user)

    def get_model(self):
        return self.model or self.queryset.model

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        model = self.get_model()
        ctx["model_meta"] = model._meta
        ctx["can_add"] = (
            hasattr(model, "url_name") and can_write_model(self.request.user, model) and url_or_none(model.url_name("add"))
        )
        return ctx


class ObjectListView(ScopedMixin, ExportMixin, SingleTableMixin, FilterView):
    """A searchable, filterable, sortable, paginated list that exports its current rows to Excel."""

    template_name = "core/object_list.html"
    paginate_by = 25
    export_formats = ("xlsx",)
    export_trigger_param = "_export"
    import_url_name = None
    strict = False

    def get_table_pagination(self, table):
        return {"per_page": self.paginate_by}

    def get_export_filename(self, export_format):
        stamp = clock.local_now().strftime("%Y%m%d-%H%M")
        return f"{self.get_model()._meta.verbose_name_plural}-{stamp}.{export_format}"

    def create_export(self, export_format):
        response = super().create_export(export_format)
        record_event(
            kind=AuditEvent.Kind.TRANSFER,
            action=AuditEvent.Action.EXPORT,
            user=self.request.user,
            detail=f"{self.get_model()._meta.verbose_name_plural} ?{self.request.GET.urlencode()}",
            request=self.request,
        )
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query[self.export_trigger_param] = "xlsx"
        ctx["export_url"] = f"?{query.urlencode()}"
        ctx["import_url"] = (
            url_or_none(self.import_url_name)
            if self.import_url_name and can_write_model(self.request.user, self.get_model())
            else None
        )
        ctx["filter_active"] = any(
            v for k, v in self.request.GET.items() if k not in ("page", "sort", self.export_trigger_param)
        )
        return ctx


class ObjectDetailView(ScopedMixin, DetailView):
    """A record's fields, with links to edit, delete and its history."""

    template_name = "core/object_detail.html"
    fields = None  # names to show; default: every concrete, editable field
    exclude = ()

    def get_field_names(self):
        if self.fields is not None:
            return self.fields
        return [
            f.name for f in self.get_model()._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in self.exclude
        ]

    def field_rows(self, obj):
        rows = []
        for name in self.get_field_names():
            field = obj._meta.get_field(name)
            value = getattr(obj, name)
            if field.choices:
                value = getattr(obj, f"get_{name}_display")()
            link = value.get_absolute_url() if isinstance(field, models.ForeignKey) and value is not None and hasattr(value, "get_absolute_url") else None
            rows.append({"label": field.verbose_name, "value": value, "link": link, "is_bool": isinstance(field, models.BooleanField)})
        return rows

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        editable = type(obj)._default_manager.editable_by(self.request.user).filter(pk=obj.pk).exists()
        ctx["field_rows"] = self.field_rows(obj)
        ctx["edit_url"] = obj.get_url("edit") if editable else None
        ctx["delete_url"] = obj.get_url("delete") if editable else None
        ctx["history_url"] = obj.get_url("history")
        ctx["list_url"] = url_or_none(type(obj).url_name("list"))
        return ctx


class ObjectEditView(ScopedMixin, FormView):
    """Create (no pk in the URL) or edit a record; the service validates and saves it."""

    template_name = "core/object_edit.html"
    form_class = None
    service = staticmethod(services.save_object)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if not can_write_model(request.user, self.get_model()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not type(obj)._default_manager.editable_by(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        if getattr(self.form_class, "takes_user", False):
            kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        for key, value in self.request.GET.items():
            if key in (self.form_class.base_fields if self.form_class else {}):
                initial[key] = value
        return initial

    def form_valid(self, form):
        instance = form.save(commit=False)
        try:
            saved = self.service(self.request.user, instance)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        if hasattr(form, "save_m2m"):
            form.save_m2m()
        self.saved = saved or instance
        messages.success(self.request, _("Saved “%(obj)s”.") % {"obj": self.saved})
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.saved.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.object
        ctx["cancel_url"] = self.object.get_absolute_url() if self.object else url_or_none(self.get_model().url_name("list"))
        return ctx


class ObjectDeleteView(ScopedMixin, TemplateView):
    """Asks for confirmation, then deletes through the service; refuses while the record is in use."""

    template_name = "core/object_delete.html"
    service = staticmethod(services.delete_object)

    def get_object(self):
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not type(obj)._default_manager.editable_by(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.get_object()
        return ctx

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        label = str(obj)
        try:
            self.service(request.user, obj)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(obj.get_absolute_url())
        messages.success(request, _("Deleted “%(obj)s”.") % {"obj": label})
        return HttpResponseRedirect(url_or_none(type(obj).url_name("list")) or "/")


class ObjectHistoryView(ScopedMixin, DetailView):
    """Every version of a record: who changed what, when, from what to what."""

    template_name = "core/object_history.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        records = list(self.object.history.select_related("history_user").order_by("-history_date", "-history_id")[: self.paginate_by + 1])
        entries = []
        for i, record in enumerate(records[: self.paginate_by]):
            older = records[i + 1] if i + 1 < len(records) else None
            changes = field_changes(record, older) if record.history_type == "~" and older else []
            entries.append({"record": record, "changes": shown_changes(changes)})
        ctx["entries"] = entries
        ctx["truncated"] = len(records) > self.paginate_by
        return ctx

