"""The interface is written in Chinese and offered in English (locale/en)."""

import ast
import datetime
import gettext
import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.utils import translation

from issues.models import IssueEvent, Status
from tests.factories import make_issue, publish

CATALOGUE = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """A request leaves its language active in the thread; don't leak English into other tests."""
    yield
    translation.deactivate()


@pytest.fixture
def published(db):
    for date in (datetime.date(2021, 6, 7), datetime.date(2021, 6, 21)):
        publish(make_issue(date))


def get(client, path, language=None):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = client.get(path, **headers)
    assert response.status_code == HTTPStatus.OK
    return response, response.content.decode()


# --- Reader pages -----------------------------------------------------------------


def test_home_is_chinese_by_default(client, published):
    response, html = get(client, "/")
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in html
    assert ">往期</a>" in html
    assert "跳到正文" in html
    assert "浏览往期回顾 →" in html
    assert ">Archive</a>" not in html


def test_home_is_english_when_the_browser_asks_for_it(client, published):
    response, html = get(client, "/", "en")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert ">Latest issue</a>" in html
    assert ">Archive</a>" in html
    assert "Skip to content" in html
    assert "Browse the archive →" in html
    assert ">往期</a>" not in html


def test_regional_english_falls_back_to_english(client, published):
    _, html = get(client, "/", "en-GB,en;q=0.9")
    assert ">Archive</a>" in html


def test_unsupported_language_gets_chinese(client, published):
    _, html = get(client, "/", "fr")
    assert ">往期</a>" in html


def test_published_body_stays_in_the_default_language(client, published):
    """The issue body is frozen at approval in LANGUAGE_CODE, whatever the reader asks for."""
    _, html = get(client, "/", "en")
    assert "摘要：" in html
    assert "Summary: " not in html


def test_archive_count_uses_english_plural_forms(client, published):
    _, html = get(client, "/archive/", "en")
    assert "2 issues, by year, newest first." in html
    _, html = get(client, "/archive/")
    assert "共 2 期，按年份从新到旧排列。" in html


# --- Admin ----------------------------------------------------------------------------


def test_admin_login_is_chinese_by_default(client, db):
    _, html = get(client, "/admin/login/")
    assert "简报编辑部" in html
    assert 'value="登录"' in html


def test_admin_login_is_english_when_the_browser_asks_for_it(client, db):
    _, html = get(client, "/admin/login/", "en")
    assert "Digest newsroom" in html
    assert 'value="Log in"' in html
    assert "简报编辑部" not in html


def test_admin_changelist_in_english(client, editor):
    client.force_login(editor)
    _, html = get(client, "/admin/issues/issue/", "en")
    assert "Awaiting my review" in html
    assert "My drafts" in html


# --- Workflow names -------------------------------------------------------------------


def test_status_names_translate():
    with translation.override("en"):
        assert [str(status.label) for status in Status] == [
            "Draft",
            "In review",
            "Changes requested",
            "Scheduled",
            "Published",
        ]
    with translation.override("zh-hans"):
        assert Status.IN_REVIEW.label == "待审核"


def test_every_workflow_action_has_an_english_name():
    with translation.override("en"):
        labels = [str(action.label) for action in IssueEvent.Action]
    assert not [label for label in labels if CJK.search(label)]
    assert "Request changes" in labels


def test_display_value_follows_the_active_language(db):
    issue = make_issue(status=Status.CHANGES_REQUESTED)
    with translation.override("en"):
        assert issue.get_status_display() == "Changes requested"
    with translation.override("zh-hans"):
        assert issue.get_status_display() == "需修改"


# --- The catalogue itself -------------------------------------------------------------


def read_po(path):
    """{msgid: [msgstr, ...]} from a .po file (just enough of the format for ours)."""
    entries, current, field = {}, {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in current and current["msgid"]:
                # gettext keys a message with a context as "context\x04msgid".
                key = current["msgid"]
                if "msgctxt" in current:
                    key = f"{current['msgctxt']}\x04{key}"
                entries[key] = [v for k, v in sorted(current.items()) if "str" in k]
            current, field = {}, None
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            current[field] = ast.literal_eval(value)
    return entries


def test_catalogue_is_complete_and_compiled():
    """Every string is translated, and the committed django.mo matches the .po."""
    entries = read_po(CATALOGUE / "django.po")
    assert len(entries) > 200
    untranslated = [msgid for msgid, strs in entries.items() if not all(strs)]
    assert not untranslated
    with open(CATALOGUE / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [
        msgid
        for msgid, strs in entries.items()
        if len(strs) == 1 and compiled.gettext(msgid) != strs[0]
    ]
    assert not stale, "run manage.py compilemessages -l en"


def test_placeholders_survive_translation():
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}|%[sd]")
    for msgid, strs in read_po(CATALOGUE / "django.po").items():
        for msgstr in strs:
            assert sorted(placeholder.findall(msgstr)) == sorted(placeholder.findall(msgid)), msgid
