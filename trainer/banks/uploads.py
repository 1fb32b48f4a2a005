"""The import page's two steps: an upload (or pasted text) is kept under a token, previewed with a
dry run, and imported for real when the admin confirms."""
from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app

from trainer.banks import importing
from trainer.errors import ServiceError

TOKEN_RE = re.compile(r"^[a-f0-9]{32}$")
KEEP_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "bank-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _cleanup(folder: Path) -> None:
    now = time.time()
    for p in folder.iterdir():
        if now - p.stat().st_mtime > KEEP_SECONDS:
            p.unlink(missing_ok=True)


def _store(data: bytes, filename: str) -> str:
    folder = _folder()
    _cleanup(folder)
    token = secrets.token_hex(16)
    (folder / f"{token}.data").write_bytes(data)
    (folder / f"{token}.name").write_text(os.path.basename(filename)[:200], encoding="utf-8")
    return token


def _load(token: str) -> tuple[bytes, str]:
    if not TOKEN_RE.match(token or ""):
        raise ServiceError("导入文件已失效，请重新上传", field="file")
    folder = _folder()
    try:
        return (folder / f"{token}.data").read_bytes(), (folder / f"{token}.name").read_text(encoding="utf-8")
    except OSError as exc:
        raise ServiceError("导入文件已失效，请重新上传", field="file") from exc


def preview_or_import(actor, form, confirm: bool, ip: str = "") -> tuple[importing.ImportReport, str]:
    """Dry-run a new upload (or the stored one); with confirm, import the stored one."""
    upload = form.file.data
    if upload and getattr(upload, "filename", ""):
        token = _store(upload.read(), upload.filename)
        confirm = False
    elif (form.text.data or "").strip() and not (confirm and form.token.data):
        token = _store(form.text.data.encode("utf-8"), "粘贴的题目.txt")
        confirm = False
    elif form.token.data:
        token = form.token.data
    else:
        raise ServiceError("请上传文件或粘贴题目文本", field="file")
    data, filename = _load(token)
    slug = form.bank.data or (form.new_slug.data or "").strip() or None
    report = importing.import_bank(data, filename, fmt=form.fmt.data, bank_slug=slug,
                                   bank_title=(form.new_title.data or "").strip() or None, dry_run=not confirm,
                                   retire_missing=form.retire_missing.data, actor=actor, ip=ip)
    if report.written:
        for suffix in (".data", ".name"):
            (_folder() / f"{token}{suffix}").unlink(missing_ok=True)
    return report, token
