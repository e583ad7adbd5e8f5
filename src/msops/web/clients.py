"""Which address a request comes from, for the sign-in throttle.

The address is the socket peer's. Only when the peer is one of the configured trusted proxies
(MSOPS_TRUSTED_PROXIES: comma-separated addresses or networks, e.g. "10.0.0.5, 10.1.0.0/24")
is X-Forwarded-For read, from the right: the first address in it that is not a trusted proxy is
the client (anything to its left was written by the client itself, so it is ignored). With no
trusted proxy configured, X-Forwarded-For is never read, whoever the peer is.
"""

from __future__ import annotations

import ipaddress

from fastapi import Request

from msops.domain import settings
from msops.domain.errors import InvalidInput

TRUSTED_PROXIES_ENV = "MSOPS_TRUSTED_PROXIES"
MAX_HOPS = 20  # X-Forwarded-For entries read at most, from the right

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(text: str) -> tuple[Network, ...]:
    """The networks in a comma-separated list of addresses or networks (a bare address is a
    network of one); raises InvalidInput naming an entry that is neither."""
    networks: list[Network] = []
    for entry in (e.strip() for e in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise InvalidInput(
                f"{TRUSTED_PROXIES_ENV}: {entry!r} is not an IP address or network"
            ) from None
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    """The trusted proxies named by MSOPS_TRUSTED_PROXIES (none when it is unset)."""
    return parse_proxies(settings.current().trusted_proxies)


def _is_trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def forwarded_client(peer: str, forwarded_for: list[str], proxies: tuple[Network, ...]) -> str:
    """The client behind `peer`, given the request's X-Forwarded-For header values in order."""
    if not proxies or not _is_trusted(peer, proxies):
        return peer
    hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
    hops = hops[-MAX_HOPS:]
    for hop in reversed(hops):
        if not _is_trusted(hop, proxies):
            return hop[:100]
    return hops[0] if hops else peer  # every hop is a trusted proxy


def client_address(request: Request) -> str:
    """The address the sign-in throttle counts this request against."""
    peer = request.client.host if request.client else "unknown"
    proxies: tuple[Network, ...] = getattr(request.app.state, "trusted_proxies", ())
    return forwarded_client(peer, request.headers.getlist("x-forwarded-for"), proxies)
