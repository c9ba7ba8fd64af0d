"""Malware stand-ins: the EICAR anti-virus test string in the wrappers real lures used
(a zip holding a double-extension executable, or a bare double-extension file).

Never real malware: every "payload" is the 68-byte EICAR test file.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
_DECOYS = (".pdf", ".doc", ".txt", ".jpg")


def eicar_attachment(kind: str, stem: str, day: date, pick: int) -> tuple[str, str, bytes]:
    """``(filename, content type, bytes)`` for kind ``eicar_zip`` or ``eicar_double``."""
    decoy = _DECOYS[pick % len(_DECOYS)]
    inner = f"{stem}{decoy}.exe"
    if kind == "eicar_double":
        return inner, "application/octet-stream", EICAR
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo(inner, date_time=(day.year, day.month, day.day, 9, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, EICAR)
    return f"{stem}.zip", "application/zip", buf.getvalue()
