"""The standard URL set of a model: list, add, detail, edit, delete, history.

Names follow `<app>:<model>_<action>`, which `BaseModel.url_name` and the generic tests rely on.
"""
from django.urls import path

from .views import ObjectDeleteView, ObjectHistoryView


def model_urls(prefix, model, *, list_view, detail_view, edit_view=None, delete_view=None, history_view=None):
    name = model._meta.model_name
    urls = [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/history/", (history_view or ObjectHistoryView).as_view(model=model), name=f"{name}_history"),
    ]
    if edit_view is not None:
        urls += [
            path(f"{prefix}/add/", edit_view.as_view(), name=f"{name}_add"),
            path(f"{prefix}/<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"),
        ]
        urls.append(
            path(f"{prefix}/<int:pk>/delete/", (delete_view or ObjectDeleteView).as_view(model=model), name=f"{name}_delete")
        )
    return urls
