"""Pages of the 干部任免审批表 in and out (.lrmx and .docx), under /cadres/lrmx/."""
from django.urls import path

from . import lrmx_views as views

app_name = "cadres_lrmx"

urlpatterns = [
    path("import/", views.LrmxImportView.as_view(), name="import"),
    path("cadres/<int:pk>/form.lrmx", views.CadreLrmxView.as_view(), name="cadre_lrmx"),
    path("cadres/<int:pk>/form.docx", views.CadreFormView.as_view(), name="cadre_docx"),
    path("teams/<int:pk>/forms.zip", views.TeamLrmxView.as_view(), name="team_lrmx"),
    path("teams/<int:pk>/forms.docx", views.TeamFormView.as_view(), name="team_docx"),
    path("cadres/forms.zip", views.ListLrmxView.as_view(), name="list_lrmx"),
    path("cadres/forms.docx", views.ListFormView.as_view(), name="list_docx"),
]
