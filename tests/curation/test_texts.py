"""The curation scripts' words come from the server, in the reader's language."""

import json
import re

from django.urls import reverse

from curation.texts import script_texts


def texts_on(response):
    match = re.search(
        r'<script id="curation-text" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page carries the scripts' words"
    return json.loads(match.group(1))


def test_the_collect_page_gives_its_scripts_english_words_to_an_english_browser(client, editor):
    client.force_login(editor)
    english = texts_on(client.get(reverse("curation:collect"), HTTP_ACCEPT_LANGUAGE="en"))
    chinese = texts_on(client.get(reverse("curation:collect"), HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert english["useSuggestion"] == "Use suggestion"
    assert chinese["useSuggestion"] == "使用建议"
    assert set(english) == set(script_texts())


def test_the_issue_page_carries_the_scripts_words(client, editor, issue_factory):
    issue = issue_factory(user=editor)
    client.force_login(editor)
    response = client.get(reverse("admin:issues_issue_change", args=[issue.pk]))
    assert texts_on(response)["addToSection"] == "加入本栏目"
