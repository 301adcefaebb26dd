"""In-app notifications (the bell): any app calls `notify` or `notify_many`.

A notification is identified by (user, key): sending the same key to the same user again does
nothing, so a reminder job may run as often as it likes, on as many servers as it likes, and each
person hears about each deadline once. Keys name what the reminder is about, e.g.
"tasks.task:42:deadline:2026-12-01:near".

A service that notifies as part of a user's action (a leave request submitted, a swap approved)
uses `notify_on_commit` / `notify_many_on_commit`: the notification is stored once the action's
transaction commits, so an action that is refused and rolled back tells nobody.
"""
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Q

from banzi.core import clock

from .models import Notification

LEVELS = ("info", "warning", "danger")
KEY_LENGTH = Notification._meta.get_field("key").max_length
TITLE_LENGTH = Notification._meta.get_field("title").max_length
URL_LENGTH = Notification._meta.get_field("url").max_length


@dataclass(frozen=True)
class Message:
    """A notification to send: to whom, under which key, and what it says."""

    user_id: int
    key: str
    title: str
    url: str = ""
    body: str = ""
    level: str = "info"

    def as_model(self):
        return Notification(user_id=self.user_id, key=self.key[:KEY_LENGTH], title=str(self.title)[:TITLE_LENGTH],
                            url=(self.url or "")[:URL_LENGTH], body=str(self.body), level=_level(self.level))


def _level(level):
    return level if level in LEVELS else "info"


def notify(user, key, title, url="", body="", level="info"):
    """Notify a user once per key; returns True if this call stored the notification."""
    if user is None or not user.is_active:
        return False
    _notification, created = Notification.objects.get_or_create(
        user_id=user.pk, key=key[:KEY_LENGTH], defaults={
            "title": str(title)[:TITLE_LENGTH], "url": (url or "")[:URL_LENGTH], "body": str(body),
            "level": _level(level)},
    )
    return created


def notify_many(messages, batch_size=500):
    """Store many notifications at once, skipping those already sent; returns how many were new.

    The unique (user, key) constraint decides: a message already stored — by an earlier run or by
    another server running at the same moment — is ignored by the database.
    """
    unique = {(m.user_id, m.key[:KEY_LENGTH]): m for m in messages}
    new = 0
    pairs = list(unique)
    for start in range(0, len(pairs), batch_size):
        batch = pairs[start:start + batch_size]
        existing = Q()
        for user_id, key in batch:
            existing |= Q(user_id=user_id, key=key)
        seen = set(Notification.objects.filter(existing).values_list("user_id", "key"))
        fresh = [unique[pair].as_model() for pair in batch if pair not in seen]
        Notification.objects.bulk_create(fresh, ignore_conflicts=True)
        new += len(fresh)
    return new


def notify_on_commit(user, key, title, url="", body="", level="info"):
    """`notify` once the current transaction commits (at once outside a transaction)."""
    title, body = str(title), str(body)  # in the language of the request that sends it
    transaction.on_commit(lambda: notify(user, key, title, url, body, level))


def notify_many_on_commit(messages):
    """`notify_many` once the current transaction commits (at once outside a transaction)."""
    messages = [replace(m, title=str(m.title), body=str(m.body)) for m in messages]
    transaction.on_commit(lambda: notify_many(messages))


def settle_on_commit(key_prefix):
    """Once the current transaction commits, mark read every unread notification whose key starts
    with `key_prefix`, whoever holds it: what it asked for has been done (a request decided or
    withdrawn), so nobody is left with a call to act on it."""
    transaction.on_commit(lambda: Notification.objects.filter(
        key__startswith=key_prefix, read_at__isnull=True).update(read_at=clock.now()))


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, pk=None):
    """Mark one of the user's notifications (or all of them) read; returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=clock.now())
