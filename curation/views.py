"""Staff-only pages and JSON endpoints of the curation tools.

* ``collect``: the small page the bookmarklet opens, prefilled with the
  current page's link and title;
* ``duplicates`` and ``prefill``: what the link check script asks while an
  editor types a link (an entry's or an inbox item's);
* ``inbox`` and ``pull``: list new inbox items and turn them into entries of a
  section, for the issue page;
* ``wechat_copy``: any issue as HTML for the WeChat editor, and as house Markdown.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from curation import duplicates, prefill, services
from curation.forms import CollectForm
from curation.models import InboxItem
from issues.documents import document_from_issue
from issues.exporting import issue_markdown
from issues.models import Issue, Section
from issues.rendering import render_wechat_issue, with_entry_count


def _require(request, *permissions):
    user = request.user
    if not (user.is_active and user.is_staff and all(user.has_perm(p) for p in permissions)):
        raise PermissionDenied


def bookmarklet_code(request) -> str:
    """The ``javascript:`` link editors drag to their bookmarks bar.

    It runs on the page being read, not here, and only opens our collect page
    in a small window; our own pages never run it (the CSP forbids that).
    """
    target = request.build_absolute_uri(reverse("curation:collect"))
    return (
        "javascript:(function(){window.open("
        f"'{target}?url='+encodeURIComponent(location.href)"
        "+'&title='+encodeURIComponent(document.title),"
        "'digest_collect','width=560,height=720');})();"
    )


@never_cache
@login_required
def collect(request):
    _require(request, "curation.add_inboxitem")
    item = None
    if request.method == "POST":
        form = CollectForm(request.POST)
        if form.is_valid():
            item = services.collect(request.user, **form.cleaned_data)
            form = None
    else:
        form = CollectForm(
            initial={"url": request.GET.get("url", ""), "title": request.GET.get("title", "")}
        )
    context = {
        "form": form,
        "item": item,
        "appearances": duplicates.appearances(item.url, exclude_item=item.pk) if item else [],
        "bookmarklet": bookmarklet_code(request),
        "title": _("收集链接"),
    }
    return render(request, "curation/collect.html", context)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@never_cache
@require_GET
def duplicates_json(request):
    """``?url=`` → where that link appeared before: issues (published or not) and the inbox."""
    _require(request, "issues.view_issue")
    url = request.GET.get("url", "")
    found = duplicates.appearances(
        url,
        exclude_entry=_int_or_none(request.GET.get("entry")),
        exclude_item=_int_or_none(request.GET.get("item")),
    )
    return JsonResponse({"url": url, "appearances": [a.as_json() for a in found]})


@never_cache
@require_GET
def prefill_json(request):
    """``?url=`` → suggested title, source, summary and label; ``{}`` when there are none."""
    _require(request, "curation.add_inboxitem")
    return JsonResponse({"suggestions": prefill.suggest(request.GET.get("url", ""))})


@never_cache
@require_GET
def inbox_json(request):
    """New inbox items (``?q=`` searches them), newest first, for picking in the issue page."""
    _require(request, "curation.view_inboxitem")
    items = InboxItem.objects.new().search(request.GET.get("q")).select_related("created_by")
    return JsonResponse(
        {
            "items": [
                {
                    "id": item.pk,
                    "url": item.url,
                    "title": item.title,
                    "source": item.source,
                    "label": item.label,
                    "intended_section": item.intended_section,
                    "note": item.note,
                    "created_by": item.created_by.get_username() if item.created_by else "",
                    "created_at": item.created_at.isoformat(),
                }
                for item in items[:200]
            ]
        }
    )


@require_POST
def pull_json(request):
    """POST ``section`` and one or more ``item``: those inbox items become entries there."""
    _require(request, "issues.add_entry", "curation.change_inboxitem")
    section = Section.objects.filter(pk=_int_or_none(request.POST.get("section"))).first()
    if section is None:
        return JsonResponse({"errors": [_("没有这个栏目。")]}, status=400)
    ids = [pk for pk in map(_int_or_none, request.POST.getlist("item")) if pk is not None]
    items = list(InboxItem.objects.filter(pk__in=ids))
    if len(items) != len(set(ids)):
        return JsonResponse({"errors": [_("有的收集链接已不存在。")]}, status=400)
    try:
        entries = services.pull_into_section(items, section, request.user)
    except ValidationError as error:
        return JsonResponse({"errors": error.messages}, status=400)
    except PermissionDenied as error:
        return JsonResponse({"errors": [str(error)]}, status=403)
    return JsonResponse(
        {
            "issue": reverse("admin:issues_issue_change", args=[section.issue_id]),
            "entries": [
                {"id": entry.pk, "title": entry.title, "position": entry.position}
                for entry in entries
            ],
        }
    )


@never_cache
@login_required
def wechat_copy(request, pk):
    """Any issue's working copy, ready to paste into WeChat or to copy as house Markdown."""
    _require(request, "issues.view_issue")
    issue = get_object_or_404(Issue, pk=pk)
    doc = document_from_issue(issue)
    # What gets pasted is the publication's text, whatever the staff member's browser language.
    with translation.override(settings.LANGUAGE_CODE):
        wechat_html = render_wechat_issue(doc, base_url=request.build_absolute_uri("/"))
    context = {
        **admin.site.each_context(request),
        "issue": issue,
        "wechat_html": wechat_html,
        "house_markdown": issue_markdown(with_entry_count(doc)),
        "title": _("公众号版本"),
    }
    return render(request, "curation/wechat.html", context)
