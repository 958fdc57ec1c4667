"""A routing worker process (`python -m logistics.planning.routing.worker FD PARENT_PID CAP_MB`)."""

import sys

from logistics.planning.routing.watchdog import serve_main

if __name__ == "__main__":
    serve_main(sys.argv)
