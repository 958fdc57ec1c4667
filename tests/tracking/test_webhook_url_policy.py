"""The webhook URL policy: https only, no credentials, no loopback/private/reserved in any notation."""

from __future__ import annotations

import ipaddress

import pytest

from logistics.tracking.webhook_url_policy import (
    UrlPolicy,
    address_problem,
    addresses_problem,
    literal_address,
    parse_allow_list,
    url_problem,
)

STRICT = UrlPolicy()
REFUSED = {
    "https://127.0.0.1/": "loopback",
    "https://127.0.0.1:5432/": "loopback",
    "https://localhost/hook": "loopback",
    "https://LOCALHOST./hook": "loopback",
    "https://api.localhost/": "loopback",
    "https://[::1]/": "loopback",
    "https://0.0.0.0/": "unspecified",
    "https://[::]/": "unspecified",
    "https://2130706433/": "loopback",
    "https://127.1/": "loopback",
    "https://0x7f.0.0.1/": "loopback",
    "https://0x7f000001/": "loopback",
    "https://0177.0.0.1/": "loopback",
    "https://10.0.0.1/": "private",
    "https://172.16.5.4/": "private",
    "https://192.168.0.1/": "private",
    "https://169.254.169.254/latest/meta-data/": "link-local",
    "https://[fe80::1]/": "link-local",
    "https://[fc00::1]/": "private",
    "https://224.0.0.1/": "multicast",
    "https://[ff02::1]/": "multicast",
    "https://[::ffff:127.0.0.1]/": "loopback",
    "https://[::ffff:10.0.0.1]/": "private",
    "https://[2002:7f00:1::]/": "loopback",
    "https://100.64.0.1/": "non-public",
    "https://198.18.0.1/": "private",
    "https://user:pass@example.com/": "credentials",
    "https://user@example.com/": "credentials",
    "http://example.com/hook": "https://",
    "ftp://example.com/": "https://",
    "gopher://example.com/": "https://",
    "https:///nohost": "host",
    "https://example.com:99999/": "not a valid URL",
    "https://999.1.1.1/": "neither",
    "https://exa mple.com/": "spaces",
}


@pytest.mark.parametrize(("url", "why"), sorted(REFUSED.items()))
def test_every_unsafe_url_form_is_refused(url: str, why: str) -> None:
    """Each form names its reason."""
    problem = url_problem(url, STRICT)
    assert problem is not None and why in problem


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/hook",
        "https://hooks.example.com:8443/a?b=c",
        "https://93.184.216.34/x",
        "https://[2606:4700:4700::1111]/x",
    ],
)
def test_public_https_urls_pass(url: str) -> None:
    """Public host names and addresses over https are accepted."""
    assert url_problem(url, STRICT) is None


def test_http_only_behind_its_setting_and_private_only_when_allowed() -> None:
    """allow_http admits http but not loopback; the allow-list admits its networks only."""
    lax = UrlPolicy(allow_http=True)
    assert url_problem("http://example.com/", lax) is None
    assert "loopback" in (url_problem("http://127.0.0.1:8080/", lax) or "")
    allowed = UrlPolicy(allow_http=True, allowed=parse_allow_list("127.0.0.1, 10.1.0.0/16"))
    assert url_problem("http://127.0.0.1:8080/", allowed) is None
    assert url_problem("http://localhost:8080/", allowed) is None
    assert url_problem("http://10.1.2.3/", allowed) is None
    assert "private" in (url_problem("http://10.2.0.1/", allowed) or "")
    assert "credentials" in (url_problem("http://u:p@127.0.0.1/", allowed) or "")


def test_literal_addresses_in_every_notation() -> None:
    """inet_aton notations and bracketed IPv6 read as the address they mean; names do not."""
    loopback = ipaddress.ip_address("127.0.0.1")
    for text in ("127.0.0.1", "127.1", "2130706433", "0x7f.1", "0177.0.0.01", "127.0.1"):
        assert literal_address(text) == loopback, text
    assert literal_address("[::1]") == ipaddress.ip_address("::1")
    assert literal_address("example.com") is None
    assert literal_address("256.1.1.1") is None


def test_resolved_addresses_must_all_pass() -> None:
    """One private address among a name's addresses refuses the connection."""
    assert addresses_problem(["93.184.216.34", "2606:4700:4700::1111"], STRICT) is None
    assert "loopback" in (addresses_problem(["93.184.216.34", "127.0.0.1"], STRICT) or "")
    assert "link-local" in (address_problem("fe80::1%eth0", STRICT) or "")


def test_allow_list_rejects_garbage() -> None:
    """A bad allow-list entry is an error naming it."""
    with pytest.raises(ValueError, match="nonsense"):
        parse_allow_list("127.0.0.1,nonsense")
