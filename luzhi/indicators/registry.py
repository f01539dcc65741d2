"""The indicator-function registry: how a mechanism contributes a target's live value.

The app that owns the data registers a function under a name; an Indicator with
``method=computed`` names it in ``function``. The indicators app never imports
the mechanisms, so a new mechanism adds a live value without touching the cockpit::

    from luzhi.indicators.registry import indicator_function

    @indicator_function("registry.provincial_key_labs", label="省重点实验室数量(已批准)")
    def provincial_key_labs(*, period_end, region=None):
        return Platform.objects.filter(...).count()

A function takes ``period_end`` (a date) and ``region`` (None for the province,
else a city code) and returns a number. A flow that counts what is new since its
plan began also takes ``first_day`` (1 January of the first year of the indicator's
plan, never a constant): the indicators app passes it when the function accepts it. It may also name ``records``: a
callable with the same arguments returning the queryset behind the number, and
``drilldown``: the name of the page that lists those records (it receives
``?indicator=<code>&as_of=<date>&region=<city code>``), which the indicator page
links to.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode


@dataclass(frozen=True)
class IndicatorFunction:
    """A registered computation of an indicator's value."""

    name: str
    label: str
    compute: Callable[..., int | float | Decimal]
    records: Callable[..., object] | None = None
    by_city: bool = True  # can be computed per city (so province = sum of cities)
    drilldown: str = ""  # the URL name of the page listing the records behind the number
    # The models the value is computed from ("app.model" labels); empty: not declared, so any
    # write that names models may change it. Writers name the indicators they affect with
    # :func:`indicators_using`, so only those assessments are recomputed.
    models: tuple[str, ...] = ()

    def depends_on(self, labels: set[str]) -> bool:
        return not self.models or bool(labels.intersection(self.models))

    def __call__(
        self, *, period_end: date, region: str | None = None, first_day: date | None = None
    ) -> Decimal:
        extra = {"first_day": first_day} if first_day and self.takes_first_day else {}
        return Decimal(str(self.compute(period_end=period_end, region=region, **extra)))

    @property
    def takes_first_day(self) -> bool:
        """The function counts from its plan's first day (it has a ``first_day`` argument)."""
        return "first_day" in inspect.signature(self.compute).parameters

    def drilldown_url(
        self, indicator_code: str, *, as_of: date | None = None, region: str | None = None
    ) -> str:
        """The drill-down page for one indicator, day and region; "" when there is none."""
        if not self.drilldown:
            return ""
        query = {"indicator": indicator_code}
        if as_of:
            query["as_of"] = as_of.isoformat()
        if region:
            query["region"] = region
        return f"{reverse(self.drilldown)}?{urlencode(query)}"


_REGISTRY: dict[str, IndicatorFunction] = {}


def indicator_function(
    name: str, *, label: str, records=None, by_city: bool = True, drilldown: str = "", models=()
):
    """Decorator: register ``compute`` under ``name`` (names are unique); ``drilldown`` names
    the page (a URL name) listing the records behind the number; ``models`` (model classes or
    "app.model" labels) what it is computed from."""

    def decorate(compute):
        labels = tuple(sorted(_label(m) for m in models))
        register(IndicatorFunction(name, label, compute, records, by_city, drilldown, labels))
        return compute

    return decorate


def register(function: IndicatorFunction) -> None:
    existing = _REGISTRY.get(function.name)
    if existing is not None and existing.compute is not function.compute:
        raise ValueError(f"indicator function {function.name!r} is already registered")
    _REGISTRY[function.name] = function


def _label(model) -> str:
    return model._meta.label_lower if hasattr(model, "_meta") else str(model).lower()


def indicators_using(*models) -> list[int]:
    """The computed indicators whose function is computed from any of ``models`` (or does not
    say what it is computed from): what a write to those models tells ``data_changed``."""
    from luzhi.indicators.models import Indicator

    labels = {_label(m) for m in models}
    names = [f.name for f in _REGISTRY.values() if f.depends_on(labels)]
    if not names:
        return []
    return list(
        Indicator.objects.filter(method=Indicator.Method.COMPUTED, function__in=names)
        .values_list("pk", flat=True)
        .order_by("pk")
    )


def unregister(name: str) -> None:
    """Remove a function (tests register temporary ones)."""
    _REGISTRY.pop(name, None)


def get_function(name: str) -> IndicatorFunction:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"no indicator function named {name!r}") from None


def registered() -> dict[str, IndicatorFunction]:
    return dict(_REGISTRY)
