"""The access matrix: every route of the app, called as each kind of visitor, with the ids of objects
that belong to one cadre (the owner).

Visitors: anon (not signed in), owner (cadre02, whose objects the ids point at), other (another cadre,
in another unit and another mentoring team), mentor_owner (the owner's mentor), mentor_other (a mentor
of a different team), admin.

EXPECT below says, per endpoint and method, which visitors may use it; everyone else must be refused
(anonymous visitors are sent to sign in, signed-in ones get 403 or 404). A GET that is allowed must
answer below 400 without sending the visitor to sign in. A POST is called by the refused visitors with a
valid CSRF token (the refusal must come before anything changes) and by the allowed ones without a
token (it must fail with 400: every POST is CSRF-protected). The test fails on any route the table does
not cover, so a new route must be added here before it lands.

Run with ACCESS_DISCOVER=1 to print what each route does now, as table lines to review.
"""
from __future__ import annotations

import io
import os

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in
from trainer.extensions import db

VISITORS = ("anon", "owner", "other", "mentor_owner", "mentor_other", "admin")

# who may use a route; the codes name the usual groups
PUBLIC = frozenset(VISITORS)
SIGNED = frozenset(VISITORS) - {"anon"}
STAFF = frozenset({"mentor_owner", "mentor_other", "admin"})
ADMIN = frozenset({"admin"})
OWNER = frozenset({"owner"})  # the owner only (not even an admin: their own answers, drills, cards)
OWNER_ADMIN = frozenset({"owner", "admin"})
OWNER_MENTOR = frozenset({"owner", "mentor_owner", "admin"})



def _under_owner_unit(world, visitor: str) -> bool:
    """Whether the visitor's unit is the owner's unit or one above it."""
    unit, mine = world.owner.unit, world.people[visitor].unit_id
    while unit is not None:
        if unit.id == mine:
            return True
        unit = unit.parent
    return False


def AUDIENCE(world) -> frozenset[str]:
    """A night-school session for the owner's unit: its people and admins."""
    return frozenset({"owner", "admin"} | {v for v in ("other", "mentor_owner", "mentor_other")
                                           if world.people[v].unit_id == world.owner.unit_id})


def UNIT_STAFF(world) -> frozenset[str]:
    """Reports on one person: admins, and mentors of the person's unit or a unit above it."""
    return frozenset({"admin"} | {v for v in ("mentor_owner", "mentor_other") if _under_owner_unit(world, v)})


_A = ADMIN
EXPECT: dict[tuple[str, str], frozenset[str]] = {
    # sign-in and the home page
    ("auth.login", "GET"): PUBLIC, ("auth.login", "POST"): PUBLIC,
    ("auth.logout", "POST"): SIGNED,
    ("auth.change_password", "GET"): SIGNED, ("auth.change_password", "POST"): SIGNED,
    ("home.index", "GET"): SIGNED, ("home.healthz", "GET"): PUBLIC,
    ("static", "GET"): PUBLIC,
    # organisation and audit
    ("audit.index", "GET"): _A,
    ("org.users", "GET"): _A, ("org.user_new", "GET"): _A, ("org.user_new", "POST"): _A,
    ("org.user_edit", "GET"): _A, ("org.user_edit", "POST"): _A,
    ("org.user_import", "GET"): _A, ("org.user_import", "POST"): _A, ("org.user_import_template", "GET"): _A,
    ("org.user_reset_password", "POST"): _A, ("org.user_toggle", "POST"): _A,
    ("org.units", "GET"): _A, ("org.unit_form", "GET"): _A, ("org.unit_form", "POST"): _A,
    ("org.unit_delete", "POST"): _A,
    # question banks
    ("banks.index", "GET"): _A, ("banks.bank", "GET"): _A, ("banks.bank_edit", "GET"): _A,
    ("banks.bank_edit", "POST"): _A, ("banks.bank_export", "GET"): _A, ("banks.bank_new", "GET"): _A,
    ("banks.bank_new", "POST"): _A, ("banks.bank_rereview", "POST"): _A, ("banks.import_page", "GET"): _A,
    ("banks.import_page", "POST"): _A, ("banks.question", "GET"): _A, ("banks.question_action", "POST"): _A,
    ("banks.question_edit", "GET"): _A, ("banks.question_edit", "POST"): _A, ("banks.question_new", "GET"): _A,
    ("banks.question_new", "POST"): _A, ("banks.questions", "GET"): _A, ("banks.template", "GET"): _A,
    ("banks.reports", "GET"): _A, ("banks.report_handle", "POST"): _A, ("banks.bank_review", "POST"): _A,
    # 纠错: admins, and those who have seen the question's answer (the owner here)
    ("banks.report", "GET"): OWNER_ADMIN, ("banks.report", "POST"): OWNER_ADMIN,
    # source texts: everyone reads, admins load and review
    ("sources.index", "GET"): SIGNED, ("sources.document", "GET"): SIGNED, ("sources.article", "GET"): SIGNED,
    ("sources.admin_index", "GET"): _A, ("sources.coverage", "GET"): _A, ("sources.draft", "POST"): _A,
    ("sources.load", "GET"): _A, ("sources.load", "POST"): _A, ("sources.queue", "GET"): _A,
    ("sources.queue_action", "POST"): _A, ("sources.revision", "GET"): _A,
    # exams: the owner's attempt is theirs alone; admins see it in the admin pages
    ("exams.index", "GET"): SIGNED, ("exams.exam", "GET"): SIGNED, ("exams.start", "POST"): SIGNED,
    ("exams.take", "GET"): OWNER, ("exams.autosave", "POST"): OWNER, ("exams.event", "POST"): OWNER,
    ("exams.save_page", "POST"): OWNER, ("exams.submit", "GET"): OWNER, ("exams.submit", "POST"): OWNER,
    ("exams.result", "GET"): OWNER_ADMIN,
    ("exams.admin_index", "GET"): _A, ("exams.admin_exam", "GET"): _A, ("exams.admin_form", "GET"): _A,
    ("exams.admin_form", "POST"): _A, ("exams.admin_action", "POST"): _A, ("exams.admin_attempt", "GET"): _A,
    ("exams.admin_export", "GET"): _A, ("exams.admin_fixed_add", "POST"): _A,
    ("exams.admin_fixed_delete", "POST"): _A, ("exams.admin_preview", "GET"): _A,
    ("exams.admin_reopen", "POST"): _A, ("exams.admin_rule_add", "POST"): _A,
    ("exams.admin_rule_delete", "POST"): _A, ("exams.grading", "GET"): _A,
    ("exams.grading_question", "GET"): _A, ("exams.grading_question", "POST"): _A, ("exams.regrade", "POST"): _A,
    # drills and the wrong-answer book: personal
    ("practice.index", "GET"): SIGNED, ("practice.bank", "GET"): SIGNED, ("practice.bank", "POST"): SIGNED,
    ("practice.book", "GET"): SIGNED, ("practice.review", "GET"): SIGNED, ("practice.review", "POST"): SIGNED,
    ("practice.book_entry", "GET"): OWNER, ("practice.book_action", "POST"): OWNER,
    ("practice.drill", "GET"): OWNER, ("practice.drill_item", "GET"): OWNER, ("practice.drill_answer", "POST"): OWNER,
    ("practice.drill_end", "POST"): OWNER, ("practice.drill_summary", "GET"): OWNER,
    # certificates: the holder and admins; verification is public
    ("certificates.mine", "GET"): SIGNED, ("certificates.mine_zip", "GET"): SIGNED,
    ("certificates.pdf", "GET"): OWNER_ADMIN,
    ("certificates.verify", "GET"): PUBLIC, ("certificates.verify_form", "GET"): PUBLIC,
    ("certificates.register", "GET"): _A, ("certificates.detail", "GET"): _A, ("certificates.export", "GET"): _A,
    ("certificates.download_zip", "GET"): _A, ("certificates.batch", "GET"): _A, ("certificates.batch", "POST"): _A,
    ("certificates.batch_source", "POST"): _A, ("certificates.reissue", "POST"): _A,
    ("certificates.revoke", "POST"): _A, ("certificates.templates", "GET"): _A,
    ("certificates.template_edit", "GET"): _A, ("certificates.template_edit", "POST"): _A,
    ("certificates.template_preview", "GET"): _A, ("certificates.template_seal", "GET"): _A,
    # night school: the admin pages; sessions, materials, check-in, leave and ratings for the audience
    **{(f"nightschool.{name}", m): _A for name, m in [
        ("admin_attendance", "POST"), ("admin_cancel", "POST"), ("admin_code", "GET"), ("admin_decide_leave", "POST"),
        ("admin_hours", "GET"), ("admin_index", "GET"), ("admin_leave", "GET"), ("admin_material_delete", "POST"),
        ("admin_material_upload", "POST"), ("admin_move", "POST"), ("admin_person_hours", "GET"), ("admin_qr", "GET"),
        ("admin_rota", "GET"), ("admin_rota", "POST"), ("admin_screen", "GET"), ("admin_series", "GET"),
        ("admin_series", "POST"), ("admin_session", "GET"), ("admin_session_form", "GET"),
        ("admin_session_form", "POST"), ("admin_term", "GET"), ("admin_term_form", "GET"), ("admin_term_form", "POST")]},
    ("nightschool.index", "GET"): SIGNED, ("nightschool.calendar_view", "GET"): SIGNED,
    ("nightschool.lecturers", "GET"): SIGNED, ("nightschool.lecturer", "GET"): SIGNED,
    ("nightschool.rota", "GET"): SIGNED, ("nightschool.my_hours", "GET"): SIGNED,
    ("nightschool.my_lectures", "GET"): SIGNED, ("nightschool.subscribe", "GET"): SIGNED,
    ("nightschool.reset_feed", "POST"): SIGNED,
    ("nightschool.feed", "GET"): PUBLIC,  # the secret address is the credential (a calendar app cannot sign in)
    ("nightschool.session", "GET"): AUDIENCE, ("nightschool.material", "GET"): AUDIENCE,
    ("nightschool.checkin_page", "GET"): AUDIENCE, ("nightschool.checkin_page", "POST"): AUDIENCE,
    ("nightschool.leave", "POST"): AUDIENCE, ("nightschool.withdraw_leave", "POST"): AUDIENCE,
    ("nightschool.rate", "POST"): AUDIENCE,
    # weekly reviews: everyone but admins writes their own; the author, their mentor and admins read; the mentor
    # and admins comment
    ("reviews.index", "GET"): SIGNED - ADMIN, ("reviews.write", "GET"): SIGNED - ADMIN,
    ("reviews.write", "POST"): SIGNED - ADMIN, ("reviews.team", "GET"): frozenset({"mentor_owner", "mentor_other"}),
    ("reviews.show", "GET"): OWNER_MENTOR, ("reviews.comment", "POST"): frozenset({"mentor_owner", "admin"}),
    ("reviews.admin_week", "GET"): _A, ("reviews.admin_export", "GET"): _A, ("reviews.admin_print", "GET"): _A,
    # mentoring: the team's mentor sees the mentee and writes notes; onboarding items are the owner's
    ("mentoring.index", "GET"): SIGNED, ("mentoring.mentee", "GET"): frozenset({"mentor_owner", "admin"}),
    ("mentoring.add_note", "POST"): frozenset({"mentor_owner", "admin"}),
    ("mentoring.my_plan", "GET"): SIGNED - ADMIN, ("mentoring.mark_read", "POST"): OWNER,
    **{(f"mentoring.{name}", m): _A for name, m in [
        ("admin_add_item", "POST"), ("admin_add_member", "POST"), ("admin_assign", "POST"), ("admin_confirm", "POST"),
        ("admin_edit", "POST"), ("admin_end", "POST"), ("admin_index", "GET"), ("admin_new", "GET"),
        ("admin_new", "POST"), ("admin_plan", "GET"), ("admin_plans", "GET"), ("admin_plans", "POST"),
        ("admin_remove_item", "POST"), ("admin_remove_member", "POST"), ("admin_team", "GET")]},
    # competitions and points: boards for everyone signed in, settings and exports for admins
    ("competitions.index", "GET"): SIGNED, ("competitions.board", "GET"): SIGNED,
    ("competitions.board_json", "GET"): SIGNED, ("competitions.screen", "GET"): SIGNED,
    ("competitions.my_points", "GET"): SIGNED, ("competitions.points_board", "GET"): SIGNED,
    ("competitions.points_rules", "GET"): SIGNED,
    ("competitions.admin_index", "GET"): _A, ("competitions.admin_competition", "GET"): _A,
    ("competitions.admin_competition", "POST"): _A, ("competitions.admin_export", "GET"): _A,
    ("competitions.admin_reveal", "POST"): _A, ("competitions.points_export", "GET"): _A,
    ("competitions.points_refresh", "POST"): _A, ("competitions.points_rule_update", "POST"): _A,
    # reports: admins and mentors (standing in for heads of units); one person's record within the mentor's unit
    **{(f"reports.{name}", "GET"): STAFF for name in [
        "index", "index_xlsx", "exam", "exam_xlsx", "exam_items", "exam_items_xlsx", "items", "items_xlsx",
        "articles", "articles_xlsx", "cadres", "units", "units_xlsx"]},
    ("reports.cadre", "GET"): UNIT_STAFF, ("reports.cadre_xlsx", "GET"): UNIT_STAFF,
}

# routes whose GET is not a page to open (a download that may legitimately be missing, say) answer 404 to
# allowed visitors too; list them with the reason
ALLOWED_404 = {
    "certificates.mine_zip": "a visitor who holds no certificate has nothing to download",
    "certificates.template_seal": "no seal image has been uploaded in the demo",
}


class World:
    """The demo's people and the owner's objects, looked up once."""

    def __init__(self):
        from trainer.org.models import Role, User

        users = {u.username: u for u in db.session.scalars(select(User))}
        teams = _teams()
        mentees = sorted(db.session.get(User, i).username for t in teams for i in t["mentee_ids"])
        owner = "cadre02" if not mentees or "cadre02" in mentees else mentees[0]
        self.people = {"owner": users[owner], "admin": users["admin"]}
        owner_id = self.people["owner"].id
        mine = next((t for t in teams if owner_id in t["mentee_ids"]), None)
        mentors = [u for u in users.values() if u.role == Role.mentor]
        self.people["mentor_owner"] = db.session.get(User, mine["mentor_id"]) if mine else mentors[0]
        others = [m for m in mentors if m.id != self.people["mentor_owner"].id]
        self.people["mentor_other"] = others[0]
        in_team = {i for t in teams for i in t["mentee_ids"]} if mine else set()
        team_mates = set(mine["mentee_ids"]) if mine else set()
        cadres = [u for u in users.values() if u.role == Role.cadre and u.id != owner_id and u.active
                  and u.id not in team_mates and u.unit_id != self.people["owner"].unit_id]
        cadres.sort(key=lambda u: (u.id not in in_team, u.username))
        self.people["other"] = cadres[0]
        self.owner = self.people["owner"]
        self.seen_question = self._seen_only_by_owner()
        self._exam_in_progress()
        self.night = self._night_session() if _has("trainer.nightschool") else {}
        self.mentoring = self._mentoring() if _has("trainer.mentoring") else {}
        from trainer.banks.models import QuestionReport

        if not db.session.scalar(select(func.count()).select_from(QuestionReport)):
            db.session.add(QuestionReport(question_id=self.seen_question, user_id=self.owner.id, comment="选项有误"))
            db.session.commit()

    def _mentoring(self) -> dict:
        """The owner's team, an onboarding plan assigned to the owner, and a submitted review of the owner's."""
        from trainer.mentoring import onboarding, service
        from trainer.mentoring.models import ItemKind, PlanAssignment
        from trainer.reviews import service as reviews
        from trainer.reviews.models import ReviewState, WeeklyReview
        from trainer.timeutil import local_today

        team = service.team_of_mentee(self.owner.id)
        plan = onboarding.list_plans()[0]
        assignment = db.session.scalar(select(PlanAssignment).where(PlanAssignment.user_id == self.owner.id))
        if assignment is None:
            onboarding.assign(self.people["admin"], plan, [self.owner.id], None, local_today())
            assignment = db.session.scalar(select(PlanAssignment).where(PlanAssignment.user_id == self.owner.id))
        item = next((i for i in assignment.plan.items if i.kind == ItemKind.material), assignment.plan.items[0])
        review = db.session.scalar(select(WeeklyReview).where(WeeklyReview.user_id == self.owner.id,
                                                              WeeklyReview.state == ReviewState.submitted)
                                   .order_by(WeeklyReview.id.desc()))
        if review is None:
            review = reviews.save_review(self.owner, reviews.current_week(), reviews.ReviewData(
                done="走访宗教活动场所", lessons="政策宣讲要更具体", plan="整理台账"), submit=True)
        db.session.commit()
        return {"team": team, "assignment": assignment, "item": item, "review": review,
                "week": reviews.current_week()}

    def _night_session(self) -> dict:
        """A coming session for the owner's unit only, with a handout and the owner's leave request."""
        from datetime import timedelta

        from reportlab.pdfgen import canvas

        from trainer.nightschool import service
        from trainer.nightschool.models import NightSession, SessionAudience, Term
        from trainer.timeutil import utcnow

        term = _first(select(Term).order_by(Term.id))
        lecturer = _first(select(NightSession.lecturer_id).where(NightSession.lecturer_id.is_not(None)))
        start = utcnow() + timedelta(days=2)
        session = NightSession(term=term, topic="本科室专题学习", starts_at=start, ends_at=start + timedelta(hours=1),
                               audience=SessionAudience.units, audience_units=[self.owner.unit], hours=1.5)
        db.session.add(session)
        db.session.commit()
        pdf = io.BytesIO()
        page = canvas.Canvas(pdf)
        page.drawString(72, 720, "handout")
        page.save()
        material = service.add_material(self.people["admin"], session, pdf.getvalue(), "讲义.pdf")
        leave = service.request_leave(self.owner, session, "下乡调研")
        db.session.commit()
        return {"session": session, "material": material, "leave": leave, "lecturer": lecturer}

    def _exam_in_progress(self) -> None:
        """The owner has an attempt going (this week's quiz, started if the demo has not)."""
        from trainer.exams import attempts, service
        from trainer.exams.models import Attempt, AttemptState

        going = select(Attempt).where(Attempt.user_id == self.owner.id, Attempt.state == AttemptState.in_progress)
        if db.session.scalar(going.limit(1)) is None:
            # the demo's quizzes follow the calendar: late on a Sunday none may be open, so open a copy of one
            quiz = max(service.exams_for(self.owner), key=lambda e: (service.window_state(e) == "进行中", e.id))
            twin = service.copy_exam(self.people["admin"], quiz)
            service.open_now(self.people["admin"], twin)
            attempts.start_attempt(twin, self.owner)
            db.session.commit()

    def _seen_only_by_owner(self) -> int:
        """A question whose answer the owner has seen and no other visitor has (for 纠错)."""
        from trainer.banks import service
        from trainer.banks.models import Question
        from trainer.exams.models import Attempt, AttemptItem, AttemptState

        ids = db.session.scalars(select(AttemptItem.question_id).join(Attempt).where(
            Attempt.user_id == self.owner.id, Attempt.state == AttemptState.graded).distinct())
        others = [self.people[v] for v in ("other", "mentor_owner", "mentor_other")]
        for qid in ids:
            q = db.session.get(Question, qid)
            if service.may_report(self.owner, q) and not any(service.may_report(u, q) for u in others):
                return qid
        raise AssertionError("no question seen by the owner alone")


def _has(module: str) -> bool:
    from importlib.util import find_spec

    return find_spec(module) is not None


def _teams() -> list[dict]:
    try:
        from trainer.mentoring import service
    except ModuleNotFoundError:
        return []
    return service.active_teams()


def _first(stmt):
    value = db.session.scalar(stmt.limit(1))
    assert value is not None, f"the demo has nothing for {stmt}"
    return value


def _attempt(owner, graded=True):
    from trainer.exams.models import Attempt, AttemptState

    state = AttemptState.graded if graded else AttemptState.in_progress
    return _first(select(Attempt).where(Attempt.user_id == owner.id, Attempt.state == state).order_by(Attempt.id.desc()))


def resolve(endpoint: str, args: set[str], world: World) -> dict:
    """Values for a route's arguments: the owner's objects where the route is about a person's things."""
    from trainer.banks.models import Bank, Question, QuestionReport
    from trainer.certificates.models import Certificate
    from trainer.exams.models import AttemptItem, DrawRule, ExamQuestion
    from trainer.practice.models import Drill, ReviewCard
    from trainer.sources.models import SourceDocument, SourceRevision

    owner = world.owner
    domain = endpoint.split(".")[0]
    if domain in DOMAIN_ARGS:
        values = DOMAIN_ARGS[domain](endpoint, args, world)
        args = args - set(values)
        if not args:
            return values
    else:
        values = {}
    attempt = None
    if "attempt_id" in args or "exam_id" in args:
        attempt = _attempt(owner, graded=endpoint not in ("exams.take", "exams.autosave", "exams.event",
                                                          "exams.save_page", "exams.submit"))
    for arg in sorted(args):
        if arg == "attempt_id":
            values[arg] = attempt.id
        elif arg == "exam_id":
            if endpoint == "exams.grading_question":
                item = _first(select(AttemptItem).where(AttemptItem.state == "needs_grading"))
                values[arg], values["question_id"] = item.attempt.exam_id, item.question_id
            elif endpoint == "exams.admin_rule_delete":
                rule = _first(select(DrawRule))
                values[arg], values["rule_id"] = rule.exam_id, rule.id
            elif endpoint == "exams.admin_fixed_delete":
                # POST only: refused before the lookup, or refused for want of a CSRF token
                values[arg], values["eq_id"] = attempt.exam_id, db.session.scalar(select(func.max(ExamQuestion.id))) or 1
            else:
                values[arg] = attempt.exam_id
        elif arg in ("rule_id", "eq_id") or (arg == "question_id" and "question_id" in values):
            continue
        elif arg == "question_id" and endpoint == "banks.report":
            values[arg] = world.seen_question
        elif arg == "question_id":
            values[arg] = _first(select(Question.id).order_by(Question.id))
        elif arg == "report_id":
            values[arg] = _first(select(QuestionReport.id))
        elif arg == "slug":
            model = SourceDocument if endpoint.startswith("sources.") else Bank
            values[arg] = _first(select(model.slug).order_by(model.id))
        elif arg == "fmt":
            values[arg] = "yaml"
        elif arg == "revision_id":
            rev = _first(select(SourceRevision))
            values[arg], values["slug"] = rev.id, rev.document.slug
        elif arg == "number":
            values[arg] = 1
        elif arg == "cert_id":
            values[arg] = _first(select(Certificate.id).where(Certificate.holder_id == owner.id))
        elif arg == "serial":
            values[arg] = _first(select(Certificate.serial).where(Certificate.holder_id == owner.id))
        elif arg == "kind":
            values[arg] = "passed"
        elif arg == "card_id":
            values[arg] = _first(select(ReviewCard.id).where(ReviewCard.user_id == owner.id))
        elif arg == "drill_id":
            values[arg] = _first(select(Drill.id).where(Drill.user_id == owner.id).order_by(Drill.id))
        elif arg == "pos":
            values[arg] = 1
        elif arg == "bank_id":
            values[arg] = _first(select(Bank.id).order_by(Bank.id))
        elif arg == "user_id":
            values[arg] = owner.id
        elif arg == "unit_id":
            values[arg] = owner.unit_id
        elif arg == "filename":
            values[arg] = "css/app.css"
        elif arg in ("action", "decision"):
            continue  # any(...) converters are filled from the rule
        else:
            raise AssertionError(f"no value for argument {arg!r} of {endpoint}: teach resolve() about it")
    return values


def _outcome(resp) -> str:
    """ok, login (sent to sign in), denied (403/404), csrf (400) or the status code."""
    if resp.status_code in (301, 302, 303) and "/login" in resp.headers.get("Location", ""):
        return "login"
    if resp.status_code < 400:
        return "ok"
    if resp.status_code in (403, 404):
        return "denied"
    if resp.status_code == 400:
        return "csrf"
    if resp.status_code == 401:
        return "login"
    return str(resp.status_code)


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


@pytest.mark.slow
def test_every_route_refuses_who_it_should(app):
    """Is every route in the table, and does every visitor get what the table says?"""
    from trainer.demo.service import seed_demo

    seed_demo(echo=lambda *_: None)
    world = World()
    clients = {"anon": app.test_client()}
    for name, user in world.people.items():
        clients[name] = sign_in(app.test_client(), user)
    discover = os.environ.get("ACCESS_DISCOVER")
    missing, wrong, seen = [], [], set()
    routes = sorted(_routes(app), key=lambda rm: (rm[0].endpoint, rm[1], rm[0].rule))
    for rule, method in routes:
        key = (rule.endpoint, method)
        if key not in EXPECT and not discover:
            missing.append(f"{rule.endpoint} {method} {rule.rule}")
            continue
        if (key, rule.rule) in seen:
            continue
        seen.add((key, rule.rule))
        values = resolve(rule.endpoint, set(rule.arguments), world)
        for arg, converter in rule._converters.items():
            if hasattr(converter, "items"):  # any(...): its first choice
                values[arg] = sorted(converter.items)[0]
        url = rule.build(values, append_unknown=False)[1]
        allowed = EXPECT.get(key, frozenset())
        allowed = allowed(world) if callable(allowed) else allowed
        got = {}
        # refused visitors first, with a CSRF token; allowed ones last, without (POST) or plainly (GET)
        for visitor in sorted(VISITORS, key=lambda v: v in allowed):
            client = clients[visitor]
            if method == "GET":
                resp = client.get(url)
            else:
                # (discovering, an admin's POST goes without a token so that it changes nothing)
                token = visitor not in allowed and not (discover and visitor == "admin")
                resp = client.open(url, method=method, csrf=token, data={})
            got[visitor] = _outcome(resp)
            resp.close()
            if discover:
                continue
            if visitor in allowed:
                want = {"ok"} if method == "GET" else {"csrf"}
                if method == "GET" and rule.endpoint in ALLOWED_404:
                    want = {"ok", "denied"}
            else:
                want = {"login"} if visitor == "anon" else {"denied"}
            if got[visitor] not in want:
                wrong.append(f"{rule.endpoint} {method} {url} as {visitor}: {got[visitor]} (expected {'/'.join(want)})")
        if discover:
            print(f"{rule.endpoint:40} {method:5} " + " ".join(f"{v}={got[v]}" for v in VISITORS))
    assert not missing, "routes the access table does not cover:\n" + "\n".join(missing)
    assert not wrong, f"{len(wrong)} wrong answers:\n" + "\n".join(wrong)
    stale = {k for k in EXPECT if k not in {(r.endpoint, m) for r, m in routes}}
    assert not stale, f"the table names routes that do not exist: {sorted(stale)}"
    assert db.session.scalar(select(func.count()).select_from(world.owner.__class__)) > 40



# ---- the domains' own arguments ------------------------------------------------------------------

def _nightschool_args(endpoint: str, args: set[str], world: World) -> dict:
    """A session for the owner's unit only (so the other cadre is outside its audience), its material, the
    owner's leave request, the term, a lecturer and the owner's calendar address."""
    from trainer.nightschool import calendar

    ns = world.night
    values = {}
    for arg in args:
        if arg == "session_id":
            values[arg] = ns["session"].id
        elif arg == "term_id":
            values[arg] = ns["session"].term_id
        elif arg == "material_id":
            values[arg] = ns["material"].id
        elif arg == "leave_id":
            values[arg] = ns["leave"].id
        elif arg == "user_id":
            values[arg] = ns["lecturer"] if endpoint == "nightschool.lecturer" else world.owner.id
        elif arg == "token":
            values[arg] = calendar.feed_token(world.owner)
    return values


def _competition_args(endpoint: str, args: set[str], world: World) -> dict:
    from trainer.competitions.models import PointRule
    from trainer.exams.models import Exam, ExamKind

    values = {}
    if "exam_id" in args:
        values["exam_id"] = _first(select(Exam.id).where(Exam.kind == ExamKind.competition,
                                                         Exam.closes_at < func.now()).order_by(Exam.id))
    if "rule_id" in args:
        values["rule_id"] = _first(select(PointRule.id))
    return values


def _report_args(endpoint: str, args: set[str], world: World) -> dict:
    values = {}
    if "exam_id" in args:
        values["exam_id"] = _attempt(world.owner).exam_id
    if "user_id" in args:
        values["user_id"] = world.owner.id
    return values


def _mentoring_args(endpoint: str, args: set[str], world: World) -> dict:
    mt = world.mentoring
    values = {}
    for arg in args:
        if arg == "team_id":
            values[arg] = mt["team"].id
        elif arg == "user_id":
            values[arg] = world.owner.id
        elif arg == "plan_id":
            values[arg] = mt["assignment"].plan_id
        elif arg == "assignment_id":
            values[arg] = mt["assignment"].id
        elif arg == "item_id":
            values[arg] = mt["item"].id
    return values


def _review_args(endpoint: str, args: set[str], world: World) -> dict:
    mt = world.mentoring
    values = {}
    if "review_id" in args:
        values["review_id"] = mt["review"].id
    if "year" in args:
        values["year"], values["week"] = mt["week"]
    return values


DOMAIN_ARGS = {"mentoring": _mentoring_args, "reviews": _review_args, "nightschool": _nightschool_args, "competitions": _competition_args, "reports": _report_args}
