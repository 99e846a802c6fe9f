"""P3: the KPI dashboard (GET /insight/ through the test client, and `compute_kpis` itself), p95.

Three scopes: the bench campus admin's campus over 2025 (the last year the generator fills), the whole
network over 2025 (a superuser), and the whole network over all time (every agreement and observation).
The generator's dates end on 31 December 2025, so "this year" on the day of the run would be empty.
"""

from __future__ import annotations

import datetime

from django.test import Client

from .common import result, timed

GOAL = "p95 ≤ 200 ms"
YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
ALL_TIME = (datetime.date(1900, 1, 1), datetime.date(2025, 12, 31))


def run(ctx) -> list[dict]:
    from biocampus.accounts.models import User
    from biocampus.campuses.models import Campus
    from biocampus.insight.kpis import compute_kpis

    admin = User.objects.get(username=ctx.admin_username)
    network = User.objects.get(username=ctx.network_username)
    campus = Campus.objects.get(pk=ctx.campus_id)
    scopes = [
        ("campus admin, own campus, 2025", admin, campus, campus.slug, YEAR),
        ("network-wide, 2025", network, None, "all", YEAR),
        ("network-wide, all time", network, None, "all", ALL_TIME),
    ]
    what = "KPI dashboard"
    rows = []
    for label, user, campus_obj, slug, (start, end) in scopes:
        client = Client()
        client.force_login(user)
        params = {"campus": slug, "from": start.isoformat(), "to": end.isoformat()}

        def page(client=client, params=params):
            response = client.get("/insight/", params)
            assert response.status_code == 200, response.status_code

        def compute(user=user, campus_obj=campus_obj, start=start, end=end):
            report = compute_kpis(user, campus=campus_obj, start=start, end=end)
            # Reading every value is what the page does: a lazy KPI would otherwise time nothing.
            [(kpi.value, kpi.breakdowns) for kpi in report.kpis]

        page_time = timed(page, repeat=ctx.repeat, warmup=1)
        compute_time = timed(compute, repeat=ctx.repeat, warmup=1)
        rows.append(
            result(
                "P3",
                what,
                f"/insight/ page, {label}",
                page_time.p95,
                "ms",
                "p95",
                GOAL,
                page_time.p95 <= 200,
                note=f"median {page_time.median:.1f} ms, {len(page_time.samples)} samples",
            )
        )
        rows.append(
            result(
                "P3",
                what,
                f"compute_kpis, {label}",
                compute_time.p95,
                "ms",
                "p95",
                note=f"median {compute_time.median:.1f} ms, {len(compute_time.samples)} samples",
            )
        )
    return rows
