"""Pages under /reserves/: the pool, its entries with their steps, the reviews and the measures."""
from django.urls import path

from banzi.core.routing import model_urls

from . import views
from .models import DevelopmentMeasure, ReserveEntry, ReserveReview

app_name = "reserves"

urlpatterns = [
    # The pool itself is the app's front page: /reserves/ lists the entries.
    path("", views.ReserveEntryListView.as_view(), name="reserveentry_list"),
    *model_urls("entries", ReserveEntry, list_view=views.ReserveEntryListView,
                detail_view=views.ReserveEntryDetailView, edit_view=views.ReserveEntryEditView,
                delete_view=views.ReserveEntryDeleteView)[1:],
    path("entries/<int:pk>/vet/", views.VetStep.as_view(), name="reserveentry_vet"),
    path("entries/<int:pk>/reject/", views.RejectStep.as_view(), name="reserveentry_reject"),
    path("entries/<int:pk>/enter/", views.EnterStep.as_view(), name="reserveentry_enter"),
    path("entries/<int:pk>/review/", views.ReviewStep.as_view(), name="reserveentry_review"),
    path("entries/<int:pk>/exit/", views.ExitStep.as_view(), name="reserveentry_exit"),
    path("entries/<int:pk>/file/", views.RecommendationFileView.as_view(), name="reserveentry_file"),
    *model_urls("reviews", ReserveReview, list_view=views.ReserveReviewListView,
                detail_view=views.ReserveReviewDetailView, edit_view=views.ReserveReviewEditView),
    *model_urls("measures", DevelopmentMeasure, list_view=views.DevelopmentMeasureListView,
                detail_view=views.DevelopmentMeasureDetailView, edit_view=views.DevelopmentMeasureEditView),
]
