"""Reader pages: home, issue, archive, Markdown download, sources, robots, errors."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from issues.models import Publication
from issues.rendering import entry_anchor
from tests.factories import make_issue, publish

D = datetime.date


@pytest.fixture
def three_issues(db):
    issues = [make_issue(date) for date in (D(2021, 6, 7), D(2021, 6, 21), D(2021, 7, 5))]
    for issue in issues:
        publish(issue)
    return issues


def test_home_shows_the_latest_published_issue_in_full(client, three_issues):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "(<time" in html and ">2021-07-05</time>" in html
    assert "业界新闻条目1：示例芯片发布" in html
    assert 'href="/archive/"' in html


def test_home_without_published_issues_says_so(client, db):
    make_issue(D(2021, 1, 4))
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert "第一期简报还在路上" in response.content.decode()


def test_issue_page_follows_the_house_format(client, db):
    issue = make_issue(D(2021, 7, 18), headline="上海张江GPGPU", preamble="> 导读：本期一条。")
    entry = issue.sections.first().entries.first()
    entry.label = "2104.14129"
    entry.extra_links = "[[原文]](https://example.com/original)"
    entry.metadata = "代码：https://github.com/example/repo"
    entry.save()
    publish(issue)
    html = client.get("/issues/2021-07-18/").content.decode()
    h1 = re.search(r"<h1.*?</h1>", html, re.S).group(0)
    assert "嵌入式AI简报" in h1 and "2021-07-18" in h1 and "上海张江GPGPU" in h1
    assert "关注模型压缩" in html  # tagline
    assert "导读：本期一条。" in html
    assert "2104.14129" in html
    assert 'href="https://example.com/original"' in html
    assert "代码：" in html
    assert "摘要：" in html
    assert '<span class="entry-source"> | <a href="/sources/' in html


def test_every_entry_has_its_stable_anchor(client, db):
    issue = make_issue(D(2021, 7, 18))
    publish(issue)
    html = client.get("/issues/2021-07-18/").content.decode()
    taken = set()
    for section in issue.sections.all():
        for entry in section.entries.all():
            anchor = entry_anchor(entry, taken)
            assert f'id="{anchor}"' in html
            assert f'href="#{anchor}"' in html


def test_issue_page_links_to_the_previous_and_next_issue(client, three_issues):
    html = client.get("/issues/2021-06-21/").content.decode()
    assert re.search(r'href="/issues/2021-06-07/" rel="prev"', html)
    assert re.search(r'href="/issues/2021-07-05/" rel="next"', html)


def test_oldest_issue_has_no_previous_and_newest_no_next(client, three_issues):
    assert 'rel="prev"' not in client.get("/issues/2021-06-07/").content.decode()
    assert 'rel="next"' not in client.get("/issues/2021-07-05/").content.decode()


def test_previous_link_skips_unpublished_issues(client, three_issues):
    make_issue(D(2021, 6, 28))
    html = client.get("/issues/2021-07-05/").content.decode()
    assert 'href="/issues/2021-06-21/" rel="prev"' in html


def test_issue_page_shows_the_footer_and_licence_from_the_settings(client, three_issues):
    publication = Publication.load()
    publication.footer = "编辑：**示例编辑部**"
    publication.licence = "采用 [CC BY-SA 4.0](https://creativecommons.org/licenses/by-sa/4.0/)"
    publication.save()
    html = client.get("/issues/2021-06-21/").content.decode()
    footer = html[html.index("<footer") :]
    assert "<strong>示例编辑部</strong>" in footer
    assert 'href="https://creativecommons.org/licenses/by-sa/4.0/"' in footer


def test_issue_page_has_canonical_and_open_graph_meta(client, db):
    publish(make_issue(D(2021, 7, 18), headline="端侧新芯片", preamble="> 导读：**三款**新芯片。"))
    html = client.get("/issues/2021-07-18/").content.decode()
    assert '<link rel="canonical" href="http://testserver/issues/2021-07-18/">' in html
    assert '<meta property="og:title" content="嵌入式AI简报 (2021-07-18)：端侧新芯片">' in html
    assert '<meta property="og:description" content="导读：三款新芯片。">' in html
    assert '<meta name="twitter:card" content="summary">' in html


def test_every_page_advertises_both_feeds(client, three_issues):
    for url in ("/", "/issues/2021-06-21/", "/archive/", "/search/?q=芯片"):
        html = client.get(url).content.decode()
        assert 'type="application/rss+xml"' in html and 'href="/feed/"' in html
        assert 'type="application/atom+xml"' in html and 'href="/feed/atom/"' in html


@pytest.mark.parametrize("url", ["/issues/2030-01-01/", "/issues/2021-02-30/", "/nope/"])
def test_unknown_pages_get_the_friendly_404(client, db, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "这里什么也没有" in response.content.decode()


def test_markdown_download_is_the_house_format_file(client, db):
    pytest.importorskip("issues.exporting")
    publish(make_issue(D(2021, 7, 18), headline="端侧新芯片"))
    response = client.get("/issues/2021-07-18.md")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert 'filename="2021-07-18.md"' in response["Content-Disposition"]
    text = response.content.decode()
    assert "# 嵌入式AI简报 (2021-07-18)：端侧新芯片" in text
    assert "业界新闻条目1：示例芯片发布" in text


def test_markdown_download_of_an_unknown_issue_is_404(client, db):
    assert client.get("/issues/2021-07-18.md").status_code == HTTPStatus.NOT_FOUND


def test_source_page_lists_that_sources_entries_newest_first(client, three_issues):
    response = client.get("/sources/示例媒体/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.index("2021-07-05") < html.index("2021-06-21") < html.index("2021-06-07")
    assert 'href="/issues/2021-07-05/#e-' in html


def test_source_page_of_an_unknown_source_is_404(client, three_issues):
    assert client.get("/sources/无此来源/").status_code == HTTPStatus.NOT_FOUND


def test_robots_txt_keeps_crawlers_out_of_staff_pages_and_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    for path in ("/admin/", "/preview/", "/shared/"):
        assert f"Disallow: {path}" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_every_page_has_the_site_icon_and_favicon_ico_leads_to_it(client, three_issues):
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    icon = response["Location"]
    assert icon.endswith(".svg")
    assert f'<link rel="icon" href="{icon}"' in client.get("/").content.decode()
    assert finders.find("favicon.svg")


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return len(context.captured_queries)


PAGES = ["/", "/issues/2020-01-06/", "/archive/", "/search/?q=芯片", "/sources/示例媒体/"]


@pytest.mark.parametrize("url", PAGES + ["/feed/", "/feed/atom/", "/sitemap.xml"])
def test_public_pages_use_a_fixed_number_of_queries(client, db, url, django_assert_max_num_queries):
    start = D(2020, 1, 6)
    issues = [make_issue(start + datetime.timedelta(days=14 * n)) for n in range(30)]
    for issue in issues[:10]:
        publish(issue, at=timezone.now() - datetime.timedelta(days=1))
    with_ten = queries_for(client, url)
    for issue in issues[10:]:
        publish(issue, at=timezone.now() - datetime.timedelta(days=1))
    with django_assert_max_num_queries(with_ten):
        client.get(url)
    assert with_ten <= 4


def test_the_largest_issue_page_with_its_css_stays_under_100_kb(client, db):
    issue = make_issue(D(2021, 7, 18), sections=(("业界新闻", 14), ("论文", 14), ("开源项目", 14)))
    for section in issue.sections.all():
        for entry in section.entries.all():
            entry.summary = "这是一段较长的摘要，介绍端侧推理芯片的算力、功耗与软件栈。" * 4
            entry.metadata = (
                "论文：https://arxiv.org/abs/2104.14129\n代码：https://github.com/example/repo"
            )
            entry.save()
    publish(issue)
    start = D(2019, 3, 4)
    for n in range(60):
        publish(make_issue(start + datetime.timedelta(days=14 * n), sections=()))
    html = client.get("/issues/2021-07-18/").content
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_bytes()
    assert len(html) + len(css) < 100 * 1024
