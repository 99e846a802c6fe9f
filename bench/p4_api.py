"""P4: the API's organisation detail under gunicorn (2 workers, bench settings: DEBUG off) beside a bare
Django JSON view of the same organisation in the same server, loaded by wrk from another process.

Both are served by one gunicorn, one after the other, in alternating rounds (bare, API, bare, API) so a
burst of load from elsewhere on the machine does not land on one of them only. wrk runs on the same two
cores as the server: both subjects pay that equally, and it caps both numbers.
"""

from __future__ import annotations

import statistics

from .common import free_port, gunicorn_command, http_get, result, serve, wrk

GOAL = "≥ 70% of the bare Django view"
ROUNDS = 2
SECONDS = 10


def bench_token(ctx) -> str:
    from biocampus.accounts.models import User
    from biocampus.accounts.services import token_create

    admin = User.objects.get(username=ctx.admin_username)
    _, secret = token_create(actor=admin, user=admin, name="make bench (P4)")
    return secret


def resident_of_bench_campus(ctx):
    """An organisation the bench campus admin certainly sees: a resident of their campus."""
    from biocampus.campuses.models import Residency

    residency = Residency.objects.filter(campus_id=ctx.campus_id).select_related("organization").order_by("id").first()
    if residency is None:
        from biocampus.directory.models import Organization

        return Organization.objects.order_by("id").first()
    return residency.organization


def run(ctx) -> list[dict]:
    organization = resident_of_bench_campus(ctx)
    token = bench_token(ctx)
    auth = {"Authorization": f"Bearer {token}"}
    port = free_port()
    rps = {"bare": [], "api": []}
    with serve(gunicorn_command(port, workers=2), port=port, env=ctx.env(), ready_path="/healthz") as server:
        urls = {
            "bare": (f"{server.url}/bench/bare/{organization.public_id}", {}),
            "api": (f"{server.url}/api/v1/organizations/{organization.public_id}", auth),
        }
        for name, (url, headers) in urls.items():  # both must answer 200 before they are loaded
            status, body = http_get(url, headers)
            if status != 200:
                raise RuntimeError(f"{name} answered {status}: {body[:300]!r}")
        for _ in range(ROUNDS):
            for name, (url, headers) in urls.items():
                outcome = wrk(url, headers=headers, threads=2, connections=16, seconds=SECONDS)
                if outcome["non_2xx"]:
                    raise RuntimeError(f"{name}: {outcome['non_2xx']} answers were not 2xx")
                rps[name].append(outcome["requests_per_second"])
    bare, api = statistics.median(rps["bare"]), statistics.median(rps["api"])
    share = api / bare
    what = "API organisation detail under gunicorn, 2 workers, wrk -t2 -c16 -d10s"
    return [
        result(
            "P4",
            what,
            "GET /api/v1/organizations/{id}, token auth",
            api,
            "req/s",
            "median",
            GOAL,
            share >= 0.7,
            ratio=f"{share:.0%} of the bare view",
            note=f"rounds: {', '.join(f'{x:.0f}' for x in rps['api'])}",
        ),
        result(
            "P4",
            what,
            "peer: bare Django JSON view, same fields, no auth",
            bare,
            "req/s",
            "median",
            note=f"rounds: {', '.join(f'{x:.0f}' for x in rps['bare'])}",
        ),
    ]
