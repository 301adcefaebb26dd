"""Menus, metrics and demo data of discipline, leave and outing reports; called from ConductConfig.ready()."""


def ready():
    pass
