"""flask --app trainer issue-certificates --exam ID | --term ID | --competition ID | --team ID | --onboarding ID [--zip PATH]"""
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from trainer.certificates import service
from trainer.errors import ServiceError


@click.command("issue-certificates")
@click.option("--exam", "exam_id", type=int, help="考试编号：为通过该考试的人员颁发合格证书")
@click.option("--term", "term_id", type=int, help="夜校期次编号：为完成该期学习的人员颁发结业证书")
@click.option("--competition", "competition_id", type=int, help="竞赛编号：为获奖人员颁发荣誉证书")
@click.option("--team", "team_id", type=int, help="传帮带小组编号：为完成结对的导师和青年干部颁发证书")
@click.option("--onboarding", "plan_id", type=int, help="入职学习计划编号：为完成该计划的新任统战委员颁发结业证书")
@click.option("--zip", "zip_path", type=click.Path(dir_okay=False), help="同时把本批证书 PDF 打包写入此 ZIP 文件")
@with_appcontext
def issue_certificates(exam_id, term_id, competition_id, team_id, plan_id, zip_path):
    """按考试、夜校期次、竞赛、传帮带小组或入职学习计划批量颁发证书；已获证者不重复颁发。"""
    chosen = [(name, ident) for name, ident in
              (("exam", exam_id), ("term", term_id), ("competition", competition_id), ("team", team_id),
               ("onboarding", plan_id))
              if ident is not None]
    if len(chosen) != 1:
        click.echo("错误：请指定且只指定一项：--exam、--term、--competition、--team 或 --onboarding", err=True)
        sys.exit(1)
    name, ident = chosen[0]
    try:
        result = service.issue_from_source(name, ident)
    except ServiceError as exc:
        click.echo(f"错误：{exc.message}", err=True)
        sys.exit(1)
    click.echo(f"已颁发 {result.new} 张，此前已颁发 {result.existing} 张，共 {len(result.certificates)} 张")
    if zip_path:
        Path(zip_path).write_bytes(service.zip_of(result.certificates))
        click.echo(f"已写入 {zip_path}")


COMMANDS = [issue_certificates]
