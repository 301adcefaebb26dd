"""Pagination and error format of the API, referenced from settings.REST_FRAMEWORK.

Kept apart from core.api so that DRF can import them while it is still loading its own views.
"""
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    """`?page=` and `?page_size=` (at most 500); 50 rows a page by default."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def validation_error_detail(exc):
    """A Django ValidationError as DRF's error body: {field: [messages]}, rule errors under
    non_field_errors, so an API client sees the same field names and messages as the form."""
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    detail = {}
    for field, errors in exc.error_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
        detail.setdefault(key, []).extend(str(m) for e in errors for m in e.messages)
    return detail


def exception_handler(exc, context):
    """Turn Django's validation and permission errors raised by services into 400 and 403."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
