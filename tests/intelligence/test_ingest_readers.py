"""Reading the files campus teams receive: real small files made here, and hostile ones."""

import io

import pytest

from biocampus.intelligence.readers import UnreadableDocument, normalise_text, read_document

RELEASE = "Acme Bio joins the Riverside Science Park.\n\nAcme Bio signed a lease for 2,000 square meters."


def test_plain_text_utf8_keeps_paragraphs():
    title, text = read_document(RELEASE.encode(), "release.txt")
    assert text == RELEASE
    assert title == "Acme Bio joins the Riverside Science Park."


def test_utf8_with_bom_and_crlf_reads_the_same_text():
    _title, text = read_document(b"\xef\xbb\xbf" + RELEASE.replace("\n", "\r\n").encode(), "release.txt")
    assert text == RELEASE


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_is_detected(encoding):
    _title, text = read_document("Zürich BioTech Campus welcomes 无锡 partners.".encode(encoding), "a.txt")
    assert text == "Zürich BioTech Campus welcomes 无锡 partners."


def test_latin1_falls_back():
    _title, text = read_document("Société Générale de Biotech signe à Genève.".encode("latin-1"), "a.txt")
    assert "Société" in text and "Genève" in text


def test_nul_bytes_are_stripped():
    _title, text = read_document(b"Acme\x00 Bio joins\x00 the park.", "a.txt")
    assert text == "Acme Bio joins the park."


def test_html_drops_scripts_styles_nav_and_footer_and_keeps_paragraphs():
    page = b"""<!doctype html><html><head><title>Site | News</title><style>p{color:red}</style>
    <script>alert('x'); document.write('EVIL')</script></head><body>
    <nav><a href="/">Home</a> Products</nav>
    <h1>Acme Bio joins Riverside</h1>
    <p>Acme Bio, a <b>US-based</b> start-up, joined the Riverside Science Park.</p>
    <p>It signed a lease.</p><script>var tracking = 1;</script>
    <footer>Copyright Riverside</footer></body></html>"""
    title, text = read_document(page, "news.html")
    assert title == "Acme Bio joins Riverside"
    assert "Acme Bio, a US-based start-up, joined the Riverside Science Park." in text.splitlines()
    assert "It signed a lease." in text.splitlines()
    for gone in ("alert", "EVIL", "tracking", "color:red", "Copyright", "Home"):
        assert gone not in text


def test_html_title_from_title_element_without_h1():
    title, _text = read_document(b"<html><head><title>The news</title></head><body><p>Text.</p></body></html>", "a.htm")
    assert title == "The news"


def test_docx_written_with_python_docx():
    import docx

    document = docx.Document()
    document.add_heading("Acme Bio joins Riverside", level=1)
    document.add_paragraph("Acme Bio joined the Riverside Science Park on 3 May 2024.")
    buffer = io.BytesIO()
    document.save(buffer)
    title, text = read_document(buffer.getvalue(), "release.docx")
    assert title == "Acme Bio joins Riverside"
    assert "Acme Bio joined the Riverside Science Park on 3 May 2024." in text


def test_pdf_written_with_reportlab():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle("Riverside news")
    pdf.drawString(72, 760, "Acme Bio joined the Riverside Science Park.")
    pdf.showPage()
    pdf.save()
    title, text = read_document(buffer.getvalue(), "release.pdf")
    assert title == "Riverside news"
    assert "Acme Bio joined the Riverside Science Park." in text


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "empty"),
        (b"   \n\n  ", "blank.txt", "empty"),
        (bytes(range(256)) * 40, "binary.txt", "not text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, "picture.png", "cannot be read"),
        (b"Just text pretending", "fake.pdf", "not a PDF"),
        (b"%PDF-1.4 garbage that is no pdf", "broken.pdf", "cannot be read"),
        (b"Just text pretending", "fake.docx", "not a Word document"),
        (b"PK\x03\x04 not really a zip", "broken.docx", "cannot be read"),
        (b"<html><body><script>only()</script></body></html>", "scripts.html", "no text"),
    ],
)
def test_hostile_files_are_refused_with_a_reason(data, name, message):
    with pytest.raises(UnreadableDocument, match=message):
        read_document(data, name)


def test_files_over_the_limit_are_refused(settings):
    settings.BIOCAMPUS_INGEST_MAX_BYTES = 1000
    with pytest.raises(UnreadableDocument, match="limit"):
        read_document(b"a" * 1001, "big.txt")


def test_normalised_text_is_the_same_for_the_same_release():
    assert normalise_text("A\r\nB  \n\n\n\nC\ufeff") == normalise_text("A\nB\n\nC")


def test_chinese_release_in_gb18030_is_detected():
    release = "无锡国际生命科学创新园今天与阿斯利康签署了战略合作协议，共同推动创新药物的研发与商业化。" * 3
    _title, text = read_document(release.encode("gb18030"), "release.txt")
    assert text == release


def test_title_of_a_text_skips_bylines():
    from biocampus.intelligence.readers import title_from_text

    text = "Post sponsored by\n\nSource: State Council Information Office\n\n" + "Acme Bio joined the park. " * 10
    assert title_from_text(text).startswith("Acme Bio joined the park.") and title_from_text(text).endswith("…")
    assert len(title_from_text(text)) <= 121
