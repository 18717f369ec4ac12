"""One key per web page, whatever link to it an editor pasted.

``normalize_url`` turns a link into the key that duplicate checks compare:
the scheme is dropped (http and https are the same page), the host is
lower-cased without ``www.`` and default ports, the trailing slash, the
fragment and tracking parameters go, the remaining parameters are sorted.
Two sites get rules of their own because the team links them most:

* WeChat articles (``mp.weixin.qq.com/s``): a permanent link is identified by
  ``__biz``, ``mid``, ``idx`` and ``sn``; everything else (``chksm``,
  ``scene``, ``sharer_*``, ...) is per-share noise. A temporary link
  (``?timestamp=…&signature=…`` without ``sn``) has nothing but its signature
  to tell articles apart, so it keeps it; stripping it would make every
  temporary link look like one article.
* arXiv: ``abs``, ``pdf`` (with or without ``.pdf``), ``html`` and versioned
  links of one paper all become ``arxiv.org/abs/<id>``.

The key is not meant to be opened; it is stored beside the original link.
Pure Python and no Django, so models of any app can import it.
"""

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

# Query parameters that only say where a click came from.
TRACKING_PARAMETERS = {
    "spm",
    "from",
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "isappinstalled",
    "share_token",
    "wechat_redirect",
}
TRACKING_PREFIXES = ("utm_",)

WECHAT_HOST = "mp.weixin.qq.com"
WECHAT_PERMANENT_KEYS = ("__biz", "mid", "idx", "sn")
WECHAT_NOISE = {
    "chksm",
    "scene",
    "subscene",
    "timestamp",
    "signature",
    "srcid",
    "clicktime",
    "enterid",
    "ascene",
    "devicetype",
    "version",
    "nettype",
    "lang",
    "exportkey",
    "pass_ticket",
    "wx_header",
    "key",
    "uin",
    "sessionid",
    "abtest_cookie",
    "mpshare",
    "rd2werd",
    "poc_token",
    "countrycode",
    "realreporttime",
    "from_msgid",
    "from_itemidx",
}
WECHAT_NOISE_PREFIXES = ("sharer_", "utm_")

ARXIV_HOSTS = {"arxiv.org", "export.arxiv.org", "ar5iv.org", "ar5iv.labs.arxiv.org"}
# New-style ids (1812.00332, 2401.12345) and old-style ones (cs/0112017, hep-th/9901001).
ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?"
_arxiv_path = re.compile(rf"^/(?:abs|pdf|html|format|ps)/{ARXIV_ID}(?:\.pdf)?/?$", re.IGNORECASE)
_percent_escape = re.compile(r"%[0-9a-fA-F]{2}")
_unreserved = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Case-insensitive paths: GitHub's owner and repository names.
CASELESS_PATH_HOSTS = {"github.com", "gitee.com"}

MAX_KEY_LENGTH = 2000


def _host_and_port(parts):
    try:
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return "", None
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        pass
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    return host, port


def _tidy_escapes(text):
    """``%7e`` → ``~`` and ``%2f`` → ``%2F``: one spelling per character."""

    def tidy(match):
        character = chr(int(match.group(0)[1:], 16))
        return character if character in _unreserved else match.group(0).upper()

    return _percent_escape.sub(tidy, text)


def arxiv_id(url: str) -> str:
    """The arXiv identifier of a link to a paper (without version), or ``""``."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return ""
    host, _port = _host_and_port(parts)
    if host not in ARXIV_HOSTS:
        return ""
    match = _arxiv_path.match(parts.path)
    return match.group("id") if match else ""


def _query(pairs, host, path):
    if host == WECHAT_HOST and path == "/s":
        names = {name for name, _value in pairs}
        if "sn" in names or "__biz" in names:
            return [(name, value) for name, value in pairs if name in WECHAT_PERMANENT_KEYS]
        return [
            (name, value)
            for name, value in pairs
            if name not in WECHAT_NOISE - {"timestamp", "signature"}
            and not name.startswith(WECHAT_NOISE_PREFIXES)
        ]
    if host == WECHAT_HOST and path.startswith("/s/"):
        return []  # short links carry the article in their path
    return [
        (name, value)
        for name, value in pairs
        if name.lower() not in TRACKING_PARAMETERS
        and not name.lower().startswith(TRACKING_PREFIXES)
    ]


def normalize_url(url: str) -> str:
    """The duplicate-check key of ``url``; ``""`` for anything that is not a web link."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"}:
        return ""
    host, port = _host_and_port(parts)
    if not host:
        return ""
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"

    identifier = arxiv_id(text)
    if identifier:
        return f"arxiv.org/abs/{identifier}"

    path = _tidy_escapes(parts.path)
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    if host in CASELESS_PATH_HOSTS:
        segments = path.split("/")
        path = "/".join(
            segment.lower() if i <= 2 else segment for i, segment in enumerate(segments)
        )
        if len(segments) == 3 and path.endswith(".git"):
            path = path[:-4]

    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode(sorted(_query(pairs, host, path)), quote_via=quote, safe="/:@!$'()*,;=~")

    # Hash routes (#/docs, #!/page) name a page of a single-page site; other
    # fragments are a place on the page.
    fragment = parts.fragment if parts.fragment.startswith(("/", "!")) else ""
    fragment = fragment.rstrip("/")

    key = netloc + path
    if query:
        key += "?" + query
    if fragment:
        key += "#" + fragment
    return key[:MAX_KEY_LENGTH]
