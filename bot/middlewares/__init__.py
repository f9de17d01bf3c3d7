"""Update middlewares, registered in ``bot.dispatcher`` in this order (outermost first):

1. ``UpdateLogMiddleware``: one structured log line per update.
2. ``DeduplicateMiddleware`` (webhook mode): an update_id is processed once.
3. ``ConcurrencyLimitMiddleware`` (webhook mode): bounded handlers in flight.
4. ``DbSessionMiddleware``: one transaction per update; repositories and services.
5. ``UserContextMiddleware``: the person's language, translator and role.
"""
