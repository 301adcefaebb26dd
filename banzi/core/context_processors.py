"""Template context shared by every page."""
from django.urls import reverse

from .navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    menu = menu_for(user, request.path)
    # The lists this user reaches from the menu; pages link back only to these.
    nav_urls = {item["url"] for group in menu for item in group["items"]}
    return {"nav_menu": menu, "nav_urls": nav_urls}


def notifications(request):
    """The bell: the signed-in user's unread notifications (one query a page)."""
    from .notifications import unread_count

    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user), "notifications_url": reverse("core:notification_list")}
