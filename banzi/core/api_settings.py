"""Pagination and error format of the API, referenced from settings.REST_FRAMEWORK.

Kept apart from core.api so that DRF can import them while it is still loading its own views.
"""
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Code


class Pagination(PageNumberPagination):
    """`?page=` and `?page_size=` (at most 500); 50 rows a page by default."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def validation_error_detail(exc):
    """A Django ValidationError as DRF's error detail: {field: [ErrorDetail(message, code)]}, errors of
    the record as a whole under non_field_errors, so that an API client sees the same field names,
    messages and codes as the form (an error raised without a code gets DRF's `invalid`)."""
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.error_list)]
    detail = {}
    for field, errors in items:
        key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
        detail.setdefault(key, []).extend(
            ErrorDetail(message, error.code or exceptions.ValidationError.default_code)
            for error in errors for message in error
        )
    return detail


def _with_codes(data):
    """Every ErrorDetail in a DRF error body as {"message", "code"}, nested lists and objects kept."""
    if isinstance(data, dict):
        return {key: _with_codes(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_with_codes(value) for value in data]
    if isinstance(data, ErrorDetail):
        return {"message": str(data), "code": data.code}
    return data


def error_body(data):
    """The API's one error shape: an object whose keys are field names, `non_field_errors` (the
    record as a whole) or `detail` (the request as a whole), each holding a list of
    {"message": ..., "code": ...}."""
    if isinstance(data, list):
        data = {api_settings.NON_FIELD_ERRORS_KEY: data}
    return {key: _with_codes(value if isinstance(value, list | dict) else [value]) for key, value in data.items()}


def exception_handler(exc, context):
    """Turn Django's validation and permission errors raised by services into 400 and 403, and give
    every error response the same shape, each message with its code (see `error_body`). A refused
    business write is recorded in the audit trail (which fields and rules, never the values); a
    refusal's reason is kept for the audit middleware, which records every 403."""
    if isinstance(exc, DjangoValidationError):
        detail = validation_error_detail(exc)  # each message keeps the code the rule raised it with
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is not None:
        _audit(exc, context, response)
        response.data = error_body(response.data)
    return response


# What a viewset's action is as a write, in the audit trail; a workflow step is an update.
_WRITE_ACTIONS = {"create": "create", "update": "update", "partial_update": "update", "destroy": "delete"}


def _flat_codes(codes, prefix=""):
    """DRF's error codes ({field: [code]}, nested by sub-field or index) as {"field.sub": [code]}."""
    if isinstance(codes, dict):
        flat = {}
        for key, value in codes.items():
            name = key if key != api_settings.NON_FIELD_ERRORS_KEY else "__all__"
            flat.update(_flat_codes(value, f"{prefix}{name}." if prefix or name != "__all__" else ""))
        return flat
    if isinstance(codes, list) and any(isinstance(c, dict | list) for c in codes):
        flat = {}
        for index, value in enumerate(codes):
            flat.update(_flat_codes(value, f"{prefix}{index}."))
        return flat
    return {prefix.rstrip(".") or "__all__": codes if isinstance(codes, list) else [codes]}


def _audit(exc, context, response):
    request, view = context.get("request"), context.get("view")
    django_request = getattr(request, "_request", request)
    if response.status_code == 403 and django_request is not None:
        django_request._audit_reason = str(getattr(exc, "detail", "") or "")
        return
    if not isinstance(exc, exceptions.ValidationError) or request is None or view is None:
        return
    if request.method in ("GET", "HEAD", "OPTIONS") or not hasattr(view, "get_queryset_model"):
        return
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    from .audit import record_failed_write

    action = getattr(view, "action", None) or ""
    obj = None
    lookup = view.lookup_url_kwarg or view.lookup_field
    if lookup in (getattr(view, "kwargs", None) or {}):
        try:
            obj = view.get_queryset().filter(**{view.lookup_field: view.kwargs[lookup]}).first()
        except (ValueError, TypeError, DjangoValidationError):
            obj = None
    step = "" if action in _WRITE_ACTIONS else action
    record_failed_write(user=user, action=_WRITE_ACTIONS.get(action, "update"), model=view.get_queryset_model(),
                        obj=obj, errors=_flat_codes(exc.get_codes()),
                        detail=f"{request.method} {django_request.path}" + (f" ({step})" if step else ""),
                        request=django_request)


def _error_item_schema():
    catalogue = "\n".join(f"- `{code}`: {code.meaning}" for code in Code)
    return {
        "type": "object",
        "properties": {
            "message": {"type": "string", "description": gettext("What went wrong, in the request's language.")},
            "code": {"type": "string", "description": gettext(
                "Stable code to match on: a rule's code below, Django's or DRF's own for a value of the wrong "
                "form (`required`, `invalid`, `does_not_exist`, ...), or the request's (`not_authenticated`, "
                "`permission_denied`, `not_found`, ...).") + "\n\n" + catalogue},
        },
        "required": ["message", "code"],
    }


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: the error shape as the `Error` component (with the rules'
    codes) and the error answers of every operation: 400 for writes, 401 and 403 where signing in is
    needed, 404 for a path naming a record."""
    item = {"$ref": "#/components/schemas/ErrorItem"}
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorItem"] = _error_item_schema()
    schemas["Error"] = {
        "type": "object",
        "description": gettext("Errors by what they are about: a field's name, `non_field_errors` (the record as a "
                               "whole) or `detail` (the request as a whole). Errors of a nested value nest the "
                               "same way, by index or sub-field."),
        "additionalProperties": {"oneOf": [{"type": "array", "items": item}, {"type": "object"}]},
    }
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    answers = {
        "400": gettext("Refused: a rule is broken or a value is invalid."),
        "401": gettext("Not signed in, or the token is invalid."),
        "403": gettext("Not allowed."),
        "404": gettext("No such record, or outside the user's organizations."),
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            statuses = []
            if method not in ("get", "head"):
                statuses.append("400")
            if operation.get("security"):
                statuses += ["401", "403"]
            if "{" in path:
                statuses.append("404")
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses.setdefault(status, {"description": answers[status]})
            for status, response in responses.items():
                if status.startswith("4"):
                    response.setdefault("content", content)
    return result
