"""In-app notifications (the bell): any app calls `notify` or `notify_many`.

A notification is identified by (user, key): sending the same key to the same user again does
nothing, so a reminder job may run as often as it likes, on as many servers as it likes, and each
person hears about each deadline once. Keys name what the reminder is about, e.g.
"tasks.task:42:deadline:2026-12-01:near".

A service that notifies as part of a user's action (a leave request submitted, a swap approved)
uses `notify_on_commit` / `notify_many_on_commit`: the notification is stored once the action's
transaction commits, so an action that is refused and rolled back tells nobody.

Two kinds of notification (issue 16):
- a call to act (the default): the recipient must do something — approve, report, be on duty, meet a
  deadline of theirs. It rings the bell at once.
- for information (`digest=True`): someone else's request decided, a request withdrawn, a record that
  concerns the user but asks nothing of them. It does not ring the bell; once a day `send_digest`
  gathers each user's undigested ones into one notification, "Today's updates (N)", which does.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import ngettext

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
    digest: bool = False  # for information only: no bell; gathered into the daily digest

    def as_model(self):
        return Notification(user_id=self.user_id, key=self.key[:KEY_LENGTH], title=str(self.title)[:TITLE_LENGTH],
                            url=(self.url or "")[:URL_LENGTH], body=str(self.body), level=_level(self.level),
                            digest=bool(self.digest))


def _level(level):
    return level if level in LEVELS else "info"


def notify(user, key, title, url="", body="", level="info", digest=False):
    """Notify a user once per key; returns True if this call stored the notification.
    `digest=True`: for information only (no bell; in the daily digest)."""
    if user is None or not user.is_active:
        return False
    _notification, created = Notification.objects.get_or_create(
        user_id=user.pk, key=key[:KEY_LENGTH], defaults={
            "title": str(title)[:TITLE_LENGTH], "url": (url or "")[:URL_LENGTH], "body": str(body),
            "level": _level(level), "digest": bool(digest)},
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


def notify_on_commit(user, key, title, url="", body="", level="info", digest=False):
    """`notify` once the current transaction commits (at once outside a transaction)."""
    title, body = str(title), str(body)  # in the language of the request that sends it
    transaction.on_commit(lambda: notify(user, key, title, url, body, level, digest))


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
    """What rings the bell: unread calls to act (and digests), not the notifications for information."""
    return Notification.objects.filter(user=user, read_at__isnull=True, digest=False).count()


def mark_read(user, pk=None):
    """Mark one of the user's notifications (or all of them) read; returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=clock.now())


def open_notification(user, notification):
    """The user opens one of their notifications: it is read, and so, for a digest, are the
    notifications it gathered (the page it opens lists them)."""
    changed = mark_read(user, notification.pk)
    day = digest_day(notification)
    if day is not None:
        changed += Notification.objects.filter(user=user, digest=True, digested_on=day,
                                               read_at__isnull=True).update(read_at=clock.now())
    return changed


# --- the daily digest of notifications for information ------------------------------------------

DIGEST_PREFIX = "core.digest:"
DIGEST_LINES = 20  # titles listed in a digest's body; the rest are counted


def digest_key(day):
    return f"{DIGEST_PREFIX}{day.isoformat()}"


def digest_day(notification):
    """The date of a digest notification, None for any other."""
    if not notification.key.startswith(DIGEST_PREFIX):
        return None
    try:
        return datetime.date.fromisoformat(notification.key[len(DIGEST_PREFIX):])
    except ValueError:
        return None


def digest_url(day):
    """The notifications page, showing the notifications gathered in the digest of `day`."""
    return f"{reverse('core:notification_list')}?{urlencode({'show': 'digest', 'day': day.isoformat()})}"


def _digest_body(titles):
    lines = [f"· {title}" for title in titles[:DIGEST_LINES]]
    more = len(titles) - DIGEST_LINES
    if more > 0:
        lines.append(ngettext("… and %(count)d more", "… and %(count)d more", more) % {"count": more})
    return "\n".join(lines)


def send_digests(day):
    """Gather each active user's undigested notifications for information, made up to the end of
    `day` (the county's date), into one notification keyed "core.digest:<day>"; returns how many
    digests were sent.

    Idempotent: a user who already has the digest of `day` gets nothing new (what came after it waits
    for the next day's digest), and the gathered notifications are marked digested with it, in one
    transaction, so a second run finds nothing to gather.
    """
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min),
                              timezone.get_default_timezone())
    pending = defaultdict(list)
    rows = (Notification.objects.filter(digest=True, digested_on__isnull=True, created_at__lt=end,
                                        user__is_active=True)
            .order_by("user_id", "created_at", "id").values_list("user_id", "pk", "title"))
    for user_id, pk, title in rows:
        pending[user_id].append((pk, title))
    if not pending:
        return 0
    key = digest_key(day)
    done = set(Notification.objects.filter(user_id__in=list(pending), key=key).values_list("user_id", flat=True))
    url = digest_url(day)
    sent = 0
    for user_id, items in pending.items():
        if user_id in done:
            continue
        count = len(items)
        title = ngettext("Today's updates (%(count)d)", "Today's updates (%(count)d)", count) % {"count": count}
        with transaction.atomic():
            _digest, created = Notification.objects.get_or_create(user_id=user_id, key=key, defaults={
                "title": title[:TITLE_LENGTH], "url": url[:URL_LENGTH],
                "body": _digest_body([t for _pk, t in items]), "level": "info"})
            if created:
                Notification.objects.filter(pk__in=[pk for pk, _t in items]).update(digested_on=day)
                sent += 1
    return sent
