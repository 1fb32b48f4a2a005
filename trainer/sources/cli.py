"""flask --app trainer import-source / draft-questions"""
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from trainer.errors import ServiceError
from trainer.sources import service
from trainer.sources.reading import ReadError, read_source


@click.command("import-source")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--slug", required=True, help="文件标识，如 united-front-2020；载入新版本用同一标识")
@click.option("--title", default=None, help="标题（不带书名号）；默认取正文第一行")
@click.option("--version", "version_label", default="", help="版本，如 2020年修订")
@click.option("--issuer", default="", help="发布机关")
@click.option("--alias", "aliases", multiple=True, help="题目出处中可能用到的其他名称（可多次给出）")
@with_appcontext
def import_source(path, slug, title, version_label, issuer, aliases):
    """载入法规原文（.txt/.docx/.pdf）；有错误时一条不写。"""
    try:
        text = read_source(Path(path).read_bytes(), path)
    except OSError as exc:
        click.echo(f"{path}:0: 无法读取文件：{exc.strerror}", err=True)
        sys.exit(1)
    except ReadError as exc:
        click.echo(f"{path}:0: {exc}", err=True)
        sys.exit(1)
    meta = service.SourceMeta(slug=slug, title=title or "", aliases=list(aliases), issuer=issuer,
                              version_label=version_label)
    plan = service.plan_load(text, meta, Path(path).name)
    for w in plan.warnings:
        click.echo(f"警告 {w.text(path)}", err=True)
    if not plan.ok:
        for line in plan.error_lines(path):
            click.echo(line, err=True)
        click.echo(f"载入失败：{len(plan.errors)} 处错误，未写入任何数据", err=True)
        sys.exit(1)
    doc, revision = service.load_source(None, text, meta, Path(path).name)
    if plan.document is not None:
        click.echo(f"changed {revision.changed}, added {revision.added}, removed {revision.removed}, "
                   f"flagged {revision.flagged}", err=True)
    click.echo(f"articles {doc.article_count}, chapters {doc.chapter_count}")


@click.command("draft-questions")
@click.argument("slug")
@click.option("--article", type=int, default=None, help="只依据这一条（条号，如 12）")
@click.option("--bank", "bank_slug", default=None, help="存入的题库标识；默认为依据本文件的题库（没有则新建）")
@with_appcontext
def draft_questions(slug, article, bank_slug):
    """依据原文起草题目，存为草稿，须在审核队列中逐题审核。"""
    try:
        doc = service.get_document(slug)
        result = service.draft_questions(None, doc, [article] if article else None, bank_slug)
    except ServiceError as exc:
        click.echo(f"错误：{exc.message}", err=True)
        sys.exit(1)
    click.echo(f"drafted {result.created}")


COMMANDS = [import_source, draft_questions]
