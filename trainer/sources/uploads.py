"""The load page's two steps: an upload (or pasted text) is kept under a token, previewed (structure and
changes), and loaded when the admin confirms."""
from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app

from trainer.errors import ServiceError
from trainer.sources import service
from trainer.sources.reading import ReadError, read_source

TOKEN_RE = re.compile(r"^[a-f0-9]{32}$")
KEEP_SECONDS = 24 * 3600
PASTED = "粘贴的全文.txt"


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "source-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _store(data: bytes, filename: str) -> str:
    folder = _folder()
    now = time.time()
    for p in folder.iterdir():
        if now - p.stat().st_mtime > KEEP_SECONDS:
            p.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.data").write_bytes(data)
    (folder / f"{token}.name").write_text(os.path.basename(filename)[:200] or PASTED, encoding="utf-8")
    return token


def _load(token: str) -> tuple[bytes, str]:
    if not TOKEN_RE.match(token or ""):
        raise ServiceError("上传的文件已失效，请重新上传", field="file")
    try:
        return (_folder() / f"{token}.data").read_bytes(), (_folder() / f"{token}.name").read_text(encoding="utf-8")
    except OSError as exc:
        raise ServiceError("上传的文件已失效，请重新上传", field="file") from exc


def _forget(token: str) -> None:
    for suffix in (".data", ".name"):
        (_folder() / f"{token}{suffix}").unlink(missing_ok=True)


def preview_or_load(actor, form, meta: service.SourceMeta, confirm: bool, ip: str = ""
                    ) -> tuple[service.LoadPlan, str, object | None]:
    """Preview a new upload (or the stored one); with confirm, load the stored one.
    Returns (plan, token, loaded document or None)."""
    upload = form.file.data
    pasted = (form.text.data or "").replace("\r\n", "\n")
    if upload and getattr(upload, "filename", ""):
        token, confirm = _store(upload.read(), upload.filename), False
    elif pasted.strip() and not (confirm and form.token.data):
        token, confirm = _store(pasted.encode("utf-8"), PASTED), False
    elif form.token.data:
        token = form.token.data
    else:
        raise ServiceError("请上传文件或粘贴全文", field="file")
    data, filename = _load(token)
    if confirm and filename == PASTED and pasted.strip() and pasted.encode("utf-8") != data:
        # the text was edited after the preview: preview the edited text instead of saving the old one
        token, confirm = _store(pasted.encode("utf-8"), PASTED), False
        data = pasted.encode("utf-8")
    try:
        text = read_source(data, filename)
    except ReadError as exc:
        _forget(token)
        raise ServiceError(str(exc), field="file") from exc
    plan = service.plan_load(text, meta, filename)
    if not confirm or not plan.ok:
        return plan, token, None
    document, _revision = service.load_source(actor, text, meta, filename, ip=ip)
    _forget(token)
    return plan, token, document
