"""The SSRF guard refuses every non-public address range, honours WEBHOOK_ALLOWED_HOSTS, and checks what a
host resolves to (so a public-looking name pointing inside is refused too)."""

from __future__ import annotations

import pytest

from app.services.ssrf import UnsafeUrl, check_url


def resolver_to(*addresses: str):
    return lambda host, port: list(addresses)


@pytest.mark.parametrize(("address", "why"), [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("169.254.169.254", "link-local"), ("169.254.0.1", "link-local"), ("fe80::1", "link-local"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fd00::1", "private"),
    ("100.64.0.1", "shared"), ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"), ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "link-local"), ("240.0.0.1", "reserved"),
])
def test_every_non_public_range_is_refused(address: str, why: str) -> None:
    with pytest.raises(UnsafeUrl, match=why):
        check_url("https://hooks.example.com/x", resolver=resolver_to(address))


def test_a_host_with_one_private_address_among_public_ones_is_refused() -> None:
    with pytest.raises(UnsafeUrl, match="private"):
        check_url("https://hooks.example.com/", resolver=resolver_to("93.184.215.14", "10.0.0.5"))


def test_a_public_address_is_allowed_and_pinned() -> None:
    target = check_url("https://hooks.example.com:8443/in?x=1", resolver=resolver_to("93.184.215.14"))
    assert (target.scheme, target.host, target.port, target.path, target.address) == (
        "https", "hooks.example.com", 8443, "/in?x=1", "93.184.215.14")


def test_allowed_hosts_skip_the_address_check() -> None:
    target = check_url("http://127.0.0.1:9000/hook", allowed={"127.0.0.1"})
    assert target.address == "127.0.0.1"
    with pytest.raises(UnsafeUrl, match="loopback"):
        check_url("http://localhost:9000/hook", allowed={"127.0.0.1"})


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "gopher://x", "javascript:alert(1)",
                                 "http://user:pw@example.com/", "http://example.com:99999/", "http:///nohost", "",
                                 "https://" + "a" * 2100])
def test_other_schemes_and_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrl):
        check_url(url, resolver=resolver_to("93.184.215.14"))


def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(UnsafeUrl, match="resolved"):
        check_url("https://does-not-exist.invalid/")
