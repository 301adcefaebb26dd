"""The notifications page: a user's own notifications, newest first; opening one marks it read."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from . import notifications
from .models import Notification


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "core/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self):
        qs = Notification.objects.filter(user=self.request.user)
        if self.request.GET.get("unread"):
            qs = qs.filter(read_at__isnull=True)
        return qs.order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["unread_only"] = bool(self.request.GET.get("unread"))
        return ctx


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one notification read and open its link, or (without a pk) mark all read."""

    def post(self, request, pk=None):
        back = reverse("core:notification_list")
        if pk is None:
            notifications.mark_read(request.user)
            return HttpResponseRedirect(back)
        notification = get_object_or_404(Notification, pk=pk, user=request.user)
        notifications.mark_read(request.user, notification.pk)
        target = notification.url if request.POST.get("open") else ""
        safe = target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                          require_https=request.is_secure())
        return HttpResponseRedirect(target if safe else back)
