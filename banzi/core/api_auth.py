"""POST /api/v1/auth/token/ with username and password returns {"token": …, "expires": …}; POST
/api/v1/auth/logout/ with the token revokes it.

The token is then sent as `Authorization: Token <token>` (banzi.accounts.tokens: stored only as a keyed hash,
shown once, expires after BANZI_TOKEN_HOURS). Credentials are checked by Django's `authenticate`, so a wrong
password is logged as a failed login in the audit trail exactly like one on the login page (and counts towards
locking the account and refusing the client address, banzi.accounts.lockout), and an issued token is logged.
"""
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from banzi.accounts import passwords, tokens
from banzi.accounts.lockout import (
    ip_blocked_message,
    is_locked,
    lock_minutes,
    locked_message,
    request_blocked,
)
from banzi.accounts.otp import verify_for_token

from . import net
from .audit import record_locked_attempt
from .errors import Code
from .separation import WithinDuties


class TokenThrottle(AnonRateThrottle):
    """Slows down password guessing: at most 20 token requests a minute from one client address (X-Forwarded-For
    counts only through a trusted proxy, see core.net)."""

    rate = "20/min"

    def get_ident(self, request):
        return net.client_ip(request) or "unknown"


class TokenCredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("username"), write_only=True)
    password = serializers.CharField(
        label=_("password"), write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )
    otp = serializers.CharField(
        label=_("one-time code"), write_only=True, required=False, allow_blank=True,
        help_text=_("The code of the authenticator app, or a recovery code: needed by the roles that sign in with a "
                    "second factor and by anyone who has set one up (`second_factor_required`, "
                    "`second_factor_invalid`, `second_factor_throttled`, `second_factor_not_enrolled`)."),
    )

    def validate(self, attrs):
        if is_locked(attrs["username"]):
            record_locked_attempt(self.context.get("request"), attrs["username"])
            raise serializers.ValidationError(locked_message(), code=Code.LOCKED)
        request = self.context.get("request")
        user = authenticate(
            request=getattr(request, "_request", request), username=attrs["username"], password=attrs["password"]
        )
        if user is None:
            raise serializers.ValidationError(
                _("The username or password is incorrect, or the account is disabled."), code=Code.AUTHORIZATION
            )
        verify_for_token(user, attrs.get("otp"), request)
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text=_(
        "Send it as the header `Authorization: Token <token>`. It is shown only now: only its hash is kept."))
    expires = serializers.DateTimeField(read_only=True, help_text=_(
        "When the token stops working (BANZI_TOKEN_HOURS after its issue, 12 by default); it ends sooner on "
        "logout, on a new password and on signing out everywhere."))


class ObtainTokenView(APIView):
    """Exchange a username and password for a new API token, which expires."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]
    serializer_class = TokenCredentialsSerializer

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        auth=[],
        request=TokenCredentialsSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description=_("Wrong username or password, a field is missing, or the account is "
                                               "locked after too many failures (code `locked`).")),
            403: OpenApiResponse(description=_("The user must change their password on the web first (code "
                                               "`password_change_required`).")),
            429: OpenApiResponse(description=_("Too many attempts from this address (code `throttled` or "
                                               "`too_many_attempts`); wait and try again.")),
        },
        summary=_("Obtain an API token"),
    )
    def post(self, request):
        if request_blocked(request):
            raise exceptions.Throttled(wait=lock_minutes() * 60, detail=exceptions.ErrorDetail(
                ip_blocked_message(), code=Code.TOO_MANY_ATTEMPTS), code=Code.TOO_MANY_ATTEMPTS)
        serializer = self.serializer_class(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        reason = passwords.change_reason(user)
        if reason is not None:
            raise exceptions.PermissionDenied(passwords.reason_message(reason), code=Code.PASSWORD_CHANGE_REQUIRED)
        token, key = tokens.issue(user, request=request)
        return Response({"token": key, "expires": token.expires})


class LogoutSerializer(serializers.Serializer):
    revoked = serializers.BooleanField(read_only=True, help_text=_("Whether a token was revoked."))


class RevokeTokenView(APIView):
    """Revoke the API token this request is authenticated with (a client's logout)."""

    permission_classes = [IsAuthenticated, WithinDuties]

    @extend_schema(
        operation_id="auth_logout_create",
        tags=["auth"],
        request=None,
        responses={200: LogoutSerializer},
        summary=_("Revoke the token in use (log out)"),
    )
    def post(self, request):
        token = request.auth if isinstance(request.auth, tokens.ApiToken) else None
        if token is not None:
            tokens.revoke(token, request=request, reason="API token revoked by logout")
        return Response({"revoked": token is not None})
