"""The content model of a digest.

Two layers:

* the *working copy* an editor edits in the admin: ``Issue`` with its
  ``Section`` and ``Entry`` rows;
* the *published layer* readers see: approved ``Revision`` snapshots of that
  working copy (with their HTML rendered once, at approval) and the
  ``PublicEntry`` rows that search and source pages read.

Readers never read the working copy, so editors can correct a published issue
while readers keep seeing the approved version.
"""

import datetime
import hashlib
import secrets
import unicodedata
from collections import defaultdict

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from markdownx.models import MarkdownxField

from curation.normalize import normalize_url

# Only web links: "javascript:", "data:" and friends are refused everywhere.
http_url_validator = URLValidator(schemes=["http", "https"])

# Issue dates readers and feeds can handle; anything outside is a typo.
EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_DATE = datetime.date(2200, 12, 31)


def validate_single_line(value):
    """Titles, labels, sources and URLs are one line of printable text.

    A newline or another control character in them would break the house
    format and every output that puts the value on one line.
    """
    for character in value:
        if unicodedata.category(character) in {"Cc", "Zl", "Zp"}:
            raise ValidationError(
                _("只能是一行文字，不能含换行符或控制字符（U+%(code)04X）。"),
                code="not_single_line",
                params={"code": ord(character)},
            )


class FieldCheckedConstraint(models.CheckConstraint):
    """A database check whose rule the model's field validators also enforce.

    The database keeps it as the last line of defence. Django would validate
    it once more per row with a query inside a savepoint; on an issue page
    with forty entries that was hundreds of queries for rules the fields had
    already checked.
    """

    def validate(self, model, instance, exclude=None, using=None):
        return

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("待审核")
    CHANGES_REQUESTED = "changes_requested", _("需修改")
    SCHEDULED = "scheduled", _("已排期")
    PUBLISHED = "published", _("已发布")


class Publication(models.Model):
    """Publication-wide settings, one row, editable in the admin."""

    name = models.CharField(
        _("刊名"), max_length=100, default="嵌入式AI简报", validators=[validate_single_line]
    )
    tagline = models.CharField(
        _("标语"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        default="关注模型压缩、低比特量化、移动端推理加速优化、部署",
    )
    default_section_titles = models.TextField(
        _("默认栏目"),
        default="业界新闻\n论文\n开源项目\n博文",
        help_text=_("新建一期时自动创建的栏目，每行一个。"),
    )
    archive_url = models.URLField(
        _("往期回顾链接"),
        blank=True,
        validators=[http_url_validator],
        help_text=_("导出 Markdown 时“往期回顾”标题指向的地址，可留空。"),
    )
    footer = MarkdownxField(
        _("页脚"),
        blank=True,
        default="",
        help_text=_("Markdown，每行一项：微信公众号、编辑、项目地址等。"),
    )
    licence = MarkdownxField(
        _("许可协议"),
        blank=True,
        default="本作品采用知识共享署名-相同方式共享 4.0 国际许可协议（CC BY-SA 4.0）进行许可。",
        help_text=_("Markdown，显示在每页底部。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("刊物设置")
        verbose_name_plural = _("刊物设置")

    def __str__(self):
        return self.name

    @classmethod
    def load(cls):
        publication, _created = cls.objects.get_or_create(pk=1)
        return publication

    def section_titles(self):
        return [line.strip() for line in self.default_section_titles.splitlines() if line.strip()]


class IssueQuerySet(models.QuerySet):
    def published(self, now=None):
        """Issues readers may see: an approved revision whose time has come.

        A scheduled issue is public from its ``go_live_at`` on, whether or not
        the ``publish_scheduled`` job has run yet. What readers see of them,
        their date included, comes from that revision, never from the
        working copy (``Revision.objects.live()``, ``Revision.publication_date``).
        """
        return self.filter(Exists(Revision.objects.live(now).filter(issue=OuterRef("pk"))))

    def contributed_to_by(self, user):
        """Issues ``user`` has a hand in since their last approval.

        The submitter, the last person to save, and everyone whose save
        changed the content since the latest approved revision (a save that
        changed nothing does not count; a restored revision counts for the
        author of the restored content). This is what the four-eyes rule
        reads.
        """
        latest_approval = (
            Revision.objects.ever_approved()
            .filter(issue=OuterRef("issue"))
            .order_by("-created_at", "-pk")
            .values("created_at")[:1]
        )
        authored = (
            Revision.objects.filter(issue=OuterRef("pk"), content_changed=True)
            .filter(Q(created_by=user) | Q(restored_from__created_by=user))
            .filter(
                Q(created_at__gt=Subquery(latest_approval))
                | ~Exists(Revision.objects.ever_approved().filter(issue=OuterRef("issue")))
            )
        )
        return self.filter(Q(submitted_by=user) | Q(updated_by=user) | Exists(authored))

    def four_eyes_excludes(self, user):
        """Issues the four-eyes rule keeps ``user`` from approving."""
        if not settings.DIGEST_FOUR_EYES:
            return self.none()
        return self.contributed_to_by(user)

    def approvable_by(self, user):
        """Issues in review that ``user`` may approve now."""
        if not user.has_perm("issues.approve_issue"):
            return self.none()
        excluded = Issue.objects.four_eyes_excludes(user).values("pk")
        return self.filter(status=Status.IN_REVIEW).exclude(pk__in=excluded)

    def needing_attention(self):
        """Issues holding an entry that was imported as written and waits for repair."""
        return self.filter(
            Exists(Entry.objects.needing_attention().filter(section__issue=OuterRef("pk")))
        )

    def drafts_of(self, user):
        return self.filter(
            status__in=[Status.DRAFT, Status.CHANGES_REQUESTED],
        ).filter(Q(created_by=user) | Q(updated_by=user) | Q(submitted_by=user))


class Issue(models.Model):
    publication_date = models.DateField(
        _("出刊日期"),
        unique=True,
        validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)],
        help_text=_("每期的身份与网址，例如 /issues/2026-11-24/。"),
        error_messages={"unique": _("这一天已经有一期简报了。")},
    )
    headline = models.CharField(
        _("标题"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_("可选，显示在大标题“刊名 (日期)：”之后。"),
    )
    # Legacy files put " " or "：" (even with no headline) after the date; kept
    # so that an imported issue exports exactly as it came in.
    headline_separator = models.CharField(max_length=4, blank=True, default="：")
    preamble = MarkdownxField(
        _("导读与开篇"),
        blank=True,
        help_text=_("Markdown：导读、热身小新闻、注释等，显示在第一个栏目之前。"),
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=Status,
        default=Status.DRAFT,
        editable=False,
    )
    # Bumped on every save of the working copy; a save based on an older
    # version is refused instead of silently overwriting someone's edit.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后编辑"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("简报")
        verbose_name_plural = pgettext_lazy("plural", "简报")
        ordering = ["-publication_date"]
        get_latest_by = "publication_date"
        permissions = [
            ("review_issue", _("可以审阅简报并要求修改")),
            ("approve_issue", _("可以批准发布简报")),
            ("unpublish_issue", _("可以撤回已发布的简报")),
            ("share_issue", _("可以创建草稿分享链接")),
        ]
        constraints = [
            FieldCheckedConstraint(
                condition=Q(publication_date__gte=EARLIEST_DATE)
                & Q(publication_date__lte=LATEST_DATE),
                name="issue_date_in_range",
                violation_error_message=_("出刊日期须在 1990 年到 2200 年之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.publication_date:%Y-%m-%d}"

    def get_absolute_url(self):
        """Where readers find the issue: the date of the approved revision they see.

        The working copy's date may change before the next approval (and mail
        is sent later); an issue scheduled but not yet live has its scheduled
        revision's date, and one never approved only the working copy's.
        """
        revision = None
        if self.pk:
            revision = (
                Revision.objects.live().filter(issue=self).first()
                or self.revisions.approved().order_by("-go_live_at").first()
            )
        date = revision.publication_date if revision else self.publication_date
        return reverse("issues:detail", args=[date.isoformat()])

    def bump_version(self):
        """Every write of the working copy or its status makes a new version.

        A page loaded at an older version can then no longer save or approve.
        """
        self.version = (self.version or 0) + 1

    def is_public(self, now=None):
        return Revision.objects.live(now).filter(issue=self).exists()

    is_public.boolean = True
    is_public.short_description = _("公开")

    def live_revision(self, now=None):
        return Revision.objects.live(now).filter(issue=self).first()

    def is_editable(self):
        """Content is frozen while a reviewer looks at it or it waits to go live."""
        return self.status not in {Status.IN_REVIEW, Status.SCHEDULED}

    def pending_change_request(self):
        """The reviewer's request for changes the editor has not answered yet."""
        if self.status != Status.CHANGES_REQUESTED:
            return None
        return (
            self.events.filter(action=IssueEvent.Action.REQUEST_CHANGES)
            .select_related("actor")
            .order_by("-created_at", "-pk")
            .first()
        )

    def previous_submission_revision(self):
        """The content as it was last submitted before the current round of review.

        ``None`` when there is no such submission since the latest approval:
        then the review compares with what was published.
        """
        submissions = self.events.filter(
            action=IssueEvent.Action.SUBMIT, revision__isnull=False
        ).order_by("-created_at", "-pk")
        skip = 1 if self.status == Status.IN_REVIEW else 0
        event = submissions.select_related("revision")[skip : skip + 1].first()
        if event is None:
            return None
        approved_since = (
            self.revisions.ever_approved().filter(created_at__gt=event.created_at).exists()
        )
        return None if approved_since else event.revision


class Section(models.Model):
    issue = models.ForeignKey(
        Issue, verbose_name=_("简报"), on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("栏目标题"), max_length=100, validators=[validate_single_line])
    note = MarkdownxField(
        _("栏目说明"), blank=True, help_text=_("Markdown，显示在本栏目条目之前。")
    )
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = pgettext_lazy("plural", "栏目")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "position"],
                name="section_position_unique",
                violation_error_message=_("同一期中两个栏目的顺序不能相同。"),
            ),
            FieldCheckedConstraint(
                condition=~Q(title=""),
                name="section_title_not_empty",
                violation_error_message=_("栏目标题不能为空。"),
            ),
        ]

    def __str__(self):
        return self.title


class EntryQuerySet(models.QuerySet):
    def needing_attention(self):
        """Entries kept as written on import, waiting for an editor to repair them."""
        return self.exclude(attention="")

    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(); the duplicate-check key must not go stale.
        objs = list(objs)
        for entry in objs:
            entry.normalized_url = normalize_url(entry.url)
        return super().bulk_create(objs, *args, **kwargs)


def validate_metadata(value):
    for number, line in enumerate(value.splitlines(), start=1):
        if line.strip() and "：" not in line and ":" not in line:
            raise ValidationError(
                _("第 %(number)d 行缺少“键：值”中的冒号：%(line)s"),
                code="metadata_without_key",
                params={"number": number, "line": line[:60]},
            )


class Entry(models.Model):
    section = models.ForeignKey(
        Section, verbose_name=_("栏目"), on_delete=models.CASCADE, related_name="entries"
    )
    position = models.PositiveIntegerField(_("顺序"), default=0)
    label = models.CharField(
        _("标签"),
        max_length=100,
        blank=True,
        validators=[validate_single_line],
        help_text=_("可选的方括号前缀，如 arXiv 编号。"),
    )
    title = models.CharField(_("标题"), max_length=500, validators=[validate_single_line])
    source = models.CharField(
        _("来源"),
        max_length=100,
        blank=True,
        validators=[validate_single_line],
        help_text=_("媒体或公众号，显示在“ | ”之后。"),
    )
    url = models.URLField(
        _("链接"),
        max_length=2000,
        blank=True,
        validators=[http_url_validator, validate_single_line],
    )
    # The link as a duplicate-check key (``curation.normalize``), kept in step
    # with ``url`` by save() and bulk_create().
    normalized_url = models.CharField(max_length=2000, blank=True, editable=False)
    # One line: the links stand on the entry's head line in the house format.
    extra_links = MarkdownxField(
        _("附加链接"),
        blank=True,
        validators=[validate_single_line],
        help_text=_("Markdown，跟在标题链接后面，如 [[原文]](https://…)。"),
    )
    metadata = models.TextField(
        _("元信息"),
        blank=True,
        validators=[validate_metadata],
        help_text=_(
            "每行一条“键：值”，如 论文：https://arxiv.org/abs/…、代码：https://github.com/…"
        ),
    )
    summary = MarkdownxField(_("摘要"), blank=True, help_text=_("Markdown，显示在“摘要：”之后。"))
    # Some legacy entries have a body that is not "metadata lines, then
    # 摘要：…"; the summary then holds that body exactly as written.
    verbatim_body = models.BooleanField(
        _("正文按原样"),
        default=False,
        help_text=_("旧稿导入：摘要框中是条目的完整正文，不加“摘要：”前缀。"),
    )
    # A legacy entry whose head line could not be split into fields is kept as
    # written (title = the whole head line, body verbatim); this says why, until
    # an editor repairs the entry and clears it.
    attention = models.CharField(
        _("需要处理"),
        max_length=200,
        blank=True,
        help_text=_("旧稿导入时无法拆分的条目及原因。修好标题、链接等字段后清空此框。"),
    )

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("条目")
        verbose_name_plural = pgettext_lazy("plural", "条目")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"],
                name="entry_position_unique",
                violation_error_message=_("同一栏目中两个条目的顺序不能相同。"),
            ),
            FieldCheckedConstraint(
                condition=~Q(title=""),
                name="entry_title_not_empty",
                violation_error_message=_("条目标题不能为空。"),
            ),
            FieldCheckedConstraint(
                condition=Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="entry_url_http",
                violation_error_message=_("链接只能以 http:// 或 https:// 开头。"),
            ),
        ]
        indexes = [models.Index(fields=["normalized_url"], name="entry_normalized_url_idx")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.normalized_url = normalize_url(self.url)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "url" in update_fields:
            kwargs["update_fields"] = {*update_fields, "normalized_url"}
        super().save(*args, **kwargs)

    def metadata_pairs(self):
        pairs = []
        for line in self.metadata.splitlines():
            if not line.strip():
                continue
            key, sep, value = line.partition("：")
            if not sep:
                key, sep, value = line.partition(":")
            pairs.append((key.strip(), value.strip()))
        return pairs


# The fields that decide which revision readers see (``RevisionQuerySet.live``).
LIVE_FIELDS = {"go_live_at", "withdrawn_at"}


class RevisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """Update, and give the entries of the issues concerned their live windows again."""
        if not LIVE_FIELDS & kwargs.keys():
            return super().update(**kwargs)
        issue_ids = set(self.values_list("issue_id", flat=True))
        rows = super().update(**kwargs)
        PublicEntry.objects.restamp(issue_ids)
        return rows

    def ever_approved(self):
        """Revisions a reviewer approved (or the importer published), withdrawn or not."""
        return self.filter(go_live_at__isnull=False)

    def approved(self):
        """Approved revisions still standing: public now or at their scheduled time."""
        return self.ever_approved().filter(withdrawn_at__isnull=True)

    def live(self, now=None):
        """For each public issue, the one approved revision readers see now."""
        now = now or timezone.now()
        newer = Revision.objects.approved().filter(
            issue=OuterRef("issue"),
            go_live_at__lte=now,
            go_live_at__gt=OuterRef("go_live_at"),
        )
        return (
            self.approved()
            .filter(go_live_at__lte=now)
            .exclude(Exists(newer))
            .order_by("-go_live_at")
        )

    def published_dates(self, now=None):
        """The dates readers see, newest first: each live revision's own date."""
        return list(
            self.live(now).order_by("-publication_date").values_list("publication_date", flat=True)
        )


class Revision(models.Model):
    """A snapshot of an issue's whole content, recorded on every save.

    ``data`` is the issue as a house-format document (see ``issues.documents``),
    so one snapshot serves diffs, restore, rendering and export. An approved
    revision has ``go_live_at``; its HTML is rendered once, at approval.
    """

    issue = models.ForeignKey(
        Issue, verbose_name=_("简报"), on_delete=models.CASCADE, related_name="revisions"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status)
    data = models.JSONField(_("内容"))
    body_html = models.TextField(blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    go_live_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True, db_index=True)
    # Set when the revision is frozen for readers (``issues.publishing``): the
    # date readers see and link to is the approved one, never the working
    # copy's, so an editor cannot move a published issue without review.
    publication_date = models.DateField(null=True, blank=True, editable=False, db_index=True)
    # When readers' view of this revision last changed (approval, re-render);
    # part of the page cache's publication state (``issues.cache``).
    frozen_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    # False for a save that changed nothing: it makes nobody an author.
    content_changed = models.BooleanField(default=True, editable=False)
    restored_from = models.ForeignKey(
        "self",
        verbose_name=_("恢复自"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("修订")
        verbose_name_plural = pgettext_lazy("plural", "修订")
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        indexes = [models.Index(fields=["issue", "go_live_at"], name="revision_live_idx")]

    def __str__(self):
        return f"{self.issue} @ {timezone.localtime(self.created_at):%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        # A new revision has no public entries yet (``freeze_revision`` stamps them).
        existing = not self._state.adding
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if existing and (update_fields is None or LIVE_FIELDS & set(update_fields)):
            PublicEntry.objects.restamp([self.issue_id])

    def document(self):
        from issues.documents import document_from_data

        return document_from_data(self.data)


class IssueEvent(models.Model):
    """The audit trail: one row per workflow transition."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("提交审核")
        REQUEST_CHANGES = "request_changes", _("要求修改")
        APPROVE = "approve", _("批准发布")
        SCHEDULE = "schedule", _("批准并排期")
        PUBLISH = "publish", _("已发布")
        UNPUBLISH = "unpublish", _("撤回发布")
        CORRECT = "correct", _("开始更正")
        RESTORE = "restore", _("恢复修订")

    issue = models.ForeignKey(
        Issue, verbose_name=_("简报"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("说明"), blank=True)
    revision = models.ForeignKey(
        Revision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("流程记录")
        verbose_name_plural = _("流程记录")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.issue} {self.get_action_display()}"


def new_share_token():
    return secrets.token_urlsafe(32)


def share_token_hash(token):
    """What is stored of a share link's secret: a copy of the database opens no issue."""
    return hashlib.sha256(token.encode()).hexdigest()


class ShareLinkQuerySet(models.QuerySet):
    def valid(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)

    def for_token(self, token):
        return self.filter(token_hash=share_token_hash(token))


class ShareLink(models.Model):
    """A secret, expiring, revocable link to one unpublished issue for an outside expert."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("简报"), on_delete=models.CASCADE, related_name="share_links"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("分享链接")
        verbose_name_plural = pgettext_lazy("plural", "分享链接")
        ordering = ["-created_at"]

    # The secret itself: only on the instance that made it, to be shown once.
    token = None

    def __str__(self):
        return f"{self.issue} ({self.expires_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self.token_hash:
            self.token = new_share_token()
            self.token_hash = share_token_hash(self.token)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.token is None:
            raise ValueError("A share link's address is known only to the request that made it.")
        return reverse("issues:shared", args=[self.token])


# Ranking looks at this many of the newest matches, whatever their number.
RANKED_CANDIDATES = 1000


class PublicEntryQuerySet(models.QuerySet):
    def published(self, now=None):
        """Entries of the revision each public issue shows now, and nothing else.

        The same set as the entries of ``Revision.objects.live(now)``, read from
        each entry's live window (``restamp``) so that a search checks two
        columns of the row instead of joining the revisions for every hit.
        """
        now = now or timezone.now()
        return self.filter(live_from__lte=now).filter(
            Q(live_until__isnull=True) | Q(live_until__gt=now)
        )

    def live_windows(self, issue_ids):
        """``revision pk -> (live_from, live_until)`` for the approved revisions of these issues.

        ``Revision.objects.live()`` is the rule: an approved revision is live
        from its ``go_live_at`` until a later approved revision of the same
        issue goes live. Revisions not listed are never live.
        """
        go_lives = defaultdict(list)
        for pk, issue_id, go_live_at in (
            Revision.objects.approved()
            .filter(issue_id__in=set(issue_ids))
            .values_list("pk", "issue_id", "go_live_at")
        ):
            go_lives[issue_id].append((go_live_at, pk))
        windows = {}
        for revisions in go_lives.values():
            for go_live_at, pk in revisions:
                later = [moment for moment, _pk in revisions if moment > go_live_at]
                windows[pk] = (go_live_at, min(later, default=None))
        return windows

    def restamp(self, issue_ids):
        """Give the entries of these issues' revisions their live windows again.

        Every write that changes which revisions are approved or when they go
        live (approval, unpublishing, import, deleting a revision) calls this.
        Only entries whose window changes are written.
        """
        windows = self.live_windows(issue_ids)
        entries = self.filter(revision__issue_id__in=set(issue_ids))
        entries.exclude(revision_id__in=windows).exclude(live_from=None, live_until=None).update(
            live_from=None, live_until=None
        )
        revisions = defaultdict(list)
        for pk, window in windows.items():
            revisions[window].append(pk)
        for (live_from, live_until), pks in revisions.items():
            entries.filter(revision_id__in=pks).exclude(
                live_from=live_from, live_until=live_until
            ).update(live_from=live_from, live_until=live_until)

    def count_up_to(self, limit):
        """How many rows there are, counting no further than ``limit``.

        One ``SELECT COUNT(*)`` over the limited query: ``count()`` on a slice
        cost more Python than the database took to count.
        """
        try:
            sql, params = self.values("pk")[:limit].query.sql_with_params()
        except EmptyResultSet:  # none(), or a filter that can match nothing
            return 0
        with connections[self.db].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS counted", params)
            return cursor.fetchone()[0]

    def search(self, query, ranked=False):
        """Entries containing every word of ``query`` (Chinese, Latin or mixed), newest first.

        On PostgreSQL each word becomes a phrase of its search tokens (CJK
        bigrams, see ``issues.search``), Latin tokens matching as prefixes
        (``mnn`` finds ``MNNv2``); the phrases are AND-ed and matched against
        the stored, GIN-indexed ``search_vector``. ``ranked=True`` orders by
        ``SearchRank`` instead, over the newest ``RANKED_CANDIDATES`` matches
        only, so a common word costs the same as a rare one. Elsewhere, and for
        words the index cannot serve (a lone Chinese character), every word
        must appear as a substring of the title, source, label or summary.
        The query only ever reaches the database as parameters.
        """
        from issues.search import query_terms, term_tsquery

        terms = query_terms(query)
        if not terms:
            return self.none()

        def substring(term):
            return (
                Q(title__icontains=term)
                | Q(source__icontains=term)
                | Q(label__icontains=term)
                | Q(summary__icontains=term)
            )

        result = self.order_by("-publication_date", "position")
        if connections[self.db].vendor != "postgresql":
            for term in terms:
                result = result.filter(substring(term))
            return result

        from django.contrib.postgres.search import SearchQuery, SearchRank

        tsquery = None
        for term in terms:
            raw = term_tsquery(term)
            if raw is None:
                result = result.filter(substring(term))
                continue
            part = SearchQuery(raw, search_type="raw", config="simple")
            tsquery = part if tsquery is None else tsquery & part
        if tsquery is None:
            return result
        result = result.filter(search_vector=tsquery)
        if not ranked:
            return result
        candidates = result.values("pk")[:RANKED_CANDIDATES]
        return (
            self.model.objects.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), tsquery))
            .order_by("-rank", "-publication_date", "position")
        )


class PublicEntry(models.Model):
    """An entry as frozen in an approved revision: what search and source pages read."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="public_entries")
    publication_date = models.DateField()
    section_title = models.CharField(max_length=100)
    position = models.PositiveIntegerField()
    anchor = models.CharField(max_length=40)
    label = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=500)
    source = models.CharField(max_length=100, blank=True, db_index=True)
    url = models.URLField(max_length=2000, blank=True)
    normalized_url = models.CharField(max_length=2000, blank=True)
    summary = models.TextField(blank=True)
    # Plain text with CJK runs split into overlapping bigrams, Latin words kept
    # whole; PostgreSQL stores it as a tsvector (``search_vector``, GIN-indexed,
    # filled when the revision is frozen) so two-character Chinese queries are
    # served by an index and nothing recomputes ``to_tsvector`` per query.
    search_text = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    # When readers see this entry (``PublicEntryQuerySet.restamp``): from its
    # revision's go-live until the issue's next approved revision goes live;
    # no ``live_from``, never (not approved, or withdrawn).
    live_from = models.DateTimeField(null=True, editable=False)
    live_until = models.DateTimeField(null=True, editable=False)
    # What a list of results shows (``issues.rendering.entry_results_html``):
    # read as plain rows, the search columns and model instances left out.
    RESULT_FIELDS = (
        "publication_date",
        "anchor",
        "label",
        "title",
        "source",
        "url",
        "section_title",
        "summary",
    )

    objects = PublicEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-publication_date", "position"]
        indexes = [
            models.Index(fields=["normalized_url"], name="publicentry_normalized_url_idx"),
            models.Index(F("publication_date").desc(), "position", name="publicentry_newest_idx"),
            models.Index(
                "source",
                F("publication_date").desc(),
                "position",
                name="publicentry_source_newest_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.normalized_url = normalize_url(self.url)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return (
            reverse("issues:detail", args=[self.publication_date.isoformat()]) + f"#{self.anchor}"
        )
