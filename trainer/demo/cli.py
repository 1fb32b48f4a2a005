"""flask --app trainer seed-demo"""
import sys

import click
from flask.cli import with_appcontext

from trainer.demo import service


def print_logins(ctx: dict) -> None:
    click.echo("演示账号（密码均为 %s）：" % ctx["password"])
    for role, username, name in service.demo_logins(ctx):
        click.echo(f"  {role:<4} {username:<12} {name}")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """在空数据库中生成演示数据（单位、人员、题库等）。"""
    if not service.is_empty():
        click.echo("数据库中已有用户，未生成演示数据（演示数据只能写入空数据库）。", err=True)
        sys.exit(1)
    ctx = service.seed_demo(echo=click.echo)
    print_logins(ctx)


COMMANDS = [seed_demo]
