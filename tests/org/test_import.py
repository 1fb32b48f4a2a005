"""Bulk user import: xlsx, CSV in UTF-8/BOM/GBK, all-or-nothing with row errors."""
import io

from openpyxl import Workbook, load_workbook

from trainer.org.models import Role, UnitKind, User

HEADER = ["用户名", "姓名", "单位", "角色", "职务", "手机号"]


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv(rows, encoding="utf-8") -> bytes:
    text = "\n".join(",".join(r) for r in [HEADER, *rows]) + "\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if encoding == "utf-8-sig-manual" else data


def _post(client, data: bytes, name: str):
    return client.post("/admin/users/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_template_download_has_the_columns(login_as):
    """Does the template carry the import columns?"""
    resp = login_as(Role.admin).get("/admin/users/import/template.xlsx")
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert [c.value for c in ws[1]][:6] == HEADER


def test_good_xlsx_imports_every_row(login_as, make_unit, db):
    """Does a good .xlsx create every user with an initial password to change?"""
    make_unit("民族宗教科")
    town = make_unit("青石镇", UnitKind.town)
    make_unit("下洋村", UnitKind.village, parent=town)
    admin = login_as(Role.admin)
    resp = _post(admin, _xlsx([["u1", "甲", "民族宗教科", "干部", "科员", "13800000001"],
                               ["u2", "乙", "青石镇/下洋村", "导师", "", ""]]), "users.xlsx")
    html = resp.get_data(as_text=True)
    assert "已导入 2 名用户" in html
    u2 = db.session.query(User).filter_by(username="u2").one()
    assert u2.role == Role.mentor and u2.unit.name == "下洋村" and u2.must_change_password


def test_gbk_csv_imports(login_as, make_unit, db):
    """Is a CSV saved by Chinese Excel (GBK) read correctly?"""
    make_unit("办公室")
    admin = login_as(Role.admin)
    resp = _post(admin, _csv([["g1", "欧阳修", "办公室", "干部", "科员", ""]], "gbk"), "users.csv")
    assert "已导入 1 名用户" in resp.get_data(as_text=True)
    assert db.session.query(User).filter_by(username="g1").one().name == "欧阳修"


def test_utf8_bom_csv_imports(login_as, make_unit, db):
    """Is a UTF-8 CSV with a BOM read with the right header?"""
    make_unit("办公室")
    admin = login_as(Role.admin)
    data = b"\xef\xbb\xbf" + _csv([["b1", "司马光", "办公室", "", "", ""]])
    assert "已导入 1 名用户" in _post(admin, data, "users.csv").get_data(as_text=True)


def test_bad_rows_write_nothing_and_name_each_row(login_as, make_unit, make_user, db):
    """Do bad rows stop the whole import, each named by row and column?"""
    make_unit("办公室")
    make_user(username="exists")
    admin = login_as(Role.admin)
    before = db.session.query(User).count()
    resp = _post(admin, _xlsx([
        ["ok1", "好人", "办公室", "干部", "", ""],
        ["exists", "重名", "办公室", "干部", "", ""],
        ["ok2", "", "无此单位", "校长", "", "123"],
        ["ok1", "重复", "办公室", "干部", "", ""],
    ]), "bad.xlsx")
    html = resp.get_data(as_text=True)
    assert "未导入任何数据" in html
    for expected in ["已被使用", "找不到单位", "无法识别「校长」", "手机号格式不正确", "与第 2 行重复", "请填写姓名"]:
        assert expected in html, expected
    assert db.session.query(User).count() == before


def test_renamed_file_and_empty_file_are_refused(login_as, db):
    """Are a text file renamed .xlsx and an empty file refused with a message?"""
    admin = login_as(Role.admin)
    assert "不是有效的 Excel" in _post(admin, b"hello", "users.xlsx").get_data(as_text=True)
    assert "文件是空的" in _post(admin, b"", "users.csv").get_data(as_text=True)


def test_missing_columns_are_named(login_as):
    """Does a file without the required columns say which are missing?"""
    admin = login_as(Role.admin)
    resp = _post(admin, "姓名,电话\n张三,1\n".encode(), "x.csv")
    assert "缺少列：用户名、单位" in resp.get_data(as_text=True)


def test_upload_over_limit_is_refused(login_as, app):
    """Is an upload over the size limit refused with a Chinese message?"""
    admin = login_as(Role.admin)
    body = (b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n"
            + b"x" * (app.config["MAX_CONTENT_LENGTH"] + 10) + b"\r\n--B--\r\n")
    resp = admin.post("/admin/users/import", data=body, content_type="multipart/form-data; boundary=B")
    assert resp.status_code == 413 and "文件过大" in resp.get_data(as_text=True)
