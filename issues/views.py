"""Reader pages, the staff preview and share links.

Readers only ever see the published layer: the live ``Revision`` of each
published issue (its ``body_html`` rendered once, at approval) and the
``PublicEntry`` rows of those revisions. Every reader view starts from
``ReaderMixin``; none reads the working copy (``Issue`` fields, ``Section``,
``Entry``). The preview and share-link views are the only ones that render the
working copy, and they are ``never_cache`` and ``noindex``.

Each reader page runs a fixed number of queries however many issues exist:
the publication state and the revision (or page of entries). The published
dates (archive grid, previous/next links) and the settings come from the
process's ``Catalogue``, read again only when the publication state changes.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import ListView, TemplateView, View

from issues.catalogue import current_catalogue, issue_path_builder
from issues.context_processors import current_publication
from issues.documents import document_from_issue
from issues.exporting import issue_markdown
from issues.models import Issue, PublicEntry, Revision, ShareLink
from issues.rendering import (
    entry_results_html,
    issue_lead,
    issue_meta_html,
    issue_nav_html,
    issue_title,
    render_issue_body,
)
from issues.search import query_terms
from issues.templatetags.digest import path

NOINDEX = "noindex, nofollow"
# What differs between one issue page and the next (``IssuePageMixin``).
ISSUE_PAGE_SLOTS = (
    "page_title",
    "issue_meta",
    "body_html",
    "issue_nav",
    "archive",
    "canonical_url",
)
# Search counts its hits up to here and then says "1000+".
MAX_COUNTED = 1000


class ReaderMixin:
    """Where every reader page starts: what is published *now*.

    Everything shown comes from the live revisions, the issue's date and
    address included (``Revision.publication_date``): the working copy never
    reaches a reader.
    """

    def dispatch(self, request, *args, **kwargs):
        self.now = timezone.now()
        # The page cache has read the publication state for this request already.
        self.catalogue = current_catalogue(self.now, getattr(request, "publication_state", None))
        request.publication = self.catalogue.publication
        request.catalogue = self.catalogue
        return super().dispatch(request, *args, **kwargs)


def moved_issue(date, now):
    """The live revision of an issue that readers knew under ``date`` before an approved change.

    An approved correction may change an issue's date; the old address then
    leads to the new one (301) instead of a 404.
    """
    earlier = Revision.objects.approved().filter(publication_date=date, go_live_at__lte=now)
    return (
        Revision.objects.live(now)
        .filter(issue__in=earlier.values("issue"))
        .exclude(publication_date=date)
        .only("publication_date")
        .first()
    )


class IssuePageMixin(ReaderMixin):
    """An issue page, the home page's latest issue included.

    Issue pages differ only in ``ISSUE_PAGE_SLOTS``: the rest of the page, its
    frame, is rendered once per publication state (``issues.frames``).
    """

    template_name = "issues/issue_detail.html"
    home = False

    def issue_context(self, issue, canonical_path):
        """The context of an issue page for ``issue``, a ``LiveIssue``."""
        date = issue.date
        older, newer = self.catalogue.neighbours(date)
        canonical_url = self.request.build_absolute_uri(canonical_path)
        return {
            "home": self.home,
            "body_html": issue.body_html,
            "page_title": issue.title,
            "issue_meta": issue_meta_html(
                title=issue.title,
                description=issue.lead or self.catalogue.publication.tagline,
                site_name=self.catalogue.publication.name,
                url=canonical_url,
                date=date,
            ),
            "issue_nav": issue_nav_html(
                older, newer, path("issues:markdown", date), issue_path_builder()
            ),
            "archive": self.catalogue.recent_grid(date),
            "canonical_url": canonical_url,
        }

    def render_to_response(self, context, **response_kwargs):
        frame = self.catalogue.page_frame(
            self.template_name, self.request, ISSUE_PAGE_SLOTS, lambda: {"home": self.home}
        )
        page = frame.fill(context)
        if page is None:  # an empty value: the template decides what shows
            return super().render_to_response(context, **response_kwargs)
        return HttpResponse(page)


class HomeView(IssuePageMixin, TemplateView):
    """The latest published issue in full, or a word that the first is coming."""

    home = True

    def get(self, request, *args, **kwargs):
        dates = self.catalogue.dates
        self.latest = self.catalogue.live_issue(dates[0]) if dates else None
        if self.latest is None:
            return render(request, "issues/home.html")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.issue_context(self.latest, path("issues:home")))
        return context


class IssueDetailView(IssuePageMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        date = kwargs["date"]
        self.issue = self.catalogue.live_issue(date)
        if self.issue is None:
            moved = moved_issue(date, self.now)
            if moved is None:
                raise Http404(_("没有这一期简报。"))
            return redirect("issues:detail", moved.publication_date, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.issue_context(self.issue, path("issues:detail", self.issue.date)))
        return context


class ArchiveView(ReaderMixin, View):
    """Every published issue in the grid: all of it the catalogue's, framed once."""

    def get(self, request, *args, **kwargs):
        frame = self.catalogue.page_frame(
            "issues/archive.html",
            request,
            ("canonical_url",),
            lambda: {
                "archive": self.catalogue.full_grid(),
                "issue_count": len(self.catalogue.dates),
            },
        )
        canonical_url = request.build_absolute_uri(path("issues:archive"))
        return HttpResponse(frame.fill({"canonical_url": canonical_url}))


@require_safe
def issue_file(request, date):
    """The issue's live revision as a house-format Markdown file."""
    now = timezone.now()
    revision = Revision.objects.live(now).filter(publication_date=date).first()
    if revision is None:
        moved = moved_issue(date, now)
        if moved is None:
            raise Http404(_("没有这一期简报。"))
        return redirect("issues:markdown", moved.publication_date, permanent=True)
    response = HttpResponse(
        issue_markdown(revision.document()), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{date.isoformat()}.md"'
    return response


class EntryListMixin(ReaderMixin):
    """Pages listing published entries (search results, one source)."""

    paginate_by = 20
    context_object_name = "entries"
    terms: list[str] = []
    hide_source = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results"] = entry_results_html(
            context["entries"],
            self.terms,
            issue_path=issue_path_builder(),
            source_path=lambda source: path("issues:source", source),
            hide_source=self.hide_source,
        )
        return context


class CappedPaginator(Paginator):
    """Counts at most ``MAX_COUNTED`` results: "1000+" costs what "20" costs."""

    @cached_property
    def count(self):
        return self.object_list.count_up_to(MAX_COUNTED + 1)


class SearchView(EntryListMixin, ListView):
    """Newest first; ``?order=relevance`` ranks the newest matches instead."""

    template_name = "issues/search.html"
    paginator_class = CappedPaginator

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:200]
        self.terms = query_terms(self.query)
        self.ranked = self.request.GET.get("order") == "relevance"
        return (
            PublicEntry.objects.published(self.now)
            .search(self.query, ranked=self.ranked)
            .values_list(*PublicEntry.RESULT_FIELDS, named=True)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        count = context["paginator"].count if context.get("paginator") else 0
        context.update(
            query=self.query,
            hits_capped=count > MAX_COUNTED,
            max_counted=MAX_COUNTED,
            canonical_path=reverse("issues:search"),
        )
        return context


class SourceView(EntryListMixin, ListView):
    """Every published entry from one source, newest first."""

    template_name = "issues/source.html"
    paginator_class = CappedPaginator
    hide_source = True  # every entry has the page's own source

    def get_queryset(self):
        return (
            PublicEntry.objects.published(self.now)
            .filter(source=self.kwargs["source"])
            .order_by("-publication_date", "position")
            .values_list(*PublicEntry.RESULT_FIELDS, named=True)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Not ListView's allow_empty, which asks the database once more.
        count = context["paginator"].count
        if not count:
            raise Http404
        source = self.kwargs["source"]
        context.update(
            source=source,
            hits_capped=count > MAX_COUNTED,
            max_counted=MAX_COUNTED,
            canonical_path=reverse("issues:source", args=[source]),
        )
        return context


def render_working_copy(request, issue, *, banner):
    """The working copy of ``issue`` in the issue page, never cached or indexed."""
    doc = document_from_issue(issue)
    publication = current_publication(request)
    context = {
        "body_html": render_issue_body(doc),
        "page_title": issue_title(doc),
        "issue_meta": issue_meta_html(
            title=issue_title(doc),
            description=issue_lead(doc) or publication.tagline,
            site_name=publication.name,
            url=None,
            date=doc.publication_date,
        ),
        "preview_banner": banner,
        "noindex": True,
    }
    response = render(request, "issues/issue_detail.html", context)
    response["X-Robots-Tag"] = NOINDEX
    return response


@never_cache
def preview_issue(request, date):
    """Staff with ``issues.view_issue`` see the working copy; anyone else a 404."""
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("issues.view_issue")):
        raise Http404
    issue = Issue.objects.filter(publication_date=date).first()
    if issue is None:
        raise Http404
    return render_working_copy(request, issue, banner=_("预览 — 未发布"))


@never_cache
def shared_issue(request, token):
    """An outside expert's view of one issue's working copy; expired or revoked is a 404."""
    link = ShareLink.objects.valid().for_token(token).select_related("issue").first()
    if link is None:
        raise Http404
    return render_working_copy(request, link.issue, banner=_("预览 — 未发布"))


@require_safe
def favicon(request):
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /shared/",
        f"Sitemap: {request.build_absolute_uri(reverse('issues:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
