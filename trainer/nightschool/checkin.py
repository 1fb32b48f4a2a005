"""Self check-in: a short code shown on the screen in the room, changing every minute.

The code is derived (HMAC of the secret key, session id and minute), so nothing is stored and every
worker agrees; the current and the previous minute's codes are accepted."""
from __future__ import annotations

import hashlib
import hmac
import io
from datetime import datetime, timedelta

from flask import current_app

from trainer.auth import service as throttle
from trainer.errors import ServiceError
from trainer.extensions import db
from trainer.nightschool import service
from trainer.nightschool.models import Attendance, AttendanceStatus, CheckinMethod, NightSession
from trainer.timeutil import format_local, utcnow

CODE_DIGITS = 4
OPENS_BEFORE = timedelta(minutes=30)  # check-in opens half an hour before the session
MAX_WRONG = 5
WRONG_WINDOW = timedelta(minutes=10)
LOCK = timedelta(minutes=5)
_EPOCH = datetime(1970, 1, 1)


def minute_of(now: datetime) -> int:
    return int((now - _EPOCH).total_seconds() // 60)


def code_for(session_id: int, minute: int) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    mac = hmac.new(key, f"night-checkin:{session_id}:{minute}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(mac[:8], 'big') % 10 ** CODE_DIGITS:0{CODE_DIGITS}d}"


def current_code(s: NightSession, now: datetime | None = None) -> tuple[str, int]:
    """This minute's code and the seconds until it changes."""
    now = now or utcnow()
    return code_for(s.id, minute_of(now)), 60 - now.second


def window(s: NightSession) -> tuple[datetime, datetime]:
    return s.starts_at - OPENS_BEFORE, s.ends_at


def is_open(s: NightSession, now: datetime | None = None) -> bool:
    now = now or utcnow()
    opens, closes = window(s)
    return not s.cancelled and opens <= now < closes


def _throttle_key(user) -> str:
    """Wrong codes are counted with the sign-in throttle, under the cadre's own key."""
    return f"checkin:{user.id}"


def check_in(user, s: NightSession, code: str, method: CheckinMethod = CheckinMethod.code,
             now: datetime | None = None) -> Attendance:
    """Record the cadre present (or late, past the term's grace minutes) if the code is this minute's or
    the last; refused outside the window, for people outside the audience, twice, or after too many wrong codes."""
    now = now or utcnow()
    if not service.in_audience(s, user):
        raise ServiceError("您不在本次夜校的参加范围内，无需签到")
    if s.cancelled:
        raise ServiceError("本次夜校已取消")
    opens, closes = window(s)
    if now < opens:
        raise ServiceError(f"签到尚未开始：{format_local(opens, '%m月%d日 %H:%M')} 起可以签到")
    if now >= closes:
        raise ServiceError(f"签到已结束：本次夜校已于 {format_local(closes, '%H:%M')} 结束，如需补登请联系管理员")
    row = service.attendance_of(s, user)
    if row is not None and row.status in (AttendanceStatus.present, AttendanceStatus.late):
        raise ServiceError(f"您已于 {format_local(row.checked_in_at or row.updated_at, '%H:%M')} 签到，无需重复签到")
    minutes = throttle.locked_minutes([_throttle_key(user)], now)
    if minutes:
        raise ServiceError(f"签到码输错次数过多，请 {minutes} 分钟后再试")
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    minute = minute_of(now)
    if not code or not any(hmac.compare_digest(code, code_for(s.id, m)) for m in (minute, minute - 1)):
        throttle.note_failure([_throttle_key(user)], MAX_WRONG, WRONG_WINDOW, LOCK, now)
        db.session.commit()
        raise ServiceError("签到码不正确或已过期，请输入屏幕上显示的最新签到码", field="code")
    late = now > s.starts_at + timedelta(minutes=s.term.late_after_minutes)
    status = AttendanceStatus.late if late else AttendanceStatus.present
    if row is None:
        row = Attendance(session_id=s.id, user_id=user.id)
        db.session.add(row)
    row.status, row.method, row.checked_in_at, row.updated_at = status, method, now, now
    row.recorded_by_id = user.id
    throttle.clear_failures(_throttle_key(user))
    db.session.commit()
    return row


def qr_png(url: str) -> bytes:
    """The check-in address as a PNG QR code (the certificates' QR renderer, scaled up for a screen)."""
    from PIL import Image

    from trainer.certificates.render import qr_image

    img = qr_image(url)
    img = img.resize((img.width * 2, img.height * 2), Image.Resampling.NEAREST)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
