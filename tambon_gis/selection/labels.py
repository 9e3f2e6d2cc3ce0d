"""Thai and English labels of the selection's tables and maps.

:data:`HEADERS_TH` names every exported column in Thai; ``_bilingual`` applies it (and the
Thai statuses) to a table for :meth:`~tambon_gis.selection.Selection.to_csv`,
:meth:`~tambon_gis.selection.Selection.to_excel` and
:meth:`~tambon_gis.selection.Sensitivity.to_csv`.
"""

from __future__ import annotations

import pandas as pd

from tambon_gis._errors import ValidationError

#: Thai headers of the exported tables (English header -> Thai).
HEADERS_TH: dict[str, str] = {
    "tambon_code": "รหัสตำบล",
    "tambon_th": "ตำบล",
    "tambon_en": "ตำบล (อังกฤษ)",
    "amphoe_code": "รหัสอำเภอ",
    "amphoe_th": "อำเภอ",
    "amphoe_en": "อำเภอ (อังกฤษ)",
    "changwat_code": "รหัสจังหวัด",
    "changwat_th": "จังหวัด",
    "changwat_en": "จังหวัด (อังกฤษ)",
    "region": "ภาค",
    "region_en": "ภาค (อังกฤษ)",
    "selected": "ได้รับเลือก",
    "status": "สถานะ",
    "score": "คะแนนรวม",
    "rank": "อันดับ",
    "in_top_n": "อยู่ใน n อันดับแรก",
    "why": "เหตุผล",
    "eligible": "ผ่านเกณฑ์คุณสมบัติ",
    "ineligible_reason": "เหตุที่ไม่ผ่านเกณฑ์",
    "cost": "ต้นทุน",
    "level": "ระดับ",
    "group": "กลุ่ม",
    "name": "ชื่อ",
    "min": "ขั้นต่ำ",
    "max": "สูงสุด",
    "candidates": "จำนวนที่ผ่านเกณฑ์",
    "chosen": "จำนวนที่เลือก",
    "top_n": "จำนวนใน n อันดับแรก",
    "frequency": "สัดส่วนที่ถูกเลือก",
    "times_chosen": "จำนวนครั้งที่ถูกเลือก",
    "stability": "ความมั่นคง",
    "in_base": "อยู่ในชุดหลัก",
}


_NAME_COLUMNS = (
    "tambon_code", "tambon_th", "tambon_en", "amphoe_code", "amphoe_th", "amphoe_en",
    "changwat_code", "changwat_th", "changwat_en", "region", "region_en",
)  # fmt: skip


_STATUS_TH = {
    "chosen": "เลือก",
    "left out": "ไม่ได้เลือก",
    "excluded": "ตัดออก",
    "ineligible": "ไม่ผ่านเกณฑ์",
    "no score": "ไม่มีคะแนน",
}


def _bilingual(df: pd.DataFrame, headers: str) -> pd.DataFrame:
    if headers not in ("both", "th", "en"):
        raise ValidationError(f"headers={headers!r}: use 'both', 'th' or 'en'")
    out = pd.DataFrame(df).copy()
    if "geometry" in out.columns:
        out = out.drop(columns="geometry")
    if "status" in out.columns and headers != "en":
        out["status"] = out["status"].map(
            lambda s: f"{_STATUS_TH.get(s, s)} ({s})" if headers == "both" else _STATUS_TH.get(s, s)
        )

    def th(col: str) -> str:
        col = str(col)
        if col in HEADERS_TH:
            return HEADERS_TH[col]
        if col.startswith("contrib_"):
            return f"คะแนนจาก {col[8:]}"
        if col.startswith("eligible_"):
            return f"ผ่านเกณฑ์ {col[9:]}"
        return col

    if headers == "th":
        out.columns = [th(c) for c in out.columns]
    elif headers == "both":
        out.columns = [f"{th(c)} ({c})" if th(c) != str(c) else str(c) for c in out.columns]
    return out
