"""Background work of the proving ground (Django's tasks API; the worker is ``luzhi db_worker``)."""

from django_tasks import task


@task()
def run_shard(shard_id: int) -> str:
    """Run one shard of an evaluation; idempotent (a finished or claimed shard is skipped)."""
    from luzhi.proving_ground.services import shard_execute

    return shard_execute(shard_id=shard_id)


@task()
def requeue_stale_shards() -> int:
    """Queue again the shards of workers that died (run periodically)."""
    from luzhi.proving_ground.services import shards_requeue_stale

    return shards_requeue_stale()
