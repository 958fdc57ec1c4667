"""Which webhook URLs and peer addresses the platform may POST to (SSRF guard, pure)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_URL_LENGTH = 2000
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """https only (http if `allow_http`); addresses in `allowed` pass although not public."""

    allow_http: bool = False
    allowed: tuple[IPNetwork, ...] = ()


def parse_allow_list(text: str) -> tuple[IPNetwork, ...]:
    """Comma- or space-separated addresses and CIDR blocks, e.g. `127.0.0.1, 10.0.0.0/8`."""
    networks: list[IPNetwork] = []
    for entry in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError as exc:
            raise ValueError(f"{entry!r} is not an IP address or CIDR block ({exc})") from exc
    return tuple(networks)


def _number(part: str) -> int:
    """One inet_aton component: decimal, octal (leading 0) or hexadecimal (0x)."""
    lowered = part.lower()
    if lowered.startswith("0x"):
        return int(lowered[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part[1:], 8)
    return int(part, 10)


def _inet_aton(host: str) -> ipaddress.IPv4Address | None:
    """IPv4 in every form C's inet_aton reads (`127.1`, `2130706433`, `0x7f.1`, `0177.0.0.1`)."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(parts):
        return None
    try:
        numbers = [_number(p) for p in parts]
    except ValueError:
        return None
    *head, last = numbers
    if any(not 0 <= n <= 255 for n in head) or not 0 <= last < 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    return ipaddress.IPv4Address(value * 256 ** (4 - len(head)) + last)


def literal_address(host: str) -> IPAddress | None:
    """The address a host name written as an IP literal means (any notation), else None."""
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return _inet_aton(host)


def _effective(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:127.0.0.1 reaches 127.0.0.1
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def _category(address: IPAddress) -> str | None:
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    )
    for name, hit in checks:
        if hit:
            return name
    return None if address.is_global else "non-public"


def address_problem(address: IPAddress | str, policy: UrlPolicy) -> str | None:
    """Why the platform may not connect to this address (None: it may)."""
    raw = ipaddress.ip_address(address.split("%")[0]) if isinstance(address, str) else address
    for candidate in {raw, _effective(raw)}:
        if any(candidate in network for network in policy.allowed):
            return None
    effective = _effective(raw)
    category = _category(effective) or _category(raw)
    if category is None:
        return None
    article = "an" if category[0] in "aeiou" else "a"
    return (
        f"{raw} is {article} {category} address; webhooks go only to public addresses "
        "(an operator can allow it with LOGISTICS_WEBHOOK_ALLOW_HOSTS)"
    )


def addresses_problem(addresses: Iterable[IPAddress | str], policy: UrlPolicy) -> str | None:
    """The first refused address among those a host name resolved to (every one must pass)."""
    for address in addresses:
        if (problem := address_problem(address, policy)) is not None:
            return problem
    return None


def url_problem(url: str, policy: UrlPolicy) -> str | None:
    """Why `url` may not receive webhooks (None: it may, pending its resolved addresses)."""
    if len(url) > MAX_URL_LENGTH:
        return f"longer than {MAX_URL_LENGTH} characters"
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError as exc:
        return f"not a valid URL: {exc}"
    allowed = ("https", "http") if policy.allow_http else ("https",)
    if parts.scheme not in allowed:
        hint = "" if policy.allow_http else " (http only where LOGISTICS_WEBHOOK_ALLOW_HTTP=true)"
        return f"must be an {' or '.join(s + '://' for s in allowed)} URL{hint}"
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        return "must not contain credentials (user:password@); authenticate with the signature"
    host = parts.hostname
    if not host:
        return "must name a host"
    name = host.rstrip(".").lower()
    if name in LOCAL_NAMES or name.endswith(".localhost"):
        return address_problem(ipaddress.IPv4Address("127.0.0.1"), policy)
    address = literal_address(name)
    if address is not None:
        return address_problem(address, policy)
    if name.replace(".", "").isdigit() or name.startswith("0x"):
        return f"{host!r} is neither a host name nor an IP address"
    return None
