"""RSS 2.0 and Atom feeds of the latest published issues."""

import datetime
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from issues.documents import document_from_issue, document_to_data
from issues.feeds import absolute_links
from issues.models import Revision, Status
from tests.factories import make_issue, publish

ATOM = "{http://www.w3.org/2005/Atom}"
D = datetime.date


def rss(client):
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content)


def atom(client):
    response = client.get("/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


@pytest.fixture
def published(db):
    issue = make_issue(D(2021, 7, 18), headline="端侧新芯片")
    publish(issue, at=timezone.now() - datetime.timedelta(days=2))
    return issue


def test_rss_feed_has_the_required_elements(client, published):
    root = rss(client)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for name in ("title", "link", "description"):
        assert channel.findtext(name)
    item = channel.find("item")
    assert item.findtext("title") == "嵌入式AI简报 (2021-07-18)：端侧新芯片"
    assert item.findtext("link") == "http://testserver/issues/2021-07-18/"
    assert item.findtext("guid") == "http://testserver/issues/2021-07-18/"
    assert parsedate_to_datetime(item.findtext("pubDate"))


def test_rss_items_carry_the_full_issue_with_absolute_links(client, published):
    description = rss(client).find("channel/item/description").text
    assert "业界新闻条目1：示例芯片发布" in description
    assert 'href="http://testserver/sources/' in description
    assert 'href="http://testserver/issues/2021-07-18/#e-' in description
    assert 'href="/' not in description and 'href="#' not in description


_segment = st.text(alphabet="abcxyz019-_.~%/#?", min_size=0, max_size=8)
_address = st.one_of(
    st.builds("https://{}.example/{}".format, _segment, _segment),
    st.builds("http://{}/{}?q={}".format, _segment, _segment, _segment),
    st.builds("/{}/{}".format, _segment, _segment),
    st.builds("#{}".format, _segment),
    st.builds("{}/{}".format, _segment, _segment),
    st.builds("../{}".format, _segment),
    st.builds("//{}.example/{}".format, _segment, _segment),
    st.builds("?page={}".format, _segment),
)


@given(addresses=st.lists(_address, max_size=6), fragment=st.sampled_from(["", "#top"]))
def test_feed_links_lead_where_they_lead_on_the_page(addresses, fragment):
    page_url = "https://digest.example.org/issues/2021-07-18/" + fragment
    html = "".join(f'<a href="{address}">x</a><img src="{address}">' for address in addresses)
    expected = "".join(
        f'<a href="{address}">x</a><img src="{address}">'
        for address in (
            address if address.startswith(("https://", "http://")) else urljoin(page_url, address)
            for address in addresses
        )
    )
    assert absolute_links(html, page_url) == expected


def test_atom_feed_has_the_required_elements(client, published):
    root = atom(client)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{name}")
    entry = root.find(f"{ATOM}entry")
    for name in ("id", "title", "updated"):
        assert entry.findtext(f"{ATOM}{name}")
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/issues/2021-07-18/"
    assert "示例芯片发布" in entry.findtext(f"{ATOM}summary")


def test_feeds_hold_the_latest_twenty_issues_newest_first(client, db):
    dates = [D(2020, 1, 6) + datetime.timedelta(days=14 * n) for n in range(22)]
    for date in dates:
        publish(make_issue(date))
    links = [item.findtext("link") for item in rss(client).iter("item")]
    assert len(links) == 20
    assert links[0].endswith(f"/issues/{dates[-1]}/")
    assert links[-1].endswith(f"/issues/{dates[2]}/")
    assert links == sorted(links, reverse=True)
    assert len(atom(client).findall(f"{ATOM}entry")) == 20


def test_a_correction_keeps_the_first_publication_date_and_updates_atom_updated(client, db):
    issue = make_issue(D(2021, 7, 18))
    first = timezone.now() - datetime.timedelta(days=10)
    publish(issue, at=first)
    publish(issue, at=timezone.now() - datetime.timedelta(days=1))
    pub_date = parsedate_to_datetime(rss(client).find("channel/item").findtext("pubDate"))
    assert abs(pub_date - first) < datetime.timedelta(seconds=1)
    entry = atom(client).find(f"{ATOM}entry")
    published = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
    updated = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    assert abs(published - first) < datetime.timedelta(seconds=1)
    assert updated > published + datetime.timedelta(days=8)


def test_feed_shows_the_approved_text_not_a_pending_correction(client, published):
    entry = published.sections.first().entries.first()
    entry.title = "未批准的更正FEEDLEAK"
    entry.save()
    # A correction snapshot that is recorded but not approved (no go_live_at).
    Revision.objects.create(
        issue=published,
        status=Status.DRAFT,
        data=document_to_data(document_from_issue(published)),
    )
    assert "FEEDLEAK" not in client.get("/feed/").content.decode()
    assert "FEEDLEAK" not in client.get("/feed/atom/").content.decode()


def test_a_withdrawn_revision_leaves_the_feed(client, published):
    Revision.objects.filter(issue=published).update(withdrawn_at=timezone.now())
    assert rss(client).find("channel/item") is None
