"""The options of a long picker, a page at a time, for the user whose page drew it (core/pickers.py)."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from . import pickers
from .models import PickerSource

MAX_WORDS_LENGTH = 100


def _whole(value, default=None, least=1):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number >= least else default


class PickerOptionsView(LoginRequiredMixin, View):
    """GET ?q=<words>&unit=<unit id>&page=<n> → {"results": [...], "more": bool}. Another user's source
    is a 404, as is one removed after its session; a source whose query no longer reads (the system was
    updated since the page was drawn) asks for the page to be reloaded."""

    raise_exception = True  # a JSON caller gets 403, not the sign-in page

    def get(self, request, key):
        source = get_object_or_404(PickerSource, key=key, user=request.user)
        words = request.GET.get("q", "")[:MAX_WORDS_LENGTH]
        unit = _whole(request.GET.get("unit"))
        page = _whole(request.GET.get("page"), default=1)
        if page > 1000:
            raise Http404
        try:
            results, more = pickers.options(source, request.user, words, unit, page)
        except pickers.SourceGone:
            return JsonResponse({"error": _("This page is out of date: reload it to choose again.")}, status=410)
        response = JsonResponse({"results": results, "more": more})
        response["Cache-Control"] = "private, no-store"
        return response
