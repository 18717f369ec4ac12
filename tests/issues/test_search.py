"""Search of published entries: PublicEntry.objects.published().search(q) and /search/."""

import datetime
from http import HTTPStatus

import pytest
from django.db import connection

from issues.models import Entry, PublicEntry, Section
from issues.rendering import highlight
from issues.search import query_terms, term_phrase
from tests.factories import make_issue, publish

D = datetime.date


def add_entry(issue, title, *, source="示例媒体", label="", summary=""):
    section = issue.sections.first() or Section.objects.create(issue=issue, title="论文")
    position = section.entries.count() + 10
    return Entry.objects.create(
        section=section,
        position=position,
        title=title,
        source=source,
        label=label,
        url=f"https://example.com/{issue.publication_date}/{position}",
        summary=summary,
    )


@pytest.fixture
def corpus(db):
    issue = make_issue(D(2021, 7, 18), sections=(("论文", 0),))
    add_entry(issue, "MNN 2.0 发布：支持低比特量化", source="阿里技术")
    add_entry(issue, "新款 NPU 芯片流片", summary="面向手机的推理芯片，功耗更低。")
    add_entry(issue, "TFLite Micro on Cortex-M", source="Google Blog", summary="int8 kernels")
    add_entry(issue, "一篇关于剪枝的综述", label="2103.00001")
    add_entry(issue, "MNN 推理引擎新版本", summary="优化了卷积算子。")
    publish(issue)
    return issue


def titles(query):
    return sorted(entry.title for entry in PublicEntry.objects.published().search(query))


def test_a_two_character_chinese_word_finds_entries_containing_it(corpus):
    assert titles("量化") == ["MNN 2.0 发布：支持低比特量化"]
    assert titles("芯片") == ["新款 NPU 芯片流片"]


def test_a_longer_chinese_word_must_appear_as_written(corpus):
    assert titles("低比特量化") == ["MNN 2.0 发布：支持低比特量化"]
    assert titles("量化比特") == []


def test_a_single_chinese_character_matches_as_a_substring(corpus):
    assert titles("剪") == ["一篇关于剪枝的综述"]


def test_english_words_are_case_insensitive(corpus):
    assert titles("mnn") == ["MNN 2.0 发布：支持低比特量化", "MNN 推理引擎新版本"]
    assert titles("cortex") == ["TFLite Micro on Cortex-M"]


def test_mixed_queries_match_entries_containing_every_term(corpus):
    assert titles("MNN 量化") == ["MNN 2.0 发布：支持低比特量化"]
    assert titles("MNN 剪枝") == []


def test_search_covers_sources_labels_and_summaries(corpus):
    assert titles("阿里技术") == ["MNN 2.0 发布：支持低比特量化"]
    assert titles("2103.00001") == ["一篇关于剪枝的综述"]
    assert titles("功耗") == ["新款 NPU 芯片流片"]


def test_an_empty_query_finds_nothing(corpus):
    assert titles("") == []
    assert titles("   ") == []


def test_sql_and_tsquery_syntax_in_a_query_is_just_text(corpus):
    for query in ["'; DROP TABLE issues_publicentry; --", "mnn & !量化", "a:* | b", "(", "\\"]:
        titles(query)  # no error
    assert PublicEntry.objects.count() == 5


def test_query_terms_split_on_any_white_space():
    assert query_terms("MNN\u3000量化  mnn") == ["mnn", "量化"]


def test_term_phrase_turns_chinese_into_adjacent_bigrams():
    assert term_phrase("模型量化") == "模型 型量 量化"
    assert term_phrase("芯") is None
    assert term_phrase("+") is None


def test_highlight_escapes_the_text_and_wraps_matches_in_mark():
    html = highlight("<b>MNN</b> & mnn 量化", ["mnn", "量化"])
    assert str(html) == (
        "&lt;b&gt;<mark>MNN</mark>&lt;/b&gt; &amp; <mark>mnn</mark> <mark>量化</mark>"
    )


def test_highlight_never_matches_inside_an_escaped_entity():
    assert str(highlight("a & b", ["amp"])) == "a &amp; b"


def test_results_page_highlights_matches_and_links_to_the_entry_anchor(client, corpus):
    html = client.get("/search/", {"q": "量化"}).content.decode()
    assert "<mark>量化</mark>" in html
    entry = PublicEntry.objects.get(title__contains="量化")
    assert f'href="/issues/2021-07-18/#{entry.anchor}"' in html


def test_results_page_escapes_entry_text(client, db):
    issue = make_issue(D(2021, 7, 18), sections=(("论文", 0),))
    add_entry(issue, "<script>alert(1)</script> 量化")
    publish(issue)
    html = client.get("/search/", {"q": "量化"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>量化</mark>" in html


def test_the_query_is_escaped_on_the_results_page(client, corpus):
    html = client.get("/search/", {"q": '"><script>x</script>'}).content.decode()
    assert "<script>x</script>" not in html


def test_results_are_paginated(client, db):
    issue = make_issue(D(2021, 7, 18), sections=(("论文", 0),))
    for n in range(25):
        add_entry(issue, f"量化论文 {n}")
    publish(issue)
    first = client.get("/search/", {"q": "量化"}).content.decode()
    second = client.get("/search/", {"q": "量化", "page": 2}).content.decode()
    assert first.count('class="result"') == 20
    assert second.count('class="result"') == 5
    assert "page=2" in first and "q=%E9%87%8F%E5%8C%96" in first
    assert client.get("/search/", {"q": "量化", "page": 9}).status_code == HTTPStatus.NOT_FOUND


def test_search_page_without_a_query_shows_the_form(client, db):
    response = client.get("/search/")
    assert response.status_code == HTTPStatus.OK
    assert 'name="q"' in response.content.decode()


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the full-text index exists on PostgreSQL only"
)


@postgres_only
def test_postgres_search_is_served_by_the_stored_vector_index(corpus):
    queryset = PublicEntry.objects.search("量化 mnn")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "publicentry_search_vector_gin" in plan
    assert "to_tsvector" not in str(queryset.query)


@postgres_only
def test_postgres_relevance_order_ranks_better_matches_first(corpus):
    issue = make_issue(D(2021, 8, 1), sections=(("论文", 0),))
    add_entry(issue, "量化", summary="量化 量化 量化")
    publish(issue)
    older = make_issue(D(2020, 8, 1), sections=(("论文", 0),))
    add_entry(older, "量化量化量化", summary="量化 量化 量化 量化 量化")
    publish(older)
    results = list(PublicEntry.objects.published().search("量化", ranked=True))
    assert results[0].rank >= results[-1].rank
    assert results[0].title == "量化量化量化"


@postgres_only
def test_postgres_latin_words_match_as_prefixes(corpus):
    issue = make_issue(D(2021, 8, 1), sections=(("论文", 0),))
    add_entry(issue, "MNNv2 lands", summary="Microcontrollers get int4 kernels")
    publish(issue)
    assert "MNNv2 lands" in titles("mnn")
    assert titles("microcontroller") == ["MNNv2 lands"]
    assert titles("microcontrollers") == ["MNNv2 lands"]
    assert titles("controller") == []


def test_results_come_newest_first(db):
    for year in (2019, 2021, 2020):
        issue = make_issue(D(year, 3, 1), sections=(("论文", 0),))
        add_entry(issue, f"{year} 年的量化进展")
        publish(issue)
    results = [entry.title for entry in PublicEntry.objects.published().search("量化")]
    assert results == ["2021 年的量化进展", "2020 年的量化进展", "2019 年的量化进展"]


def test_the_hit_count_stops_counting_at_the_cap(client, db, monkeypatch):
    monkeypatch.setattr("issues.views.MAX_COUNTED", 3)
    issue = make_issue(D(2021, 3, 1), sections=(("论文", 0),))
    for number in range(5):
        add_entry(issue, f"量化方法 {number}")
    publish(issue)
    page = client.get("/search/", {"q": "量化"}).content.decode()
    assert "找到 3+ 条结果" in page
    few = client.get("/search/", {"q": "方法 4"}).content.decode()
    assert "找到 1 条结果" in few


def test_a_source_page_stops_counting_at_the_cap_too(client, db, monkeypatch):
    monkeypatch.setattr("issues.views.MAX_COUNTED", 3)
    issue = make_issue(D(2021, 3, 1), sections=(("论文", 0),))
    for number in range(5):
        add_entry(issue, f"条目 {number}", source="大来源")
    publish(issue)
    page = client.get("/sources/大来源/").content.decode()
    assert "来自“大来源”的 3+ 条内容" in page
    assert page.count('class="result"') == 4  # results beyond the cap are not paged to


def test_a_capped_hit_count_is_written_as_readers_write_numbers(client, db):
    issue = make_issue(D(2021, 3, 1), sections=(("论文", 1001),))
    publish(issue)
    english = client.get("/search/", {"q": "论文"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Found 1,000+ results" in english
