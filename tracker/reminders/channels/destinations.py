"""Where a webhook may be sent: to public addresses only.

The office types a webhook's address, and the server, not the office, then connects to it: without a
check, a webhook (or its 测试 button) reaches the machine itself, the intranet behind it, or a cloud's
metadata service. So every host is resolved and each of its addresses must be public (not loopback,
private, link-local, shared, reserved or multicast, also when written as an IPv4-mapped, 6to4 or NAT64
IPv6 address). The connection then goes to the address that was checked, never to a second lookup of
the name (which a hostile DNS server could answer differently: DNS rebinding). A site that does want an
intranet robot gateway lets it through by name or network in TRACKER_WEBHOOK_ALLOWED_HOSTS.
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from tracker.reminders.channels import DeliveryError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedDestination(DeliveryError):
    """The address is not one a webhook may be sent to; nothing was sent."""


@dataclass(frozen=True)
class AllowList:
    """Hosts (by name) and networks that a webhook may reach although they are not public."""

    hosts: frozenset[str] = frozenset()
    networks: tuple = ()

    @classmethod
    def from_setting(cls, setting: str | list | tuple | None) -> AllowList:
        """"robot.intranet.gov.cn, 10.20.0.0/16" (a string, as from the environment) or a list of the same."""
        items = setting.replace(",", " ").split() if isinstance(setting, str) else list(setting or ())
        hosts, networks = set(), []
        for item in items:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.strip().lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows(self, address: IPAddress) -> bool:
        return any(address.version == network.version and address in network for network in self.networks)


def _embedded(address: IPAddress) -> list[IPAddress]:
    """The address and any IPv4 address an IPv6 one carries (mapped, 6to4, Teredo client, NAT64)."""
    found = [address]
    if isinstance(address, ipaddress.IPv6Address):
        found += [a for a in (address.ipv4_mapped, address.sixtofour, (address.teredo or (None, None))[1]) if a]
        if address in _NAT64:
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def is_public(address: IPAddress) -> bool:
    return all(a.is_global and not a.is_multicast and not a.is_private and not a.is_reserved
               for a in _embedded(address))


def resolve(url: str, allowed: AllowList) -> tuple[str, int, list[str]]:
    """(host, port, addresses to connect to) for `url`, every address checked; RefusedDestination if any
    is not public and not allowed, or the URL is not http(s)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedDestination(f"not an http(s) address: {url!r}")
    host = parts.hostname.lower().rstrip(".")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as error:
        raise DeliveryError(f"cannot resolve {host}: {error}") from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if host not in allowed.hosts:
        for text in addresses:
            address = ipaddress.ip_address(text.split("%")[0])
            if not is_public(address) and not allowed.allows(address):
                raise RefusedDestination(f"{host} resolves to {address}, which is not a public address")
    return host, port, addresses
