"""Hypothesis strategies for issue documents holding whatever an editor can type.

The domain is what the admin lets through: single-line fields (titles,
sources, labels, headline, tagline, extra links) have no line breaks and no
surrounding white space (Django's form fields strip them); multi-line Markdown
fields (preamble, section note, summary) may hold anything but control
characters, including leading and trailing spaces and blank-line runs; metadata
keys hold no "：". Multi-line values are built from lines that the house format
would misread, random Markdown and random text.
"""

import datetime
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from issues.housefmt import EntryDoc, IssueDoc, SectionDoc

_SCALE = int(os.environ.get("DIGEST_HYPOTHESIS_SCALE", "1"))


def property_settings(examples: int, *, suppress=()):
    """Bounded runs: ``examples`` times DIGEST_HYPOTHESIS_SCALE, no deadline."""
    return settings(
        max_examples=examples * _SCALE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, *suppress],
    )


# A fixed alphabet keeps generation fast: ASCII punctuation and letters, CJK
# and full-width punctuation, emoji, exotic white space, a combining mark. No
# control characters (a file holding them is refused as binary).
_CHARS = st.sampled_from(
    list(" !\"#$%&'()*+,-./0123456789:;<=>?@AZaz[\\]^_`{|}~\t")
    + list("中文摘要简报：，。、“”（）【】《》—…")
    + list("🤖👍🚀\u00a0\u3000\u2028\u200b\u0301é")
)
_AWKWARD_WORDS = [
    " | ",
    "](",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "\\",
    "|",
    "**",
    "`",
    "：",
    ":",
    "摘要：",
    "往期回顾",
    "- ",
    "## ",
    "----",
    "<!-- verbatim 2 -->",
    "嵌入式AI简报",
    "🚀",
    "\t",
]
_AWKWARD_LINES = [
    "- a",
    "- [t | s](https://example.com/)",
    "-",
    "  - nested",
    "    1. sub item",
    "* star",
    "## heading",
    "##",
    "## 往期回顾",
    "## [往期回顾](https://example.com/)",
    "----",
    "-----",
    "---",
    "摘要：again",
    "代码：https://example.com/code",
    "key: value",
    "**bold line**",
    "> quote",
    "![image](https://example.com/a.png)",
    "`code span`",
    "```",
    "~~~",
    "<b>html</b>",
    "<script>alert(1)</script>",
    "<!-- verbatim 1 -->",
    "<!-- metadata 1 -->",
    "摘要：<!-- verbatim 1 -->",
    "<font>注：</font>",
    "| a | b |",
    "# not an h1",
    "",
    " ",
    "  ",
    "\\- escaped",
    "中文，全角标点：“引号”（括号）",
    "emoji 🤖👍",
]

_word = st.one_of(st.sampled_from(_AWKWARD_WORDS), st.text(_CHARS, min_size=1, max_size=8))
_raw_line = st.lists(_word, max_size=5).map("".join).map(lambda s: s.replace("\n", " "))


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


# Titles, labels, sources and the like allow no control character, a tab included
# (``issues.models.validate_single_line``).
single_line = _raw_line.map(_one_line).map(lambda s: s.replace("\t", " ")).map(str.strip)
nonempty_line = single_line.filter(bool)

markdown_line = st.one_of(st.sampled_from(_AWKWARD_LINES), _raw_line.map(_one_line))
markdown = st.lists(markdown_line, max_size=6).map("\n".join)

url = st.one_of(
    st.just(""),
    st.builds(
        lambda path: "https://example.com/" + path,
        st.lists(
            st.one_of(
                st.sampled_from(["(", ")", "[", "]", "<", ">", "\\", "|", "%28", "a", "中"]),
                st.text(st.characters(whitelist_categories=("L", "N")), max_size=4),
            ),
            max_size=6,
        ).map("".join),
    ),
)

metadata_key = single_line.map(lambda s: s.replace("：", "").strip())
metadata = st.lists(st.tuples(metadata_key, single_line), max_size=3)


@st.composite
def entries(draw):
    verbatim_body = draw(st.booleans())
    summary = draw(markdown)
    if verbatim_body and not summary:
        verbatim_body = False
    return EntryDoc(
        title=draw(nonempty_line),
        label=draw(single_line),
        source=draw(single_line),
        url=draw(url),
        extra_links=draw(single_line),
        metadata=[] if verbatim_body else draw(metadata),
        summary=summary,
        verbatim_body=verbatim_body,
    )


sections = st.builds(
    SectionDoc,
    title=nonempty_line,
    note=markdown,
    entries=st.lists(entries(), max_size=4),
)


@st.composite
def issue_documents(draw):
    headline = draw(single_line)
    if headline and headline[0] not in ":：":
        separator = draw(st.sampled_from(["：", " ", ""]))
    else:
        separator = "："
    return IssueDoc(
        publication_date=draw(
            st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2200, 12, 31))
        ),
        publication_name=draw(
            nonempty_line.map(lambda s: s.replace("(", "").replace(")", "").strip()).filter(bool)
        ),
        headline=headline,
        headline_separator=separator,
        tagline=draw(single_line),
        preamble=draw(markdown),
        sections=draw(st.lists(sections, min_size=1, max_size=3)),
    )
