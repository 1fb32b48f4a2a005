"""flask --app trainer night-code SESSION_ID / night-hours TERM_ID"""
import click
from flask.cli import with_appcontext

from trainer.errors import ServiceError
from trainer.nightschool import checkin, hours, service


@click.command("night-code")
@click.argument("session_id", type=int)
@with_appcontext
def night_code(session_id):
    """显示某次夜校当前的签到码（每分钟变化；投屏不便时由主持人口头宣布）。"""
    try:
        s = service.get_session(session_id)
    except ServiceError as exc:
        click.echo(f"错误：{exc.message}", err=True)
        raise SystemExit(1) from exc
    code, left = checkin.current_code(s)
    click.echo(f"{code}（{left} 秒后更新）")


@click.command("night-hours")
@click.argument("term_id", type=int)
@with_appcontext
def night_hours(term_id):
    """列出某期夜校每人的学时（制表符分隔：姓名、单位、已获学时、应修学时、请假超1/7、是否结业）。"""
    try:
        term = service.get_term(term_id)
    except ServiceError as exc:
        click.echo(f"错误：{exc.message}", err=True)
        raise SystemExit(1) from exc
    for r in hours.term_records(term):
        click.echo("\t".join([r.user.name, r.user.unit_name, f"{r.credited:g}", f"{r.scheduled:g}",
                              "是" if r.leave_over else "否", "是" if r.completed else "否"]))


COMMANDS = [night_code, night_hours]
