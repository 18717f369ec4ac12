"""Issue pages drawn in a frame (``issues.frames``) are the pages the template renders."""

import datetime
import re

from django.template import engines
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import resolve
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st

from issues.frames import Frame
from issues.models import Publication
from issues.views import ISSUE_PAGE_SLOTS
from tests.factories import make_issue, publish

D = datetime.date
SAFE_SLOTS = {"issue_meta", "body_html", "issue_nav", "archive"}
# Text a template escapes, and text that looks like a marker.
text = st.text(alphabet=st.sampled_from("<>&\"'\x00a中 {}%"), min_size=1, max_size=12)


def reader_request(path):
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    request.publication = Publication(name="嵌入式AI简报 <b>", tagline="端侧 & 模型")
    return request


@given(
    values=st.fixed_dictionaries(
        {name: text.map(mark_safe) if name in SAFE_SLOTS else text for name in ISSUE_PAGE_SLOTS}
    ),
    home=st.booleans(),
)
def test_a_framed_issue_page_is_what_the_template_renders(values, home):
    template = get_template("issues/issue_detail.html")
    request = reader_request("/" if home else "/issues/2021-07-05/")
    frame = Frame(template, {"home": home}, request, ISSUE_PAGE_SLOTS)
    assert frame.fill(values) == template.render({"home": home, **values}, request).encode()


def test_a_frame_leaves_an_empty_value_to_the_template():
    template = engines["django"].from_string("{% if note %}<p>{{ note }}</p>{% endif %}")
    frame = Frame(template, {}, reader_request("/"), ["note"])
    assert frame.fill({"note": "a < b"}) == b"<p>a &lt; b</p>"
    assert frame.fill({"note": ""}) is None


def test_issue_pages_share_a_frame_but_never_their_content(client, db, settings):
    settings.DIGEST_PAGE_CACHE = False
    older = make_issue(D(2021, 6, 7), headline="第一期 <旧>")
    newer = make_issue(D(2021, 6, 21), headline="第二期 & 新")
    publish(older)
    publish(newer)

    first = client.get("/issues/2021-06-07/").content.decode()
    second = client.get("/issues/2021-06-21/").content.decode()
    home = client.get("/").content.decode()

    assert "第一期 &lt;旧&gt;" in first and "第二期" not in first
    assert "第二期 &amp; 新" in second and "第一期" not in second
    assert re.search(r'<link rel="canonical" href="http://testserver/issues/2021-06-21/">', second)
    assert re.search(r'href="/issues/2021-06-07/" rel="prev"', second)
    assert re.search(r'href="/issues/2021-06-21/" rel="next"', first)
    # The home page is the latest issue in its own frame: its nav link is current.
    assert "第二期 &amp; 新" in home and 'class="home-intro"' in home
    assert 'class="home-intro"' not in second
    assert re.search(r'href="/"[^>]*aria-current="page"', home)
    assert not re.search(r'href="/"[^>]*aria-current="page"', second)
