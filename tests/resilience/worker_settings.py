"""Settings of the resilience tests' Celery workers: the developer settings with the outage knobs
short enough for a test (each read from the environment, with the production defaults).

- ``VMM_LEASE_SECONDS`` (parc.services.vmm_runs, default 600 s): how long a dead worker's chunk
  stays leased before ``vmm_sweep`` may queue it again.
- ``VMM_CHUNK_ASSETS`` (default 2 000): assets per chunk; smaller gives a run of many chunks.
- ``CELERY_VISIBILITY_TIMEOUT`` (Redis transport, default 3 600 s): how long an unacknowledged
  message (its worker killed) waits before Redis hands it to another worker.
- ``CELERY_UNACKED_RESTORE_INTERVAL`` (Redis transport, default 10 s, and a real scan only every
  10th time): how often a worker looks for such messages; set, every look is a scan.
"""

import os

from crm.settings.local import *  # noqa: F403
from crm.settings.local import CELERY_BROKER_TRANSPORT_OPTIONS

VMM_LEASE_SECONDS = int(os.environ.get("VMM_LEASE_SECONDS", "600"))
VMM_CHUNK_ASSETS = int(os.environ.get("VMM_CHUNK_ASSETS", "2000"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
}
if os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL"):
    CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_interval"] = int(
        os.environ["CELERY_UNACKED_RESTORE_INTERVAL"]
    )
    CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_throttle"] = 1
