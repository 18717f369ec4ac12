from django.contrib import admin
from django.urls import reverse

from issues.admin import IssueAdmin
from issues.admin.filters import NeedsAttentionFilter
from issues.models import Entry, Issue, Section
from tests.factories import make_issue


def _with_entry(**fields):
    issue = make_issue(sections=())
    section = Section.objects.create(issue=issue, title="论文", position=0)
    Entry.objects.create(section=section, position=0, title="标题", **fields)
    return issue


def _filtered(request_factory, value):
    params = {"attention": [value]} if value else {}
    request = request_factory.get("/", params)
    model_admin = IssueAdmin(Issue, admin.site)
    list_filter = NeedsAttentionFilter(request, dict(params), Issue, model_admin)
    return set(list_filter.queryset(request, Issue.objects.all()))


def test_needs_attention_filter_lists_only_issues_with_an_entry_kept_as_written(db, rf):
    damaged = _with_entry(attention="'[' is never closed")
    sound = _with_entry()
    assert _filtered(rf, "yes") == {damaged}
    assert _filtered(rf, None) == {damaged, sound}


def test_repaired_entry_no_longer_needs_attention(db):
    issue = _with_entry(attention="the link has no title")
    Entry.objects.filter(section__issue=issue).update(attention="")
    assert not Issue.objects.needing_attention().exists()


def test_the_issue_page_marks_an_entry_kept_as_written_with_its_reason_escaped(client, editor):
    issue = _with_entry(attention="<b>'[' is never closed</b>")
    Issue.objects.filter(pk=issue.pk).update(created_by=editor)
    client.force_login(editor)

    html = client.get(reverse("admin:issues_issue_change", args=[issue.pk])).content.decode()

    assert 'class="c-mark c-mark-attention attention-badge"' in html
    assert "&lt;b&gt;&#x27;[&#x27; is never closed&lt;/b&gt;" in html
    assert "<b>'[' is never closed</b>" not in html
    # The reason stays editable, so the editor clears it once the entry is repaired.
    assert 'name="sections-0-entries-0-attention"' in html
