"""POST /api/v1/auth/token/ with username and password returns {"token": …}."""
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import AnonRateThrottle


class TokenThrottle(AnonRateThrottle):
    rate = "20/min"


class ObtainTokenView(ObtainAuthToken):
    throttle_classes = [TokenThrottle]
