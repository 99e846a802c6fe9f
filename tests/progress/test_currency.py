"""Conversion into the reporting currency (progress.currency) and the exchange-rate services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from biocampus.progress.currency import RateTable, conversion_of, conversions_of, convert, converted_total
from biocampus.progress.models import ExchangeRate
from biocampus.progress.services import exchange_rate_delete, exchange_rate_set, exchange_rate_update
from tests.factories import FundingRoundFactory

pytestmark = pytest.mark.django_db

D2020, D2025 = datetime.date(2020, 1, 1), datetime.date(2025, 1, 1)


@pytest.fixture
def rates(users):
    for currency, valid_from, rate in (("CNY", D2020, "0.14"), ("CNY", D2025, "0.13"), ("EUR", D2025, "1.05")):
        exchange_rate_set(actor=users.superuser, currency=currency, valid_from=valid_from, rate=Decimal(rate))


def test_the_rate_valid_on_the_date_is_used(rates):
    assert convert(Decimal(1_000_000), "CNY", on=datetime.date(2021, 6, 1)) == Decimal("140000.00")
    assert convert(Decimal(1_000_000), "CNY", on=D2025) == Decimal("130000.00")  # valid from that very day
    assert convert(Decimal(1_000_000), "CNY", on=datetime.date(2024, 12, 31)) == Decimal("140000.00")


def test_before_any_rate_the_earliest_is_used_and_marked_approximate(rates):
    conversion = RateTable.load().conversion(Decimal(100), "EUR", on=datetime.date(2021, 1, 1))
    assert (conversion.amount, conversion.rate_valid_from, conversion.approximate) == (Decimal("105.00"), D2025, True)
    exact = RateTable.load().conversion(Decimal(100), "EUR", on=datetime.date(2025, 3, 1))
    assert exact.approximate is False


def test_without_a_date_the_latest_rate_is_used_approximately(rates):
    conversion = RateTable.load().conversion(Decimal(100), "CNY")
    assert (conversion.amount, conversion.approximate) == (Decimal("13.00"), True)


def test_the_reporting_currency_converts_at_par_and_unknown_currencies_not_at_all(rates, settings):
    assert convert(Decimal("12.345"), "USD", on=D2020) == Decimal("12.35")
    assert convert(Decimal(100), "JPY", on=D2020) is None
    assert convert(None, "CNY", on=D2020) is None
    settings.BIOCAMPUS_REPORTING_CURRENCY = "EUR"
    assert convert(Decimal(100), "EUR") == Decimal("100.00")


def test_rounds_convert_in_bulk_with_one_query(rates, campus_a):
    rounds = [FundingRoundFactory(campus=campus_a, currency="CNY", amount=Decimal(10_000_000)) for _ in range(4)]
    rounds.append(FundingRoundFactory(campus=campus_a, currency="JPY", amount=Decimal(5)))
    with CaptureQueriesContext(connection) as queries:
        conversions = conversions_of(rounds)
    assert len(queries) == 1
    assert conversions[rounds[0].pk].amount == Decimal("1400000.00")  # 2021-03-01: the 2020 rate
    assert conversions[rounds[-1].pk] is None
    assert conversion_of(rounds[0]) == conversions[rounds[0].pk]


def test_a_total_says_how_many_rounds_were_left_out(rates):
    total = converted_total(
        [
            (Decimal(1_000_000), "CNY", datetime.date(2021, 1, 1)),
            (Decimal(500), "USD", None),
            (None, "CNY", datetime.date(2021, 1, 1)),
            (Decimal(1), "XYZ", None),
        ]
    )
    assert (total.amount, total.currency, total.converted, total.left_out) == (Decimal("140500.00"), "USD", 2, 2)


# --- the exchange-rate services -------------------------------------------------------------------------


def test_superusers_set_rates_with_history(users):
    rate = exchange_rate_set(
        actor=users.superuser, currency="gbp", valid_from=D2020, rate=Decimal("1.3"), source="ECB reference"
    )
    assert (rate.currency, rate.rate, rate.source) == ("GBP", Decimal("1.3"), "ECB reference")
    again = exchange_rate_set(actor=users.superuser, currency="GBP", valid_from=D2020, rate=Decimal("1.31"))
    assert again.pk == rate.pk  # the same currency and date is corrected, not repeated
    assert [h.history_type for h in rate.history.order_by("history_id")] == ["+", "~"]
    assert rate.history.first().history_user == users.superuser
    exchange_rate_update(actor=users.superuser, exchange_rate=again, source="corrected")
    exchange_rate_delete(actor=users.superuser, exchange_rate=again)
    assert not ExchangeRate.objects.exists()
    assert rate.history.count() == 4


@pytest.mark.parametrize(
    "role", ["campus_admin", "campus_staff", "resident_member", "partner", "government", "no_membership"]
)
def test_only_superusers_change_rates(users, role, db_rows):
    existing = exchange_rate_set(actor=None, currency="CNY", valid_from=D2020, rate=Decimal("0.14"))
    before = db_rows()
    actor = getattr(users, role)
    with pytest.raises(PermissionDenied):
        exchange_rate_set(actor=actor, currency="EUR", valid_from=D2020, rate=Decimal("1.1"))
    with pytest.raises(PermissionDenied):
        exchange_rate_set(actor=actor, currency="CNY", valid_from=D2020, rate=Decimal("0.2"))
    with pytest.raises(PermissionDenied):
        exchange_rate_delete(actor=actor, exchange_rate=existing)
    assert db_rows() == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"currency": "usd", "rate": Decimal(1)}, "currency"),  # the reporting currency itself
        ({"currency": "EURO", "rate": Decimal(1)}, "currency"),
        ({"currency": "EUR", "rate": Decimal(0)}, "__all__"),
        ({"currency": "EUR", "rate": Decimal(-1)}, "__all__"),
        ({"currency": "EUR", "rate": Decimal(1), "source": "bad\x00"}, "source"),
    ],
)
def test_bad_rates_are_refused_with_a_message_and_nothing_saved(users, values, field, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        exchange_rate_set(actor=users.superuser, valid_from=D2020, **values)
    assert field in refused.value.message_dict
    assert db_rows() == before
