"""Pages under /talks/."""

app_name = "talks"

urlpatterns = []
