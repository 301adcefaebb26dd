"""Issue 16: calls to act ring the bell, notifications for information wait for the daily digest
(`send_digest`, once a day and once only), and opening a notification marks it read and follows its
link — only the owner's, only within Banzi."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banzi.conduct import services as conduct
from banzi.conduct.duty import services as duty
from banzi.conduct.duty.models import DutySwap
from banzi.conduct.models import LeaveRequest
from banzi.core import clock, notifications
from banzi.core.models import Notification
from banzi.core.notifications import Message
from banzi.core.roles import Role
from tests import factories as f
from tests.conduct import duty_factories as d
from tests.conduct import factories as c

pytestmark = pytest.mark.django_db

LIST = "core:notification_list"


@pytest.fixture
def alice(township):
    return f.UserFactory(role=Role.TOWNSHIP_ADMIN, organization=township)


@pytest.fixture
def bob(township):
    return f.UserFactory(role=Role.TOWNSHIP_ADMIN, organization=township)


def run(*args):
    out = io.StringIO()
    call_command("send_digest", *args, stdout=out)
    return out.getvalue()


def digests(user):
    return Notification.objects.filter(user=user, key__startswith=notifications.DIGEST_PREFIX)


def made_on(pk, day):
    """Date a notification's creation back or forward to `day` (at the current time of day)."""
    moment = clock.local_now()
    when = moment.replace(year=day.year, month=day.month, day=day.day)
    Notification.objects.filter(pk=pk).update(created_at=when)


# --- classification: who hears at once ------------------------------------------------------------

def test_a_call_to_act_rings_the_bell_and_one_for_information_waits_for_the_digest(alice):
    notifications.notify(alice, "act", "请审批", "/x/")
    notifications.notify(alice, "fyi", "某某的请假已批准", "/y/", digest=True)
    notifications.notify_many([Message(alice.pk, "fyi-2", "另一条动态", digest=True)])
    assert notifications.unread_count(alice) == 1
    assert set(Notification.objects.filter(user=alice, digest=True).values_list("key", flat=True)) == {"fyi", "fyi-2"}
    run()
    assert notifications.unread_count(alice) == 2  # the call to act and the digest
    digest = digests(alice).get()
    assert digest.digest is False and digest.read_at is None


def test_leave_calls_to_act_and_decisions_for_information(township, django_capture_on_commit_callbacks):
    people = c.team(township)
    secretary, member = people["secretary_user"], people["member_user"]
    week = [clock.today() + datetime.timedelta(days=n) for n in (1, 7, 8, 14)]  # a week has working days
    leave = LeaveRequest(cadre=people["member"], kind=LeaveRequest.Kind.PERSONAL, starts_on=week[0],
                         ends_on=week[1], reason="事由")
    with django_capture_on_commit_callbacks(execute=True):
        leave = conduct.submit_leave(member, leave)
    asked = Notification.objects.get(user=secretary, key__contains=":submitted")
    assert not asked.digest and notifications.unread_count(secretary) == 1  # the approver must act
    with django_capture_on_commit_callbacks(execute=True):
        conduct.approve_leave(secretary, leave)
    told = Notification.objects.get(user=member, key__contains=":approved")
    assert told.digest and notifications.unread_count(member) == 0  # nothing asked of the cadre
    assert notifications.unread_count(secretary) == 0  # the call to approve is settled
    other = LeaveRequest(cadre=people["member"], kind=LeaveRequest.Kind.PERSONAL, starts_on=week[2],
                         ends_on=week[3], reason="另一事由")
    with django_capture_on_commit_callbacks(execute=True):
        other = conduct.submit_leave(member, other)
        conduct.cancel_leave(member, other)
    withdrawn = Notification.objects.get(user=secretary, key__contains=":cancelled")
    assert withdrawn.digest and notifications.unread_count(secretary) == 0


def test_a_duty_swap_asks_the_township_and_the_replacement_and_tells_the_requester(
        township, township_admin, django_capture_on_commit_callbacks):
    night = d.shift(township, clock.today() + datetime.timedelta(days=3))
    requester = f.UserFactory(role=Role.CADRE, cadre=night.staff)
    colleague = f.CadreFactory(organization=township)
    replacement = f.UserFactory(role=Role.CADRE, cadre=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        swap = duty.save_swap(requester, DutySwap(shift=night, requested_by=night.staff, replacement=colleague,
                                                  reason="参加培训"))
    assert notifications.unread_count(township_admin) == 1
    with django_capture_on_commit_callbacks(execute=True):
        duty.approve_swap(township_admin, swap)
    assert notifications.unread_count(replacement) == 1  # on duty that night: a call to act
    told = Notification.objects.get(user=requester)
    assert told.digest and notifications.unread_count(requester) == 0


# --- the digest ---------------------------------------------------------------------------------------

def test_the_digest_gathers_exactly_each_users_undigested_notifications_of_the_day_once(alice, bob, township):
    today = clock.today()
    yesterday, tomorrow = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    for key in ("a1", "a2"):
        notifications.notify(alice, key, f"动态 {key}", digest=True)
    notifications.notify(bob, "b1", "动态 b1", digest=True)
    notifications.notify(alice, "act", "待办", digest=False)  # a call to act is never in a digest
    notifications.notify(alice, "old", "昨天已汇总", digest=True)
    Notification.objects.filter(key="old").update(digested_on=yesterday)
    made_on(Notification.objects.get(key="old").pk, yesterday)
    notifications.notify(alice, "later", "明天的", digest=True)
    made_on(Notification.objects.get(key="later").pk, tomorrow)
    gone = f.UserFactory(role=Role.TOWNSHIP_ADMIN, organization=township, is_active=False)
    Notification.objects.create(user=gone, key="g1", title="停用账号的动态", digest=True)

    expected = {user.pk: set(Notification.objects.filter(
        user=user, digest=True, digested_on__isnull=True, created_at__date__lte=today).values_list("pk", flat=True))
        for user in (alice, bob)}
    assert notifications.send_digests(today) == len(expected)
    for user in (alice, bob):
        digest = digests(user).get()
        assert digest.key == notifications.digest_key(today) and digest.url == notifications.digest_url(today)
        gathered = Notification.objects.filter(user=user, digested_on=today)
        assert set(gathered.values_list("pk", flat=True)) == expected[user.pk]
        assert str(len(expected[user.pk])) in digest.title
        assert all(title in digest.body for title in gathered.values_list("title", flat=True))
    assert not digests(gone).exists()
    assert Notification.objects.get(key="later").digested_on is None
    assert Notification.objects.get(key="old").digested_on == yesterday

    assert run("--date", today.isoformat()) == "Digests sent: 0\n"  # a second run: nothing new
    assert Notification.objects.filter(key__startswith=notifications.DIGEST_PREFIX).count() == len(expected)


def test_what_comes_after_the_days_digest_waits_for_the_next(alice, travel):
    notifications.notify(alice, "a1", "第一条", digest=True)
    assert run() == "Digests sent: 1\n"
    notifications.notify(alice, "a2", "第二条", digest=True)
    assert run() == "Digests sent: 0\n"
    assert Notification.objects.get(key="a2").digested_on is None
    travel.shift(datetime.timedelta(days=1))
    assert run() == "Digests sent: 1\n"
    latest = digests(alice).get(key=notifications.digest_key(clock.today()))
    assert "第二条" in latest.body and "第一条" not in latest.body


def test_a_long_digest_counts_what_it_does_not_list(alice):
    total = notifications.DIGEST_LINES + 3
    notifications.notify_many([Message(alice.pk, f"k{i}", f"标题{i}", digest=True) for i in range(total)])
    run()
    digest = digests(alice).get()
    assert str(total) in digest.title
    assert digest.body.count("\n") == notifications.DIGEST_LINES  # the listed titles and one "and N more"
    assert digest.body.splitlines()[-1] == f"… and {total - notifications.DIGEST_LINES} more"


@pytest.mark.zh
def test_the_digest_title_in_chinese(alice):
    notifications.notify(alice, "a1", "第一条", digest=True)
    notifications.notify(alice, "a2", "第二条", digest=True)
    run()
    assert digests(alice).get().title == "今日动态（2条）"


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError):
        run("--date", "2026-13-45")


def test_titles_in_the_digest_are_escaped_when_shown(alice, client_for):
    notifications.notify(alice, "x", '<script>alert("x")</script> & <b>粗</b>', digest=True)
    run()
    page = client_for(alice).get(reverse(LIST), {"show": "digest"})
    html = page.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;粗&lt;/b&gt;" in html
    assert "<script>alert" not in html and "<b>粗</b>" not in html


# --- the notifications page and the bell -------------------------------------------------------------

def test_the_page_filters_all_to_do_and_updates(alice, client_for):
    notifications.notify(alice, "act", "待办一", "/x/")
    notifications.notify(alice, "fyi", "动态一", "/y/", digest=True)
    run()
    client = client_for(alice)
    shown = {show: set(client.get(reverse(LIST), {"show": show}).context["notifications"].values_list(
        "key", flat=True)) for show in ("all", "act", "digest")}
    digest_key = notifications.digest_key(clock.today())
    assert shown == {"all": {"act", "fyi", digest_key}, "act": {"act"}, "digest": {"fyi", digest_key}}
    gathered = client.get(notifications.digest_url(clock.today()))
    assert [n.key for n in gathered.context["notifications"]] == ["fyi"]
    page = client.get(reverse(LIST), {"unread": "1"})
    assert page.context["unread_notifications"] == 2  # the bell: the call to act and the digest
    assert {n.key for n in page.context["notifications"]} == {"act", digest_key}
    assert 'data-unread="2"' in page.content.decode()


def test_the_list_costs_the_same_queries_however_many_rows(alice, client_for):
    client = client_for(alice)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(LIST)).status_code == 200
        return len(captured)

    notifications.notify_many([Message(alice.pk, f"a{i}", f"标题{i}", "/x/", digest=i % 2 == 0) for i in range(3)])
    few = queries()
    notifications.notify_many([Message(alice.pk, f"b{i}", f"标题{i}", "/x/", digest=i % 2 == 0) for i in range(40)])
    assert queries() == few


# --- read on open ---------------------------------------------------------------------------------------

def test_opening_marks_read_and_follows_the_link(alice, client_for):
    notifications.notify(alice, "act", "请审批", "/conduct/leave/")
    notifications.notify(alice, "other", "另一条", "/x/")
    note = Notification.objects.get(key="act")
    response = client_for(alice).post(reverse("core:notification_read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response.url == "/conduct/leave/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert Notification.objects.get(key="other").read_at is None


def test_opening_a_digest_shows_and_reads_what_it_gathered(alice, client_for):
    notifications.notify(alice, "fyi", "动态一", digest=True)
    notifications.notify(alice, "act", "待办", "/x/")
    run()
    digest = digests(alice).get()
    client = client_for(alice)
    response = client.post(reverse("core:notification_read", args=[digest.pk]), {"open": "1"})
    assert response.status_code == 302 and response.url == notifications.digest_url(clock.today())
    assert Notification.objects.get(key="fyi").read_at is not None
    assert Notification.objects.get(key="act").read_at is None
    page = client.get(response.url)
    assert [n.key for n in page.context["notifications"]] == ["fyi"]


def test_another_users_notification_cannot_be_opened(alice, bob, client_for):
    notifications.notify(alice, "mine", "私人", "/x/")
    mine = Notification.objects.get(key="mine")
    response = client_for(bob).post(reverse("core:notification_read", args=[mine.pk]), {"open": "1"})
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "http:/\\evil.example", "javascript:alert(1)"])
def test_an_outside_link_is_never_followed(alice, client_for, url):
    Notification.objects.create(user=alice, key="k", title="外链", url=url)
    note = Notification.objects.get(key="k")
    response = client_for(alice).post(reverse("core:notification_read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response.url == reverse(LIST)
    note.refresh_from_db()
    assert note.read_at is not None


def test_opening_needs_a_post(alice, client_for):
    notifications.notify(alice, "k", "标题", "/x/")
    note = Notification.objects.get(key="k")
    assert client_for(alice).get(reverse("core:notification_read", args=[note.pk])).status_code == 405
    note.refresh_from_db()
    assert note.read_at is None
