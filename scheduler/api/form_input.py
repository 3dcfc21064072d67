"""A JSON body checked by the form the pages use, so the API accepts exactly what they do.

The marshmallow schema has already refused unknown fields and wrong types; the form then
runs the page's own checks (lengths, zones, working hours, a unique e-mail, control
characters) and its messages become the problem's detail, in the caller's language.
"""

from flask import abort
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from scheduler.api.problems import api_language, problem


def form_values(form_class, data: dict, names=None, **form_kwargs) -> dict:
    """The values of *names* (by default *data*'s fields) once *form_class* accepts *data*
    (field → JSON value), cleaned as the form cleans them; a 422 problem naming the refused
    fields otherwise."""
    formdata = MultiDict({k: "" if v is None else v for k, v in data.items()})
    with force_locale(api_language()):
        form = form_class(formdata=formdata, meta={"csrf": False}, **form_kwargs)
        if form.validate():
            return {name: form[name].data for name in names or data}
        refused = {name: "invalid" for name, errors in form.errors.items() if errors}
        first = next(str(errors[0]) for errors in form.errors.values() if errors)
        abort(problem(422, refused, detail=first))


def refuse_because(field: str, message) -> None:
    """A 422 problem naming *field*, with a service's translated *message* as its detail."""
    abort(problem(422, {field: "invalid"}, detail=message))
