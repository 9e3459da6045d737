"""Settings for the test suite: the same security headers, a fast password hasher."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = False
# Tasks run in-process in tests, even where REDIS_URL is set; the tests that need a real worker
# (tests/celery_worker.py) switch the app to the broker for their duration.
CELERY_TASK_ALWAYS_EAGER = True
