"""Property: a mutated house-format file imports correctly or fails with one clean line.

Never a traceback, never a partial write: either the issue's rows are exactly
what the file says, or every error line names the file (and a line where one
is to blame) and the database is as it was.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, event, given
from hypothesis import strategies as st

from issues.documents import document_from_issue
from issues.housefmt import document_difference, parse
from issues.models import Entry, Issue, Revision
from tests.issues.housefmt.strategies import property_settings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = [
    (path.name, path.read_bytes())
    for path in [
        *sorted((FIXTURES / "housefmt").glob("*.md")),
        FIXTURES / "import" / "2025-03-03.md",
    ]
]
_SNIPPETS = [
    b"[",
    b"]",
    b"(",
    b")",
    b"](",
    b" | ",
    b"- ",
    b"## ",
    b"# ",
    b"----\n",
    b"\n",
    b"\n\n",
    "摘要：".encode(),
    "：".encode(),
    b"<!-- verbatim 2 -->\n",
    b"<!-- metadata 1 -->\n",
    b"    ",
    b"\x00",
    b"\xff\xfe",
    b"\xe4\xb8",  # a cut-off UTF-8 sequence
    b"\r\n",
    b"(1989-01-01)",
    b"(2021-02-30)",
    b"javascript:alert(1)",
    "🤖".encode(),
]


@st.composite
def mutated_files(draw):
    name, data = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "cut", "duplicate_line", "drop_line"]))
        at = draw(st.integers(0, len(data)))
        if kind == "insert":
            data = data[:at] + draw(st.sampled_from(_SNIPPETS)) + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 12)) :]
        elif kind == "cut":
            data = data[:at]
        else:
            lines = data.split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            if kind == "duplicate_line":
                lines.insert(index, lines[index])
            else:
                del lines[index]
            data = b"\n".join(lines)
    return name, data


@pytest.mark.filterwarnings("ignore::UserWarning")
@property_settings(80, suppress=[HealthCheck.function_scoped_fixture])
@given(mutated=mutated_files())
def test_mutated_file_imports_correctly_or_fails_with_one_clean_line(db, tmp_path, mutated):
    Issue.objects.all().delete()
    name, data = mutated
    path = tmp_path / name
    path.write_bytes(data)
    err = StringIO()
    try:
        call_command("import_markdown", str(path), stdout=StringIO(), stderr=err)
    except CommandError as error:
        for line in [*err.getvalue().splitlines(), str(error)]:
            assert "Traceback" not in line
        errors = err.getvalue().splitlines() or [str(error)]
        for line in errors:
            assert re.match(rf"^{re.escape(str(path))}(:\d+)?: \S", line), line
        assert (Issue.objects.count(), Entry.objects.count(), Revision.objects.count()) == (0, 0, 0)
        event("refused")
        return
    event("imported")
    warnings = err.getvalue().splitlines()
    assert all(": entry kept as written: " in line for line in warnings)
    doc = parse(data.decode("utf-8"))
    issue = Issue.objects.get(publication_date=doc.publication_date)
    assert document_difference(doc, document_from_issue(issue)) is None
