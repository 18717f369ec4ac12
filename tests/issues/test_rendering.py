import pytest

from issues.housefmt import EntryDoc, IssueDoc, SectionDoc
from issues.rendering import entry_anchor, render_issue_body, render_markdown


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
