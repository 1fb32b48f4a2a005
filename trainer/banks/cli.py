"""flask --app trainer import-bank / export-bank / list-banks"""
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from trainer.banks import importing, service
from trainer.banks.exporters import EXPORT_FORMATS
from trainer.banks.importers import FORMATS
from trainer.errors import NotFound
from trainer.grading.types import TYPE_LABELS


@click.command("import-bank")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["auto", *FORMATS]), default="auto", show_default=True)
@click.option("--bank", "bank_slug", default=None, help="题库标识（YAML/JSON 文件自带，其他格式必填）")
@click.option("--title", default=None, help="新建题库时的名称")
@click.option("--dry-run", is_flag=True, help="只检查并显示将发生的变化，不写入")
@click.option("--retire-missing", is_flag=True, help="停用文件中没有的题目")
@with_appcontext
def import_bank(path, fmt, bank_slug, title, dry_run, retire_missing):
    """导入题库文件：全部成功或一条不写。"""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        click.echo(f"{path}:0: 无法读取文件：{exc.strerror}", err=True)
        sys.exit(1)
    report = importing.import_bank(data, path, fmt=fmt, bank_slug=bank_slug, bank_title=title, dry_run=dry_run,
                                   retire_missing=retire_missing)
    for w in report.warnings:
        click.echo(f"警告 {w.text(path)}", err=True)
    if not report.ok:
        for line in report.error_lines():
            click.echo(line, err=True)
        click.echo(f"导入失败：{len(report.errors)} 处错误，未写入任何数据", err=True)
        sys.exit(1)
    prefix = "dry run: " if dry_run else ""
    click.echo(prefix + report.summary())


@click.command("export-bank")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), required=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False))
@with_appcontext
def export_bank(slug, fmt, output):
    """导出题库。"""
    try:
        data = service.export_bank(slug, fmt)
    except NotFound as exc:
        click.echo(f"错误：{exc.message}", err=True)
        sys.exit(1)
    Path(output).write_bytes(data)
    click.echo(f"已导出到 {output}")


@click.command("list-banks")
@with_appcontext
def list_banks():
    """列出题库及各题型题数。"""
    banks = service.list_banks()
    stats = service.bank_stats()
    if not banks:
        click.echo("（还没有题库）")
    for bank in banks:
        s = stats.get(bank.id)
        counts = "  ".join(f"{TYPE_LABELS[t]} {s.by_type.get(t, 0)}" for t in TYPE_LABELS) if s else ""
        click.echo(f"{bank.slug:<28} {bank.title:<24} 共 {s.active if s else 0} 题  {counts}")


COMMANDS = [import_bank, export_bank, list_banks]
