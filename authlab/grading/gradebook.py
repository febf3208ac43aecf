"""Write ``authlab grade``'s trusted scores into an nbgrader gradebook, for ``nbgrader export`` and the formgrader.

The assignment must be in the gradebook already (``nbgrader generate_assignment`` puts it
there). Each student's submission is created if needed and every test cell's autograded
score set to the checker's verdict, through nbgrader's own Gradebook API.
"""

from __future__ import annotations

from nbgrader.api import Gradebook

from authlab.grading.autograde import Result
from authlab.grading.source import Lab


def record(results: list[Result], lab: Lab, db_url: str, course_id: str = "authlab") -> int:
    """Store every result's points in the gradebook at ``db_url``; the number of scores written."""
    written = 0
    with Gradebook(db_url, course_id) as book:
        for result in results:
            book.update_or_create_student(result.student)
            book.update_or_create_submission(lab.id, result.student)
            for check in result.checks:
                grade = book.find_grade(check.grade_id, lab.notebook, lab.id, result.student)
                grade.auto_score = check.points
                written += 1
        book.db.commit()
    return written
