"""flask --app trainer missing-reviews [--week 2026-W48]"""
import sys

import click
from flask.cli import with_appcontext

from trainer.reviews import service


@click.command("missing-reviews")
@click.option("--week", "week_text", help="ISO 周，如 2026-W48；默认本周")
@with_appcontext
def missing_reviews(week_text):
    """按单位列出某周未提交复盘的人员（可在周五由定时任务运行，用于提醒）。"""
    week = service.parse_week(week_text) if week_text else service.current_week()
    if week is None:
        click.echo("错误：周次格式应为 2026-W48", err=True)
        sys.exit(1)
    total = 0
    for row in service.missing_by_unit(week):
        if row["missing"]:
            total += len(row["missing"])
            names = "、".join(u.name for u in row["missing"])
            click.echo(f"{row['unit'].name}\t{len(row['missing'])}/{row['expected']}\t{names}")
    click.echo(f"missing {total}")


COMMANDS = [missing_reviews]
