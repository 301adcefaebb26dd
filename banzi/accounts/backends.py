"""Authentication backend that refuses locked accounts (UI and API alike)."""
from django.contrib.auth.backends import ModelBackend

from .lockout import is_locked


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if is_locked(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
