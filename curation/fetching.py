"""Fetches a web page for URL prefill without letting a link reach inside our network.

An editor's pasted link makes the *server* open a connection, so a link to
``http://127.0.0.1:6379/`` or ``http://169.254.169.254/`` would let anyone with
an editor account probe the internal network (SSRF). Every request here:

* accepts only http and https, and no user name or password in the link;
* resolves the host name itself, refuses the request unless *every* address
  is public (not loopback, private, link-local, multicast, reserved,
  unspecified or a cloud metadata address), and then connects to exactly the
  address it checked, sending the name as ``Host`` header and TLS SNI (the
  certificate is verified for the name). A DNS answer that changes between
  check and connect (DNS rebinding) therefore cannot get through;
* follows at most ``CURATION_FETCH_MAX_REDIRECTS`` redirects, each checked
  in full like the first link;
* sends no cookies and no credentials, asks for an uncompressed response,
  gives up after ``CURATION_FETCH_TIMEOUT`` seconds in total and refuses a
  body larger than ``CURATION_FETCH_MAX_BYTES``.

Only the standard library (``socket``, ``ssl``, ``http.client``): it lets us
choose the address we connect to, which higher-level clients hide.
``CURATION_FETCH_ALLOWED_ADDRESSES`` lists ``ip:port`` pairs exempt from the
address check; it is for tests serving pages from this machine and is empty
in production.
"""

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, Alibaba, ...
    ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
}
USER_AGENT = "digest-link-prefill/1.0 (+link preview for editors)"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class FetchRefused(Exception):
    """The link was not fetched, and why (never shown as an error page)."""


@dataclass
class FetchedPage:
    url: str
    content_type: str
    charset: str
    body: bytes


def _allowed_exceptions():
    return set(getattr(settings, "CURATION_FETCH_ALLOWED_ADDRESSES", []))


def address_refusal(address: str, port: int) -> str:
    """Why connecting to ``address`` is refused, or ``""`` if it is a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return f"{ip} is a cloud metadata address"
    if f"{ip}:{port}" in _allowed_exceptions():
        return ""
    for kind in ("unspecified", "loopback", "link_local", "multicast", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return f"{ip} is a {kind.replace('_', '-')} address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return ""


def _checked_addresses(host: str, port: int):
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchRefused(f"{host} does not resolve: {error}") from None
    addresses = []
    for family, _type, _proto, _name, sockaddr in infos:
        refusal = address_refusal(sockaddr[0], port)
        if refusal:
            # One private answer is enough to refuse: a name that mixes public
            # and private addresses is an attack, not a misconfiguration.
            raise FetchRefused(f"{host}: {refusal}")
        addresses.append((family, sockaddr))
    if not addresses:
        raise FetchRefused(f"{host} has no address")
    return addresses


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to one checked address, speaking for the host name."""

    def __init__(self, host, port, *, family, sockaddr, use_tls, timeout):
        super().__init__(host, port, timeout=timeout)
        self._family = family
        self._sockaddr = sockaddr
        self._use_tls = use_tls

    def connect(self):
        sock = socket.socket(self._family, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._sockaddr)
            if self._use_tls:
                context = ssl.create_default_context()
                sock = context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


def _target(url: str):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise FetchRefused(f"only http and https links are fetched, not {scheme or 'this'}")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused("links with a user name or password are not fetched")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchRefused("the link's port is not valid") from None
    host = parts.hostname
    if not host:
        raise FetchRefused("the link has no host")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port, path


def _read_limited(response, deadline, max_bytes):
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchRefused(f"the response is larger than {max_bytes} bytes")
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise FetchRefused("the site answered too slowly")
        chunk = response.read1(16 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused(f"the response is larger than {max_bytes} bytes")
        chunks.append(chunk)


def _abort(connection):
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _request_once(url, deadline, max_bytes):
    scheme, host, port, path = _target(url)
    addresses = _checked_addresses(host, port)
    family, sockaddr = addresses[0]
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchRefused("the site answered too slowly")
    connection = _PinnedConnection(
        host,
        port,
        family=family,
        sockaddr=sockaddr,
        use_tls=scheme == "https",
        timeout=min(remaining, settings.CURATION_FETCH_TIMEOUT),
    )
    # Socket timeouts bound each read, not the sum of them: a server dripping
    # its headers one byte at a time would never time out. This closes the
    # socket when the whole request's time is up, which ends any blocked read.
    watchdog = threading.Timer(remaining, _abort, [connection])
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request(
            "GET",
            path,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                "Accept-Encoding": "identity",
                "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
            },
        )
        response = connection.getresponse()
        if response.status in REDIRECT_STATUSES:
            location = response.getheader("Location")
            if not location:
                raise FetchRefused("a redirect without a Location")
            return None, urljoin(url, location)
        if response.status != 200:
            raise FetchRefused(f"the site answered {response.status}")
        body = _read_limited(response, deadline, max_bytes)
        content_type = response.headers.get_content_type()
        charset = response.headers.get_content_charset() or ""
        return FetchedPage(url=url, content_type=content_type, charset=charset, body=body), None
    except (OSError, http.client.HTTPException, ssl.SSLError, ValueError) as error:
        if time.monotonic() >= deadline:
            raise FetchRefused("the site answered too slowly") from None
        raise FetchRefused(f"{host}: {error.__class__.__name__}: {error}") from None
    finally:
        watchdog.cancel()
        connection.close()


def fetch(url: str) -> FetchedPage:
    """The page at ``url``, or ``FetchRefused`` saying why not."""
    timeout = settings.CURATION_FETCH_TIMEOUT
    max_bytes = settings.CURATION_FETCH_MAX_BYTES
    deadline = time.monotonic() + timeout
    for _hop in range(settings.CURATION_FETCH_MAX_REDIRECTS + 1):
        page, next_url = _request_once(url, deadline, max_bytes)
        if page is not None:
            return page
        url = next_url
    raise FetchRefused("too many redirects")
