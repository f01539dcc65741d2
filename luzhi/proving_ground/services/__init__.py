"""The proving ground's services (writes): models and filings, deployments, evaluations, the rule."""

from luzhi.proving_ground.services.evaluations import benchmark_save  # noqa: F401
from luzhi.proving_ground.services.evaluations import run_cancel  # noqa: F401
from luzhi.proving_ground.services.evaluations import run_retry  # noqa: F401
from luzhi.proving_ground.services.evaluations import run_submit  # noqa: F401
from luzhi.proving_ground.services.evaluations import shard_execute  # noqa: F401
from luzhi.proving_ground.services.evaluations import shards_requeue_stale  # noqa: F401
from luzhi.proving_ground.services.models import deployment_create  # noqa: F401
from luzhi.proving_ground.services.models import deployment_end  # noqa: F401
from luzhi.proving_ground.services.models import filing_assess  # noqa: F401
from luzhi.proving_ground.services.models import filing_decide  # noqa: F401
from luzhi.proving_ground.services.models import filing_submit  # noqa: F401
from luzhi.proving_ground.services.models import model_create  # noqa: F401
from luzhi.proving_ground.services.models import model_update  # noqa: F401
from luzhi.proving_ground.services.rules import rule_save  # noqa: F401
