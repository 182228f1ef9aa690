"""The column names a roster or a department's list may carry, in English or as Chinese rosters write them."""

from __future__ import annotations

from typing import Any

from surveyapp.imports.reading import Sheet

#: Header text (lower-cased, trimmed, full-width brackets made half-width) → the field it holds.
HEADERS = {
    "name": "name",
    "姓名": "name",
    "id_number": "id_number",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "phone": "phone",
    "联系电话": "phone",
    "电话": "phone",
    "手机号码": "phone",
    "county": "county",
    "县(市、区)": "county",
    "县(市区)": "county",
    "县区": "county",
    "township": "township",
    "乡镇(街道)": "township",
    "乡镇": "township",
    "village": "village",
    "村(社区)": "village",
    "村": "village",
    "grade": "grade",
    "残疾等级": "grade",
    "category": "category",
    "残疾类别": "category",
    "standard": "standard",
    "补助标准": "standard",
    "标准": "standard",
    "payment": "payment",
    "payment_method": "payment",
    "缴费方式": "payment",
    "补助方式": "payment",
}


def field_of(header: str) -> str | None:
    """The field a header names, or None for a column this job does not use."""
    text = header.strip().lower().replace("（", "(").replace("）", ")").replace(" ", "")
    return HEADERS.get(text)


def fields(sheet: Sheet) -> dict[str, str]:
    """Each known field and the header that holds it (the first such header wins)."""
    found: dict[str, str] = {}
    for header in sheet.header:
        field = field_of(header)
        if field is not None and field not in found:
            found[field] = header
    return found


def text(row: dict[str, Any], header: str | None) -> str | None:
    """A cell as trimmed text, None when empty or absent; whole numbers lose Excel's ``.0``."""
    if header is None:
        return None
    value = row.get(header)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None
