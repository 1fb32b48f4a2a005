from flask import Blueprint, render_template, request

from trainer.audit import service
from trainer.auth.permissions import admin_required
from trainer.web import page_arg

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.get("/")
@admin_required
def index():
    action = request.args.get("action") or None
    q = request.args.get("q", "")
    page = service.list_entries(page_arg(), action=action, q=q)
    return render_template("audit/index.html", page=page, labels=service.ACTION_LABELS, action=action, q=q,
                           label=service.action_label)
