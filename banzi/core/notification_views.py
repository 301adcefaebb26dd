"""The notifications page: a user's own notifications, newest first; opening one marks it read."""
import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views import View
from django.views.generic import ListView

from . import notifications
from .models import Notification

SHOWS = ("all", "act", "digest")


class NotificationListView(LoginRequiredMixin, ListView):
    """All of them (全部), the calls to act (待办) or the notifications for information with their daily
    digests (动态); `day` narrows the last to what one digest gathered, `unread` to what rings the bell."""

    template_name = "core/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 50

    def _filters(self):
        show = self.request.GET.get("show")
        show = show if show in SHOWS else "all"
        day = None
        if show == "digest":
            try:
                day = datetime.date.fromisoformat(self.request.GET.get("day", ""))
            except ValueError:
                day = None
        return show, day, bool(self.request.GET.get("unread"))

    def get_queryset(self):
        show, day, unread = self._filters()
        qs = Notification.objects.filter(user=self.request.user)
        is_digest = Q(key__startswith=notifications.DIGEST_PREFIX)
        if show == "act":
            qs = qs.filter(digest=False).exclude(is_digest)
        elif day is not None:
            qs = qs.filter(digest=True, digested_on=day)
        elif show == "digest":
            qs = qs.filter(Q(digest=True) | is_digest)
        if unread:
            qs = qs.filter(read_at__isnull=True, digest=False)
        return qs.order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        show, day, unread = self._filters()
        base = reverse("core:notification_list")
        ctx.update(unread_only=unread, show=show, day=day, shows=[
            (name, label, base if name == "all" else f"{base}?{urlencode({'show': name})}")
            for name, label in (("all", _("All")), ("act", _("To do")), ("digest", pgettext_lazy("notifications", "Updates")))])
        query = {k: v for k, v in (("show", show if show != "all" else ""), ("day", day.isoformat() if day else ""),
                                   ("unread", "1" if unread else "")) if v}
        ctx["page_query"] = urlencode(query)
        return ctx


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one notification read and open its link, or (without a pk) mark all read."""

    def post(self, request, pk=None):
        back = reverse("core:notification_list")
        if pk is None:
            notifications.mark_read(request.user)
            return HttpResponseRedirect(back)
        notification = get_object_or_404(Notification, pk=pk, user=request.user)
        notifications.open_notification(request.user, notification)
        target = notification.url if request.POST.get("open") else ""
        # Only a link within Banzi is followed: never an open redirect.
        safe = target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                          require_https=request.is_secure())
        return HttpResponseRedirect(target if safe else back)
