"""Developer settings used by ``make run``: DEBUG on, console e-mail."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# No SMS gateway on a development machine: messages are logged (crm/sms.py).
SMS_BACKEND = "log"
