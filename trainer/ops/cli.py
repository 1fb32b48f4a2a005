"""flask --app trainer backup PATH / restore PATH"""
import sys

import click
from flask.cli import with_appcontext

from trainer.errors import ServiceError
from trainer.ops import service


@click.command("backup")
@click.argument("path")
@with_appcontext
def backup(path):
    """备份数据库（运行中也可安全备份）。"""
    try:
        click.echo(service.backup(path))
    except ServiceError as exc:
        click.echo(f"错误：{exc.message}", err=True)
        sys.exit(1)


@click.command("restore")
@click.argument("path")
@click.option("--yes", is_flag=True, help="确认覆盖当前数据库")
@with_appcontext
def restore(path, yes):
    """用备份文件覆盖当前数据库（请先停止服务）。"""
    if not yes:
        click.confirm("将用备份覆盖当前数据库的全部数据，确定？", abort=True)
    try:
        click.echo(service.restore(path))
    except ServiceError as exc:
        click.echo(f"错误：{exc.message}", err=True)
        sys.exit(1)


COMMANDS = [backup, restore]
