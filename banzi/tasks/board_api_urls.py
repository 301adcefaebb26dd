"""API under /api/v1/tasks/ beside the records' routes: the battle map's and the bulletins' figures."""
from django.urls import path

from . import board_api

urlpatterns = [
    path("figures/battle-map/", board_api.BattleMapFigures.as_view(), name="tasks-figures-battle-map"),
    path("bulletins/<int:pk>/figures/", board_api.BulletinFigures.as_view(), name="tasks-bulletin-figures"),
]
