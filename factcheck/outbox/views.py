"""/healthz: the doctor's checks as JSON, 200 when all pass, 503 when any fails."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from factcheck.outbox.health import run_checks


@never_cache
@require_GET
def healthz(request):
    # Open to anyone (a load balancer, a monitor): it says what is wrong in counts and
    # ages, never an address, a credential or an error's text.
    checks = run_checks()
    ok = all(check.ok for check in checks)
    body = {
        "status": "ok" if ok else "fail",
        "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
    }
    return JsonResponse(body, status=200 if ok else 503)
