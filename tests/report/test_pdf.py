import pytest

from spamintel.report.pdf import weasyprint_available, write_pdf
from spamintel.report.render import to_html


def test_matplotlib_pdf_renders_the_report(march, tmp_path):
    path = tmp_path / "r.pdf"
    assert write_pdf(march, path, to_html, renderer="matplotlib") == "matplotlib"
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5_000


def test_pdf_with_whichever_renderer_is_available(march, tmp_path):
    path = tmp_path / "r.pdf"
    used = write_pdf(march, path, to_html)
    assert used == ("weasyprint" if weasyprint_available() else "matplotlib")
    assert path.read_bytes().startswith(b"%PDF")


def test_forcing_weasyprint_without_it_fails_clearly(march, tmp_path):
    if weasyprint_available():
        pytest.skip("weasyprint is installed here")
    with pytest.raises(RuntimeError, match="weasyprint"):
        write_pdf(march, tmp_path / "r.pdf", to_html, renderer="weasyprint")
