import datetime

import pytest

from issues.housefmt import parse

from ._fixtures import read_fixture


@pytest.fixture(scope="module")
def full():
    return parse(read_fixture("full_issue.md"))


def entry(doc, section_title, index):
    section = next(s for s in doc.sections if s.title == section_title)
    return section.entries[index]


def test_h1_gives_name_date_and_headline(full):
    assert full.publication_name == "嵌入式AI简报"
    assert full.publication_date == datetime.date(2022, 3, 6)
    assert full.headline == "青禾NPU/凌霄编译器/TinyQuant/星河Bench"
    assert full.headline_separator == "："


@pytest.mark.parametrize(
    ("name", "separator", "headline"),
    [
        ("full_issue.md", "：", "青禾NPU/凌霄编译器/TinyQuant/星河Bench"),
        ("legacy_mixed_grid.md", " ", "云杉边缘盒子/稀疏推理/端侧超分"),
        ("legacy_empty_headline.md", "：", ""),
        ("legacy_plain_list.md", "", ""),
    ],
)
def test_headline_separator_variants_are_recorded(name, separator, headline):
    doc = parse(read_fixture(name))
    assert (doc.headline_separator, doc.headline) == (separator, headline)


def test_tagline_is_unwrapped_from_bold(full):
    assert full.tagline == "聚焦端侧推理、模型压缩与芯片动态"


def test_preamble_keeps_lead_warmup_bullets_and_note(full):
    assert full.preamble.startswith("> 导读：本期9条。")
    assert "- 青禾半导体：完成B轮融资，用于端侧推理芯片量产；" in full.preamble
    assert full.preamble.endswith("> 注：部分链接在电脑端无法打开，请用手机查看。")
    assert "\n\n\n" not in full.preamble


def test_font_note_is_the_preamble():
    doc = parse(read_fixture("legacy_plain_list.md"))
    assert doc.preamble == "<font>注：电脑端打不开的链接请换用手机</font>"


def test_sections_in_order_with_titles_stripped(full):
    assert [s.title for s in full.sections] == ["业界新闻", "论文", "开源项目", "应用", "博文"]


def test_empty_section_has_no_entries(full):
    applications = full.sections[3]
    assert (applications.title, applications.note, applications.entries) == ("应用", "", [])


def test_section_note_is_kept_before_first_entry(full):
    projects = full.sections[2]
    assert projects.note.startswith("> 注：条目前缀为仓库的拥有者")
    assert projects.entries[0].title.startswith("xinghe-lab/xinghe-bench")


def test_entry_title_source_and_url_are_split(full):
    first = entry(full, "业界新闻", 0)
    assert first.title == "青禾半导体发布**首款端侧NPU**：4 TOPS，功耗不到1瓦"
    assert first.source == "芯闻速递"
    assert first.url == "https://example.com/news/qinghe-npu"
    assert first.label == ""


def test_entry_label_is_split_from_title(full):
    paper = entry(full, "论文", 0)
    assert paper.label == "2203.01234"
    assert paper.title == "TinyQuant：面向微控制器的四比特训练后量化"
    venue = entry(full, "论文", 1)
    assert (venue.label, venue.source) == ("EdgeSys 2022", "")


def test_repo_entry_without_source_keeps_colon_in_title(full):
    repo = entry(full, "开源项目", 0)
    assert repo.title == "xinghe-lab/xinghe-bench: 端侧推理框架统一评测工具"
    assert repo.source == ""


def test_extra_links_are_kept_verbatim(full):
    assert entry(full, "论文", 0).extra_links == (
        "[[原文]](https://example.org/abs/2203.01234) "
        "[[slide]](https://example.org/slides/tinyquant.pdf)"
    )


def test_link_less_entry_keeps_whole_line_as_title(full):
    linkless = entry(full, "业界新闻", 1)
    assert linkless.title == "北辰微电子发布车规级AI芯片路线图 | 北辰官方"
    assert (linkless.url, linkless.source, linkless.label) == ("", "", "")


def test_empty_link_target_keeps_whole_line_as_title():
    doc = parse(read_fixture("legacy_empty_headline.md"))
    assert doc.sections[0].entries[0].title == "[示例科技：发布新一代AIoT模组]()"
    assert doc.sections[0].entries[0].url == ""


def test_metadata_lines_before_summary(full):
    compiler = entry(full, "业界新闻", 2)
    assert compiler.metadata == [
        ("项目", "https://example.com/lingxiao"),
        ("文档", "https://example.com/lingxiao/docs"),
    ]
    assert compiler.summary.startswith("凌霄科技开源了自研的深度学习编译器")


def test_summary_keeps_continuation_sublists_and_image(full):
    summary = entry(full, "业界新闻", 0).summary
    lines = summary.split("\n")
    assert lines[0].startswith("青禾半导体今日发布首款端侧NPU芯片QH-1")
    assert "    2. 片上SRAM达到2MB；" in lines
    assert "        - 可容纳常见检测模型的全部权重；" in lines
    assert lines[-1] == "![qh1_block](https://example.com/img/qh1.png)"
    assert all(line == line.rstrip() for line in lines)


def test_metadata_after_summary_stays_in_summary(full):
    paper = entry(full, "论文", 0)
    assert paper.metadata == [
        ("论文", "https://example.org/abs/2203.01234"),
        ("代码", "https://example.com/code/tinyquant"),
    ]
    assert paper.summary.endswith("\n代码：https://example.com/code/tinyquant-mirror")


def test_entry_without_body_has_empty_summary(full):
    bare = entry(full, "开源项目", 1)
    assert (bare.metadata, bare.summary, bare.verbatim_body) == ([], "", False)


def test_body_without_summary_marker_is_kept_verbatim(full):
    ocr = entry(full, "开源项目", 2)
    assert ocr.verbatim_body is True
    assert ocr.metadata == []
    assert ocr.summary.split("\n") == [
        "项目地址：https://example.com/songlin/edge-ocr",
        "在线Demo：https://example.com/songlin/edge-ocr/demo",
        "该项目的检测模型只有1.2MB，识别模型只有2.8MB，可以直接在低端手机上运行。",
    ]


@pytest.mark.parametrize(
    ("index", "first_line"),
    [
        (0, "摘要这款模组集成1 TOPS NPU，面向智能家居。"),  # marker without colon
        (1, " 链接：https://example.com/news/haichuan-full"),  # indented metadata
        (2, "链接: https://example.com/news/xinghuo.pdf"),  # ASCII colon
    ],
)
def test_irregular_legacy_bodies_are_kept_verbatim(index, first_line):
    doc = parse(read_fixture("legacy_empty_headline.md"))
    body = doc.sections[0].entries[index]
    assert body.verbatim_body is True
    assert body.summary.split("\n")[0] == first_line


def test_paragraph_after_last_entry_belongs_to_its_summary(full):
    assert entry(full, "博文", 0).summary.endswith(
        "\n\n文末附上一张常见融合模式的速查表，供大家参考。"
    )


def test_entry_and_section_line_numbers_point_at_source(full):
    source = read_fixture("full_issue.md").split("\n")
    for section in full.sections:
        assert source[section.line - 1].startswith(f"## {section.title}")
        for item in section.entries:
            assert source[item.line - 1].startswith("- ")


@pytest.mark.parametrize("name", ["full_issue.md", "legacy_plain_list.md", "legacy_mixed_grid.md"])
def test_archive_and_footer_are_dropped(name):
    doc = parse(read_fixture(name))
    last = doc.sections[-1]
    assert "往期回顾" not in last.title
    text = "\n".join(e.summary for e in last.entries) + last.note
    for generated in ("往期回顾", "wechat_qrcode", "Editor:", "license", "203.0.113.7"):
        assert generated not in text


def test_crlf_line_endings_and_bom_are_accepted():
    text = read_fixture("legacy_plain_list.md")
    assert parse("\ufeff" + text.replace("\n", "\r\n")) == parse(text)


def test_damaged_entries_are_kept_as_written_and_the_others_split_into_fields():
    doc = parse(read_fixture("legacy_damaged_entries.md"))
    news, papers, projects = doc.sections
    assert [entry.attention for entry in news.entries] == [
        "",
        "the link has no closing ')'",
        "'[' is never closed",
    ]
    sound = news.entries[0]
    assert (sound.title, sound.source, sound.url) == (
        "示例芯片公司发布低功耗语音芯片",
        "芯闻速递",
        "https://example.com/news/voice-chip",
    )
    no_paren = news.entries[1]
    assert no_paren.title == "[示例厂商开源端侧推理框架 | 示例媒体](https://example.com/news/engine"
    assert no_paren.verbatim_body
    assert no_paren.summary.splitlines()[-1] == "    2. 第二点。"
    broken = news.entries[2]
    assert broken.summary.splitlines()[0] == "](https://example.com/news/quant)"
    assert papers.entries[0].attention == "the link has no closing ')'"
    assert papers.entries[1].metadata == [("代码", "https://example.com/sparse-mcu")]
    assert papers.entries[1].label == "1906.00002"
    assert projects.entries[0].attention == "'[' is never closed"
    assert [entry.line for entry in news.entries] == [13, 15, 19]
