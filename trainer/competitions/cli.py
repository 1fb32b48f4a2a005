"""flask --app trainer refresh-points [--since DATE] [--until DATE]"""
from datetime import date, timedelta

import click
from flask.cli import with_appcontext

from trainer.competitions import points
from trainer.timeutil import local_today


@click.command("refresh-points")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="开始日期（含），默认 14 天前")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="结束日期（含），默认今天")
@with_appcontext
def refresh_points(since, until):
    """按积分规则统计学习积分（可重复运行，不会重复计分；建议每小时由定时任务运行）。"""
    first: date = since.date() if since else local_today() - timedelta(days=14)
    last: date = until.date() if until else local_today()
    if last < first:
        click.echo("错误：结束日期须不早于开始日期", err=True)
        raise SystemExit(1)
    lo, hi = points.local_range(first, last)
    click.echo(f"added {points.refresh_points(lo, hi)}")


COMMANDS = [refresh_points]
