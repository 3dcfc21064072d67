"""The China–ROK exchange scheduler. `create_app()` builds it (`scheduler/app.py`)."""


def create_app(config=None):
    """Build the application (see `scheduler.app.create_app`).

    Imported on call, so that importing one module of the package (a model, `sides`) does not
    load the whole application.
    """
    from scheduler.app import create_app as build

    return build(config)
