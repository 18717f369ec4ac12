"""Line diffs of two versions of an issue, as rows for the admin's diff tables.

Both sides are the house-format text of a document, so a reviewer reads
changes in the format the team has always written.
"""

import difflib

from issues import documents, housefmt


def _segments(old, new):
    """Two versions of a line as [(changed, text)] pairs, for highlighting within it."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    old_parts, new_parts = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            old_parts.append((tag != "equal", old[i1:i2]))
        if j2 > j1:
            new_parts.append((tag != "equal", new[j1:j2]))
    return old_parts, new_parts


def diff_rows(old_text, new_text, context=3):
    """A unified line diff as rows for ``_diff_table.html`` (which escapes the text).

    Each row: ``kind`` (equal / delete / insert / skip), the old and new line
    numbers, and ``segments``: (changed, text) pairs, so that a changed line
    shows which characters changed.
    """
    old, new = old_text.splitlines(), new_text.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    rows = []
    for number, group in enumerate(matcher.get_grouped_opcodes(context)):
        if number:
            rows.append({"kind": "skip"})
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(
                    {
                        "kind": "equal",
                        "old_no": i + 1,
                        "new_no": j + 1,
                        "segments": [(False, old[i])],
                    }
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                )
                continue
            deleted = [
                {"kind": "delete", "old_no": i + 1, "new_no": "", "segments": [(True, old[i])]}
                for i in range(i1, i2)
            ]
            inserted = [
                {"kind": "insert", "old_no": "", "new_no": j + 1, "segments": [(True, new[j])]}
                for j in range(j1, j2)
            ]
            for before, after in zip(deleted, inserted, strict=False):
                before["segments"], after["segments"] = _segments(
                    before["segments"][0][1], after["segments"][0][1]
                )
            rows.extend(deleted)
            rows.extend(inserted)
    return rows


def revision_text(revision):
    return housefmt.dump(revision.document())


def working_copy_text(issue):
    return housefmt.dump(documents.document_from_issue(issue))
