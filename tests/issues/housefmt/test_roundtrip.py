import pytest

from issues.housefmt import content_part, document_difference, dump, parse, roundtrip_diff

from ._fixtures import GOOD_FIXTURES, read_fixture, without_lines


@pytest.mark.parametrize("path", GOOD_FIXTURES, ids=lambda path: path.name)
def test_fixture_survives_parse_and_dump(path):
    original = path.read_text(encoding="utf-8")
    assert roundtrip_diff(original, dump(parse(original))) == []


@pytest.mark.parametrize("path", GOOD_FIXTURES, ids=lambda path: path.name)
def test_parse_of_dump_gives_the_same_document_fields(path):
    doc = parse(path.read_text(encoding="utf-8"))
    again = parse(dump(doc))
    assert without_lines(again) == without_lines(doc)


def test_roundtrip_diff_ignores_trailing_space_and_blank_runs():
    original = read_fixture("legacy_plain_list.md")
    exported = original.replace("  \n", "\n").replace("\n\n", "\n\n\n\n")
    assert roundtrip_diff(original, exported) == []


def test_roundtrip_diff_ignores_archive_and_footer():
    original = read_fixture("legacy_mixed_grid.md")
    cut = original.index("## [往期回顾]")
    assert roundtrip_diff(original, original[:cut] + "----\n\n其他页脚\n") == []


def test_roundtrip_diff_reports_a_changed_line():
    original = read_fixture("legacy_plain_list.md")
    diff = roundtrip_diff(original, original.replace("提升了一倍", "提升了两倍"))
    assert "-摘要：第二代视觉处理器的能效比提升了一倍。" in diff
    assert "+摘要：第二代视觉处理器的能效比提升了两倍。" in diff


def test_roundtrip_diff_reports_a_lost_blank_line():
    original = read_fixture("legacy_plain_list.md")
    exported = original.replace("<font>", "\n<font>")
    assert roundtrip_diff(original, exported) != []


def test_roundtrip_diff_is_short_for_big_changes():
    original = read_fixture("full_issue.md")
    assert len(roundtrip_diff(original, "# 另一份简报 (2022-01-01)\n")) <= 61


def test_content_part_runs_from_h1_to_generated_part():
    part = content_part(read_fixture("legacy_plain_list.md")).split("\n")
    assert part[0] == "# 嵌入式AI简报 (2019-05-01)"
    assert part[-2] == "摘要：作者用深度可分离卷积替换了解码器中的普通卷积。"
    assert part[-1] == ""


def test_content_part_never_raises_on_junk():
    assert content_part("\x00\x01 no heading at all") == "\x00\x01 no heading at all\n"


def test_document_difference_names_the_first_differing_entry_field():
    before = parse(read_fixture("full_issue.md"))
    after = parse(read_fixture("full_issue.md"))
    assert document_difference(before, after) is None
    after.sections[1].entries[0].summary = "changed"
    difference = document_difference(before, after)
    assert difference.startswith(f"section 2 ({before.sections[1].title!r}), entry 1 (line ")
    assert ": summary " in difference and "became 'changed'" in difference


def test_document_difference_reports_entries_that_multiplied():
    before = parse(read_fixture("full_issue.md"))
    after = parse(read_fixture("full_issue.md"))
    after.sections[0].entries.append(after.sections[0].entries[0])
    count = len(before.sections[0].entries)
    assert document_difference(before, after).endswith(f"{count} entries became {count + 1}")
