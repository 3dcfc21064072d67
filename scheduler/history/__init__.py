"""Exchange history: outcomes and minutes, follow-ups, search, statistics, reports.

One folder per feature, each with its models, forms, services, views and commands:
``outcomes/``, ``attachments/``, ``follow_ups/``, ``search/`` and ``reports/`` (statistics,
charts, exports, the annual report). What the whole history shares stays here: the timeline
queries (`timeline`), the history pages and their blueprint (`views`, `blueprint`, `pages`),
Markdown rendering, the ``outcome_changed`` signal, the home page's dashboard and the
``flask history`` command group. `blueprints` lists every blueprint for the app.
"""
