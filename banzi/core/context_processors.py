"""Template context shared by every page.

Each is worked out once a request: a page that renders a template inside its own (django-tables2's
`render_table` renders the table's template with the request, which runs every context processor
again) reuses what the page's template found (the menu, the unread count) instead of asking again."""
import functools

from django.urls import reverse

from .navigation import menu_for


def once_a_request(processor):
    attribute = f"_banzi_context_{processor.__name__}"

    @functools.wraps(processor)
    def wrapper(request):
        found = getattr(request, attribute, None)
        if found is None:
            found = processor(request)
            setattr(request, attribute, found)
        return found

    return wrapper


@once_a_request
def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    menu = menu_for(user, request.path)
    # The lists this user reaches from the menu; pages link back only to these.
    nav_urls = {item["url"] for group in menu for item in group["items"]}
    return {"nav_menu": menu, "nav_urls": nav_urls}


@once_a_request
def notifications(request):
    """The bell: the signed-in user's unread notifications (one query a page)."""
    from .notifications import unread_count

    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user), "notifications_url": reverse("core:notification_list")}
