"""The cockpit (驾驶舱), its public variant, drill-down pages and exports.

Views are thin: parse (``as_of``, filters), authorise, call the selectors, render.
The cockpit reads every indicator's status with one ``indicator_statuses`` call
and the rest of the page (milestones, task board, the default city panel) with a
fixed number of queries, so its query count does not grow with the number of
indicators. The few reads that only these pages need are the ``page_*``
functions in ``views/pages.py``. Chart options come from the pure functions in
``charts.py``.

Modules: ``common`` (the day, the plan, who may see what), ``cards`` (a card and its chart),
``overview`` (the cockpit pages), ``detail`` (indicator and observation pages), ``exports``.
"""
