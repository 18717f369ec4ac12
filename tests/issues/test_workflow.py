"""issues/workflow.py: who may move an issue where, and what each move leaves behind."""

import datetime
import threading
import time
from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from issues import documents, workflow
from issues.models import Entry, Issue, PublicEntry, Revision, ShareLink, Status
from issues.workflow import Action, TransitionError
from tests.factories import make_issue, make_issue_in_state

S = Status
ROLES = ["editor", "reviewer", "superuser", "outsider"]
REVIEWERS = {"reviewer", "superuser"}
WRITERS = {"editor", "reviewer", "superuser"}


def tomorrow():
    return timezone.now() + datetime.timedelta(days=1)


CALLS = {
    "submit": lambda issue, user: workflow.submit_for_review(issue, user),
    "request_changes": lambda issue, user: workflow.request_changes(issue, user, "请补充摘要"),
    "approve": lambda issue, user: workflow.approve(issue, user),
    "schedule": lambda issue, user: workflow.approve(issue, user, publish_at=tomorrow()),
    "unpublish": lambda issue, user: workflow.unpublish(issue, user, "链接失效"),
}
# transition: (states it may start from, roles allowed, resulting status)
RULES = {
    "submit": ({S.DRAFT, S.CHANGES_REQUESTED}, WRITERS, S.IN_REVIEW),
    "request_changes": ({S.IN_REVIEW}, REVIEWERS, S.CHANGES_REQUESTED),
    "approve": ({S.IN_REVIEW}, REVIEWERS, S.PUBLISHED),
    "schedule": ({S.IN_REVIEW}, REVIEWERS, S.SCHEDULED),
    "unpublish": ({S.PUBLISHED, S.SCHEDULED}, REVIEWERS, S.DRAFT),
}


def snapshot(issue):
    issue = Issue.objects.get(pk=issue.pk)
    return {
        "status": issue.status,
        "events": issue.events.count(),
        "revisions": issue.revisions.count(),
        "approved": issue.revisions.approved().count(),
        "public_entries": PublicEntry.objects.filter(revision__issue=issue).count(),
    }


@pytest.mark.parametrize("state", list(Status))
@pytest.mark.parametrize("transition", list(CALLS))
@pytest.mark.parametrize("role", ROLES)
def test_transition_matrix(request, role, transition, state, editor2):
    """Every role x transition x state: allowed moves succeed, the rest change nothing."""
    user = request.getfixturevalue(role)
    issue = make_issue_in_state(state, author=editor2)
    before = snapshot(issue)
    states, roles, target = RULES[transition]

    if state not in states:
        with pytest.raises(TransitionError):
            CALLS[transition](issue, user)
    elif role not in roles:
        with pytest.raises(PermissionDenied):
            CALLS[transition](issue, user)
    else:
        event = CALLS[transition](issue, user)
        assert issue.status == target
        assert Issue.objects.get(pk=issue.pk).status == target
        assert (event.from_status, event.to_status, event.actor) == (state, target, user)
        assert snapshot(issue)["events"] == before["events"] + 1
        return
    assert snapshot(issue) == before


# --- Four eyes -------------------------------------------------------------------


def test_reviewer_cannot_approve_issue_they_submitted(reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=reviewer)
    with pytest.raises(PermissionDenied):
        workflow.approve(issue, reviewer)
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW
    assert not issue.revisions.exists()


def test_reviewer_cannot_approve_issue_they_edited_last(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    Issue.objects.filter(pk=issue.pk).update(updated_by=reviewer)
    issue.refresh_from_db()
    with pytest.raises(PermissionDenied):
        workflow.approve(issue, reviewer)
    assert not workflow.can_approve(reviewer, issue)


def test_superuser_cannot_approve_own_issue_either(superuser):
    issue = make_issue_in_state(S.IN_REVIEW, author=superuser)
    with pytest.raises(PermissionDenied):
        workflow.approve(issue, superuser)


def test_another_reviewer_can_approve_what_a_reviewer_submitted(reviewer, reviewer2):
    issue = make_issue_in_state(S.IN_REVIEW, author=reviewer)
    workflow.approve(issue, reviewer2)
    assert issue.status == S.PUBLISHED


def test_one_person_team_can_approve_own_issue_with_four_eyes_off(reviewer, settings):
    settings.DIGEST_FOUR_EYES = False
    issue = make_issue_in_state(S.IN_REVIEW, author=reviewer)
    workflow.approve(issue, reviewer)
    assert issue.status == S.PUBLISHED


def test_four_eyes_off_still_does_not_let_an_editor_publish(editor, settings):
    settings.DIGEST_FOUR_EYES = False
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    with pytest.raises(PermissionDenied):
        workflow.approve(issue, editor)


def test_inactive_reviewer_cannot_approve(editor, reviewer):
    reviewer.is_active = False
    reviewer.save()
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    with pytest.raises(PermissionDenied):
        workflow.approve(issue, reviewer)


def test_submitting_records_the_submitter(editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    workflow.submit_for_review(issue, editor)
    assert Issue.objects.get(pk=issue.pk).submitted_by == editor


# --- Required comments --------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "   \n", None])
def test_request_changes_without_comment_is_refused(editor, reviewer, comment):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    before = snapshot(issue)
    with pytest.raises(ValidationError) as caught:
        workflow.request_changes(issue, reviewer, comment)
    assert caught.value.code == "comment_required"
    assert snapshot(issue) == before


def test_request_changes_keeps_the_comment_on_the_event(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    event = workflow.request_changes(issue, reviewer, "  第二条链接失效  ")
    assert event.comment == "第二条链接失效"
    assert event.action == Action.REQUEST_CHANGES


@pytest.mark.parametrize("reason", ["", "  "])
def test_unpublish_without_reason_is_refused(editor, reviewer, reason):
    issue = make_issue_in_state(S.PUBLISHED, author=editor)
    before = snapshot(issue)
    with pytest.raises(ValidationError):
        workflow.unpublish(issue, reviewer, reason)
    assert snapshot(issue) == before
    assert Issue.objects.published().filter(pk=issue.pk).exists()


# --- Approval and publication -----------------------------------------------------------


def test_approving_publishes_a_frozen_snapshot_at_once(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    event = workflow.approve(issue, reviewer)
    revision = event.revision
    assert revision.approved_by == reviewer
    assert revision.go_live_at <= timezone.now()
    assert revision.body_html
    assert revision.data["sections"][0]["entries"][0]["title"].startswith("业界新闻条目1")
    assert Issue.objects.published().filter(pk=issue.pk).exists()
    assert PublicEntry.objects.published().filter(revision=revision).count() == 3
    assert issue.live_revision() == revision


def test_scheduled_issue_is_hidden_before_its_time(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    publish_at = tomorrow()
    workflow.approve(issue, reviewer, publish_at=publish_at)
    assert issue.status == S.SCHEDULED
    assert not Issue.objects.published().filter(pk=issue.pk).exists()
    before = publish_at - datetime.timedelta(seconds=1)
    assert not Issue.objects.published(now=before).filter(pk=issue.pk).exists()
    assert not PublicEntry.objects.published(now=before).exists()


def test_scheduled_issue_is_public_at_its_time_without_the_job(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    publish_at = tomorrow()
    workflow.approve(issue, reviewer, publish_at=publish_at)
    assert Issue.objects.published(now=publish_at).filter(pk=issue.pk).exists()
    assert PublicEntry.objects.published(now=publish_at).count() == 3
    # No job has run: the recorded status still says scheduled.
    assert Issue.objects.get(pk=issue.pk).status == S.SCHEDULED


def test_publish_due_records_publication_only_once_the_time_has_come(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    publish_at = tomorrow()
    workflow.approve(issue, reviewer, publish_at=publish_at)

    assert workflow.publish_due(now=publish_at - datetime.timedelta(minutes=1)) == []
    assert Issue.objects.get(pk=issue.pk).status == S.SCHEDULED

    events = workflow.publish_due(now=publish_at + datetime.timedelta(minutes=1))
    assert [(e.issue_id, e.action, e.from_status, e.to_status) for e in events] == [
        (issue.pk, Action.PUBLISH, S.SCHEDULED, S.PUBLISHED)
    ]
    assert events[0].actor is None
    assert Issue.objects.get(pk=issue.pk).status == S.PUBLISHED
    # Running again finds nothing to do.
    assert workflow.publish_due(now=publish_at + datetime.timedelta(minutes=2)) == []


def test_scheduling_in_the_past_is_refused_and_changes_nothing(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    before = snapshot(issue)
    with pytest.raises(ValidationError) as refused:
        workflow.approve(issue, reviewer, publish_at=timezone.now() - datetime.timedelta(1))
    assert refused.value.code == "publish_at_past"
    assert snapshot(issue) == before


def test_publish_scheduled_command_dry_run_changes_nothing(editor, reviewer, monkeypatch):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    publish_at = tomorrow()
    workflow.approve(issue, reviewer, publish_at=publish_at)
    later = publish_at + datetime.timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)

    call_command("publish_scheduled", "--dry-run")
    assert Issue.objects.get(pk=issue.pk).status == S.SCHEDULED

    call_command("publish_scheduled")
    assert Issue.objects.get(pk=issue.pk).status == S.PUBLISHED
    assert issue.events.filter(action=Action.PUBLISH).count() == 1


def test_publish_due_ignores_a_withdrawn_schedule(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    publish_at = tomorrow()
    workflow.approve(issue, reviewer, publish_at=publish_at)
    workflow.unpublish(issue, reviewer, "日期改了")
    assert workflow.publish_due(now=publish_at + datetime.timedelta(hours=1)) == []
    assert not Issue.objects.published(now=publish_at).filter(pk=issue.pk).exists()


# --- Corrections -------------------------------------------------------------------------


def _rename_first_entry(issue, title):
    entry = Entry.objects.filter(section__issue=issue).order_by("section__position", "position")[0]
    entry.title = title
    entry.save()


def test_editing_a_published_issue_starts_a_correction_readers_do_not_see(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    approved = workflow.approve(issue, reviewer).revision

    _rename_first_entry(issue, "更正后的标题")
    revision = workflow.record_save(issue, editor)

    assert issue.status == S.DRAFT
    event = issue.events.latest("pk")
    assert (event.action, event.from_status, event.to_status) == (
        Action.CORRECT,
        S.PUBLISHED,
        S.DRAFT,
    )
    assert event.revision == revision
    # Readers keep the approved snapshot.
    assert Issue.objects.published().filter(pk=issue.pk).exists()
    assert list(Revision.objects.live().filter(issue=issue)) == [approved]
    titles = set(PublicEntry.objects.published().values_list("title", flat=True))
    assert "更正后的标题" not in titles
    assert any(title.startswith("业界新闻条目1") for title in titles)


def test_approving_a_correction_replaces_what_readers_see(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    old = workflow.approve(issue, reviewer).revision
    _rename_first_entry(issue, "更正后的标题")
    workflow.record_save(issue, editor)
    workflow.submit_for_review(issue, editor)
    new = workflow.approve(issue, reviewer).revision

    assert issue.live_revision() == new != old
    titles = set(PublicEntry.objects.published().values_list("title", flat=True))
    assert "更正后的标题" in titles


def test_saving_a_draft_records_a_revision_without_changing_status(editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    revision = workflow.record_save(issue, editor)
    assert (revision.status, revision.created_by) == (S.DRAFT, editor)
    assert issue.status == S.DRAFT
    assert not issue.events.exists()


@pytest.mark.parametrize("state", [S.IN_REVIEW, S.SCHEDULED])
def test_saving_is_refused_while_content_is_frozen(editor, state):
    issue = make_issue_in_state(state, author=editor)
    with pytest.raises(TransitionError):
        workflow.record_save(issue, editor)
    assert not issue.revisions.exclude(go_live_at__isnull=False).exists()


def test_outsider_cannot_record_a_save(editor, outsider):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    with pytest.raises(PermissionDenied):
        workflow.record_save(issue, outsider)


# --- Unpublishing -----------------------------------------------------------------------


def test_unpublishing_hides_the_issue_from_readers_at_once(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    workflow.approve(issue, reviewer)
    event = workflow.unpublish(issue, reviewer, "版权问题")
    assert issue.status == S.DRAFT
    assert event.comment == "版权问题"
    assert not Issue.objects.published().filter(pk=issue.pk).exists()
    assert not PublicEntry.objects.published().exists()
    assert issue.revisions.approved().count() == 0


def test_reviewer_can_withdraw_a_published_issue_while_it_is_being_corrected(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    workflow.approve(issue, reviewer)
    workflow.record_save(issue, editor)
    assert issue.status == S.DRAFT

    workflow.unpublish(issue, reviewer, "整期撤下")
    assert issue.status == S.DRAFT
    assert not Issue.objects.published().filter(pk=issue.pk).exists()


def test_editor_cannot_withdraw_a_correction(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    workflow.approve(issue, reviewer)
    workflow.record_save(issue, editor)
    with pytest.raises(PermissionDenied):
        workflow.unpublish(issue, editor, "整期撤下")
    assert Issue.objects.published().filter(pk=issue.pk).exists()


# --- Restore ---------------------------------------------------------------------------


def test_restoring_a_revision_makes_it_the_working_copy(editor, editor2):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    first = workflow.record_save(issue, editor)
    _rename_first_entry(issue, "改坏了的标题")
    workflow.record_save(issue, editor)
    version = Issue.objects.get(pk=issue.pk).version

    restored = workflow.restore_revision(first, editor2)

    issue.refresh_from_db()
    assert restored.data["sections"] == first.data["sections"]
    assert not Entry.objects.filter(section__issue=issue, title="改坏了的标题").exists()
    assert issue.version == version + 1
    assert issue.updated_by == editor2
    event = issue.events.latest("pk")
    assert (event.action, event.actor, event.revision) == (Action.RESTORE, editor2, restored)


def test_restoring_a_published_issue_starts_a_correction(editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    approved = workflow.approve(issue, reviewer).revision
    workflow.restore_revision(approved, editor)
    issue.refresh_from_db()
    assert issue.status == S.DRAFT
    assert issue.live_revision() == approved


@pytest.mark.parametrize("state", [S.IN_REVIEW, S.SCHEDULED])
def test_restoring_is_refused_while_content_is_frozen(editor, state):
    issue = make_issue_in_state(state, author=editor)
    revision = issue.revisions.first() or make_revision_for(issue, editor)
    before = snapshot(issue)
    with pytest.raises(TransitionError):
        workflow.restore_revision(revision, editor)
    assert snapshot(issue) == before


def make_revision_for(issue, user):
    from issues.documents import document_from_issue, document_to_data

    return Revision.objects.create(
        issue=issue,
        created_by=user,
        status=issue.status,
        data=document_to_data(document_from_issue(issue)),
    )


def test_outsider_cannot_restore(editor, outsider):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    revision = workflow.record_save(issue, editor)
    with pytest.raises(PermissionDenied):
        workflow.restore_revision(revision, outsider)


# --- What the admin is offered -----------------------------------------------------------


def test_available_actions_follow_role_and_state(editor, editor2, reviewer):
    draft = make_issue_in_state(S.DRAFT, author=editor2)
    in_review = make_issue_in_state(S.IN_REVIEW, author=editor2)
    published = make_issue_in_state(S.PUBLISHED, author=editor2)

    def names(issue, user):
        return [action.name for action in workflow.available_actions(issue, user)]

    assert names(draft, editor) == [Action.SUBMIT]
    assert names(in_review, editor) == []
    assert names(in_review, reviewer) == [Action.APPROVE, Action.SCHEDULE, Action.REQUEST_CHANGES]
    assert names(published, reviewer) == [Action.UNPUBLISH]
    assert names(published, editor) == []


def test_share_links_are_for_reviewers_and_unpublished_issues(editor, reviewer):
    draft = make_issue_in_state(S.DRAFT, author=editor)
    published = make_issue_in_state(S.PUBLISHED, author=editor)
    link = workflow.create_share_link(draft, reviewer, days=3)
    assert link.expires_at - link.created_at == datetime.timedelta(days=3)
    with pytest.raises(PermissionDenied):
        workflow.create_share_link(draft, editor)
    with pytest.raises(PermissionDenied):
        workflow.create_share_link(published, reviewer)
    workflow.revoke_share_link(link, reviewer)
    assert not draft.share_links.valid().exists()


# --- Concurrency -----------------------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks between connections; SQLite serialises whole transactions",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_approving_at_once_publish_exactly_once(monkeypatch):
    from tests.factories import make_user

    editor = make_user("race-editor", groups=["editor"])
    reviewers = [make_user(f"race-reviewer{n}", groups=["reviewer"]) for n in (1, 2)]
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)

    # Widen the window between reading the status and committing.
    freeze = workflow.freeze_revision

    def slow_freeze(revision):
        time.sleep(0.3)
        return freeze(revision)

    monkeypatch.setattr(workflow, "freeze_revision", slow_freeze)
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(user):
        try:
            barrier.wait()
            workflow.approve(Issue.objects.get(pk=issue.pk), user)
            outcomes.append("approved")
        except TransitionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(user,)) for user in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == ["approved", "refused"]
    assert issue.revisions.approved().count() == 1
    assert issue.events.filter(action=Action.APPROVE).count() == 1


def test_restoring_a_date_now_taken_by_another_issue_is_refused_and_changes_nothing(editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    first = workflow.record_save(issue, editor)
    old_date = issue.publication_date
    issue.publication_date = old_date + datetime.timedelta(days=1)
    issue.save()
    workflow.record_save(issue, editor)
    make_issue(old_date)
    revisions = issue.revisions.count()

    with pytest.raises(ValidationError, match="这一天已经有一期简报了"):
        workflow.restore_revision(first, editor)

    issue.refresh_from_db()
    assert issue.publication_date == old_date + datetime.timedelta(days=1)
    assert issue.revisions.count() == revisions
    assert issue.sections.count() == 2


# --- Four eyes covers everyone who wrote the content ----------------------------------


def _edit(issue, user, **changes):
    """What an admin save does: write the working copy, then record the revision."""
    doc = documents.document_from_issue(issue)
    documents.write_document(replace(doc, **changes), issue, user=user)
    return workflow.record_save(issue, user)


def test_reviewer_who_wrote_the_issue_cannot_approve_after_a_colleague_resubmits_it(
    editor, reviewer, reviewer2
):
    issue = make_issue(user=reviewer)
    _edit(issue, reviewer, headline="审稿人自己写的")
    _edit(issue, editor)  # a save that changes nothing
    workflow.submit_for_review(issue, editor)

    assert not workflow.can_approve(reviewer, issue)
    with pytest.raises(PermissionDenied):
        workflow.approve(issue, reviewer)
    assert issue not in Issue.objects.approvable_by(reviewer)
    assert issue in Issue.objects.approvable_by(reviewer2)


def test_superuser_who_wrote_the_issue_cannot_approve_it_either(editor, superuser):
    issue = make_issue(user=editor)
    _edit(issue, superuser, headline="管理员写的")
    _edit(issue, editor)
    workflow.submit_for_review(issue, editor)

    with pytest.raises(PermissionDenied):
        workflow.approve(issue, superuser)


def test_restoring_a_revision_counts_for_the_author_of_the_restored_content(
    editor, reviewer, reviewer2
):
    issue = make_issue(user=editor)
    written_by_reviewer = _edit(issue, reviewer, headline="审稿人的版本")
    _edit(issue, editor, headline="编辑的版本")
    workflow.submit_for_review(issue, editor)
    workflow.approve(issue, reviewer2)
    _edit(issue, editor, headline="更正")
    workflow.restore_revision(written_by_reviewer, editor)
    workflow.submit_for_review(issue, editor)

    assert not workflow.can_approve(reviewer, issue)
    assert workflow.can_approve(reviewer2, issue)


def test_content_approved_earlier_does_not_bind_its_author_forever(editor, reviewer, reviewer2):
    issue = make_issue(user=editor)
    _edit(issue, reviewer, headline="审稿人写过一次")
    issue.updated_by = editor
    workflow.submit_for_review(issue, editor)
    workflow.approve(issue, reviewer2)
    _edit(issue, editor, headline="编辑的更正")
    Issue.objects.filter(pk=issue.pk).update(updated_by=editor)
    workflow.submit_for_review(issue, editor)

    assert workflow.can_approve(reviewer, issue)


# --- Versions, share links -----------------------------------------------------------------


@pytest.mark.parametrize("transition", ["submit", "request_changes", "approve", "unpublish"])
def test_every_transition_bumps_the_version(editor, reviewer, transition):
    state = {"submit": S.DRAFT, "unpublish": S.PUBLISHED}.get(transition, S.IN_REVIEW)
    issue = make_issue_in_state(state, author=editor)
    before = issue.version
    CALLS[transition](issue, reviewer)
    assert Issue.objects.get(pk=issue.pk).version == before + 1


@pytest.mark.parametrize("transition", ["approve", "schedule", "unpublish"])
def test_share_links_die_when_the_issue_is_published_or_withdrawn(editor, reviewer, transition):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    link = workflow.create_share_link(issue, reviewer, days=7)
    if transition == "unpublish":
        # Withdrawing a correction in progress: the link to the draft dies too.
        workflow.unpublish(make_issue_in_state(S.PUBLISHED, author=editor), reviewer, "撤回")
        issue = make_issue_in_state(S.PUBLISHED, author=editor)
        workflow.record_save(issue, editor)  # starts a correction
        link = workflow.create_share_link(issue, reviewer, days=7)
    CALLS[transition](issue, reviewer)

    link.refresh_from_db()
    assert link.revoked_at is not None
    assert not ShareLink.objects.valid().filter(pk=link.pk).exists()


def test_approval_is_refused_for_a_date_readers_still_see_another_issue_at(editor, reviewer):
    standing = make_issue_in_state(S.PUBLISHED, author=editor)
    old_date = standing.publication_date
    # A correction moves the working copy away from its date; readers still see it there.
    _edit(standing, editor, publication_date=old_date + datetime.timedelta(days=1))
    newcomer = make_issue_in_state(
        S.DRAFT, author=editor, publication_date=old_date + datetime.timedelta(days=3)
    )
    _edit(newcomer, editor, publication_date=old_date)
    workflow.submit_for_review(newcomer, editor)

    with pytest.raises(ValidationError) as refused:
        workflow.approve(newcomer, reviewer)

    assert refused.value.code == "date_taken"
    assert not newcomer.revisions.approved().exists()
