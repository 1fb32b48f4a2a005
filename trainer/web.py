"""Small helpers shared by views: downloads, client address, pagination."""
from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import quote

from flask import Response, request
from sqlalchemy import Select, func, select

from trainer.extensions import db

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(data: bytes, filename: str, mimetype: str, inline: bool = False) -> Response:
    """A file response whose (Chinese) name survives every browser."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    disposition = "inline" if inline else "attachment"
    resp = Response(data, mimetype=mimetype)
    resp.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return resp


def xlsx_download(data: bytes, filename: str) -> Response:
    return download(data, filename, XLSX_MIME)


def client_ip() -> str:
    return (request.remote_addr or "")[:64]


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def window(self, size: int = 2) -> list[int | None]:
        """Page numbers to show, with None where a gap is elided."""
        shown: list[int | None] = []
        for n in range(1, self.pages + 1):
            if n in (1, self.pages) or abs(n - self.page) <= size:
                shown.append(n)
            elif shown and shown[-1] is not None:
                shown.append(None)
        return shown


def paginate(stmt: Select, page: int, per_page: int = 20, scalars: bool = True) -> Page:
    """One page of a select, with the total count."""
    page = max(1, page)
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(result.scalars() if scalars else result)
    return Page(items=items, page=page, per_page=per_page, total=total)


def page_arg() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def apply_error(form, exc) -> None:
    """Show a ServiceError on its form field (or as a form-level error)."""
    field = getattr(form, exc.field, None) if getattr(exc, "field", None) else None
    if field is not None:
        field.errors = list(field.errors or []) + [exc.message]
    else:
        form.form_errors.append(exc.message)
