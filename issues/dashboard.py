"""What the admin's home page shows the person who just logged in."""

from django.db.models import Max

from issues.models import Issue, Revision, Status

RECENT = 5


def desk(user) -> dict:
    """Issues waiting for ``user``'s review, their drafts, what is scheduled, what went out."""
    if not user.has_perm("issues.view_issue"):
        return {}
    approvable = Issue.objects.approvable_by(user).order_by("publication_date")
    scheduled = (
        Issue.objects.filter(status=Status.SCHEDULED)
        .annotate(go_live_at=Max("revisions__go_live_at"))
        .order_by("go_live_at")
    )
    recent = Revision.objects.live().select_related("issue").order_by("-go_live_at")[:RECENT]
    return {
        "desk": {
            "awaiting_my_review": list(approvable[:20]),
            "awaiting_my_review_count": approvable.count(),
            "my_drafts": list(Issue.objects.drafts_of(user).order_by("-updated_at")[:10]),
            "scheduled": list(scheduled[:10]),
            "recently_published": list(recent),
        }
    }
