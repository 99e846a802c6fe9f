"""Funding amounts in the reporting currency: the one place that converts money.

The reporting currency is settings.BIOCAMPUS_REPORTING_CURRENCY (USD unless configured). Superusers keep
a table of rates (progress.ExchangeRate): units of the reporting currency for one unit of a currency,
each valid from a date until the next rate of that currency.

An amount dated D is converted with the latest rate valid on D (valid_from <= D). When every rate of its
currency starts after D, the earliest one is used and the conversion is marked approximate; an amount
without a date is converted with the latest rate, also approximate. The reporting currency converts at 1.
A currency without any rate does not convert (None): lists show such rounds as not converted.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

_CENT = Decimal("0.01")


def reporting_currency() -> str:
    return getattr(settings, "BIOCAMPUS_REPORTING_CURRENCY", "USD") or "USD"


@dataclass(frozen=True)
class Conversion:
    amount: Decimal  # in the reporting currency, to the cent
    currency: str  # the reporting currency
    rate: Decimal
    rate_valid_from: datetime.date | None  # None for the reporting currency itself
    approximate: bool  # the rate was not valid on the amount's date (or the amount has none)


class RateTable:
    """Every rate of the currencies asked for, read in one query, to convert any number of amounts."""

    def __init__(self, rates: Iterable):
        self._by_currency: dict[str, list[tuple[datetime.date, Decimal]]] = {}
        for rate in rates:
            self._by_currency.setdefault(rate.currency, []).append((rate.valid_from, rate.rate))
        for rows in self._by_currency.values():
            rows.sort()

    @classmethod
    def load(cls, currencies: Iterable[str] | None = None) -> RateTable:
        from .models import ExchangeRate

        rates = ExchangeRate.objects.only("currency", "valid_from", "rate")
        if currencies is not None:
            rates = rates.filter(currency__in=set(currencies))
        return cls(rates)

    def conversion(self, amount: Decimal | None, currency: str, *, on: datetime.date | None = None):
        """The amount in the reporting currency with the rate used, or None (no amount, or no rate)."""
        if amount is None or not currency:
            return None
        target = reporting_currency()
        if currency == target:
            return Conversion(amount.quantize(_CENT, ROUND_HALF_UP), target, Decimal(1), None, False)
        rows = self._by_currency.get(currency)
        if not rows:
            return None
        if on is None:
            valid_from, rate = rows[-1]
            approximate = True
        else:
            index = bisect.bisect_right([row[0] for row in rows], on)
            valid_from, rate = rows[index - 1] if index else rows[0]
            approximate = index == 0
        converted = (amount * rate).quantize(_CENT, ROUND_HALF_UP)
        return Conversion(converted, target, rate, valid_from, approximate)

    def convert(self, amount: Decimal | None, currency: str, *, on: datetime.date | None = None) -> Decimal | None:
        conversion = self.conversion(amount, currency, on=on)
        return conversion.amount if conversion is not None else None


def convert(amount: Decimal | None, currency: str, *, on: datetime.date | None = None) -> Decimal | None:
    """`amount` of `currency` in the reporting currency, with the rate valid `on` that date; None when
    there is no amount or no rate for the currency. One query; use RateTable for lists."""
    return RateTable.load([currency]).convert(amount, currency, on=on)


def conversion_of(funding_round, *, table: RateTable | None = None) -> Conversion | None:
    """A funding round's amount in the reporting currency, at the rate of its announcement date."""
    table = table or RateTable.load([funding_round.currency])
    return table.conversion(funding_round.amount, funding_round.currency, on=funding_round.announced_on)


def conversions_of(funding_rounds: Iterable) -> dict[int, Conversion | None]:
    """conversion_of for many rounds, keyed by pk, with one query for all the rates."""
    rounds = list(funding_rounds)
    table = RateTable.load({r.currency for r in rounds if r.currency})
    return {r.pk: conversion_of(r, table=table) for r in rounds}


@dataclass(frozen=True)
class ConvertedTotal:
    amount: Decimal  # the sum of the rounds that could be converted
    currency: str
    converted: int  # rounds in the sum
    left_out: int  # rounds without an amount, or whose currency has no rate
    approximate: bool  # some rate used was not valid on its round's date


def converted_total(rows: Iterable[tuple[Decimal | None, str, datetime.date | None]]) -> ConvertedTotal:
    """The total of (amount, currency, date) rows in the reporting currency, saying how many were left out."""
    rows = list(rows)
    table = RateTable.load({currency for _, currency, _ in rows if currency})
    total, converted, left_out, approximate = Decimal(0), 0, 0, False
    for amount, currency, on in rows:
        conversion = table.conversion(amount, currency, on=on)
        if conversion is None:
            left_out += 1
            continue
        total += conversion.amount
        converted += 1
        approximate = approximate or conversion.approximate
    return ConvertedTotal(total, reporting_currency(), converted, left_out, approximate)


def request_rate_table(request) -> RateTable:
    """One table of every rate per request: API lists convert each row without a query per row."""
    if request is None:
        return RateTable.load()
    table = getattr(request, "_biocampus_rate_table", None)
    if table is None:
        table = RateTable.load()
        request._biocampus_rate_table = table
    return table
