"""Records in the audit trail what a request was refused or took away, whichever view answered it
(GB/T 22239-2019 8.1.4.3 a–b), unless the view recorded it itself:

- a 403 to a signed-in user (a page's PermissionDenied, a DRF refusal, a CSRF failure), with the
  reason when there is one;
- a 404 to a signed-in user on a record that exists but is outside their scope (what
  `ScopedQuerySet.visible_to` hides), on pages and in the API alike;
- a refused form on a page (a POST answered with the form and its errors): which fields and which
  rules, never the values;
- a spreadsheet or document handed out as an attachment (an export) that no view recorded.

Anonymous requests are not recorded here: a page sends them to sign in, the API answers 401.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.forms import BaseForm, BaseFormSet

from .audit import record_denial, record_event, record_failed_write
from .models import AuditEvent

EXPORT_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/msword",
    "text/csv",
)


def view_class(request):
    """The class of the view that answered, the arguments it was made with (`as_view(model=…)`) and
    the URL's keyword arguments; (None, {}, {}) for a function."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None, {}, {}
    func = match.func
    view = getattr(func, "cls", None) or getattr(func, "view_class", None)
    initkwargs = getattr(func, "initkwargs", None) or getattr(func, "view_initkwargs", None) or {}
    return view, initkwargs, match.kwargs


def view_model(view, initkwargs=None):
    """The model a view declares (`model`, or its `queryset`'s, on the class or given to as_view), or None."""
    initkwargs = initkwargs or {}
    model = initkwargs.get("model", getattr(view, "model", None))
    queryset = initkwargs.get("queryset", getattr(view, "queryset", None))
    if not isinstance(model, type) and isinstance(queryset, QuerySet):
        model = queryset.model
    return model if isinstance(model, type) and issubclass(model, Model) else None


def requested_object(request):
    """(model, record) named by the URL of a view over a model (its `pk`, or a DRF lookup field), the
    record looked up outside any scope; (model or None, None) when there is none."""
    view, initkwargs, kwargs = view_class(request)
    model = view_model(view, initkwargs) if view is not None else None
    if model is None:
        return None, None
    if hasattr(view, "lookup_field"):  # a REST framework view
        field, kwarg = view.lookup_field, view.lookup_url_kwarg or view.lookup_field
    else:
        field, kwarg = "pk", getattr(view, "pk_url_kwarg", "pk")
    value = kwargs.get(kwarg)
    if value is None:
        return model, None
    try:
        return model, model._base_manager.filter(**{field: value}).first()
    except (ValueError, TypeError, ValidationError):
        return model, None


def outside_scope(user, obj):
    """Whether the record exists but the user's scope hides it."""
    manager = type(obj)._default_manager
    if not hasattr(manager, "visible_to"):
        return False
    return not manager.visible_to(user).filter(pk=obj.pk).exists()


def _bound_forms(response):
    context = getattr(response, "context_data", None) or {}
    for value in context.values():
        if isinstance(value, BaseForm | BaseFormSet) and value.is_bound and getattr(value, "_errors", None):
            yield value


def _form_errors(form):
    if isinstance(form, BaseFormSet):
        errors = {}
        for index, sub in enumerate(form.forms):
            for field, items in (sub.errors.as_data() if sub._errors else {}).items():
                errors[f"{index}.{field}"] = items
        if form.non_form_errors():
            errors["__all__"] = form.non_form_errors().as_data()
        return errors
    return form.errors.as_data()


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.record(request, response, user)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            request._audit_reason = str(exception)
        return None

    def record(self, request, response, user):
        recorded = getattr(request, "_audit_recorded", set())
        status = response.status_code
        if status == 403 and AuditEvent.Action.DENIED not in recorded:
            model, obj = requested_object(request)
            record_denial(request, obj=obj, model=model, reason=getattr(request, "_audit_reason", ""))
        elif status == 404 and AuditEvent.Action.DENIED not in recorded:
            _model, obj = requested_object(request)
            if obj is not None and outside_scope(user, obj):
                record_denial(request, obj=obj, reason="not in the user's scope")
        elif status == 200 and request.method == "POST" and not recorded:
            self.record_refused_form(request, response, user)
        if status == 200 and AuditEvent.Action.EXPORT not in recorded and self.is_export(response):
            model, obj = requested_object(request)
            record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=user, obj=obj,
                         model=model, detail=f"{request.get_full_path()}"[:500], request=request)

    def record_refused_form(self, request, response, user):
        for form in _bound_forms(response):
            instance = getattr(form, "instance", None)
            model = getattr(getattr(form, "_meta", None), "model", None)
            if model is None:
                model, instance = requested_object(request)
            if model is None:
                continue  # a form about no record (signing in, a password): not a business write
            action = AuditEvent.Action.UPDATE if getattr(instance, "pk", None) else AuditEvent.Action.CREATE
            record_failed_write(user=user, action=action, model=model, obj=instance, errors=_form_errors(form),
                                detail=request.path, request=request)
            return

    @staticmethod
    def is_export(response):
        if not getattr(response, "audit_export", True):
            return False  # e.g. an import's empty template
        disposition = response.get("Content-Disposition", "")
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        return disposition.startswith("attachment") and content_type in EXPORT_TYPES
