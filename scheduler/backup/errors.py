"""The one error of the backup commands: the message says what to do."""

import click


class BackupError(click.ClickException):
    """A backup cannot be made, checked or restored; the command stops with exit code 1."""
