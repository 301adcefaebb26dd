"""The home page: for each role, what that user must act on. The figures come from the metrics
registry, which every app fills in its `metrics.py`; this view only collects them."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from banzi.core import metrics

from . import workbench

# The headings of the home page's figures: the seed's three parts of the work, in its order (the
# year-end report's parts, banzi/reports), after the registry's own figures.
PART_HEADINGS = {
    "training": _("Strengthening training and practice"),
    "mechanism": _("Improving the working mechanisms"),
    "supervision": _("Strict supervision and management"),
}


def grouped(cards):
    """[(heading or None, cards)] in the parts' order; parts without a card are left out."""
    groups = [(None, [c for c in cards if not c.get("part")])]
    groups += [(heading, [c for c in cards if c.get("part") == part]) for part, heading in PART_HEADINGS.items()]
    return [(heading, members) for heading, members in groups if members]


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["cards"], ctx["actions"], ctx["panels"] = metrics.home_figures(user)
        ctx["card_groups"] = grouped(ctx["cards"])
        ctx["has_chart"] = any(p.get("chart") for p in ctx["panels"])
        ctx["shortcuts"] = workbench.shortcuts_for(user)
        ctx["done"] = workbench.done_by(user)
        return ctx
