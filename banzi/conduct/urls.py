"""Pages under /conduct/."""

app_name = "conduct"

urlpatterns = []
