"""The home page: for each role, what that user must act on. The figures come from the metrics
registry, which every app fills in its `metrics.py`; this view only collects them."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from banzi.core import metrics

from . import workbench


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["cards"], ctx["actions"], ctx["panels"] = metrics.home_figures(user)
        ctx["has_chart"] = any(p.get("chart") for p in ctx["panels"])
        ctx["shortcuts"] = workbench.shortcuts_for(user)
        ctx["done"] = workbench.done_by(user)
        return ctx
