"""Who and where the classroom tests run."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STUDENTS = ["authlab-s1", "authlab-s2", "authlab-s3"]
INSTRUCTOR = "authlab-teacher"
SYSTEM_PYTHON = "/usr/bin/python3"
VENV_CACHE = Path("/var/tmp/authlab-hub")

