"""Settings of the compute app, read from environment variables with defaults."""

import os

#: Units (short names) that own the compute-center register and review its changes.
REGISTER_UNITS = tuple(
    name.strip()
    for name in os.environ.get("LUZHI_COMPUTE_REGISTER_UNITS", "省大数据局,省通信管理局").split(",")
    if name.strip()
)
#: Seconds an adapter waits for a center's scheduler to answer one HTTP request.
SCHEDULER_TIMEOUT = float(os.environ.get("LUZHI_COMPUTE_SCHEDULER_TIMEOUT", "10"))
