"""The practice panel on cadres' and mentors' home pages: today's review, the book, the streak."""
from trainer.org.models import Role
from trainer.practice import service


def panel(user) -> dict | None:
    if user.role not in (Role.cadre, Role.mentor):
        return None
    return {"template": f"practice/_home_{user.role.value}.html", "order": 30,
            "practice": service.practice_status(user), "streak_min": service.STREAK_MIN_ANSWERS}
