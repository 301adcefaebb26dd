"""Excel import of work lists with their tasks (pages from core.importing)."""
from django.urls import reverse_lazy

from banzi.core.importing.views import import_urls

from .resources import WorkListTaskResource

urlpatterns = [*import_urls("work-lists", WorkListTaskResource, success_url=reverse_lazy("tasks:worklist_list"))]
