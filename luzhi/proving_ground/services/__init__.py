"""The proving ground's services (writes): models and filings, deployments, evaluations, the rule."""

from luzhi.proving_ground.services.evaluations import (  # noqa: F401
    benchmark_save,
    run_cancel,
    run_retry,
    run_submit,
    shard_execute,
    shards_requeue_stale,
)
from luzhi.proving_ground.services.models import (  # noqa: F401
    deployment_create,
    deployment_end,
    filing_assess,
    filing_decide,
    filing_submit,
    model_create,
    model_update,
)
from luzhi.proving_ground.services.rules import rule_save  # noqa: F401
