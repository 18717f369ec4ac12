from io import StringIO

from django.core.management import call_command

from issues.models import Revision
from tests.factories import make_issue, publish


def test_rerender_restores_the_stored_html_of_published_revisions(db):
    issue = make_issue(headline="重新渲染的标题")
    publish(issue)
    Revision.objects.filter(issue=issue).update(body_html="stale")
    call_command("rerender", stdout=StringIO())
    revision = Revision.objects.live().get(issue=issue)
    assert "重新渲染的标题" in revision.body_html


def test_stored_html_is_in_the_site_language_whatever_the_reviewer_reads(db, settings):
    from django.utils import translation

    issue = make_issue()
    with translation.override("en"):
        publish(issue)
    assert "摘要：" in Revision.objects.live().get(issue=issue).body_html
