"""P6: peak memory (VmHWM) of one gunicorn web worker after it served the directory search, organisation
pages, the KPI dashboard and the API at the bench size, beside a worker of the same application that
served only the admin changelist (the issue's peer: a Django process serving the admin).

Each server has one worker, so that worker served every request; its peak resident set size is read from
/proc/<pid>/status after the last answer. Both import the same application (every app of the project):
the difference is what serving does to memory, not what importing costs.
"""

from __future__ import annotations

from django.test import Client

from .common import children_of, free_port, gunicorn_command, http_get, peak_rss_mb, result, serve
from .p1_search import COUNTRY, KIND, queries

GOAL = "≤ 120 MB"


def session_cookie(username: str) -> str:
    from biocampus.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"sessionid={client.cookies['sessionid'].value}"


def busiest_organizations(limit: int = 3):
    """The organisations with the most agreements (their pages are the heaviest), and one ordinary one."""
    from django.db.models import Count

    from biocampus.directory.models import Organization

    hubs = list(
        Organization.objects.annotate(n=Count("agreement_parties"))
        .order_by("-n", "id")
        .values_list("public_id", flat=True)[:limit]
    )
    ordinary = Organization.objects.order_by("id").values_list("public_id", flat=True).first()
    return [*hubs, ordinary]


def product_paths(ctx, terms, organizations):
    from urllib.parse import urlencode

    paths = [
        "/organizations/",
        *(f"/organizations/?{urlencode({'q': q, 'kind': KIND, 'country': COUNTRY})}" for q in terms),
    ]
    paths += [f"/organizations/{public_id}/" for public_id in organizations]
    paths += [
        "/insight/?campus=all&from=1900-01-01&to=2025-12-31",
        "/insight/?campus=all&from=2025-01-01&to=2025-12-31",
    ]
    paths += [f"/api/v1/organizations/{public_id}" for public_id in organizations]
    paths += ["/api/v1/organizations?limit=50"]
    return paths


def admin_paths(terms):
    from urllib.parse import urlencode

    base = "/bench/admin/directory/organization/"
    return [base, *(f"{base}?{urlencode({'q': q, 'kind__exact': KIND, 'country__exact': COUNTRY})}" for q in terms)]


def worker_peak(ctx, paths, cookie, extra_headers=None) -> tuple[float, list[str]]:
    port = free_port()
    problems = []
    with serve(gunicorn_command(port, workers=1), port=port, env=ctx.env(), ready_path="/healthz") as server:
        for path in paths:
            headers = {"Cookie": cookie, **(extra_headers or {})}
            try:
                status, _ = http_get(server.url + path, headers)
            except OSError as error:  # the worker died on this path: say which, measure what was served
                problems.append(f"{path} → {type(error).__name__}")
                continue
            if status != 200:
                problems.append(f"{path} → {status}")
        workers = children_of(server.pid)
        if len(workers) != 1:
            raise RuntimeError(f"expected one gunicorn worker, found {workers}")
        return peak_rss_mb(workers[0]), problems


def run(ctx) -> list[dict]:
    terms = queries(ctx)
    organizations = busiest_organizations()
    # The superuser sees every page the product has (the network-wide dashboard included).
    cookie = session_cookie(ctx.network_username)
    product_mb, product_problems = worker_peak(ctx, product_paths(ctx, terms, organizations), cookie)
    admin_mb, admin_problems = worker_peak(ctx, admin_paths(terms), cookie)
    if admin_problems:
        raise RuntimeError("the admin changelist did not answer 200: " + "; ".join(admin_problems))
    # A page that failed did not do its work: the peak is then a lower bound, and no verdict is given.
    failed = f"{len(product_problems)} pages failed, so this is a lower bound: {'; '.join(product_problems)}"
    what = "peak RSS (VmHWM) of one gunicorn worker"
    return [
        result(
            "P6",
            what,
            "BioCampus worker after search, organisation pages, dashboard and API",
            product_mb,
            "MB",
            "peak",
            GOAL,
            None if product_problems else product_mb <= 120,
            ratio=f"{product_mb / admin_mb:.2f}× the admin-only worker",
            note=failed if product_problems else f"{len(product_paths(ctx, terms, organizations))} requests",
        ),
        result("P6", what, "peer: worker that served only the admin changelist", admin_mb, "MB", "peak"),
    ]
