"""The codes of refused writes, as tests read them: a test asserts the code of the rule that refused
(`banzi.core.errors.Code`), not the wording of its message."""
from contextlib import contextmanager

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

ALL = NON_FIELD_ERRORS


def codes(exc):
    """{field: [code, ...]} of a Django ValidationError; `__all__` holds the record's own errors."""
    if hasattr(exc, "error_dict"):
        return {field: [error.code for error in errors] for field, errors in exc.error_dict.items()}
    return {ALL: [error.code for error in exc.error_list]}


def form_codes(form):
    """{field: [code, ...]} of a bound form's errors."""
    return {field: [error.code for error in errors] for field, errors in form.errors.as_data().items()}


def api_codes(response):
    """{key: [code, ...]} of an API error response (keys: field names, non_field_errors, detail)."""
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    return {key: [error["code"] for error in errors] for key, errors in response.json().items()}


@contextmanager
def refused(field, code):
    """The block raises a ValidationError with `code` on `field` (ALL for the record as a whole)."""
    with pytest.raises(ValidationError) as info:
        yield info
    found = codes(info.value)
    assert code in found.get(field, []), f"expected {code!r} on {field!r}, got {found}"
