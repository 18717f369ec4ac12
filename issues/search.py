"""Search text for published entries.

Chinese has no spaces between words, so a full-text parser sees a whole
Chinese sentence as one token. The search text therefore splits each run of
CJK characters into overlapping bigrams ("模型量化" -> "模型 型量 量化") and keeps
Latin words whole, lower-cased. Queries are split the same way, so a
two-character word such as 量化 is one token that an index can serve.
"""

import re

_cjk = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_token = re.compile(rf"[{_cjk}]+|[0-9a-z][0-9a-z._+#-]*", re.IGNORECASE)
_cjk_run = re.compile(rf"^[{_cjk}]+$")


def tokens(text: str) -> list[str]:
    result = []
    for match in _token.finditer(text or ""):
        word = match.group(0).lower()
        if _cjk_run.match(word):
            if len(word) == 1:
                result.append(word)
            else:
                result.extend(word[i : i + 2] for i in range(len(word) - 1))
        else:
            result.append(word.strip("._-"))
    return [token for token in result if token]


def search_text(*parts: str) -> str:
    return " ".join(token for part in parts for token in tokens(part))


# --- Queries -----------------------------------------------------------------

MAX_TERMS = 8
MAX_TERM_LENGTH = 50
_single_cjk = re.compile(rf"^[{_cjk}]$")


def query_terms(query: str) -> list[str]:
    """The words a reader typed (split on any white space), lower-cased, de-duplicated."""
    terms: list[str] = []
    for term in (query or "").lower().split():
        term = term[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def term_phrase(term: str) -> str | None:
    """The term as consecutive search-text tokens, or None if the index cannot serve it.

    "模型量化" becomes "模型 型量 量化": searched as a phrase, the bigrams must stand
    next to each other, as they do in the search text of an entry containing
    the word. A lone Chinese character has no bigram of its own; such a term
    (and one without any token, e.g. "+") is matched as a substring instead.
    """
    parts = tokens(term)
    if not parts or any(_single_cjk.match(part) for part in parts):
        return None
    return " ".join(parts)


def term_tsquery(term: str) -> str | None:
    """The term as a PostgreSQL ``to_tsquery`` phrase, or None if the index cannot serve it.

    Like ``term_phrase``, with each Latin word matched as a prefix, so that
    ``mnn`` finds ``MNNv2`` and ``microcontroller`` finds ``Microcontrollers``.
    Tokens hold only CJK characters and ``[0-9a-z._+#-]`` (see ``tokens``), so
    quoting them is enough to keep the query's syntax out of a reader's hands.
    """
    if term_phrase(term) is None:
        return None
    parts = []
    for token in tokens(term):
        quoted = "'" + token.replace("'", "''") + "'"
        parts.append(quoted if _cjk_run.match(token) else quoted + ":*")
    return " <-> ".join(parts)


# --- Showing results ---------------------------------------------------------


def excerpt(text: str, terms: list[str], width: int = 140) -> str:
    """About ``width`` characters of ``text`` around the first matched term."""
    if len(text) <= width:
        return text
    lowered = text.lower()
    hits = [lowered.find(term) for term in terms if term and term in lowered]
    start = max(0, min(hits) - width // 4) if hits else 0
    end = min(len(text), start + width)
    start = max(0, end - width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
