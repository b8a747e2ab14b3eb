"""Background tasks of the dossiers (django-tasks; `manage.py db_worker` runs them)."""

from django_tasks import task

from siae_portal.tasks import run_with_retry


@task()
def render_snapshot_pdf(snapshot_id: int, attempt: int = 1) -> str | None:
    """Render a transmitted snapshot's PDF summary and store it (once: a stored file is kept);
    retried on failure (siae_portal.tasks). Returns the stored name, None if the snapshot is gone."""
    from . import pdf
    from .models import Snapshot

    def work():
        snapshot = Snapshot.objects.select_related("dossier__structure", "dossier__campaign", "created_by").filter(
            pk=snapshot_id
        )
        snapshot = snapshot.first()
        if snapshot is None:
            return None
        pdf.store_snapshot_pdf(snapshot)
        return snapshot.pdf.name

    return run_with_retry(render_snapshot_pdf, attempt, snapshot_id, work=work)
