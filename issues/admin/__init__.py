"""The editors' and reviewers' workspace.

Content is edited in nested inlines (sections, then entries). Status is never
a field: the buttons on the issue page are the workflow actions
``issues.workflow`` offers this user, each posting to a small admin view that
calls the workflow and reports its refusal as a message. The same page shows
the audit timeline and the share links; history, diff and review are admin
views of their own.

One module per job: ``inlines`` (sections and entries), ``filters`` (the
issue list), ``views`` (the workflow, review, diff and share views),
``issue`` (the ``Issue`` admin itself), ``publication`` (settings).
"""

from issues.admin.issue import IssueAdmin
from issues.admin.publication import PublicationAdmin

__all__ = ["IssueAdmin", "PublicationAdmin"]
