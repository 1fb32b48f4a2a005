"""flask --app trainer close-overdue / prepare-papers"""
import click
from flask.cli import with_appcontext

from trainer.exams import attempts
from trainer.exams.models import Exam
from trainer.extensions import db


@click.command("close-overdue")
@with_appcontext
def close_overdue():
    """把超过截止时间仍未交卷的答卷按已保存的答案交卷并评分（可每分钟由定时任务运行）。"""
    n = attempts.close_overdue()
    click.echo(f"closed {n}")


@click.command("prepare-papers")
@click.argument("exam_id", type=int)
@with_appcontext
def prepare_papers(exam_id):
    """为考试的全部参加人员提前备卷（开考前运行，避免集中开考时的压力）。"""
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        click.echo("错误：考试不存在", err=True)
        raise SystemExit(1)
    click.echo(f"prepared {attempts.prepare_papers(exam)}")


COMMANDS = [close_overdue, prepare_papers]
