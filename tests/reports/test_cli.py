"""flask refresh-reports"""


def test_refresh_reports(runner, make_sitting):
    """Does the command rebuild the changed exams and then find nothing to do?"""
    make_sitting(people=5)
    result = runner.invoke(args=["refresh-reports"])
    assert result.exit_code == 0 and result.output.strip() == "refreshed 1"
    assert runner.invoke(args=["refresh-reports"]).output.strip() == "refreshed 0"
