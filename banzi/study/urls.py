"""Pages under /study/."""

app_name = "study"

urlpatterns = []
