"""The client's address, as far as it can be trusted.

REMOTE_ADDR is the client, unless it is one of our own reverse proxies (settings.BANZI_TRUSTED_PROXIES:
addresses or networks, from the environment, none by default). Then the client is the right-most address of
X-Forwarded-For that is not a trusted proxy: each trusted proxy appends the address it received from, and
everything left of that is what the client wrote itself. So X-Forwarded-For sent straight to the application,
or through an untrusted hop, changes nothing: the audit trail, the sign-in limits and the API throttles all
see the real peer.
"""
import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=16)
def _networks(proxies):
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def trusted_networks():
    proxies = getattr(settings, "BANZI_TRUSTED_PROXIES", ())
    if isinstance(proxies, str):
        proxies = proxies.split(",")
    return _networks(tuple(proxies))


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(address, networks=None):
    networks = trusted_networks() if networks is None else networks
    return address is not None and any(address in network for network in networks)


def client_ip(request):
    """The client's IP address as text, or None when there is no request (or no usable address)."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    remote = _address(meta.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    networks = trusted_networks()
    if not is_trusted_proxy(remote, networks):
        return str(remote)
    client = remote
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break  # a malformed entry: trust nothing left of it
        client = address
        if not is_trusted_proxy(address, networks):
            break
    return str(client)
