"""Generic views: every model's list, detail, edit, delete and history pages, and the small POST
views of workflow steps, are a few lines over these. Each view starts from
`Model.objects.visible_to(user)`, so scope is decided in one place; an object outside the scope is a
404. Each write is one service (core.services by default), run in its own durable transaction
(`services.run`). A model's lifecycle (`core.workflow`) decides which steps a detail page offers and
whether the record may still be edited or deleted, and by whom."""
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from banzi.core import clock

from . import navigation, services, workflow
from .audit import (
    field_changes,
    record_denial,
    record_event,
    record_failed_write,
    shown_changes,
    validation_errors,
)
from .exporting import TableWorkbook, filters_text
from .models import AuditEvent
from .net import client_ip
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

    def get_paginate_by(self, queryset):
        # The table paginates (get_table_pagination); ListView paginating the same rows again would
        # cost every list a second COUNT.
        return None

    export_class = TableWorkbook

    def export_title(self):
        match = self.request.resolver_match
        return (navigation.label_for(match.view_name) if match else None) or self.get_model()._meta.verbose_name_plural

    def get_export_filename(self, export_format):
        stamp = clock.local_now().strftime("%Y%m%d-%H%M")
        return f"{self.export_title()}-{stamp}.{export_format}"

    def create_export(self, export_format):
        # A long list is exported by a background job (banzi/jobs), which asks this same view again as
        # the same user and with the same filters, and keeps the file for a download link.
        if getattr(self.request, "banzi_export_job", None) is None:
            rows = self.object_list.count()
            if rows > settings.BANZI_EXPORT_JOB_ROWS:
                # A link (GET) only asks; the job starts on the confirming POST to jobs:export, so that
                # a prefetched or forged link starts no work, and the list itself takes no POST.
                if not getattr(self.request, "banzi_export_confirmed", False):
                    return self.confirm_export_job(export_format, rows)
                return self.start_export_job(export_format, rows)
        exporter = TableWorkbook(export_format, self.get_table(**self.get_table_kwargs()),
                                 exclude_columns=self.exclude_columns, title=self.export_title(),
                                 filters=filters_text(getattr(self, "filterset", None)))
        response = exporter.response(filename=self.get_export_filename(export_format))
        record_event(
            kind=AuditEvent.Kind.TRANSFER,
            action=AuditEvent.Action.EXPORT,
            user=self.request.user,
            detail=f"{self.get_model()._meta.verbose_name_plural} ?{self.request.GET.urlencode()}",
            request=self.request,
        )
        return response

    def confirm_export_job(self, export_format, rows):
        query = self.request.GET.copy()
        query.pop(self.export_trigger_param, None)
        return render(self.request, "core/prepare_file.html", {
            "action": reverse("jobs:export"),
            "fields": {"path": self.request.path, "query": self.request.GET.urlencode()},
            "title": _("Export to Excel"),
            "message": _("The list holds %(rows)s rows: the file is prepared in the background and kept for "
                         "you to download for %(hours)s hours.") % {"rows": rows, "hours": settings.BANZI_JOB_FILE_HOURS},
            "back_url": f"{self.request.path}?{query.urlencode()}" if query else self.request.path,
        })

    def start_export_job(self, export_format, rows):
        from banzi.jobs import runner
        from banzi.jobs.models import Job

        file_name = self.get_export_filename(export_format)
        job = runner.start(self.request.user, Job.Kind.EXPORT, _("Export %(file)s") % {"file": file_name}, params={
            "path": self.request.path, "query": self.request.GET.urlencode(), "file_name": file_name, "rows": rows,
            "client_ip": client_ip(self.request),
        })
        return HttpResponseRedirect(job.get_absolute_url())

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
        # A list the menu names is titled as the menu names it (请销假, not the model's 请假).
        match = self.request.resolver_match
        ctx["page_title"] = navigation.label_for(match.view_name) if match else None
        return ctx


@dataclass(frozen=True)
class StepButton:
    """A workflow step as a detail page offers it: a button that posts `form` (or nothing) to `url`,
    or, for a step that opens a page, a link."""

    name: str
    label: str
    style: str
    url: str
    form: object = None
    link: bool = False

    @property
    def multipart(self):
        return self.form is not None and self.form.is_multipart()


class ObjectDetailView(ScopedMixin, DetailView):
    """A record's fields, with links to edit, delete and its history, and the workflow steps the user
    may take now (`steps`: by name, in the lifecycle's order)."""

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
        user = self.request.user
        editable = workflow.is_editable(user, obj)
        ctx["field_rows"] = self.field_rows(obj)
        ctx["edit_url"] = obj.get_url("edit") if editable and workflow.allows(user, obj, "edit") else None
        ctx["delete_url"] = obj.get_url("delete") if editable and workflow.allows(user, obj, "delete") else None
        ctx["history_url"] = obj.get_url("history")
        ctx["list_url"] = url_or_none(type(obj).url_name("list"))
        ctx["steps"] = {step.name: step for step in self.workflow_steps(obj)}
        return ctx

    def workflow_steps(self, obj):
        """The steps of the record's lifecycle this user may take now, each with its step view's
        empty form (found through the step's URL, `<app>:<model>_<step>`)."""
        lifecycle = workflow.for_model(type(obj))
        if lifecycle is None:
            return []
        user, buttons = self.request.user, []
        for step in lifecycle.available(user, obj):
            if step.name in ("edit", "delete"):
                continue
            if step.link:
                url, form = self.step_link(step, obj), None
            else:
                url = obj.get_url(step.name)
                form = resolve(url).func.view_class().get_form(user, obj) if url else None
            if url:
                buttons.append(StepButton(step.name, step.label, step.style, url, form, step.link))
        return buttons

    def step_link(self, step, obj):
        """The page a link step opens (e.g. a new request that amends this one)."""
        return None


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
        # Whoever the lifecycle does not name may not open the form; a state that no longer allows an
        # edit is the service's to explain, on the form.
        if not workflow.is_editable(self.request.user, obj) or not workflow.permits(self.request.user, obj, "edit"):
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

    def service_kwargs(self, form):
        """What the service takes besides the record: by default the form's many-to-many values
        (a visit's participants, an inspection's team), which it sets in the same transaction."""
        names = {f.name for f in self.get_model()._meta.many_to_many}
        return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}

    def form_valid(self, form):
        instance = form.save(commit=False)
        try:
            saved = services.run(self.service, self.request.user, instance, **self.service_kwargs(form))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        self.saved = saved or instance
        messages.success(self.request, self.success_text(self.saved))
        return HttpResponseRedirect(self.get_success_url())

    def success_text(self, saved):
        """What the message after a save says happened (a page whose save does more says so)."""
        return _("Saved “%(obj)s”.") % {"obj": saved}

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
        if not workflow.is_editable(self.request.user, obj) or not workflow.permits(self.request.user, obj, "delete"):
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
            services.run(self.service, request.user, obj)
        except ValidationError as exc:
            record_failed_write(user=request.user, action=AuditEvent.Action.DELETE, obj=obj,
                                errors=validation_errors(exc), request=request)
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



class StepView(ScopedMixin, View):
    """POST one workflow step on a record the user can see (404 otherwise): validate the step's
    small form, run its service (`service(user, record, **form data)`, or `perform`) in one durable
    transaction, and go back to the record with a message.

    A rule the step breaks, or a state that does not allow it, comes back as the service's message;
    so does a lifecycle that does not name this user (e.g. not the approver), when their role may
    change such records at all. A role that may change none of them gets 403.

    `step` names the step in the model's lifecycle; the detail page builds the step's empty form
    through `get_form`, so the form, its prefix and its arguments are declared here once."""

    model = None
    step = None
    form_class = None
    prefix = None
    service = None
    anchor = ""
    success_message = ""  # may name the record as %(obj)s

    def form_kwargs(self, user, obj):
        """Arguments of the step's form besides its data (e.g. the record, the user)."""
        return {"prefix": self.prefix}

    def initial(self, obj):
        return None

    def get_form(self, user, obj, data=None, files=None):
        """The step's form: bound to the posted data, or empty (with its initial values) for the page."""
        if self.form_class is None:
            return None
        kwargs = self.form_kwargs(user, obj)
        if data is None:
            return self.form_class(initial=self.initial(obj), **kwargs)
        return self.form_class(data, files, **kwargs)

    def post(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        lifecycle = workflow.for_model(self.get_model())
        if lifecycle is not None and self.step in lifecycle and not lifecycle.permits(request.user, obj, self.step):
            return self.deny(request, obj, lifecycle.denial(obj, self.step))
        form = self.get_form(request.user, obj, request.POST, request.FILES)
        if form is not None and not form.is_valid():
            record_failed_write(user=request.user, action=AuditEvent.Action.UPDATE, obj=obj,
                                errors=form.errors.as_data(), detail=self.step or "", request=request)
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            return self.back(obj)
        try:
            services.run(self.perform, request.user, obj, form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            record_failed_write(user=request.user, action=AuditEvent.Action.UPDATE, obj=obj,
                                errors=validation_errors(exc), detail=self.step or "", request=request)
            for message in exc.messages:
                messages.error(request, message)
            return self.back(obj)
        except PermissionDenied as exc:
            return self.deny(request, obj, str(exc) or _("You may not take this step."))
        message = str(self.success_message)
        messages.success(request, message % {"obj": obj} if "%(obj)s" in message else message)
        return self.back(obj)

    def deny(self, request, obj, message):
        """A user whose role may change such records is told why not on the record's page; a role that
        may change none of them (the auditor; a cadre on the committee's steps) gets 403."""
        if not can_write_model(request.user, self.get_model()):
            raise PermissionDenied(message)
        record_denial(request, obj=obj, reason=message)  # a 403 is recorded by the audit middleware
        messages.error(request, message)
        return self.back(obj)

    def back(self, obj):
        return HttpResponseRedirect(obj.get_absolute_url() + (f"#{self.anchor}" if self.anchor else ""))

    def perform(self, user, obj, data):
        return self.service(user, obj, **data)
