"""One structured (JSON) log line per ``/v1`` request: who asked what, and how it ended.

The line holds ids, the endpoint, the language, the outcome, the finding ids, the
status and the duration; never the facts, the ticket text, the report or the API key.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

LOGGER_NAME = "backup_doctor.service.decisions"
logger = logging.getLogger(LOGGER_NAME)

LOG_CONFIG: dict[str, Any] = {
    # uvicorn's own loggers as uvicorn sets them, plus ours: the JSON line as it is.
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(message)s"},
        "default": {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s"},
    },
    "handlers": {
        "decisions": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"},
        "default": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"},
    },
    "loggers": {
        LOGGER_NAME: {"handlers": ["decisions"], "level": "INFO", "propagate": False},
        "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
    },
}


def decision_line(**fields: Any) -> None:
    if logger.isEnabledFor(logging.INFO):
        entry = {"time": round(time.time(), 3), "pid": os.getpid(), **fields}
        logger.info(json.dumps(entry, ensure_ascii=True, separators=(",", ":")))
