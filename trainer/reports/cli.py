"""flask --app trainer refresh-reports"""
import click
from flask.cli import with_appcontext

from trainer.reports import service


@click.command("refresh-reports")
@with_appcontext
def refresh_reports():
    """重新汇总各场考试的试题统计（报表页面会自动更新；成绩大批变动后可提前运行）。"""
    click.echo(f"refreshed {service.refresh()}")


COMMANDS = [refresh_reports]
