from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from issues.housefmt import EntryDoc, IssueDoc, SectionDoc
from issues.rendering import (
    entry_anchor,
    entry_results_html,
    plain_text,
    render_issue_body,
    render_markdown,
)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="position:fixed">x</p>',
        "<svg onload=alert(1)>",
    ],
)
def test_render_markdown_drops_everything_that_can_run_code(hostile):
    html = str(render_markdown(hostile)).lower()
    for forbidden in ("<script", "onerror", "javascript:", "data:", "<iframe", "style=", "onload"):
        assert forbidden not in html


def test_render_markdown_keeps_the_formatting_editors_use():
    html = str(
        render_markdown(
            "**加粗** [链接](https://example.com)\n\n- 一\n- 二\n\n![图](https://example.com/a.png)"
        )
    )
    assert "<strong>加粗</strong>" in html
    assert 'href="https://example.com"' in html
    assert "<li>一</li>" in html
    assert '<img alt="图" src="https://example.com/a.png"' in html


def test_links_in_rendered_markdown_do_not_pass_referrer_or_rank():
    html = str(render_markdown("[x](https://example.com)"))
    assert 'rel="noopener noreferrer nofollow"' in html


def _doc(*entries):
    return IssueDoc(
        publication_date=__import__("datetime").date(2026, 1, 1),
        publication_name="嵌入式AI简报",
        sections=[SectionDoc(title="论文", entries=list(entries))],
    )


def test_entry_anchor_is_stable_when_entries_are_reordered():
    first = EntryDoc(title="甲", url="https://example.com/a")
    second = EntryDoc(title="乙", url="https://example.com/b")
    anchors = (entry_anchor(first, set()), entry_anchor(second, set()))
    taken = set()
    assert (entry_anchor(second, taken), entry_anchor(first, taken)) == anchors[::-1]


def test_entries_with_the_same_link_get_distinct_anchors():
    taken = set()
    one = entry_anchor(EntryDoc(title="甲", url="https://example.com/a"), taken)
    two = entry_anchor(EntryDoc(title="乙", url="https://example.com/a"), taken)
    assert one != two


def test_issue_body_escapes_titles_and_sanitises_summaries():
    html = str(
        render_issue_body(
            _doc(
                EntryDoc(
                    title="<b onclick=x>标题</b>",
                    source="<script>来源</script>",
                    url="https://example.com/a",
                    summary="<script>alert(1)</script>正文",
                )
            )
        )
    )
    assert "<script" not in html
    assert "onclick" not in html
    assert "正文" in html


def test_summary_opening_with_a_list_renders_as_a_list_below_the_label():
    html = str(
        render_issue_body(
            _doc(EntryDoc(title="标题", url="https://example.com/a", summary="- 第一点\n- 第二点"))
        )
    )
    assert '<span class="summary-label summary-label-apart">' in html
    assert "<ul>\n<li>第一点</li>\n<li>第二点</li>\n</ul>" in html


def test_summary_opening_with_text_keeps_the_label_beside_it():
    html = str(render_issue_body(_doc(EntryDoc(title="标题", summary="一段话"))))
    assert '<span class="summary-label">' in html


def test_entry_kept_as_written_shows_its_lines_sanitised():
    entry = EntryDoc(
        title="[断开的标题 | 来源](https://example.com/cut",
        summary="摘要：<script>alert(1)</script>仍然显示",
        verbatim_body=True,
        attention="the link has no closing ')'",
    )
    html = str(render_issue_body(_doc(entry)))
    assert '<div class="entry-verbatim">' in html
    assert "断开的标题" in html and "仍然显示" in html
    assert "<script" not in html
    assert "entry-head" not in html


class _Markup(HTMLParser):
    """The tags of a fragment, and the text inside each result's title link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.titles, self._in_title = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if ("class", "result-title") in attrs:
            self._in_title = True
            self.titles.append("")

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.titles[-1] += data


written = st.text(alphabet=st.sampled_from("<>&\"'`/=ab中 量化*[]()"), max_size=20)


@given(
    entries=st.lists(
        st.builds(
            SimpleNamespace,
            publication_date=st.dates(),
            anchor=written,
            label=written,
            title=written,
            source=written,
            url=written,
            section_title=written,
            summary=written,
        ),
        max_size=4,
    ),
    terms=st.lists(written.filter(str.strip), max_size=3),
)
def test_results_show_what_editors_wrote_as_text_and_nothing_as_markup(entries, terms):
    html = entry_results_html(
        entries,
        terms,
        issue_path=lambda date: f"/issues/{date}/",
        source_path=lambda source: f"/sources/{source}/",
    )
    markup = _Markup()
    markup.feed(html)
    assert set(markup.tags) <= {"li", "p", "span", "a", "time", "mark"}
    assert markup.tags.count("li") == len(entries)
    assert markup.titles == [plain_text(entry.title) for entry in entries]
