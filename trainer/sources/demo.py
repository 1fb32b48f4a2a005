"""Demo: a short sample text written for the demo (clearly titled 示例, invented, not an official text),
questions drafted from it (some accepted, some waiting in the queue), and a revised sample version
that sends the questions on its changed article back for re-review."""
from __future__ import annotations

from trainer.sources import service

SLUG = "sample-united-front"
TITLE = "示例：某市统一战线工作办法（示例文本）"

SAMPLE = """示例：某市统一战线工作办法（示例文本）
（本文为培训考试系统演示而编写，内容均为虚构，不是任何机关发布的文件，不具有任何效力）

第一章　总　　则

第一条　为了演示本系统的原文阅读、题目覆盖和依据条文起草题目等功能，编写本示例办法。

第二条　本示例办法适用于示例市各级统一战线工作部门开展的培训、联络和服务工作。

第三条　统一战线工作坚持“团结联合”原则，做到统筹兼顾、分类施策、注重实效、久久为功。

第二章　组织与职责

第四条　示例市委统一战线工作部门负责全市统一战线工作的统筹协调。
县级以上地方党委统一战线工作部门负责本行政区域内统一战线工作的组织实施。

第五条　镇街区统战工作站应当履行下列职责：
（一）建立联系服务对象的工作台账；
（二）每月组织一次政策学习；
（三）收集并报送社情民意信息；
（四）协助开展年度培训和考核。

第六条　统战委员新任职的，应当在30日内参加岗前培训。

第七条　各工作站应当配备专职工作人员，专职工作人员不得少于2名。

第三章　培训与考核

第八条　年度培训不少于40学时，其中集中学习不少于16学时。

第九条　参加年度考核，应当具备下列条件：
（一）本年度参加夜校学习次数达到要求；
（二）按时提交每周工作复盘；
（三）完成规定的网上学习课程。

第十条　年度考核成绩分为优秀、良好、合格、不合格四个等次。

第十一条　考核结果应当在考核结束后15日内向本人反馈。

第十二条　对考核不合格的人员，由所在单位安排补训，补训后应当在3个月内重新参加考核。

第四章　附　　则

第十三条　本示例办法所列数字和程序均为演示而设，不作为任何工作的依据。

第十四条　设区的市级统一战线工作部门可以参照本示例办法编写演示材料。

第十五条　本示例办法自2026年1月1日起用于系统演示。
"""

ACCEPTED = {3, 5, 6, 8, 11, 15}

# the revised sample: 第六条 now gives 15 days, 第十一条 is unchanged, 第十六条 is new
REVISED = (SAMPLE.replace("应当在30日内参加岗前培训", "应当在15日内参加岗前培训")
           .replace("第十五条　本示例办法自2026年1月1日起用于系统演示。",
                    "第十五条　本示例办法自2026年1月1日起用于系统演示。\n\n第十六条　演示数据每次重建时按本示例办法重新生成。"))


def seed(ctx: dict) -> None:
    admin, reviewer = ctx["users"]["admin"][0], ctx["users"]["admin"][1]
    meta = service.SourceMeta(slug=SLUG, title=TITLE, issuer="示例市委统战部（虚构）", version_label="示例版",
                              aliases=["某市统一战线工作办法（示例）"])
    doc, _ = service.load_source(admin, SAMPLE, meta, "示例文本.txt")
    articles = doc.article_count
    result = service.draft_questions(admin, doc)
    # the second admin has accepted the drafts on some articles; the rest wait in the queue
    page = service.review_queue(doc, "drafted", 1)
    accepted = 0
    for q, v in page.items:
        if v.ref_article in ACCEPTED:
            service.accept_question(reviewer, q.id)
            accepted += 1
    revised = service.SourceMeta(**{**meta.__dict__, "version_label": "示例版（修订）"})
    _, revision = service.load_source(admin, REVISED, revised, "示例文本（修订）.txt")
    ctx["echo"](f"示例原文《{TITLE}》{articles} 条；起草 {result.created} 题，采纳 {accepted} 题；"
                f"修订后 {revision.flagged} 题待复审")
