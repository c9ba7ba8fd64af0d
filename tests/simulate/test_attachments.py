import io
import zipfile
from datetime import date

from spamintel.simulate.attachments import EICAR, eicar_attachment


def test_zip_wraps_a_double_extension_eicar():
    name, ctype, blob = eicar_attachment("eicar_zip", "UPS_Invoice_1234", date(2011, 3, 1), 0)
    assert name == "UPS_Invoice_1234.zip" and ctype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        (inner,) = zf.namelist()
        assert inner == "UPS_Invoice_1234.pdf.exe" and zf.read(inner) == EICAR
    again = eicar_attachment("eicar_zip", "UPS_Invoice_1234", date(2011, 3, 1), 0)[2]
    assert again == blob  # deterministic bytes


def test_bare_double_extension():
    name, ctype, blob = eicar_attachment("eicar_double", "Statement_7", date(2011, 3, 1), 1)
    assert name == "Statement_7.doc.exe" and blob == EICAR
    assert len(EICAR) == 68
