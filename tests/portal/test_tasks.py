"""The task engine: a failing task is tried again, up to TASK_MAX_ATTEMPTS attempts in all."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from siae_portal.tasks import run_with_retry

ATTEMPTS = []


@task()
def flaky(fail_until: int, attempt: int = 1):
    def work():
        ATTEMPTS.append(attempt)
        if attempt < fail_until:
            raise RuntimeError("serveur indisponible")
        return attempt

    return run_with_retry(flaky, attempt, fail_until, work=work)


@pytest.fixture(autouse=True)
def _clear():
    ATTEMPTS.clear()


def test_a_failing_task_is_retried_until_it_succeeds(settings):
    settings.TASK_MAX_ATTEMPTS = 3
    result = flaky.enqueue(3)
    assert ATTEMPTS == [1, 2, 3]
    assert result.status == TaskResultStatus.FAILED  # the first attempt stays recorded as failed


def test_retries_stop_after_the_last_attempt(settings):
    settings.TASK_MAX_ATTEMPTS = 2
    flaky.enqueue(5)
    assert ATTEMPTS == [1, 2]


def test_a_task_that_succeeds_runs_once(settings):
    result = flaky.enqueue(1)
    assert ATTEMPTS == [1]
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after each task
def test_failures_are_listed_in_the_admin(admin_client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

    flaky.enqueue(2)
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY  # waiting for a worker
    call_command("db_worker", batch=True, verbosity=0)
    assert ATTEMPTS == [1, 2]
    failed, retried = DBTaskResult.objects.order_by("enqueued_at")
    assert (failed.status, retried.status) == (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL)
    assert "serveur indisponible" in failed.traceback

    response = admin_client.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist"), {"status__exact": "FAILED"}
    )
    assert response.status_code == 200
    assert str(failed.pk) in response.content.decode()
    assert str(retried.pk) not in response.content.decode()
