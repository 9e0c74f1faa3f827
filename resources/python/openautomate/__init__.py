"""OpenAutomate helpers for automation scripts, put on every venv's path by the executor.

    from openautomate import progress
    progress(40, "Reading invoices")

Progress goes to the file named by OPENAUTOMATE_PROGRESS_FILE as one JSON line per call. Outside
the executor (no such variable) the calls do nothing, so a script runs the same by hand.
"""
import json
import os

__all__ = ["progress", "execution_id", "task_dir"]


def progress(percent=None, message=None):
    """Reports progress: percent from 0 to 100, and/or a short message."""
    path = os.environ.get("OPENAUTOMATE_PROGRESS_FILE")
    if not path:
        return
    entry = {}
    if percent is not None:
        entry["percent"] = max(0.0, min(100.0, float(percent)))
    if message is not None:
        entry["message"] = str(message)
    if not entry:
        return
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


def execution_id():
    """The ID of the running execution, or None outside the executor."""
    return os.environ.get("OPENAUTOMATE_EXECUTION_ID")


def task_dir():
    """The task folder (also the working directory), or None outside the executor."""
    return os.environ.get("OPENAUTOMATE_TASK_DIR")
