"""Pages under /governance/."""

app_name = "governance"

urlpatterns = []
