"""Grading of the labs: release them from their source, grade submissions in bulk, write feedback.

``source`` makes ``labs/`` from ``solutions/`` with nbgrader's preprocessors;
``autograde`` grades one notebook with nbgrader's engine; ``grader`` is the
``authlab grade`` command (a process pool, a CSV, feedback pages); ``bench``
compares it with sequential ``nbgrader autograde``.
"""
