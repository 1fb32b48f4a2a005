"""flask import-source and draft-questions."""
from sqlalchemy import func, select

from trainer.banks.models import Question, ReviewState
from trainer.extensions import db

from .conftest import DATA, revised


def test_import_source_prints_counts(runner):
    """Does import-source load a text and print its article and chapter counts?"""
    result = runner.invoke(args=["import-source", str(DATA / "synthetic.txt"), "--slug", "act", "--version", "测试版"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "articles 15, chapters 5"


def test_import_source_refuses_an_unparseable_text_with_lines(runner, tmp_path):
    """Does a text it cannot parse exit 1 with PATH:LINE: reasons and write nothing?"""
    path = tmp_path / "bad.txt"
    path.write_text("第一条\n第二条　乙。\n", encoding="gbk")
    result = runner.invoke(args=["import-source", str(path), "--slug", "bad"])
    assert result.exit_code == 1
    assert f"{path}:1: 第一条没有正文" in result.stderr and f"{path}:1: 无法识别文件标题" in result.stderr
    missing = runner.invoke(args=["import-source", str(tmp_path / "none.txt"), "--slug", "x"])
    assert missing.exit_code == 1 and ":0: 无法读取文件" in missing.stderr
    from trainer.sources.models import SourceDocument

    assert db.session.scalar(select(func.count()).select_from(SourceDocument)) == 0


def test_import_a_new_version_reports_changes(runner, tmp_path, synthetic_text):
    """Does loading a changed version say what changed (on stderr) and still print the counts?"""
    runner.invoke(args=["import-source", str(DATA / "synthetic.txt"), "--slug", "act"])
    path = tmp_path / "v2.txt"
    path.write_text(revised(synthetic_text), encoding="utf-8")
    result = runner.invoke(args=["import-source", str(path), "--slug", "act", "--version", "修订版"])
    assert result.exit_code == 0 and result.stdout.strip() == "articles 14, chapters 4"
    assert "changed 1, added 0, removed 1, flagged 0" in result.stderr


def test_draft_questions_prints_how_many(runner):
    """Does draft-questions save drafts (草稿) and print drafted N, for one article or the whole text?"""
    runner.invoke(args=["import-source", str(DATA / "synthetic.txt"), "--slug", "act"])
    one = runner.invoke(args=["draft-questions", "act", "--article", "6"])
    assert one.exit_code == 0 and one.stdout.strip() == "drafted 3"
    rest = runner.invoke(args=["draft-questions", "act", "--bank", "act"])
    n = int(rest.stdout.split()[-1])
    assert rest.exit_code == 0 and n > 15
    states = set(db.session.scalars(select(Question.review_state)))
    assert states == {ReviewState.draft} and db.session.scalar(select(func.count()).select_from(Question)) == n + 3
    assert runner.invoke(args=["draft-questions", "act"]).stdout.strip() == "drafted 0"
    bad = runner.invoke(args=["draft-questions", "nope"])
    assert bad.exit_code == 1 and "不存在" in bad.stderr
    assert runner.invoke(args=["draft-questions", "act", "--article", "99"]).exit_code == 1
