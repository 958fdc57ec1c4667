"""Webhook connections that reach only addresses the URL policy allows (checked at connect)."""

from __future__ import annotations

import socket
import ssl
import typing
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import httpcore

from logistics.tracking.webhook_url_policy import UrlPolicy, address_problem, url_problem

Resolver = Callable[[str, int], list[str]]


class AddressRefused(httpcore.ConnectError):
    """The URL, or an address its host resolved to, is not one webhooks may reach."""


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to for TCP (the system resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.NetworkBackend):
    """Resolves the host itself, checks every address, then connects to a checked address.

    The connection goes to the very address that was checked, so a name that resolves to a
    public address at one lookup and to 127.0.0.1 at the next (DNS rebinding) cannot slip
    through; TLS still verifies the certificate and sends SNI for the URL's host name, and the
    Host header is the URL's.
    """

    def __init__(self, policy: UrlPolicy, resolver: Resolver = resolve) -> None:
        self.policy = policy
        self.resolver = resolver
        self.inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        """Connect to the first allowed address of `host`; refuse if any address is not allowed."""
        try:
            addresses = self.resolver(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host!r}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host!r} resolved to no address")
        for address in addresses:
            if (problem := address_problem(address, self.policy)) is not None:
                raise AddressRefused(f"refused to connect to {host!r}: {problem}")
        error: Exception | None = None
        for address in addresses:
            try:
                return self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        assert error is not None
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        """Never: webhooks go over TCP only."""
        raise AddressRefused("webhooks are never sent to a unix socket")

    def sleep(self, seconds: float) -> None:
        """Sleep (as the default backend)."""
        self.inner.sleep(seconds)


PostFn = Callable[[str, bytes, Mapping[str, str]], int]


@contextmanager
def guarded_poster(
    policy: UrlPolicy, timeout_s: float, resolver: Resolver = resolve
) -> Iterator[PostFn]:
    """A POST function for deliveries: URL checked again, peer addresses checked, no redirects."""
    timeouts = {"connect": timeout_s, "read": timeout_s, "write": timeout_s, "pool": timeout_s}
    with httpcore.ConnectionPool(
        ssl_context=ssl.create_default_context(),
        network_backend=GuardedBackend(policy, resolver),
        max_connections=8,
    ) as pool:

        def post(url: str, body: bytes, headers: Mapping[str, str]) -> int:
            if (problem := url_problem(url, policy)) is not None:
                raise AddressRefused(f"refused webhook URL: {problem}")
            # httpcore never follows redirects: a 3xx is a failed attempt, never another host.
            response = pool.request(
                "POST",
                url,
                headers=list(headers.items()),
                content=body,
                extensions={"timeout": timeouts},
            )
            return int(response.status)

        yield post
