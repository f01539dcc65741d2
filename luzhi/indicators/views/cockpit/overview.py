"""The cockpit (驾驶舱) of a plan (``?plan=``, the main plan by default) and its public variant."""

from datetime import date

from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from luzhi.core.cache import public_page
from luzhi.core.page_cache import PageCache
from luzhi.indicators import fragments
from luzhi.indicators.fragments import statuses_tag
from luzhi.indicators.models import Observation
from luzhi.indicators.permissions import indicators as indicator_policy
from luzhi.indicators.plans import is_linked_view
from luzhi.indicators.progress import NONE
from luzhi.indicators.selectors import indicator_statuses
from luzhi.indicators.templatetags.cockpit_tags import status_rule
from luzhi.indicators.views.cockpit.cards import cards_for
from luzhi.indicators.views.cockpit.cards import render_cards
from luzhi.indicators.views.cockpit.common import COCKPIT_CACHE_SECONDS
from luzhi.indicators.views.cockpit.common import DIVISIBLE
from luzhi.indicators.views.cockpit.common import _as_of
from luzhi.indicators.views.cockpit.common import _forbidden
from luzhi.indicators.views.cockpit.common import _visible_indicator
from luzhi.indicators.views.cockpit.common import plans_in_force
from luzhi.indicators.views.pages import page_city_panel
from luzhi.indicators.views.pages import page_milestones
from luzhi.indicators.views.pages import page_task_board

# --------------------------------------------------------------------------- the cockpit

#: The signed-in cockpit, whole, per user and data version (``core.page_cache``): besides the
#: indicator data (``DataVersion``, a part of the key, see :func:`cockpit`) it shows the plan
#: (sections, units, the plans in force: ``plan``), the supervision lights panel
#: (``supervision``) and the office's indicator rule (``indicators``, bumped by the proving
#: ground's rule service); the navigation badges' scopes are added by ``PageCache.page``.
PAGES = PageCache("cockpit", ("plan", "supervision", "indicators"))


def cockpit(request):
    """The plan office's cockpit: every indicator, its trend, the task board, the cities."""
    if not indicator_policy.can(request.user, "cockpit"):
        return _forbidden(request, indicator_policy.message("cockpit"))
    # Registry, scenario and indicator services bump the indicator data version (their
    # figures reach the page as observations): it is part of the key like the scopes.
    version = fragments.content_versions()
    return PAGES.page(
        request,
        "office",
        (version,),
        lambda: _cockpit_page(request, public=False, version=version),
    )


def _public_versions():
    """What the public cockpit shows: the indicator data (``DataVersion``) and the plan's
    content (its ``plan`` counter), read in one query, and the day (the default ``as_of``,
    so today's progress and forecasts)."""
    return fragments.content_versions(), timezone.localdate()


@public_page(extra=_public_versions)  # the plan's counter is in content_versions() already
def public_cockpit(request):
    """The public variant: public indicators, approved figures, no pending or discrepancy, no names.
    Anonymous visits are served whole from the cache until the data, the plan or the day changes."""
    return _cockpit_page(request, public=True)


def _cockpit_page(request, *, public: bool, version: tuple[int, int] | None = None):
    """The cockpit page; its content is cached per data version, variant, day and language.

    Every write service bumps the data version, so a cached body is never stale
    for more than the request that changed the data; the wrapper (user, CSRF)
    is rendered per request.
    """
    as_of, as_of_error = _as_of(request)
    plan, others = plans_in_force(request)
    key = "cockpit:" + ":".join(
        str(part)
        for part in (
            int(public),
            as_of.isoformat(),
            get_language(),
            plan.pk if plan else 0,
            request.GET.get("city", ""),
        )
    )
    # In the entry, not the key, so a new version replaces the entry: the indicator data and
    # the plan's content (sections, units: core.cache, bumped by plan and accounts services).
    if version is None:
        version = fragments.content_versions()
    entry = cache.get(key)
    body = entry[1] if entry is not None and entry[0] == version else None
    if body is None:
        context = _cockpit_context(
            request, public=public, plan=plan, as_of=as_of, plan_version=version[1]
        )
        context["plans"] = others
        body = render_to_string("indicators/cockpit_body.html", context, request=request)
        cache.set(key, (version, body), COCKPIT_CACHE_SECONDS)
    return render(
        request,
        "indicators/cockpit.html",
        {"public": public, "as_of_error": as_of_error, "body": mark_safe(body), "plan": plan},  # noqa: S308  (our own rendered, escaped template)
    )


def _cockpit_context(request, *, public: bool, plan, as_of: date, plan_version: int) -> dict:
    """Everything the cockpit's content shows (computed only on a cache miss)."""
    plan_end = plan.period_end if plan else None
    statuses = indicator_statuses(
        user=request.user, public=public, as_of=as_of, plan=plan, units=False
    )
    milestones = page_milestones(
        [s.indicator.pk for s in statuses if not is_linked_view(s.indicator)]
    )
    cards = cards_for(statuses, milestones, plan_end=plan_end, as_of=as_of)
    render_cards(cards, public=public, as_of=as_of, plan_end=plan_end)
    tracked = [c for c in cards if c.indicator.target_id]
    auxiliary = [c for c in cards if not c.indicator.target_id]
    counts = {
        key: sum(1 for c in tracked if c.item.status == key)
        for key in ("green", "amber", "red", NONE)
    }
    divisible = [s for s in statuses if s.indicator.aggregation in DIVISIBLE]
    city_options = [s.indicator for s in divisible]
    chosen = request.GET.get("city") or ""
    # By default, an indicator whose province value is rolled up from cities (so has city values).
    city_indicator = (
        next((i for i in city_options if i.code == chosen), None)
        or next(
            (s.indicator for s in divisible if s.latest_source == Observation.Source.ROLLUP), None
        )
        or (city_options[0] if city_options else None)
    )
    # The board and the city panel are rebuilt only when what they show changed.
    language = get_language()
    board_html = ""
    if plan:
        tag = f"{plan_version}:{as_of.isoformat()}:{statuses_tag(statuses)}"
        board_html = fragments.cached(
            f"cockpit-board:{plan.pk}:{int(public)}:{language}",
            tag,
            lambda: render_to_string(
                "indicators/_task_board.html", {"board": page_task_board(plan, statuses)}
            ),
        )
    city = None
    if city_indicator:
        item = next(s for s in statuses if s.indicator.pk == city_indicator.pk)
        tag = f"{plan_version}:{as_of.isoformat()}:{item.version}:{city_indicator.updated_at}"
        city = (
            fragments.cached(
                f"cockpit-city:{city_indicator.pk}:{language}",
                tag,
                lambda: page_city_panel(city_indicator, as_of=as_of),
            )
            if item.version
            else page_city_panel(city_indicator, as_of=as_of)
        )
    return {
        "public": public,
        "plan": plan,
        "as_of": as_of,
        "is_today": as_of == timezone.localdate(),
        "cards": tracked,
        "auxiliary": auxiliary,
        "counts": counts,
        "pending_total": sum(s.pending for s in statuses),
        "board_html": mark_safe(board_html),  # noqa: S308  (our own rendered, escaped template)
        "city_options": city_options,
        "city": city,
        "rule": status_rule(),
        "export_query": urlencode(
            {
                "as_of": as_of.isoformat(),
                **({"public": 1} if public else {}),
                **({"plan": plan.pk} if plan and not plan.is_main else {}),
            }
        ),
    }


def city_panel(request):
    """The per-city breakdown of one indicator, as the fragment the cockpit swaps in (HTMX).

    Without JavaScript the cockpit's own form reloads the page with ``?city=``.
    """
    code = request.GET.get("city") or request.GET.get("indicator") or ""
    indicator = _visible_indicator(request, code)
    as_of, _error = _as_of(request)
    public = request.GET.get("public") == "1" or not indicator_policy.can(request.user, "cockpit")
    context = {"city": page_city_panel(indicator, as_of=as_of), "public": public, "as_of": as_of}
    return render(request, "indicators/_city_panel.html", context)
