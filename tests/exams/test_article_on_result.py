"""The result page shows the text of the article each question cites, once the document is loaded."""
from datetime import timedelta

import yaml

from trainer.banks import importing
from trainer.banks.models import Question
from trainer.exams import service
from trainer.extensions import db
from trainer.org.models import Role
from trainer.sources import service as sources
from trainer.timeutil import utcnow

TEXT = """测试条例
第一章 总则
第一条 为了规范测试工作，制定本条例。
第二条 测试机构应当在三十日内完成登记。
"""
BANK = {"slug": "cite", "title": "引用测试", "source": "测试条例", "review": {"state": "reviewed", "by": "复核"},
        "questions": [{"key": "c1", "type": "single", "stem": "测试机构应当在（ ）内完成登记。", "options": ["三十日", "十五日"],
                       "answer": "A", "explanation": "第二条。", "reference": "第二条"}]}


def _quiz(admin):
    assert importing.import_bank(yaml.safe_dump(BANK, allow_unicode=True).encode(), "cite.yaml").ok
    exam = service.create_exam(admin, service.ExamData(title="引用", kind=service.ExamKind.weekly,
                                                       opens_at=utcnow() - timedelta(minutes=1),
                                                       question_mode=service.QuestionMode.fixed))
    service.add_fixed_question(admin, exam, db.session.query(Question).one().id, 5)
    exam.published = True
    db.session.commit()
    return exam


def test_result_page_quotes_the_cited_article(login_as, make_user):
    """With the source loaded, does the explanation show the article's text and a link to read it in context?"""
    admin = make_user(Role.admin)
    exam = _quiz(admin)
    cadre = login_as(Role.cadre)
    aid = int(cadre.post(f"/exams/{exam.id}/start").headers["Location"].rsplit("/", 1)[1])
    cadre.post(f"/attempts/{aid}/submit")
    assert "三十日内完成登记" not in cadre.get(f"/attempts/{aid}/result").get_data(as_text=True)
    sources.load_source(admin, TEXT, sources.SourceMeta(slug="test-act", title="测试条例"), "t.txt")
    html = cadre.get(f"/attempts/{aid}/result").get_data(as_text=True)
    assert "测试机构应当在三十日内完成登记" in html
    assert "/sources/test-act/2" in html and "在原文中阅读上下文" in html
