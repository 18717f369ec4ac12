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
