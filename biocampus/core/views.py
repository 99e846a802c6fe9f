from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 while the database answers, 503 otherwise: what load balancers and `make run` wait for."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return JsonResponse({"status": "error", "database": str(error.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
