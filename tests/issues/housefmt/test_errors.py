import pytest

from issues.housefmt import HouseFormatError, parse

from ._fixtures import GOOD_FIXTURES, read_fixture


def parse_error(text):
    with pytest.raises(HouseFormatError) as caught:
        parse(text)
    error = caught.value
    assert "\n" not in str(error)
    return error


def test_entry_cut_off_at_the_end_of_the_file_is_kept_as_written():
    entry = parse(read_fixture("bad/truncated.md")).sections[0].entries[-1]
    assert entry.line == 11
    assert entry.attention == "'[' is never closed"
    assert entry.title.startswith("[青禾半导体发布首款端侧NPU | ")


def test_truncated_front_matter_reports_line_1():
    error = parse_error(read_fixture("bad/truncated_front_matter.md"))
    assert error.line == 1
    assert "front matter" in error.message


def test_missing_h1_reports_line():
    error = parse_error(read_fixture("bad/missing_h1.md"))
    assert str(error) == "line 5: expected an H1 '# NAME (YYYY-MM-DD)'"


def test_impossible_date_reports_line():
    error = parse_error(read_fixture("bad/bad_date.md"))
    assert error.line == 5
    assert "'2021-02-30' is not a valid date" in error.message


def test_binary_junk_reports_line():
    error = parse_error(read_fixture("bad/binary_junk.md"))
    assert error.line == 11
    assert error.message.startswith("binary data")


def test_nul_byte_reports_line():
    text = read_fixture("legacy_plain_list.md").replace("摘要：第二代", "摘要：\x00第二代")
    assert parse_error(text).line == 14


def test_entry_whose_link_has_no_title_is_kept_as_written():
    entry = parse(read_fixture("bad/empty_title.md")).sections[0].entries[0]
    assert (entry.title, entry.attention) == ("[](https://x)", "the link has no title")
    assert (entry.summary, entry.verbatim_body) == ("摘要：没有标题的条目。", True)


def test_empty_bullet_reports_line():
    text = read_fixture("legacy_plain_list.md").replace("## 论文\n", "## 论文\n\n- \n")
    assert parse_error(text).line == 18


def test_file_without_sections_reports_last_line():
    text = "# 嵌入式AI简报 (2022-03-06)\n\n**聚焦端侧推理**\n"
    error = parse_error(text)
    assert "no '## ' section" in error.message
    assert error.line == 4


@pytest.mark.parametrize("text", ["", "\n\n", "---\nlayout: default\n---\n"])
def test_empty_document_reports_missing_h1(text):
    assert "expected an H1" in parse_error(text).message


def test_error_str_without_line_is_the_message():
    assert str(HouseFormatError("boom")) == "boom"
    assert str(HouseFormatError("boom", 3)) == "line 3: boom"


def test_non_text_input_raises_house_format_error():
    parse_error(b"# bytes")


@pytest.mark.parametrize("path", GOOD_FIXTURES, ids=lambda path: path.name)
def test_every_truncation_parses_or_raises_house_format_error(path):
    text = path.read_text(encoding="utf-8")
    line_count = text.count("\n") + 1
    cuts = range(0, len(text), 7)
    for cut in cuts:
        try:
            parse(text[:cut])
        except HouseFormatError as error:
            assert error.line is None or 1 <= error.line <= line_count
            assert "\n" not in str(error)
