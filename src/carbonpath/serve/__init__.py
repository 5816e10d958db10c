"""``carbonpath serve``: the local web app (Starlette, server-rendered pages).

Import :func:`carbonpath.serve.app.create_app` to build the ASGI application; the
command line starts it with uvicorn (``carbonpath.cli.serve_cmd``).
"""
