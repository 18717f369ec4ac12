"""Search and source pages see exactly the entries of the live revisions.

``PublicEntry.objects.published(now)`` reads each entry's live window, which
every write to the revisions keeps (``PublicEntryQuerySet.restamp``). The rule
itself is ``Revision.objects.live()``; these tests change the revisions in
every way the code does (approve, schedule, withdraw, move a go-live, delete)
and check at every moment that matters that both give the same entries.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from issues.documents import document_from_issue, document_to_data
from issues.models import PublicEntry, Revision
from issues.publishing import freeze_revision
from tests.factories import make_issue
from tests.issues.housefmt.strategies import property_settings

BASE = timezone.now().replace(microsecond=0)
HOUR = datetime.timedelta(hours=1)


def approve_at(issue, hours):
    revision = Revision.objects.create(
        issue=issue,
        data=document_to_data(document_from_issue(issue)),
        go_live_at=BASE + hours * HOUR,
    )
    return freeze_revision(revision)


def assert_windows_follow_the_rule():
    moments = {BASE}
    for go_live_at in Revision.objects.exclude(go_live_at=None).values_list(
        "go_live_at", flat=True
    ):
        moments |= {go_live_at - datetime.timedelta(seconds=1), go_live_at}
    for moment in sorted(moments):
        by_window = set(PublicEntry.objects.published(moment).values_list("pk", flat=True))
        by_rule = set(
            PublicEntry.objects.filter(revision__in=Revision.objects.live(moment)).values_list(
                "pk", flat=True
            )
        )
        assert by_window == by_rule, moment


operations = st.lists(
    st.tuples(
        st.sampled_from(["approve", "withdraw", "withdraw-one", "move", "delete"]),
        st.integers(min_value=0, max_value=1),  # which issue
        st.integers(min_value=-5, max_value=5),  # hours from now, or which revision
    ),
    min_size=1,
    max_size=8,
)


@property_settings(30, suppress=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_entries_are_live_exactly_when_their_revision_is(db, steps):
    with transaction.atomic():
        issues = [make_issue(datetime.date(2021, 7, 5)), make_issue(datetime.date(2021, 7, 19))]
        for issue in issues:
            approve_at(issue, -10)
        for action, which, number in steps:
            issue = issues[which]
            approved = list(issue.revisions.approved().order_by("pk"))
            chosen = approved[number % len(approved)] if approved else None
            if action == "approve":
                approve_at(issue, number)
            elif action == "withdraw":  # unpublishing: a queryset update
                issue.revisions.approved().update(withdrawn_at=BASE)
            elif action == "withdraw-one" and chosen:  # through save()
                chosen.withdrawn_at = BASE
                chosen.save(update_fields=["withdrawn_at"])
            elif action == "move" and chosen:
                Revision.objects.filter(pk=chosen.pk).update(go_live_at=BASE + number * HOUR)
            elif action == "delete" and chosen:
                chosen.delete()
            assert_windows_follow_the_rule()
        transaction.set_rollback(True)


def test_a_scheduled_correction_takes_over_from_the_live_entries_at_its_time(db):
    issue = make_issue(datetime.date(2021, 7, 5))
    first = approve_at(issue, -2)
    correction = approve_at(issue, 3)
    live_now = set(PublicEntry.objects.published(BASE).values_list("revision_id", flat=True))
    live_later = set(
        PublicEntry.objects.published(BASE + 4 * HOUR).values_list("revision_id", flat=True)
    )
    assert live_now == {first.pk}
    assert live_later == {correction.pk}
