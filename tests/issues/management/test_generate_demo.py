"""generate_demo: a catalogue of published issues for benchmarks."""

import pytest
from django.core.management import CommandError, call_command

from issues.models import Issue, PublicEntry, Revision


def test_generates_published_issues_readers_can_see_and_search(client, db):
    call_command("generate_demo", issues=3, entries=5, verbosity=0)

    assert Issue.objects.published().count() == 3
    assert PublicEntry.objects.published().count() == 15
    dates = Revision.objects.published_dates()
    page = client.get(f"/issues/{dates[0]}/")
    assert page.status_code == 200
    assert page.content.decode().count('class="entry"') == 5
    words = {"量化", "芯片", "推理", "quantization", "npu"}
    assert any(PublicEntry.objects.published().search(word).exists() for word in words)


def test_running_it_again_leaves_existing_issues_alone(db):
    call_command("generate_demo", issues=2, entries=3, verbosity=0)
    before = list(Revision.objects.values_list("pk", "body_html"))
    call_command("generate_demo", issues=3, entries=3, verbosity=0)
    assert Issue.objects.count() == 3
    assert (
        list(
            Revision.objects.filter(pk__in=[pk for pk, _ in before]).values_list("pk", "body_html")
        )
        == before
    )


def test_refuses_a_catalogue_of_nothing(db):
    with pytest.raises(CommandError):
        call_command("generate_demo", issues=0)
