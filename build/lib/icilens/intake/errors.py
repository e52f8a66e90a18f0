"""The one error intake raises when a file cannot be used at all."""


class IntakeError(ValueError):
    """A file that cannot be used; the message says what is wrong and what to do."""
