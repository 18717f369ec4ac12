"""Imports legacy house-format Markdown files; with --check, proves the round trip."""

import time
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from issues import importing, workflow
from issues.housefmt import HouseFormatError


class Rollback(Exception):
    """Raised to undo the --check run's writes."""


class Command(BaseCommand):
    help = (
        "Import house-format Markdown files (files or folders of *.md). Every file is "
        "parsed before anything is written; any error writes nothing. An entry whose "
        "head line cannot be read is kept as written, with a warning, and marked as "
        "needing attention in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Markdown files or folders holding them.")
        parser.add_argument(
            "--drafts", action="store_true", help="Import as drafts instead of published."
        )
        parser.add_argument(
            "--replace", action="store_true", help="Replace issues whose date already exists."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Import, export and compare each file under the round-trip rule; write nothing.",
        )

    def handle(self, *args, paths, drafts, replace, check, **options):
        files = importing.collect_files([Path(p) for p in paths])
        if not files:
            raise CommandError("no Markdown files found in: " + ", ".join(paths))
        started = time.monotonic()
        parsed, errors = importing.parse_files(files)
        if check:
            return self.check_roundtrip(files, parsed, errors)
        if errors:
            for error in errors:
                self.stderr.write(error)
            raise CommandError(f"{len(errors)} file(s) could not be read; nothing was imported.")
        try:
            with transaction.atomic():
                issues = importing.import_documents(parsed, publish=not drafts, replace=replace)
        except (importing.ImportRefused, ValidationError) as error:
            raise CommandError(_one_line(error)) from None
        kept = self.warn_kept_as_written(parsed)
        elapsed = time.monotonic() - started
        state = "drafts" if drafts else "published"
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(issues)} issue(s) as {state} in {elapsed:.2f}s.")
        )
        if kept:
            self.stdout.write(
                self.style.WARNING(f"{kept} entr{'y' if kept == 1 else 'ies'} kept as written; ")
                + "the admin lists their issues under the “需要处理” filter."
            )

    def warn_kept_as_written(self, parsed) -> int:
        warnings = importing.kept_as_written(parsed)
        for warning in warnings:
            self.stderr.write(self.style.WARNING(warning))
        return len(warnings)

    def check_roundtrip(self, files, parsed, errors):
        failures = list(errors)
        results = {}
        try:
            with transaction.atomic():
                for path, doc in parsed:
                    try:
                        with transaction.atomic():
                            results[path] = importing.roundtrip(path, doc)
                    except (
                        importing.ImportRefused,
                        ValidationError,
                        HouseFormatError,
                        workflow.TransitionError,
                        PermissionDenied,
                    ) as error:
                        results[path] = [_one_line(error)]
                raise Rollback
        except Rollback:
            pass
        for error in errors:
            self.stdout.write(f"FAIL {error}")
        for path, report in results.items():
            if report:
                failures.append(path)
                self.stdout.write(f"FAIL {path}")
                for line in report[:40]:
                    self.stdout.write(f"    {line}")
            else:
                self.stdout.write(f"ok   {path}")
        self.warn_kept_as_written(parsed)
        passed = len(files) - len(failures)
        summary = f"{passed}/{len(files)} files round-trip."
        if failures:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))


def _one_line(error):
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return " ".join(str(error).split("\n"))
