"""Reads of the intelligence app, scoped by accounts.permissions."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from biocampus.accounts.permissions import visible

from .models import FactStatus, IngestRun, ProposedFact, SourceDocument


def documents_for(user, *, status: str = "", campus=None, query: str = "") -> QuerySet:
    """The inbox: documents the user reviews, newest first (created_at, id: a keyset), with fact counts."""
    documents = visible(SourceDocument.objects.all(), user).select_related("campus__organization", "ingested_by")
    if status:
        documents = documents.filter(status=status)
    if campus is not None:
        documents = documents.filter(campus=campus)
    if query:
        documents = documents.filter(
            Q(title__icontains=query) | Q(url__icontains=query) | Q(file_name__icontains=query)
        )
    return (
        documents.defer("text", "extraction")
        .annotate(
            proposed=Count("facts", filter=Q(facts__status=FactStatus.PROPOSED)),
            accepted=Count("facts", filter=Q(facts__status=FactStatus.ACCEPTED)),
            rejected=Count("facts", filter=Q(facts__status=FactStatus.REJECTED)),
        )
        .order_by("-created_at", "-id")
    )


def document_for(user, public_id) -> SourceDocument | None:
    return (
        visible(SourceDocument.objects.select_related("campus__organization", "ingested_by"), user)
        .filter(public_id=public_id)
        .first()
    )


def facts_of(document: SourceDocument) -> QuerySet:
    """A document's facts, in the order the extractor gave them, with the records they became."""
    return document.facts.select_related(
        "decided_by", "organization", "agreement", "residency__organization", "residency__campus__organization",
        "milestone", "funding_round", "event",
    ).order_by("position", "id")  # fmt: skip


def fact_for(user, public_id) -> ProposedFact | None:
    return visible(ProposedFact.objects.select_related("document__campus"), user).filter(public_id=public_id).first()


def ingest_run_for(user, public_id) -> IngestRun | None:
    return visible(IngestRun.objects.select_related("campus__organization"), user).filter(public_id=public_id).first()


def highlighted(text: str, spans) -> list[tuple[str, bool, str]]:
    """The text cut into (piece, highlighted, fact id) at the evidence offsets, for the review page to
    render with <mark> around escaped pieces. Overlapping spans merge; the first fact names the mark."""
    ordered = sorted((start, end, ident) for start, end, ident in spans if 0 <= start < end <= len(text))
    merged: list[list] = []
    for start, end, ident in ordered:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, ident])
    pieces, cursor = [], 0
    for start, end, ident in merged:
        if start > cursor:
            pieces.append((text[cursor:start], False, ""))
        pieces.append((text[start:end], True, ident))
        cursor = end
    if cursor < len(text):
        pieces.append((text[cursor:], False, ""))
    return pieces
