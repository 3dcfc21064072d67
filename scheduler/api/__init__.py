"""The JSON API under /api/v1 (issue 17): personal tokens, problem details, read resources.

flask-smorest builds the OpenAPI 3.1 document from the code (`spec.py`); every resource reads
through the same queries as the pages, and a token acts with its user's role and never more.
"""
