"""Pages of one's own sign-in: changing one's password (also when the policy asks for it) and signing out
everywhere."""
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.generic import TemplateView

from . import passwords, tokens
from .forms import OwnPasswordChangeForm
from .sessions import sign_out_everywhere


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password: the new one is checked against the rules and the last passwords; every other session
    and every API token of the user ends, this session stays."""

    form_class = OwnPasswordChangeForm
    success_url = "/"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason = passwords.change_reason(self.request.user)
        context["reason"] = passwords.reason_message(reason) if reason else ""
        context["expires_on"] = passwords.expires_on(self.request.user)
        return context

    def form_valid(self, form):
        form.save()
        update_session_auth_hash(self.request, form.user)  # the other sessions end, this one stays
        messages.success(self.request, gettext(
            "Your password was changed. Your other sessions and your API tokens have ended."))
        return redirect(self.get_success_url())


class SignOutEverywhereView(LoginRequiredMixin, TemplateView):
    """Ends every session of the user, on every device, this one included, and revokes their API tokens."""

    template_name = "registration/sign_out_everywhere.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "live_tokens": tokens.live(self.request.user).count()}

    def post(self, request):
        user = request.user
        sign_out_everywhere(user, request=request)
        logout(request)
        messages.success(request, gettext("You were signed out on every device, and your API tokens were revoked."))
        return redirect("login")
