"""The demo's sample text."""
from trainer.demo.service import seed_demo
from trainer.sources import demo, service


def test_demo_loads_the_sample_with_drafts_accepted_and_flagged(app):
    """Does the demo load the sample text (titled as a sample), with drafts waiting, some accepted, and one
    question flagged by the revised sample?"""
    messages = []
    seed_demo(echo=messages.append)
    doc = service.get_document(demo.SLUG)
    assert "示例" in doc.title and "虚构" in doc.note and doc.article_count == 16
    counts = service.queue_counts(doc)
    assert counts["drafted"] >= 4 and counts["rereview"] == 1
    cov = service.coverage(doc)
    assert 3 <= cov.covered < len(cov.rows)
    assert service.article_for("某市统一战线工作办法（示例）", 6).text.endswith("应当在15日内参加岗前培训。")
    assert any("示例原文" in m for m in messages)
