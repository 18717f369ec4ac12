"""Generates a large catalogue of published issues, for benchmarks.

    python manage.py generate_demo --issues 5000 --entries 30

Issues are dated every other day up to yesterday, each with the usual four
sections and a mix of Chinese and English titles, sources and summaries drawn
from a fixed vocabulary (seeded, so two runs write the same catalogue), so
that search has common words, rare words and prefixes to work on. The working
copies are written in bulk; every approved revision then goes through
``freeze_revision``, the same step approval uses, so pages, search and feeds
read exactly what they would after real reviews. Dates that already hold an
issue are skipped.
"""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from issues.documents import document_to_data, entry_from_doc
from issues.housefmt import EntryDoc, IssueDoc, SectionDoc
from issues.models import Entry, Issue, Publication, Revision, Section, Status
from issues.publishing import freeze_revision

SECTIONS = ["业界新闻", "论文", "开源项目", "博文"]
CHINESE = (
    "量化 剪枝 蒸馏 稀疏 芯片 推理 部署 端侧 模型 编译器 算子 内存 功耗 框架 开源 加速 "
    "视觉 语音 大模型 注意力 卷积 调度 缓存 带宽 延迟 吞吐 手机 汽车 机器人 传感器"
).split()
ENGLISH = (
    "MNNv2 TFLite NCNN ONNX TensorRT microcontrollers quantization pruning kernels NPU "
    "Cortex-M RISC-V int4 int8 llama.cpp ExecuTorch CoreML Vulkan OpenCL transformer "
    "distillation sparsity compiler runtime benchmark"
).split()
SOURCES = [
    "机器之心",
    "量子位",
    "新智元",
    "雷锋网",
    "极市平台",
    "arXiv",
    "GitHub",
    "Google Blog",
    "Arm Community",
    "知乎专栏",
]
# Appears in about one entry in five thousand: a search with few results.
RARE_WORD = "蜂鸟"


def _words(rng, count):
    return [
        rng.choice(CHINESE) if rng.random() < 0.6 else rng.choice(ENGLISH) for _ in range(count)
    ]


def _entry(rng, number, date):
    words = _words(rng, 4)
    if rng.random() < 1 / 5000:
        words.append(RARE_WORD)
    title = "".join(word if ord(word[0]) > 127 else f" {word} " for word in words).strip()
    summary_words = _words(rng, 12)
    summary = "，".join("".join(summary_words[i : i + 3]) for i in range(0, len(summary_words), 3))
    section = rng.choice(SECTIONS)
    return section, EntryDoc(
        title=f"{title}（{number}）",
        label=f"{date:%y%m}.{number:05d}" if section == "论文" else "",
        source=rng.choice(SOURCES),
        url=f"https://example.com/{date.isoformat()}/{number}",
        metadata=[("代码", f"https://github.com/example/{rng.choice(ENGLISH).lower()}")]
        if section == "开源项目"
        else [],
        summary=f"本文介绍{summary}。**{rng.choice(ENGLISH)}** 的实测结果。",
    )


def build_document(rng, date, entries, publication):
    by_section = {title: [] for title in SECTIONS}
    for number in range(entries):
        section, entry = _entry(rng, number + 1, date)
        by_section[section].append(entry)
    return IssueDoc(
        publication_date=date,
        publication_name=publication.name,
        headline="、".join(rng.sample(CHINESE, 2)),
        headline_separator="：",
        tagline=publication.tagline,
        preamble=f"> 导读：本期 {entries} 条，关注{'、'.join(rng.sample(CHINESE, 3))}。",
        sections=[
            SectionDoc(title=title, entries=items) for title, items in by_section.items() if items
        ],
    )


class Command(BaseCommand):
    help = "Generate a large catalogue of published issues (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--issues", type=int, default=100)
        parser.add_argument("--entries", type=int, default=30, help="entries per issue")
        parser.add_argument("--seed", type=int, default=15)
        parser.add_argument("--batch", type=int, default=100)

    def handle(self, *args, **options):
        if options["issues"] < 1 or options["entries"] < 1:
            raise CommandError("--issues and --entries must be at least 1.")
        rng = random.Random(options["seed"])
        publication = Publication.load()
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        dates = [yesterday - datetime.timedelta(days=2 * n) for n in range(options["issues"])]
        taken = set(
            Issue.objects.filter(publication_date__in=dates).values_list(
                "publication_date", flat=True
            )
        )
        dates = sorted(date for date in dates if date not in taken)
        written = 0
        for start in range(0, len(dates), options["batch"]):
            batch = dates[start : start + options["batch"]]
            docs = [build_document(rng, date, options["entries"], publication) for date in batch]
            self._write(docs)
            written += len(docs)
            self.stdout.write(f"{written}/{len(dates)} issues", ending="\r")
        self.stdout.write(
            f"generated {written} published issues, {options['entries']} entries each"
        )

    @transaction.atomic
    def _write(self, docs):
        go_live = timezone.now() - datetime.timedelta(hours=1)
        issues = Issue.objects.bulk_create(
            Issue(
                publication_date=doc.publication_date,
                headline=doc.headline,
                headline_separator=doc.headline_separator,
                preamble=doc.preamble,
                status=Status.PUBLISHED,
            )
            for doc in docs
        )
        sections, section_docs = [], []
        for issue, doc in zip(issues, docs, strict=True):
            for position, section in enumerate(doc.sections):
                sections.append(Section(issue=issue, title=section.title, position=position))
                section_docs.append(section)
        Section.objects.bulk_create(sections)
        Entry.objects.bulk_create(
            entry_from_doc(entry, section=section, position=position)
            for section, section_doc in zip(sections, section_docs, strict=True)
            for position, entry in enumerate(section_doc.entries)
        )
        revisions = Revision.objects.bulk_create(
            Revision(
                issue=issue,
                status=Status.PUBLISHED,
                data=document_to_data(doc),
                go_live_at=go_live,
                created_at=go_live,
            )
            for issue, doc in zip(issues, docs, strict=True)
        )
        for revision in revisions:
            freeze_revision(revision)
