"""gunicorn's settings for `make serve`, from the environment (see README, Production).

BIND (127.0.0.1:8000), WEB_CONCURRENCY (worker processes: 2 per core + 1), GUNICORN_TIMEOUT
(seconds a request may take before its worker is replaced), LOG_LEVEL.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Each worker imports the app once before serving; a worker replaced after this many
# requests (plus jitter, so they do not all restart together) frees what it leaked.
max_requests = 2000
max_requests_jitter = 200
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
accesslog = "-"
errorlog = "-"
# X-Forwarded-* from these addresses set the request's scheme (https behind a proxy);
# the client address for rate limits is FACTCHECK_TRUSTED_PROXIES' business.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
