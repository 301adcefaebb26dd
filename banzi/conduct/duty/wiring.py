"""Menus, metrics and demo data of overnight duty and attendance; called from ConductConfig.ready()."""


def ready():
    pass
