"""The battle map, and the bulletin page and downloads (included by `banzi/tasks/urls.py`). The
bulletin list and add pages are the generic ones; the detail page here shows the computed figures."""
from django.urls import path

from . import boards

urlpatterns = [
    path("battle-map/", boards.BattleMapView.as_view(), name="battle_map"),
    path("battle-map/data/", boards.BattleMapDataView.as_view(), name="battle_map_data"),
    path("bulletins/<int:pk>/", boards.BulletinDetailView.as_view(), name="bulletin_detail"),
    path("bulletins/<int:pk>/docx/", boards.BulletinDownloadView.as_view(file_format="docx"), name="bulletin_docx"),
    path("bulletins/<int:pk>/xlsx/", boards.BulletinDownloadView.as_view(file_format="xlsx"), name="bulletin_xlsx"),
]
