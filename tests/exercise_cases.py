"""One answer a student might give to an exercise, and what its test cell must say (the tables: exercise_answers/)."""
from dataclasses import dataclass

PASS = None  # the answer is correct: the test cell, hidden part included, must pass


@dataclass(frozen=True)
class Case:
    """A replacement for a solution cell and the substring its test cell's failure must contain (or PASS)."""

    solution_id: str
    source: str
    message: str | None
    why: str = ""
