"""Background work on the procrastinate job engine: tasks, the worker process, the stalled sweep."""
