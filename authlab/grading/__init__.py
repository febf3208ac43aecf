"""Grading of the labs: release them from their source, grade submissions in bulk, write feedback.

``source`` makes ``labs/`` from ``solutions/`` with nbgrader's preprocessors;
``sandbox`` runs a submission's cells in bubblewrap (``pids`` caps its processes,
also as root) and ``judge`` grades it from outside with the checker; ``autograde``
grades one notebook with nbgrader's engine where no sandbox can be had; ``grader`` is
the ``authlab grade`` command (a process pool, a CSV, feedback pages); ``gradebook``
hands the scores to nbgrader (its gradebook and ``autograded/`` notebooks); ``bench``
compares it with sequential ``nbgrader autograde``.
"""
