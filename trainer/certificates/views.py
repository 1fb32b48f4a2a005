"""Certificate pages: public verification, 我的证书 for holders, and the admin register, templates and batches."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer import navigation
from trainer.auth.permissions import admin_required, require, signed_in
from trainer.certificates import forms as f
from trainer.certificates import service
from trainer.certificates.models import CertificateKind, DateStyle
from trainer.certificates.render import format_code
from trainer.errors import ServiceError
from trainer.forms import options
from trainer.org.models import Role
from trainer.web import apply_error, client_ip, download, page_arg, xlsx_download

bp = Blueprint("certificates", __name__)
navigation.add(
    navigation.NavItem("我的证书", "certificates.mine", "award", (Role.cadre, Role.mentor), "", ("certificates.mine",)),
    navigation.NavItem("证书", "certificates.register", "award", (Role.admin,), "", ("certificates.",)),
)


@bp.app_template_filter("cert_code")
def _cert_code(code: str) -> str:
    return format_code(code or "")


# ---- public ------------------------------------------------------------------------------------

@bp.get("/verify")
def verify_form():
    serial = (request.args.get("serial") or "").strip().upper()
    if serial:
        return redirect(url_for("certificates.verify", serial=serial, c=request.args.get("c", "")))
    return render_template("certificates/verify.html", result=None, serial="")


@bp.get("/verify/<serial>")
def verify(serial: str):
    result = service.verify(serial, request.args.get("c"))
    html = render_template("certificates/verify.html", result=result, serial=serial.strip().upper())
    # a revocation must show at once: no proxy or browser may keep an old answer
    return html, 404 if result.status == "missing" else 200, {"Cache-Control": "no-store"}


# ---- holders ------------------------------------------------------------------------------------

@bp.get("/certificates")
@signed_in
def mine():
    return render_template("certificates/mine.html", certificates=service.list_for_user(current_user))


@bp.get("/certificates/<int:cert_id>.pdf")
@signed_in
def pdf(cert_id: int):
    cert = service.get_certificate(cert_id)
    require(service.can_download(current_user, cert))
    inline = request.args.get("view") == "1"
    return download(service.render_pdf(cert), service.pdf_filename(cert), "application/pdf", inline=inline)


@bp.get("/certificates/mine.zip")
@signed_in
def mine_zip():
    certs = [c for c in service.list_for_user(current_user) if c.valid]
    if not certs:
        abort(404)
    return download(service.zip_of(certs), f"我的证书-{current_user.name}.zip", "application/zip")


# ---- admin --------------------------------------------------------------------------------------

def _filter() -> service.Filter:
    status = request.args.get("status", "")
    return service.Filter(q=request.args.get("q", "").strip(), kind=CertificateKind.from_label(request.args.get("kind", "")),
                          status=status if status in ("valid", "revoked") else "",
                          subject_ref=request.args.get("subject", "").strip())


@bp.get("/admin/certificates")
@admin_required
def register():
    flt = _filter()
    return render_template("certificates/register.html", page=service.list_certificates(flt, page_arg()), flt=flt,
                           kinds=CertificateKind, counts=service.counts(), subjects=service.subject_refs())


@bp.get("/admin/certificates/export.xlsx")
@admin_required
def export():
    return xlsx_download(service.export_xlsx(_filter()), "证书登记.xlsx")


@bp.get("/admin/certificates/download.zip")
@admin_required
def download_zip():
    flt = _filter()
    try:
        certs = service.certificates_for_download(flt)
    except ServiceError as exc:
        flash(exc.message, "warning")
        return redirect(url_for("certificates.register", **request.args))
    name = f"证书-{flt.subject_ref or '登记'}.zip".replace(":", "-")
    return download(service.zip_of(certs), name, "application/zip")


@bp.get("/admin/certificates/<int:cert_id>")
@admin_required
def detail(cert_id: int):
    cert = service.get_certificate(cert_id)
    return render_template("certificates/detail.html", cert=cert, revoke_form=f.RevokeForm(),
                           reissue_form=f.ReissueForm(), url=service.verify_url(cert))


@bp.post("/admin/certificates/<int:cert_id>/revoke")
@admin_required
def revoke(cert_id: int):
    cert = service.get_certificate(cert_id)
    form = f.RevokeForm()
    try:
        if not form.validate_on_submit():
            raise ServiceError(next(iter(form.errors.values()))[0])
        service.revoke(current_user, cert, form.reason.data, ip=client_ip())
        flash(f"已撤销证书 {cert.serial}", "success")
    except ServiceError as exc:
        flash(exc.message, "danger")
    return redirect(url_for("certificates.detail", cert_id=cert_id))


@bp.post("/admin/certificates/<int:cert_id>/reissue")
@admin_required
def reissue(cert_id: int):
    cert = service.get_certificate(cert_id)
    form = f.ReissueForm()
    try:
        if not form.validate_on_submit():
            raise ServiceError("请选择补发方式")
        new = service.reissue(current_user, cert, form.reason.data, form.note.data or "", ip=client_ip())
    except ServiceError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("certificates.detail", cert_id=cert_id))
    flash(f"已补发新证书 {new.serial}，原证书 {cert.serial} 已撤销", "success")
    return redirect(url_for("certificates.detail", cert_id=new.id))


@bp.route("/admin/certificates/issue", methods=["GET", "POST"])
@admin_required
def batch():
    form, source_form = f.BatchForm(), f.SourceForm(prefix="src")
    source_form.source.choices = options([(s.name, s.label) for s in service.SOURCES.values()])
    if form.validate_on_submit():
        try:
            specs = service.specs_from_lines(form.kind.data, form.title.data, form.subject_ref.data or "",
                                             form.period.data or "", form.holders.data, form.issued_on.data)
            result = service.issue_with_counts(specs, issued_by=current_user, ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            return _issued(result)
    return render_template("certificates/batch.html", form=form, source_form=source_form,
                           sources=service.SOURCES, source_labels=service.SOURCE_LABELS)


@bp.post("/admin/certificates/issue/source")
@admin_required
def batch_source():
    form = f.SourceForm(prefix="src")
    try:
        if not form.validate_on_submit():
            raise ServiceError("请选择来源并填写编号")
        result = service.issue_from_source(form.source.data, form.ident.data, issued_by=current_user, ip=client_ip())
    except ServiceError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("certificates.batch"))
    return _issued(result)


def _issued(result: service.BatchResult):
    flash(f"已颁发 {result.new} 张证书" + (f"，另有 {result.existing} 人此前已获得，未重复颁发" if result.existing else ""),
          "success")
    ref = result.certificates[0].subject_ref if result.certificates else ""
    return redirect(url_for("certificates.register", subject=ref))


@bp.get("/admin/certificates/templates")
@admin_required
def templates():
    return render_template("certificates/templates.html", templates=service.list_templates(),
                           seal_path=service.seal_path)


@bp.route("/admin/certificates/templates/<kind>", methods=["GET", "POST"])
@admin_required
def template_edit(kind: str):
    tpl = service.get_template(CertificateKind.from_label(kind) or abort(404))
    form = f.TemplateForm(obj=tpl, data={"date_style": tpl.date_style.value} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service.update_template(current_user, tpl.kind, form.title.data, form.body.data, form.issuer.data,
                                    DateStyle(form.date_style.data), form.signature.data or "",
                                    seal=form.seal.data.read() if form.seal.data else None,
                                    remove_seal=form.remove_seal.data, ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            flash(f"已保存「{tpl.kind.label}」模板", "success")
            return redirect(url_for("certificates.template_edit", kind=tpl.kind.value))
    return render_template("certificates/template_form.html", form=form, tpl=tpl, has_seal=bool(service.seal_path(tpl)),
                           placeholders=service.PLACEHOLDERS)


@bp.get("/admin/certificates/templates/<kind>/preview.pdf")
@admin_required
def template_preview(kind: str):
    kind_obj = CertificateKind.from_label(kind) or abort(404)
    return download(service.preview_pdf(kind_obj, current_user), f"样张-{kind_obj.label}.pdf", "application/pdf",
                    inline=True)


@bp.get("/admin/certificates/templates/<kind>/seal.png")
@admin_required
def template_seal(kind: str):
    data = service.seal_bytes(CertificateKind.from_label(kind) or abort(404))
    return download(data, "seal.png", "image/png", inline=True)
