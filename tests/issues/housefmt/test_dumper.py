import datetime

import pytest

from issues.housefmt import EntryDoc, IssueDoc, SectionDoc, dump, parse

from ._fixtures import read_fixture, without_lines


def make_doc(**changes):
    fields = {
        "publication_date": datetime.date(2022, 4, 3),
        "publication_name": "嵌入式AI简报",
        "headline": "示例芯片/示例论文",
        "tagline": "聚焦端侧推理",
        "preamble": "> 导读：本期2条。",
        "sections": [
            SectionDoc(
                title="业界新闻",
                entries=[
                    EntryDoc(
                        title="示例科技发布端侧NPU",
                        source="芯闻速递",
                        url="https://example.com/a",
                        metadata=[("项目", "https://example.com/p")],
                        summary="第一行。\n    1. 子项；\n第二段。",
                    )
                ],
            )
        ],
    }
    fields.update(changes)
    return IssueDoc(**fields)


def test_dump_starts_with_front_matter_h1_and_tagline():
    lines = dump(make_doc()).split("\n")
    assert lines[:8] == [
        "---",
        "layout: default",
        "---",
        "",
        "# 嵌入式AI简报 (2022-04-03)：示例芯片/示例论文",
        "",
        "**聚焦端侧推理**  ",
        "",
    ]


@pytest.mark.parametrize(
    ("separator", "headline", "h1"),
    [
        ("：", "示例", "# 嵌入式AI简报 (2022-04-03)：示例"),
        (" ", "示例", "# 嵌入式AI简报 (2022-04-03) 示例"),
        ("：", "", "# 嵌入式AI简报 (2022-04-03)："),
        ("", "", "# 嵌入式AI简报 (2022-04-03)"),
    ],
)
def test_dump_h1_reproduces_separator(separator, headline, h1):
    doc = make_doc(headline=headline, headline_separator=separator)
    assert dump(doc).split("\n")[4] == h1


@pytest.mark.parametrize(
    ("fields", "head"),
    [
        ({"title": "标题", "source": "来源", "url": "u"}, "- [标题 | 来源](u)  "),
        ({"title": "owner/repo: 描述", "url": "u"}, "- [owner/repo: 描述](u)  "),
        ({"title": "T", "label": "2204.00001", "url": "u"}, "- [2204.00001] [T](u)  "),
        ({"title": "T", "url": "u", "extra_links": "[[原文]](v)"}, "- [T](u) [[原文]](v)  "),
        ({"title": "没有链接的条目"}, "- 没有链接的条目  "),
    ],
)
def test_entry_head_line_forms(fields, head):
    doc = make_doc(sections=[SectionDoc(title="论文", entries=[EntryDoc(**fields)])])
    lines = dump(doc).split("\n")
    assert lines[lines.index("## 论文") + 2] == head


def test_entry_body_has_metadata_then_summary_with_hard_breaks():
    lines = dump(make_doc()).split("\n")
    start = lines.index("- [示例科技发布端侧NPU | 芯闻速递](https://example.com/a)  ")
    assert lines[start + 1 : start + 5] == [
        "项目：https://example.com/p  ",
        "摘要：第一行。  ",
        "    1. 子项；  ",
        "第二段。  ",
    ]


def test_verbatim_body_is_written_without_summary_marker():
    item = EntryDoc(title="T", url="u", summary="地址：x\n说明文字", verbatim_body=True)
    doc = make_doc(sections=[SectionDoc(title="开源项目", entries=[item])])
    assert "- [T](u)  \n地址：x  \n说明文字  \n" in dump(doc)


def test_section_note_and_empty_section():
    doc = make_doc(
        sections=[
            SectionDoc(
                title="开源项目", note="> 注：仓库前缀。", entries=[EntryDoc(title="T", url="u")]
            ),
            SectionDoc(title="应用"),
        ]
    )
    text = dump(doc)
    assert "## 开源项目\n\n> 注：仓库前缀。  \n\n- [T](u)  \n\n## 应用\n" in text


def test_font_note_sits_directly_under_tagline():
    doc = make_doc(preamble="<font>注：示例提示</font>")
    assert "**聚焦端侧推理**  \n<font>注：示例提示</font>  \n" in dump(doc)


def test_archive_and_footer_are_appended_verbatim():
    text = dump(make_doc(), archive="## 往期回顾\n\n| 2 |", footer="----\n\nEditor: x")
    assert text.endswith("第二段。  \n\n## 往期回顾\n\n| 2 |\n\n----\n\nEditor: x\n")


def test_blank_line_runs_are_single_and_file_ends_with_newline():
    text = dump(parse(read_fixture("full_issue.md")))
    assert "\n\n\n" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_dump_then_parse_gives_the_same_document():
    doc = make_doc()
    assert without_lines(parse(dump(doc))) == doc


# Values the plain house form misread before the escaped forms existed; each
# must come back exactly from dump() + parse().
_AWKWARD_SUMMARIES = [
    "- a\n- b",
    "要点：\n- a\n  - nested\n- b",
    "## 不是栏目",
    "----\n之后的文字",
    "摘要：两次",
    "代码：https://example.com/x",
    "第一段\n\n\n第二段",
    "  前导空格",
    "行尾两个空格  \n下一行",
    "\n开头空行",
    "结尾空行\n",
    "![图](https://example.com/a.png)\n`code` <b>粗</b> 🤖",
]


@pytest.mark.parametrize("summary", _AWKWARD_SUMMARIES)
def test_awkward_summary_comes_back_exactly(summary):
    doc = _one_entry_doc(EntryDoc(title="标题", url="https://example.com/", summary=summary))
    assert parse(dump(doc)).sections[0].entries[0].summary == summary


@pytest.mark.parametrize("note", _AWKWARD_SUMMARIES)
def test_awkward_section_note_and_preamble_come_back_exactly(note):
    doc = _one_entry_doc(EntryDoc(title="标题"), note=note, preamble=note)
    again = parse(dump(doc))
    assert (again.preamble, again.sections[0].note) == (note, note)


def test_preamble_starting_with_the_archive_heading_comes_back():
    doc = _one_entry_doc(EntryDoc(title="标题"), preamble="## 往期回顾\n旧的索引")
    assert parse(dump(doc)).preamble == "## 往期回顾\n旧的索引"


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "A | B", "url": "https://example.com/"},
        {"title": "a](b", "url": "https://example.com/"},
        {"title": "[没有闭合", "url": ""},
        {"title": "[看起来像链接](https://example.com/)"},
        {"title": "t", "label": "arXiv [cs.LG", "url": "https://example.com/"},
        {"title": "t", "label": "只有标签", "url": ""},
        {"title": "t", "source": "没有链接的来源"},
        {"title": "t", "url": "https://en.wikipedia.org/wiki/Foo_(bar)"},
        {"title": "t", "url": "https://example.com/a)b"},
        {"title": "t", "source": "A | B", "url": "https://example.com/"},
        {"title": "含 \\ 反斜杠 \\[", "url": "https://example.com/"},
        {"title": "标题🤖", "source": "量子位", "url": "https://example.com/中文"},
    ],
)
def test_awkward_head_fields_come_back_exactly(fields):
    entry = EntryDoc(**fields)
    again = parse(dump(_one_entry_doc(entry))).sections[0].entries[0]
    again.line = 0
    assert again == entry


def test_metadata_the_plain_form_cannot_hold_comes_back_exactly():
    entry = EntryDoc(
        title="t",
        metadata=[("Project page", "https://example.com/"), ("摘要", "不是摘要"), ("k", "v  ")],
        summary="s",
    )
    assert parse(dump(_one_entry_doc(entry))).sections[0].entries[0].metadata == entry.metadata


def test_section_titled_like_the_archive_heading_comes_back():
    doc = _one_entry_doc(EntryDoc(title="t"))
    doc.sections[0].title = "往期回顾"
    assert parse(dump(doc)).sections[0].title == "往期回顾"


def test_plain_values_keep_the_legacy_form():
    entry = EntryDoc(title="标题", source="来源", url="https://example.com/", summary="要点\n- 甲")
    text = dump(_one_entry_doc(entry))
    expected = (
        "- [标题 | 来源](https://example.com/)  \n摘要：<!-- verbatim 2 -->\n    要点\n    - 甲\n"
    )
    assert expected in text


def _one_entry_doc(entry, *, note="", preamble=""):
    return IssueDoc(
        publication_date=datetime.date(2024, 5, 6),
        publication_name="嵌入式AI简报",
        preamble=preamble,
        sections=[SectionDoc(title="业界新闻", note=note, entries=[entry])],
    )


@pytest.mark.parametrize("separator", [" ", ""])
def test_headline_opening_with_a_colon_keeps_it_behind_a_legacy_separator(separator):
    doc = _one_entry_doc(EntryDoc(title="t"))
    doc.headline_separator, doc.headline = separator, "：冒号开头的标题"
    again = parse(dump(doc))
    assert (again.headline_separator, again.headline) == ("：", "：冒号开头的标题")
