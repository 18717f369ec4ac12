"""The issue admin's own views: workflow actions, review, diff, history, share links."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext

from issues import documents, workflow
from issues.admin.display import READ_ONLY_REASONS, status_badge
from issues.diff import diff_rows, revision_text, working_copy_text
from issues.exporting import issue_markdown
from issues.forms import ShareLinkForm
from issues.models import Revision, Status
from issues.workflow import Action, TransitionError


class IssueViewsMixin:
    """The views behind the issue page's buttons and links."""

    def get_urls(self):
        def view(func):
            return self.admin_site.admin_view(func)

        urls = [
            path(
                "<path:object_id>/workflow/<str:action>/",
                view(self.transition_view),
                name="issues_issue_transition",
            ),
            path("<path:object_id>/review/", view(self.review_view), name="issues_issue_review"),
            path("<path:object_id>/diff/", view(self.diff_view), name="issues_issue_diff"),
            path(
                "<path:object_id>/markdown/",
                view(self.markdown_view),
                name="issues_issue_markdown",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                view(self.restore_view),
                name="issues_issue_restore",
            ),
            path("<path:object_id>/share/", view(self.share_view), name="issues_issue_share"),
            path(
                "<path:object_id>/share/<int:link_id>/revoke/",
                view(self.revoke_share_view),
                name="issues_issue_share_revoke",
            ),
        ]
        return urls + super().get_urls()

    def _get_issue(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _change_url(self, issue):
        return reverse("admin:issues_issue_change", args=[issue.pk])

    def _workflow_context(self, request, issue):
        actions = [
            {"action": action, "form": action.form(issue=issue)}
            for action in workflow.available_actions(issue, request.user)
        ]
        return {
            "issue": issue,
            "status_badge": status_badge(issue.status),
            "workflow_actions": actions,
            "pending_request": issue.pending_change_request(),
            "share_form": ShareLinkForm(),
            "can_share": workflow.can_share(request.user, issue),
            "share_links": issue.share_links.select_related("created_by"),
            "events": issue.events.select_related("actor", "revision"),
            "read_only_reason": READ_ONLY_REASONS.get(issue.status, ""),
            "is_correction": issue.status == Status.PUBLISHED,
            "live_revision": issue.live_revision(),
            "preview_url": reverse("issues:preview", args=[issue.publication_date.isoformat()]),
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        issue = self.get_object(request, unquote(object_id))
        if issue is not None and self.has_view_or_change_permission(request, issue):
            if request.method == "POST" and not issue.is_editable():
                messages.error(request, READ_ONLY_REASONS[issue.status])
                return HttpResponseRedirect(request.path)
            extra_context = {**self._workflow_context(request, issue), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _report(request, error):
        if isinstance(error, ValidationError):
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.error(request, str(error) or gettext("你没有权限执行此操作。"))

    def transition_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self._get_issue(request, object_id)
        if action not in workflow.ACTIONS:
            raise Http404
        return HttpResponseRedirect(self._perform(request, issue, action))

    def _perform(self, request, issue, action):
        """Run a workflow action with the POSTed input, report it, say where to go next."""
        try:
            workflow.perform(action, issue, request.user, request.POST)
        except ValidationError as error:
            self._report(request, error)
            if getattr(error, "code", None) == "stale_review":
                # Show the reviewer what changed since they looked.
                return self._review_url(issue)
        except (PermissionDenied, TransitionError) as error:
            self._report(request, error)
        else:
            messages.success(request, workflow.ACTIONS[action].success_message)
        return self._change_url(issue)

    def _review_url(self, issue):
        return reverse("admin:issues_issue_review", args=[issue.pk])

    def review_view(self, request, object_id):
        """What changed: since the previous submission (default) or since publication."""
        issue = self._get_issue(request, object_id)
        since = request.GET.get("since", "submission")
        submitted = issue.previous_submission_revision()
        published = issue.revisions.ever_approved().order_by("-go_live_at", "-pk").first()
        if since != "publication" and submitted is not None:
            since, base = "submission", submitted
        else:
            since, base = "publication", published
        context = {
            **self.admin_site.each_context(request),
            **self._workflow_context(request, issue),
            "opts": self.opts,
            "title": gettext("审核：%(issue)s") % {"issue": issue},
            "original": issue,
            "base": base,
            "since": since,
            "can_compare_submission": submitted is not None,
            "rows": diff_rows(revision_text(base) if base else "", working_copy_text(issue)),
            "first_publication": base is None,
        }
        return TemplateResponse(request, "admin/issues/issue/review.html", context)

    def markdown_view(self, request, object_id):
        """The working copy as a house-format file, for the team's git repository and WeChat."""
        issue = self._get_issue(request, object_id)
        markdown = issue_markdown(documents.document_from_issue(issue))
        response = HttpResponse(markdown, content_type="text/markdown; charset=utf-8")
        filename = f"{issue.publication_date.isoformat()}.md"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def diff_view(self, request, object_id):
        issue = self._get_issue(request, object_id)

        def side(key, default):
            value = request.GET.get(key, default)
            if value == "current":
                return None, working_copy_text(issue)
            try:
                revision = issue.revisions.get(pk=int(value))
            except (ValueError, TypeError, Revision.DoesNotExist):
                raise Http404 from None
            return revision, revision_text(revision)

        revisions = list(issue.revisions.order_by("-created_at", "-pk")[:2])
        default_old = str(revisions[1].pk) if len(revisions) > 1 else "current"
        old, old_text = side("from", default_old)
        new, new_text = side("to", "current")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("比较修订：%(issue)s") % {"issue": issue},
            "original": issue,
            "old": old,
            "new": new,
            "rows": diff_rows(old_text, new_text),
        }
        return TemplateResponse(request, "admin/issues/issue/diff.html", context)

    def history_view(self, request, object_id, extra_context=None):
        issue = self.get_object(request, unquote(object_id))
        if issue is not None:
            revisions = list(issue.revisions.select_related("created_by", "approved_by"))
            for revision, older in zip(revisions, revisions[1:], strict=False):
                revision.previous_pk = older.pk
            extra_context = {
                "revisions": revisions,
                "can_restore": workflow.can_edit(request.user, issue)
                and issue.status in workflow.transitions(Action.RESTORE),
                **(extra_context or {}),
            }
        return super().history_view(request, object_id, extra_context)

    def restore_view(self, request, object_id, revision_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self._get_issue(request, object_id)
        revision = get_object_or_404(Revision, pk=revision_id, issue=issue)
        try:
            workflow.restore_revision(revision, request.user)
        except (PermissionDenied, TransitionError, ValidationError) as error:
            self._report(request, error)
        else:
            messages.success(request, gettext("已恢复该修订为当前草稿。"))
        return HttpResponseRedirect(self._change_url(issue))

    def share_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self._get_issue(request, object_id)
        form = ShareLinkForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            link = workflow.create_share_link(issue, request.user, days=form.cleaned_data["days"])
        except (PermissionDenied, ValidationError) as error:
            self._report(request, error)
        else:
            # The token is shown once, to the reviewer who made it; the page
            # lists links without it.
            url = request.build_absolute_uri(link.get_absolute_url())
            messages.success(
                request,
                gettext("已创建分享链接（只显示这一次，请现在复制）：%(url)s") % {"url": url},
            )
        return HttpResponseRedirect(self._change_url(issue))

    def revoke_share_view(self, request, object_id, link_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self._get_issue(request, object_id)
        link = get_object_or_404(issue.share_links, pk=link_id)
        try:
            workflow.revoke_share_link(link, request.user)
        except PermissionDenied as error:
            self._report(request, error)
        else:
            messages.success(request, gettext("已撤销分享链接。"))
        return HttpResponseRedirect(self._change_url(issue))
