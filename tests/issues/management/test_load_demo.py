from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command

from issues.models import Issue, Status


def test_demo_loads_published_issues_and_working_logins_and_can_run_twice(db):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    assert Issue.objects.count() == 5
    assert Issue.objects.published().count() == 3
    assert Issue.objects.filter(status=Status.IN_REVIEW).count() == 1
    for username in ("editor", "editor2", "reviewer", "admin"):
        assert authenticate(username=username, password="digest-demo") is not None


def test_demo_issue_pages_render_for_readers(db, client):
    call_command("load_demo", stdout=StringIO())
    latest = Issue.objects.published().latest()
    response = client.get(latest.get_absolute_url())
    assert response.status_code == 200
    assert latest.headline in response.content.decode()
