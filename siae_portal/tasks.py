"""Background tasks that retry: django-tasks 0.12 runs a task once, so a failing attempt enqueues
the next one itself (with its attempt number) before failing. Every failed attempt stays a
FAILED result, with its traceback, in the admin (« Résultats des tâches »)."""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def run_with_retry(task, attempt: int, *args, work):
    """Run `work()`; if it raises and attempts remain, enqueue `task` again with attempt + 1
    (same arguments) and re-raise, so that this attempt is recorded as failed."""
    try:
        return work()
    except Exception:
        if attempt < settings.TASK_MAX_ATTEMPTS:
            logger.warning("Tâche %s : tentative %s échouée, nouvelle tentative", task.name, attempt)
            task.enqueue(*args, attempt=attempt + 1)
        else:
            logger.error("Tâche %s : échec après %s tentatives", task.name, attempt)
        raise
