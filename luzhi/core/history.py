"""Who made a change and why, for django-simple-history's record of it."""


def record_change(instance, actor, reason: str) -> None:
    """Tell simple-history who makes the next save (or delete) of ``instance``, and why."""
    instance._history_user = actor
    instance._change_reason = reason
