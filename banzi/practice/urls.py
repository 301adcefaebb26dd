"""Pages under /practice/."""

app_name = "practice"

urlpatterns = []
