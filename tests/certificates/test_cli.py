"""flask --app trainer issue-certificates --exam/--term/--competition ID."""
import io
import zipfile

from trainer.certificates import service


def test_command_needs_exactly_one_source(runner):
    """Does the command refuse to run without an option, or with two?"""
    result = runner.invoke(args=["issue-certificates"])
    assert result.exit_code == 1 and "只指定一项" in result.output
    result = runner.invoke(args=["issue-certificates", "--exam", "1", "--term", "2"])
    assert result.exit_code == 1


def test_command_names_the_missing_domain(runner, fake_sources):
    """Until exams register their source, does --exam exit 1 with a Chinese message naming what is missing?"""
    result = runner.invoke(args=["issue-certificates", "--exam", "12"])
    assert result.exit_code == 1
    assert "考试（exams）模块尚未接入证书颁发" in result.output and "exam" in result.output
    result = runner.invoke(args=["issue-certificates", "--competition", "3"])
    assert result.exit_code == 1 and "竞赛（competitions）" in result.output


def test_command_issues_what_a_registered_source_lists(runner, make_user, fake_sources, tmp_path):
    """With a fake exam source registered, does the command issue, not repeat itself, and write the ZIP?"""
    passed = [make_user(name="甲"), make_user(name="乙"), make_user(name="丙")]
    calls = []

    def exam_source(exam_id):
        calls.append(exam_id)
        return [service.IssueSpec("passed", u, f"第{exam_id}次测验", f"exam:{exam_id}", score=90) for u in passed]

    service.register_source("exam", exam_source)
    out = tmp_path / "batch.zip"
    result = runner.invoke(args=["issue-certificates", "--exam", "12", "--zip", str(out)])
    assert result.exit_code == 0, result.output
    assert "已颁发 3 张，此前已颁发 0 张" in result.output and calls == [12]
    assert len(zipfile.ZipFile(io.BytesIO(out.read_bytes())).namelist()) == 3
    again = runner.invoke(args=["issue-certificates", "--exam", "12"])
    assert again.exit_code == 0 and "已颁发 0 张，此前已颁发 3 张" in again.output


def test_command_reports_an_empty_source(runner, fake_sources):
    """Does a source that lists nobody exit 1 saying so?"""
    service.register_source("term", lambda term_id: [])
    result = runner.invoke(args=["issue-certificates", "--term", "4"])
    assert result.exit_code == 1 and "没有需要颁发证书的人员" in result.output


def test_onboarding_option_uses_the_onboarding_source(runner, make_user, fake_sources):
    """Does --onboarding ID issue what the onboarding source lists for that plan?"""
    holder = make_user(name="丁")
    service.register_source("onboarding", lambda plan_id: [service.IssueSpec(
        "completion", holder, "新任统战委员入职学习计划", f"onboarding:{plan_id}")], label="入职学习计划")
    result = runner.invoke(args=["issue-certificates", "--onboarding", "4"])
    assert result.exit_code == 0, result.output
    assert "已颁发 1 张" in result.output
    assert service.get_for_subject(holder, "onboarding:4") is not None
