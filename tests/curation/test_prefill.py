"""Pasting a link offers its title, site name, description and arXiv id; failures are quiet."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from curation.prefill import suggest, suggestions_from_html


def test_a_page_suggests_its_title_site_and_description(allow_test_server):
    assert suggest(allow_test_server.base + "/article") == {
        "title": "示例芯片公司发布 4 TOPS 端侧 NPU",
        "source": "示例科技",
        "summary": "一款面向 <手机> 的低功耗推理芯片。",
    }


def test_suggestions_are_cached_by_the_links_key(allow_test_server):
    suggest(allow_test_server.base + "/article")
    suggest(allow_test_server.base + "/article/?utm_source=x#top")
    assert len(allow_test_server.seen) == 1


def test_a_refused_fetch_is_no_suggestion(allow_test_server):
    assert suggest(allow_test_server.base + "/to-private") == {}
    assert suggest(allow_test_server.base + "/big") == {}
    assert suggest("http://169.254.169.254/latest/meta-data/") == {}


def test_an_arxiv_link_suggests_its_id_as_label(settings, monkeypatch):
    monkeypatch.setattr("curation.prefill.fetch", _refuse)
    assert suggest("https://arxiv.org/pdf/2401.01234v2.pdf") == {"label": "2401.01234"}


def _refuse(url):
    from curation.fetching import FetchRefused

    raise FetchRefused("offline")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<html><head><title> 只有 标题 </title></head>"
            "<body><meta name=description content=x></body>",
            {"title": "只有 标题", "source": "", "summary": ""},
        ),
        (
            '<meta name="citation_title" content="A Paper">'
            '<meta property="og:title" content="arXiv">',
            {"title": "A Paper", "source": "", "summary": ""},
        ),
        ("<title>&lt;script&gt;</title>", {"title": "<script>", "source": "", "summary": ""}),
        ("", {"title": "", "source": "", "summary": ""}),
    ],
)
def test_reading_a_page_head(html, expected):
    assert suggestions_from_html(html) == expected


def test_the_endpoint_gives_suggestions_to_editors(client, editor, allow_test_server):
    client.force_login(editor)
    response = client.get(reverse("curation:prefill"), {"url": allow_test_server.base + "/article"})
    assert response.status_code == HTTPStatus.OK
    assert response.json()["suggestions"]["source"] == "示例科技"


def test_the_endpoint_answers_a_refusal_with_an_empty_suggestion(client, editor, web_server):
    client.force_login(editor)
    response = client.get(reverse("curation:prefill"), {"url": web_server.base + "/article"})
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"suggestions": {}}
    assert web_server.seen == []


def test_the_endpoint_is_closed_to_anonymous_visitors(client, allow_test_server):
    response = client.get(reverse("curation:prefill"), {"url": allow_test_server.base + "/article"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert allow_test_server.seen == []
