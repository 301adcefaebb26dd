"""POST /api/v1/auth/token/ with username and password returns {"token": …}.

The token is then sent as `Authorization: Token <token>`. Credentials are checked by Django's
`authenticate`, so a wrong password is logged as a failed login in the audit trail exactly like
one on the login page (and counts towards locking the account), and an issued token is logged as a
login.
"""
from django.contrib.auth import authenticate
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from banzi.accounts.lockout import is_locked, lock_minutes
from banzi.accounts.otp import verify_for_token

from .audit import record_event
from .errors import Code
from .models import AuditEvent


class TokenThrottle(AnonRateThrottle):
    """Slows down password guessing: at most 20 token requests a minute from one address."""

    rate = "20/min"


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
            raise serializers.ValidationError(
                gettext("Too many failed attempts. This account is locked for %(minutes)d minutes.")
                % {"minutes": lock_minutes()},
                code=Code.LOCKED,
            )
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
    token = serializers.CharField(read_only=True, help_text=_("Send it as the header `Authorization: Token <token>`."))


class ObtainTokenView(APIView):
    """Exchange a username and password for the user's API token."""

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
            400: OpenApiResponse(description=_("Wrong username or password, or a field is missing.")),
            429: OpenApiResponse(description=_("Too many attempts; wait a minute.")),
        },
        summary=_("Obtain an API token"),
    )
    def post(self, request):
        serializer = self.serializer_class(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        record_event(
            kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN, user=user, request=request,
            detail="API token",
        )
        return Response({"token": token.key})
