"""The plan app's own settings, read from environment variables with defaults."""

import os

from luzhi.plan.parsing.decoding import MAX_PLAN_BYTES

#: Largest plan text the import accepts, in bytes (plans are well under 1 MB).
PLAN_TEXT_MAX_BYTES = int(os.environ.get("LUZHI_PLAN_TEXT_MAX_BYTES", MAX_PLAN_BYTES))
#: Largest plan JSON document (an export carries the text, its sections and spans).
PLAN_JSON_MAX_BYTES = int(os.environ.get("LUZHI_PLAN_JSON_MAX_BYTES", 4 * PLAN_TEXT_MAX_BYTES))
