"""flask --app trainer create-user"""
import os
import sys

import click
from flask.cli import with_appcontext

from trainer.errors import ServiceError
from trainer.org import service
from trainer.org.models import Role


@click.command("create-user")
@click.argument("username")
@click.option("--name", required=True, help="姓名")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="cadre", show_default=True)
@click.option("--unit", default="", help="单位名称（或 镇街区/村社区）")
@click.option("--position", default="", help="职务")
@with_appcontext
def create_user(username, name, role, unit, position):
    """新建用户；密码取自环境变量 TRAINER_PASSWORD，否则提示输入。"""
    unit_obj = None
    if unit:
        unit_obj = service.find_unit(unit)
        if unit_obj is None:
            click.echo(f"错误：找不到单位「{unit}」", err=True)
            sys.exit(1)
    password = os.environ.get("TRAINER_PASSWORD") or click.prompt("密码", hide_input=True, confirmation_prompt=True)
    data = service.UserData(username=username, name=name, role=Role(role),
                            unit_id=unit_obj.id if unit_obj else None, position=position)
    try:
        user = service.create_user(None, data, password=password, must_change=False)
    except ServiceError as exc:
        click.echo(f"错误：{exc.message}", err=True)
        sys.exit(1)
    click.echo(f"已创建用户 {user.username}（{user.name}，{user.role.label}）")


COMMANDS = [create_user]
