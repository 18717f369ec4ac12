"""Bringing legacy house-format files into the database.

Parsing happens for every file before anything is written, so one bad file
leaves the database as it was.
"""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone

from issues import workflow
from issues.documents import document_from_issue, write_document
from issues.housefmt import HouseFormatError, IssueDoc, dump, parse, roundtrip_diff
from issues.models import Issue


class ImportRefused(Exception):
    """A file is fine on its own but cannot be imported as asked."""


def collect_files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.md")))
        else:
            files.append(path)
    return files


def parse_files(files: list[Path]) -> tuple[list[tuple[Path, IssueDoc]], list[str]]:
    """Every file parsed, and one ``file:line: message`` per file that is not."""
    parsed, errors = [], []
    seen: dict[datetime.date, Path] = {}
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            errors.append(f"{path}: no such file")
            continue
        except UnicodeDecodeError as error:
            errors.append(f"{path}: not UTF-8 text (byte {error.start})")
            continue
        try:
            doc = parse(text)
        except HouseFormatError as error:
            line = f"{error.line}:" if error.line else ""
            errors.append(f"{path}:{line} {error.message}")
            continue
        if doc.publication_date in seen:
            errors.append(
                f"{path}: issue {doc.publication_date} is also in {seen[doc.publication_date]}"
            )
            continue
        seen[doc.publication_date] = path
        parsed.append((path, doc))
    return parsed, errors


def import_documents(parsed, *, publish: bool, replace: bool, user=None) -> list[Issue]:
    """Write parsed documents; the caller holds the transaction."""
    existing = set(
        Issue.objects.filter(
            publication_date__in=[doc.publication_date for _path, doc in parsed]
        ).values_list("publication_date", flat=True)
    )
    if existing and not replace:
        dates = ", ".join(sorted(date.isoformat() for date in existing))
        raise ImportRefused(f"issue(s) already exist for {dates}; use --replace to overwrite them")
    issues = []
    for path, doc in parsed:
        issue = Issue.objects.filter(publication_date=doc.publication_date).first() or Issue()
        try:
            write_document(doc, issue, user=user)
        except ValidationError as error:
            raise ImportRefused(f"{path}: {'; '.join(error.messages)}") from None
        if publish:
            go_live_at = timezone.make_aware(
                datetime.datetime.combine(doc.publication_date, datetime.time(8, 0))
            )
            workflow.publish_imported(issue, go_live_at=go_live_at, user=user)
        else:
            workflow.record_save(issue, user)
        issues.append(issue)
    return issues


def roundtrip(path: Path, doc: IssueDoc) -> list[str]:
    """Import one document, export it again and compare with the file."""
    import_documents([(path, doc)], publish=False, replace=True)
    issue = Issue.objects.get(publication_date=doc.publication_date)
    exported = dump(document_from_issue(issue))
    return roundtrip_diff(path.read_text(encoding="utf-8"), exported)
