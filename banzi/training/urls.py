"""Pages under /training/."""

app_name = "training"

urlpatterns = []
