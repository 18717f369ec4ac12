"""The prefill fetcher reaches public pages only, within its time and size limits."""

import socket

import pytest

from curation.fetching import FetchRefused, fetch


def test_an_allowed_page_is_fetched_with_no_cookies_or_credentials(allow_test_server):
    page = fetch(allow_test_server.base + "/to-article")
    assert page.url.endswith("/article")
    assert "示例芯片公司".encode() in page.body
    assert [request["path"] for request in allow_test_server.seen] == ["/to-article", "/article"]
    for request in allow_test_server.seen:
        headers = {name.lower() for name in request["headers"]}
        assert "cookie" not in headers  # not even the one the redirect set
        assert "authorization" not in headers


def test_loopback_is_refused_without_the_test_exemption(web_server, settings):
    settings.CURATION_FETCH_ALLOWED_ADDRESSES = []
    with pytest.raises(FetchRefused, match="loopback"):
        fetch(web_server.base + "/article")
    assert web_server.seen == []


def test_the_exemption_covers_only_that_address_and_port(allow_test_server):
    with pytest.raises(FetchRefused, match="loopback"):
        fetch(f"http://127.0.0.1:{allow_test_server.port + 1}/")
    with pytest.raises(FetchRefused, match="loopback"):
        fetch(allow_test_server.base.replace("127.0.0.1", "127.0.0.2") + "/article")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://localhost/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://10.0.0.1/", "private"),
        ("http://172.16.5.4/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://[fd12:3456::1]/", "private"),
        ("http://169.254.10.10/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://224.0.0.251/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[fd00:ec2::254]/latest/meta-data/", "metadata"),
        ("http://100.100.100.200/latest/meta-data/", "metadata"),
    ],
)
def test_internal_addresses_are_refused(url, reason, settings):
    settings.CURATION_FETCH_ALLOWED_ADDRESSES = []
    with pytest.raises(FetchRefused, match=reason):
        fetch(url)


def test_a_metadata_address_is_refused_even_if_exempted(settings):
    settings.CURATION_FETCH_ALLOWED_ADDRESSES = ["169.254.169.254:80"]
    with pytest.raises(FetchRefused, match="metadata"):
        fetch("http://169.254.169.254/latest/meta-data/")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/file", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("gopher://example.com/", "only http and https"),
        ("http://user:pass@example.com/", "user name or password"),
    ],
)
def test_other_schemes_and_credentials_are_refused(url, reason):
    with pytest.raises(FetchRefused, match=reason):
        fetch(url)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-private", "private"),
        ("/to-metadata", "metadata"),
        ("/to-loopback-port", "loopback"),
        ("/to-ftp", "only http and https"),
        ("/loop", "too many redirects"),
    ],
)
def test_every_redirect_is_checked_again(allow_test_server, path, reason):
    with pytest.raises(FetchRefused, match=reason):
        fetch(allow_test_server.base + path)


@pytest.mark.parametrize("path", ["/big", "/big-without-length"])
def test_oversized_responses_are_refused(allow_test_server, path):
    with pytest.raises(FetchRefused, match="larger than"):
        fetch(allow_test_server.base + path)


@pytest.mark.parametrize("path", ["/slow", "/dripping"])
def test_slow_responses_are_refused(allow_test_server, path):
    with pytest.raises(FetchRefused, match="timed out|too slowly"):
        fetch(allow_test_server.base + path)


def test_a_server_dripping_its_headers_is_hung_up_on(allow_test_server):
    with pytest.raises(FetchRefused, match="too slowly"):
        fetch(allow_test_server.base + "/dripping-headers")
    # The server notices the closed connection long before its 10 s drip ends.
    assert allow_test_server.hung_up.wait(timeout=4)


def test_an_error_status_is_refused(allow_test_server):
    with pytest.raises(FetchRefused, match="404"):
        fetch(allow_test_server.base + "/missing")


def test_a_name_is_resolved_once_and_its_checked_address_is_the_one_connected(
    allow_test_server, monkeypatch
):
    """DNS rebinding: a second lookup would answer with a private address."""
    answers = [
        [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", allow_test_server.port))],
        [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", allow_test_server.port))],
    ]
    calls = []

    def rebinding_resolver(host, port, *args, **kwargs):
        calls.append(host)
        return answers[min(len(calls) - 1, 1)]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_resolver)
    page = fetch(f"http://rebind.example:{allow_test_server.port}/article")
    assert b"og:title" in page.body
    assert calls == ["rebind.example"]
    # The request spoke for the name although it went to the checked address.
    assert (
        allow_test_server.seen[-1]["headers"]["Host"] == f"rebind.example:{allow_test_server.port}"
    )


def test_a_name_with_any_private_address_is_refused(monkeypatch):
    def mixed(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.0.10", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", mixed)
    with pytest.raises(FetchRefused, match="private"):
        fetch("https://mixed.example/")
