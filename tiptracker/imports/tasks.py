"""The imports' background task: one per queued or confirmed web upload."""

from django_tasks import task


@task()
def import_run_work(run_id: int) -> None:
    from tiptracker.imports.runs import import_run_work as work

    work(run_id)
