"""The link inbox: candidate links collected between issues.

An item is *new* until it is pulled into an issue (then *used*, remembering
the entry and issue it became) or archived as stale. Its link is stored
normalised beside the original (``curation.normalize``) so duplicate checks
are an index lookup.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from curation.normalize import normalize_url
from issues.models import http_url_validator


class InboxItemQuerySet(models.QuerySet):
    def new(self):
        return self.filter(status=InboxItem.State.NEW)

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(title__icontains=text)
            | Q(url__icontains=text)
            | Q(source__icontains=text)
            | Q(label__icontains=text)
            | Q(note__icontains=text)
        )


class InboxItem(models.Model):
    class State(models.TextChoices):
        NEW = "new", _("待用")
        USED = "used", _("已用")
        ARCHIVED = "archived", _("已归档")

    url = models.URLField(_("链接"), max_length=2000, validators=[http_url_validator])
    normalized_url = models.CharField(max_length=2000, editable=False)
    title = models.CharField(_("标题"), max_length=500, blank=True)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    label = models.CharField(
        _("标签"), max_length=100, blank=True, help_text=_("可选的方括号前缀，如 arXiv 编号。")
    )
    summary = models.TextField(_("摘要草稿"), blank=True)
    note = models.TextField(_("备注"), blank=True, help_text=_("给其他编辑看的话，不会发布。"))
    intended_section = models.CharField(
        _("打算放入的栏目"), max_length=100, blank=True, help_text=_("如 业界新闻、论文。")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=State, default=State.NEW, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收集人"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("收集时间"), default=timezone.now, editable=False)
    # Where the item went. The entry may later be deleted or the issue
    # rewritten; the issue and section title stay as a record.
    used_entry = models.ForeignKey(
        "issues.Entry",
        verbose_name=_("条目"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    used_issue = models.ForeignKey(
        "issues.Issue",
        verbose_name=_("用于"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    used_section_title = models.CharField(
        _("放入的栏目"), max_length=100, blank=True, editable=False
    )
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True, editable=False)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True, editable=False)

    objects = InboxItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("收集箱链接")
        verbose_name_plural = _("收集箱")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["normalized_url"], name="inbox_normalized_url_idx"),
            models.Index(fields=["status", "-created_at"], name="inbox_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="inbox_url_http",
                violation_error_message=_("链接只能以 http:// 或 https:// 开头。"),
            ),
        ]

    def __str__(self):
        return self.title or self.url

    def save(self, *args, **kwargs):
        self.normalized_url = normalize_url(self.url)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "url" in update_fields:
            kwargs["update_fields"] = {*update_fields, "normalized_url"}
        super().save(*args, **kwargs)

    def get_admin_url(self):
        return reverse("admin:curation_inboxitem_change", args=[self.pk])
