"""The floor of ``mentor-rules serve``: the REST API and the page (``app.py``), the worker
processes that advise (``workers.py``, ``answers.py``), the page's form (``page.py``) and the
OpenAPI document (``openapi.py``). Needs the ``serve`` extra (Starlette, uvicorn)."""
