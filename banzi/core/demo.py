"""Demo data hooks: each module registers the loader of its own demo records, and `load_demo`
runs them after the registry's county is built, so the registry never imports later modules.

A loader takes no arguments, adds only what is missing (idempotent) and returns {label: count}
of what it created.
"""
import contextlib

from django.conf import settings

_loaders = []


def register(order):
    def decorator(func):
        _loaders.append((order, func))
        return func
    return decorator


def loaders():
    return [func for _order, func in sorted(_loaders, key=lambda item: item[0])]


@contextlib.contextmanager
def fast_writes(using="default"):
    """The demo load's thousands of writes, without the costs that are not the writes themselves:
    the development server's SQL log (every query formatted and kept when DEBUG is on) and
    django-simple-history's manager class, which it builds anew from its queryset at each access
    of `Model.history` (once a saved record). Same records, same history and audit rows."""
    from django.db import connections
    from simple_history.manager import HistoryDescriptor

    connection = connections[using]
    original_get = HistoryDescriptor.__get__
    classes = {}

    def history_manager(descriptor, instance, owner):
        key = (descriptor.manager_class, descriptor.queryset_class)
        if key not in classes:
            classes[key] = descriptor.manager_class.from_queryset(descriptor.queryset_class)
        return classes[key](descriptor.model, instance)

    logged = connection.force_debug_cursor
    debug = settings.DEBUG
    HistoryDescriptor.__get__ = history_manager
    connection.force_debug_cursor = False
    settings.DEBUG = False  # read at each query (connection.queries_logged); put back below
    try:
        yield
    finally:
        HistoryDescriptor.__get__ = original_get
        connection.force_debug_cursor = logged
        settings.DEBUG = debug


def add_many(user, instances, *, reason=""):
    """Create many new records of one model as `services.save_object` creates each (the user's right
    and scope checked, each record validated), but written a batch at a time: the records, then one
    history row each, then one audit event each, chained in order (`audit_chain.append_many`) — the
    rows the per-record writes leave. For models whose save() and signals add nothing beyond that."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    from . import audit, audit_chain, services
    from .models import AuditEvent

    if not instances:
        return []
    model = type(instances[0])
    for instance in instances:
        instance.full_clean()
        services.ensure_can_write(user, instance)
        instance._history_user = user
        if reason:
            instance._change_reason = reason
    model._default_manager.bulk_create(instances, batch_size=500)
    # As save_object checks each stored row: none may have left the user's reach.
    stored = model._default_manager.editable_by(user).filter(pk__in=[i.pk for i in instances]).count()
    if stored != len(instances):
        raise PermissionDenied(_("This record would be outside the organizations you manage."))
    history = model.history.bulk_history_create(instances, batch_size=500, default_user=user,
                                                default_change_reason=None)
    content_type = ContentType.objects.get_for_model(model)
    audit_chain.append_many([
        AuditEvent(kind=AuditEvent.Kind.DATA, action=audit.HISTORY_ACTIONS[row.history_type],
                   outcome=AuditEvent.Outcome.SUCCESS, user=user, username=user.get_username(),
                   content_type=content_type, object_id=str(instance.pk), object_repr=str(instance)[:255],
                   changes=[], detail=(row.history_change_reason or "")[:500], ip_address=None)
        for instance, row in zip(instances, history, strict=True)
    ])
    return instances
