from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from issues.models import Issue, IssueEvent, Status


def test_demo_loads_published_issues_and_working_logins_and_can_run_twice(db):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    assert Issue.objects.count() == 5
    assert Issue.objects.published().count() == 3
    assert Issue.objects.filter(status=Status.IN_REVIEW).count() == 1
    # The login counts failures per request (django-axes), so it needs one.
    request = RequestFactory().post("/admin/login/")
    for username in ("editor", "editor2", "reviewer", "admin"):
        assert authenticate(request, username=username, password="digest-demo") is not None


def test_demo_issue_pages_render_for_readers(db, client):
    call_command("load_demo", stdout=StringIO())
    latest = Issue.objects.published().latest()
    response = client.get(latest.get_absolute_url())
    assert response.status_code == 200
    assert latest.headline in response.content.decode()


def test_crawl_of_the_demo_site_finds_no_broken_link_or_untitled_page(db):
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("crawl_site", stdout=out)
    assert "0 broken, 0 untitled" in out.getvalue()


def test_crawl_reports_a_broken_internal_link(db):
    from issues.models import Publication

    call_command("load_demo", stdout=StringIO())
    publication = Publication.load()
    publication.footer = "[坏链接](/issues/1999-01-01/)"
    publication.save()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("crawl_site", stdout=out)
    assert "BROKEN 404 /issues/1999-01-01/" in out.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_loading_the_demo_queues_no_notification_mail():
    """The demo's reviews commit for real here, so their notifications run."""
    from django_tasks_db.models import DBTaskResult

    call_command("load_demo", stdout=StringIO())

    assert IssueEvent.objects.filter(action=IssueEvent.Action.APPROVE).exists()
    assert not DBTaskResult.objects.exists()
