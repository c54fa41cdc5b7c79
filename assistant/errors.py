"""Errors whose message is meant for the user: the CLI prints them without a traceback."""


class AssistantError(Exception):
    """A problem the user can fix; the message says how."""


class ModelMismatchError(AssistantError):
    """The index was built with another embedding model than the configured one."""
