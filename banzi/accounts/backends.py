"""Authentication backend that refuses locked accounts and blocked client addresses (UI and API alike)."""
from django.contrib.auth.backends import ModelBackend

from .lockout import is_locked, request_blocked


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if is_locked(username) or (request is not None and request_blocked(request)):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
