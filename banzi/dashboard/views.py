"""The home page: for each role, what that user must act on."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from banzi.core import metrics
from banzi.core.roles import Role


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["role"] = "county_admin" if user.is_superuser else user.role
        ctx["cards"] = metrics.cards_for(user)
        ctx["actions"] = metrics.actions_for(user)
        ctx["Role"] = Role
        return ctx
