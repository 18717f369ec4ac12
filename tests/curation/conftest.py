"""A small web server on 127.0.0.1 that the prefill tests fetch from.

The fetcher refuses loopback addresses; ``allow_test_server`` exempts exactly
this server's address and port through ``CURATION_FETCH_ALLOWED_ADDRESSES``.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache

ARTICLE = """<!doctype html><html><head><meta charset="utf-8">
<title>Ignored when og:title exists</title>
<meta property="og:title" content="示例芯片公司发布 4 TOPS 端侧 NPU">
<meta property="og:site_name" content="示例科技">
<meta name="description" content="一款面向 &lt;手机&gt; 的低功耗推理芯片。">
</head><body><p>正文</p></body></html>"""


class Handler(BaseHTTPRequestHandler):
    routes = {}
    seen = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        type(self).seen.append({"path": self.path, "headers": dict(self.headers)})
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404)
            return
        route(self)


def send_html(handler, body, status=200, headers=()):
    data = body.encode("utf-8")
    handler.send_response(status)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(data)))
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


def redirect(location, cookie=False):
    def route(handler):
        handler.send_response(302)
        handler.send_header("Location", location(handler) if callable(location) else location)
        if cookie:
            handler.send_header("Set-Cookie", "session=secret; Path=/")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def big_without_length(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    for _ in range(64):
        handler.wfile.write(b"<p>" + b"x" * 1024 + b"</p>")


def slow(handler):
    time.sleep(2.5)
    send_html(handler, ARTICLE)


def dripping(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    for _ in range(30):
        handler.wfile.write(b"<p>.</p>")
        handler.wfile.flush()
        time.sleep(0.2)


hung_up = threading.Event()


def dripping_headers(handler):
    """One header byte every 50 ms for 10 s: each read is quick, the whole is not."""
    try:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        for _ in range(200):
            handler.wfile.write(b".")
            handler.wfile.flush()
            time.sleep(0.05)
        handler.wfile.write(b"\r\nContent-Length: 0\r\n\r\n")
    except OSError:
        hung_up.set()


@pytest.fixture
def web_server():
    Handler.seen = []
    hung_up.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    base = f"http://127.0.0.1:{port}"
    Handler.routes = {
        "/article": lambda h: send_html(h, ARTICLE),
        "/big": lambda h: send_html(h, "<p>" + "x" * 64 * 1024 + "</p>"),
        "/big-without-length": big_without_length,
        "/slow": slow,
        "/dripping": dripping,
        "/dripping-headers": dripping_headers,
        "/to-article": redirect("/article", cookie=True),
        "/to-private": redirect("http://10.0.0.1/admin"),
        "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
        "/to-loopback-port": redirect("http://127.0.0.1:6379/"),
        "/to-ftp": redirect("ftp://example.com/file"),
        "/loop": redirect("/loop"),
        "/missing": lambda h: h.send_error(404),
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.base = base
    server.port = port
    server.seen = Handler.seen
    server.hung_up = hung_up
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def allow_test_server(settings, web_server):
    settings.CURATION_FETCH_ALLOWED_ADDRESSES = [f"127.0.0.1:{web_server.port}"]
    settings.CURATION_FETCH_TIMEOUT = 1
    settings.CURATION_FETCH_MAX_BYTES = 16 * 1024
    return web_server


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()
