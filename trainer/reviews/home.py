"""Home panels: this week's review for cadres and mentors (missing from Friday on); missing by unit for admins."""
from trainer.org.models import Role
from trainer.reviews import service


def panel(user):
    week = service.current_week()
    if user.role == Role.admin:
        rows = service.missing_by_unit(week)
        behind = sorted((r for r in rows if r["missing"]), key=lambda r: -len(r["missing"]))
        return {"template": "reviews/_home_admin.html", "order": 25, "week": week, "due": service.missing_is_due(week),
                "rows": behind[:8], "more": len(behind) - 8,
                "missing": sum(len(r["missing"]) for r in rows), "expected": sum(r["expected"] for r in rows)}
    last = service.shift(week, -1)
    review = service.find_review(user.id, week)
    last_review = service.find_review(user.id, last)
    commented = [r for r in service.history(user.id, 8) if service.new_comments(r)]
    return {"template": "reviews/_home_cadre.html", "order": 10, "week": week, "review": review,
            "due": service.missing_is_due(week), "last_week": last,
            "last_missing": last_review is None or last_review.state.value != "submitted",
            "commented": commented}
