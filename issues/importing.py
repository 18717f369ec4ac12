"""Bringing legacy house-format files into the database.

Parsing and validating happen for every file before anything is written, so
one bad file leaves the database as it was. Every problem is reported as one
``file:line: message`` line.
"""

import datetime
import re
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from issues import workflow
from issues.documents import document_from_issue, entry_from_doc, write_document
from issues.housefmt import (
    HouseFormatError,
    IssueDoc,
    document_difference,
    dump,
    parse,
    roundtrip_diff,
)
from issues.models import EARLIEST_DATE, LATEST_DATE, Issue, Section


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
        except IsADirectoryError:
            errors.append(f"{path}: is a folder, not a file")
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
        problem = _date_problem(doc) or _field_problem(doc)
        if problem:
            line, message = problem
            line = line or _h1_line(text)
            errors.append(f"{path}:{line}: {message}")
            continue
        if doc.publication_date in seen:
            errors.append(
                f"{path}: issue {doc.publication_date} is also in {seen[doc.publication_date]}"
            )
            continue
        seen[doc.publication_date] = path
        parsed.append((path, doc))
    return parsed, errors


def kept_as_written(parsed) -> list[str]:
    """One ``file:line: entry kept as written: reason`` per damaged entry."""
    return [
        f"{path}:{entry.line}: entry kept as written: {entry.attention}"
        for path, doc in parsed
        for section in doc.sections
        for entry in section.entries
        if entry.attention
    ]


def _h1_line(text: str) -> int:
    # Split as the parser does (str.splitlines() also breaks at U+2028 and friends).
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if line.startswith("# "):
            return number
    return 1


def _date_problem(doc: IssueDoc):
    date = doc.publication_date
    if not EARLIEST_DATE <= date <= LATEST_DATE:
        return None, (
            f"issue date {date.isoformat()} is outside {EARLIEST_DATE.year}–{LATEST_DATE.year}"
        )
    return None


def _field_problem(doc: IssueDoc):
    """(line, message) for the first value the models refuse, else None.

    The same field checks ``write_document`` runs, done before writing so that
    the message can name the line.
    """
    issue = Issue(
        publication_date=doc.publication_date,
        headline=doc.headline,
        headline_separator=doc.headline_separator,
        preamble=doc.preamble,
    )
    checks = [(None, issue, ["status"])]
    for section_doc in doc.sections:
        section = Section(title=section_doc.title, note=section_doc.note)
        checks.append((section_doc.line, section, ["issue"]))
        for entry_doc in section_doc.entries:
            entry = entry_from_doc(entry_doc)
            checks.append((entry_doc.line, entry, ["section"]))
    for line, instance, exclude in checks:
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            return line, _describe(instance, error)
    return None


def _describe(instance, error: ValidationError) -> str:
    parts = []
    for field, messages in error.message_dict.items():
        name = instance._meta.get_field(field).name if field != "__all__" else ""
        parts.append(f"{name}: {' '.join(messages)}" if name else " ".join(messages))
    return "; ".join(parts)


def import_documents(parsed, *, publish: bool, replace: bool, user=None) -> list[Issue]:
    """Write parsed documents; the caller holds the transaction.

    Raises ImportRefused with a one-line reason when a date is taken (without
    ``replace``), when the models refuse a value, or when the issue of that
    date cannot be changed now (in review, scheduled).
    """
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
        if issue.pk is not None and not issue.is_editable():
            raise ImportRefused(
                f"{path}: issue {doc.publication_date} cannot be replaced while it is "
                f"“{issue.get_status_display()}” ({issue.status})"
            )
        try:
            write_document(doc, issue, user=user)
            if publish:
                go_live_at = timezone.make_aware(
                    datetime.datetime.combine(doc.publication_date, datetime.time(8, 0))
                )
                workflow.publish_imported(issue, go_live_at=go_live_at, user=user)
            else:
                workflow.record_save(issue, user)
        except ValidationError as error:
            raise ImportRefused(f"{path}: {'; '.join(error.messages)}") from None
        except (workflow.TransitionError, PermissionDenied) as error:
            raise ImportRefused(f"{path}: issue {doc.publication_date}: {error}") from None
        issues.append(issue)
    return issues


def roundtrip(path: Path, doc: IssueDoc) -> list[str]:
    """Import one document, export it again and compare with the file.

    [] when both agree; otherwise the first differing field (when the
    structure differs) followed by the text diff.
    """
    import_documents([(path, doc)], publish=False, replace=True)
    issue = Issue.objects.get(publication_date=doc.publication_date)
    exported = dump(document_from_issue(issue))
    report = []
    difference = document_difference(doc, parse(exported))
    if difference:
        report.append(f"first difference: {difference}")
    report.extend(roundtrip_diff(path.read_text(encoding="utf-8"), exported))
    return report
