"""Production entry point: `python wsgi.py` serves REST and Socket.IO.

Monkey-patching must happen before anything else is imported, so that
sockets, threads and psycopg2 all cooperate with the event loop. `os` and
`warnings` are loaded by the interpreter itself before any script runs.
"""

import os
import warnings

ASYNC_MODE = os.environ.get("ASYNC_MODE", "eventlet")
if ASYNC_MODE == "eventlet":
    # eventlet announces its maintenance-only status on import; it is our choice.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402

from app import create_app  # noqa: E402
from app.server import serve  # noqa: E402

app = create_app()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the Parley server.")
    parser.add_argument("--host", default=app.config["HOST"])
    parser.add_argument("--port", type=int, default=app.config["PORT"])
    args = parser.parse_args()
    app.logger.info("Parley listening on http://%s:%s (%s)", args.host, args.port, ASYNC_MODE)
    serve(app, args.host, args.port)


if __name__ == "__main__":
    main()
