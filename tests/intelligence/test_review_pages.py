"""The inbox, adding press releases (paste and upload), the review page with its highlighted sentences and
htmx decisions, the ingest run's progress, and 'according to' on the organisation page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from biocampus.directory.models import Organization
from biocampus.intelligence import services
from biocampus.intelligence.models import FactKind, IngestRun, ProposedFact, SourceDocument
from tests.intelligence.test_review_services import TEXT, org, relation


@pytest.fixture
def document(users, campus_a):
    return services.ingest_text(actor=users.campus_staff, text=TEXT, title="Acme <b>news</b>", campus=campus_a,
                                extract=False).document  # fmt: skip


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(("role", "status"), [("campus_admin", 200), ("campus_staff", 200), ("superuser", 200),
                                              ("resident_member", 403), ("partner", 403), ("government", 403),
                                              ("no_membership", 403)])  # fmt: skip
def test_inbox_per_role(client, users, document, role, status):
    response = login(client, getattr(users, role)).get(reverse("intelligence:inbox"))
    assert response.status_code == status
    if status == 200:
        assert "Acme &lt;b&gt;news&lt;/b&gt;" in response.content.decode()
        assert "<b>news</b>" not in response.content.decode()


def test_inbox_filters_and_pages_by_keyset(client, users, campus_a):
    for n in range(53):
        services.ingest_text(actor=users.campus_staff, text=f"Release {n}.", campus=campus_a, extract=False)
    page = login(client, users.campus_staff).get(reverse("intelligence:inbox")).content.decode()
    assert page.count("/intelligence/documents/") == 50
    after = re.search(r'href="\?before=([0-9a-f-]+)', page).group(1)
    rest = client.get(reverse("intelligence:inbox"), {"before": after}).content.decode()
    assert rest.count("/intelligence/documents/") == 3
    assert client.get(reverse("intelligence:inbox"), {"status": "reviewed"}).content.decode().count(
        "/intelligence/documents/") == 0  # fmt: skip
    assert client.get(reverse("intelligence:inbox"), {"before": "not-a-uuid", "status": "junk"}).status_code == 200


def test_paste_ingests_and_opens_the_review(client, users, campus_a):
    response = login(client, users.campus_staff).post(reverse("intelligence:document_add"), {
        "paste-title": "Acme joins", "paste-url": "https://example.org/acme", "paste-published_on": "2024-05-03",
        "paste-campus": campus_a.pk, "paste-text": "Acme Bio joined the Riverside Science Park.",
    })  # fmt: skip
    document = SourceDocument.objects.get()
    assert response.status_code == 302 and response.url == reverse("intelligence:document_review",
                                                                   args=[document.public_id])  # fmt: skip
    assert (document.title, document.url, str(document.published_on)) == ("Acme joins", "https://example.org/acme",
                                                                          "2024-05-03")  # fmt: skip
    again = client.post(reverse("intelligence:document_add"), {"paste-text": "Acme Bio joined the Riverside Science Park."},
                        follow=True)  # fmt: skip
    assert "was already ingested" in again.content.decode()
    assert SourceDocument.objects.count() == 1


def test_paste_of_nothing_is_refused_with_a_message(client, users, db_rows):
    before = db_rows()
    login(client, users.campus_staff)
    response = client.post(reverse("intelligence:document_add"), {"paste-text": " \n  "})
    assert response.status_code == 400 and "no text" in response.content.decode()
    response = client.post(reverse("intelligence:document_add"), {"paste-text": "\x00"})
    assert response.status_code == 400 and "Null characters are not allowed" in response.content.decode()
    assert db_rows() == before


def test_upload_of_several_files_reports_each(client, users, campus_a):
    files = [SimpleUploadedFile("a.txt", b"Acme Bio joined the Riverside Science Park."),
             SimpleUploadedFile("b.html", b"<p>Beta Pharma opened a lab.</p><script>x()</script>"),
             SimpleUploadedFile("c.pdf", b"not a pdf")]  # fmt: skip
    response = login(client, users.campus_staff).post(reverse("intelligence:document_add"),
                                                      {"upload-campus": campus_a.pk, "upload-files": files},
                                                      follow=True)  # fmt: skip
    page = response.content.decode()
    assert "“a.txt” was ingested" in page and "“b.html” was ingested" in page
    assert "“c.pdf” could not be ingested: The content of this file is not a PDF." in page
    assert SourceDocument.objects.count() == 2


def test_upload_over_the_limit_is_refused_before_reading(client, users, settings, db_rows):
    settings.BIOCAMPUS_INGEST_MAX_BYTES = 10
    before = db_rows()
    response = login(client, users.campus_staff).post(reverse("intelligence:document_add"),
                                                      {"upload-files": [SimpleUploadedFile("a.txt", b"x" * 11)]})  # fmt: skip
    assert response.status_code == 400 and "the limit is" in response.content.decode()
    assert db_rows() == before


def test_many_uploads_go_to_a_run_whose_page_shows_progress(client, users, campus_a, settings):
    settings.BIOCAMPUS_INGEST_BACKGROUND_THRESHOLD = 1
    settings.BIOCAMPUS_INGEST_WORKER_GRACE_SECONDS = 0  # no worker here: the page runs it at once
    files = [SimpleUploadedFile(f"{n}.txt", f"Release {n}.".encode()) for n in range(3)]
    response = login(client, users.campus_staff).post(reverse("intelligence:document_add"),
                                                      {"upload-campus": campus_a.pk, "upload-files": files})  # fmt: skip
    run = IngestRun.objects.get()
    assert response.url == reverse("intelligence:run_detail", args=[run.public_id])
    page = client.get(response.url).content.decode()
    assert '<progress id="ingest-progress" value="0" max="3">' in page and 'hx-trigger="every 1s"' in page
    poll = client.get(reverse("intelligence:run_progress", args=[run.public_id]), HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    assert '<progress id="ingest-progress" value="3" max="3">' in poll.content.decode()
    assert SourceDocument.objects.filter(run=run).count() == 3
    assert client.get(response.url).content.decode().count("new") >= 3
    other = login(client, users.resident_member).get(reverse("intelligence:run_detail", args=[run.public_id]))
    assert other.status_code == 403


def test_review_page_highlights_sentences_escaped(client, users, document):
    fact = org(document, "Acme Bio")
    hostile = services.ingest_text(actor=users.campus_staff, text="<script>alert(1)</script> Evil Corp signed.",
                                   extract=False).document  # fmt: skip
    propose_at = hostile.text.index("Evil Corp")
    ProposedFact.objects.create(document=hostile, kind=FactKind.ORGANIZATION, payload={"name": "<img src=x>"},
                                evidence="Evil Corp signed.", evidence_start=propose_at,
                                evidence_end=propose_at + len("Evil Corp signed."), provenance=fact.provenance)  # fmt: skip
    page = login(client, users.campus_staff).get(reverse("intelligence:document_review",
                                                         args=[document.public_id])).content.decode()  # fmt: skip
    assert f'<mark id="evidence-{fact.public_id}">{TEXT.split(chr(10) * 2)[0]}</mark>' in page
    assert "Accept" in page and "Reject" in page and "Edit" in page
    page = client.get(reverse("intelligence:document_review", args=[hostile.public_id])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "&lt;img src=x&gt;" in page and "<img src=x>" not in page
    assert '<mark id="evidence-' in page


def test_accept_by_htmx_swaps_the_card_and_links_the_record(client, users, document):
    fact = org(document, "Acme Bio")
    response = login(client, users.campus_staff).post(reverse("intelligence:fact_accept", args=[fact.public_id]),
                                                      HTTP_HX_REQUEST="true")  # fmt: skip
    page = response.content.decode()
    organization = Organization.objects.get(name="Acme Bio")
    assert response.status_code == 200 and page.startswith('<article id="fact-')
    assert "Accepted" in page and organization.get_absolute_url() in page


def test_accept_without_organisations_explains_and_offers_them(client, users, document, db_rows):
    org(document, "Acme Bio"), org(document, "Beta Pharma")
    fact = relation(document, "cooperation_agreement", ["Acme Bio", "Beta Pharma"])
    before = db_rows()
    url = reverse("intelligence:fact_accept", args=[fact.public_id])
    response = login(client, users.campus_staff).post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "Accept these organisations first" in response.content.decode()
    assert "Accept with its organisations" in response.content.decode()
    assert db_rows() == before
    response = client.post(url, {"with_organizations": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Recorded as:" in response.content.decode()


def test_edit_form_then_accept(client, users, document):
    fact = org(document, "Acme Bio Inc", kind="other")
    url = reverse("intelligence:fact_edit", args=[fact.public_id])
    form = login(client, users.campus_staff).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="Acme Bio Inc"' in form and "Save and accept" in form
    prefix = f"fact-{fact.public_id}"
    bad = client.post(url, {f"{prefix}-name": "", f"{prefix}-kind": "company"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and not Organization.objects.filter(name="").exists()
    response = client.post(url, {f"{prefix}-name": "Acme Bio", f"{prefix}-kind": "company",
                                 f"{prefix}-country": "us", f"{prefix}-aliases": "Acme, AB"})  # fmt: skip
    assert response.status_code == 302
    assert Organization.objects.get(name="Acme Bio").aliases == ["Acme", "AB"]


def test_reject_without_htmx_returns_to_the_review(client, users, document):
    fact = org(document, "Riverside")
    response = login(client, users.campus_staff).post(reverse("intelligence:fact_reject", args=[fact.public_id]))
    assert response.status_code == 302 and str(fact.public_id) in response.url
    fact.refresh_from_db()
    assert fact.status == "rejected"


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "resident_b"])
def test_others_cannot_decide_or_see(client, users, document, role, db_rows):
    fact = org(document, "Acme Bio")
    before = db_rows()
    login(client, getattr(users, role))
    for name in ("fact_accept", "fact_reject", "fact_edit"):
        assert client.post(reverse(f"intelligence:{name}", args=[fact.public_id])).status_code == 403
    assert client.get(reverse("intelligence:document_review", args=[document.public_id])).status_code == 403
    assert db_rows() == before


def test_according_to_on_the_organisation_page(client, users, document):
    fact = org(document, "Acme Bio")
    services.accept_fact(actor=users.campus_staff, fact=fact)
    organization = Organization.objects.get(name="Acme Bio")
    page = login(client, users.campus_staff).get(organization.get_absolute_url()).content.decode()
    sources_url = reverse("intelligence:organization_sources", args=[organization.public_id])
    assert f'hx-get="{sources_url}"' in page
    partial = client.get(sources_url).content.decode()
    assert "according to" in partial and "Acme &lt;b&gt;news&lt;/b&gt;" in partial
    assert TEXT.split("\n\n")[0] in partial
    assert reverse("intelligence:document_review", args=[document.public_id]) in partial
    # Readers who do not review documents see the organisation, without the slot.
    login(client, users.partner)
    assert sources_url not in client.get(organization.get_absolute_url()).content.decode()
    assert client.get(sources_url).content == b""


def test_nav_offers_press_releases_to_the_campus_team_only(client, users):
    assert "Press releases" in login(client, users.campus_staff).get("/").content.decode()
    assert "Press releases" not in login(client, users.partner).get("/").content.decode()


def test_add_page_renders(client, users):
    page = login(client, users.campus_staff).get(reverse("intelligence:document_add")).content.decode()
    assert 'name="paste-text"' in page and 'name="upload-files"' in page and "multiple" in page


def test_read_again_keeps_decisions(client, users, document):
    fact = org(document, "Acme Bio")
    services.reject_fact(actor=users.campus_staff, fact=fact)
    response = login(client, users.campus_staff).post(reverse("intelligence:document_extract", args=[document.public_id]),
                                                      follow=True)  # fmt: skip
    assert "The document was read again." in response.content.decode()
    fact.refresh_from_db()
    assert fact.status == "rejected"
    document.refresh_from_db()
    assert document.extractor and document.extracted_at
