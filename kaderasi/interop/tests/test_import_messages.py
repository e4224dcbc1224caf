"""What `kaderasi import-programme` writes while it works: each problem on one line that says
where it is (as much of sheet, row and column as the problem has), and a progress bar for a
large file, redrawn in place on a terminal and a line a quarter in a log."""

import pytest
from django.utils import translation

from kaderasi.interop import progress
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.issues import issue_line
from kaderasi.interop.plan import ImportIssue
from kaderasi.interop.progress import ProgressBar


@pytest.mark.parametrize(
    ("sheet", "row", "column", "line"),
    [
        ("milk_volumes", 5, "volume_ml", "Sheet milk_volumes, row 5, column volume_ml: Too big."),
        ("milk_volumes", 5, "", "Sheet milk_volumes, row 5: Too big."),
        ("milk_volumes", None, "", "Sheet milk_volumes: Too big."),
        ("", None, "", "Too big."),
    ],
)
def test_a_problem_says_as_much_of_where_it_is_as_it_has(sheet, row, column, line):
    issue = ImportIssue(sheet, row, column, InteropErrorCode.INVALID_SLUG, "Too big.")

    with translation.override("en"):
        assert issue_line(issue) == line


def test_a_small_file_draws_no_progress_bar():
    written = []
    bar = ProgressBar(written.append, label="mothers", interactive=True)

    bar(10, progress.MINIMUM_ROWS - 1)

    assert written == []


def test_on_a_terminal_the_bar_redraws_in_place_at_most_every_tenth_of_a_second(monkeypatch):
    clock = iter([100.0, 100.05, 100.2, 100.21])
    monkeypatch.setattr(progress.time, "monotonic", lambda: next(clock))
    written = []
    bar = ProgressBar(written.append, label="mothers", interactive=True)

    bar(100, 400)  # drawn
    bar(150, 400)  # 0.05 s later: skipped
    bar(200, 400)  # drawn
    bar(400, 400)  # the end is always drawn, with its line break

    assert written == [
        "\rmothers [#######-----------------------] 100/400",
        "\rmothers [###############---------------] 200/400",
        "\rmothers [##############################] 400/400\n",
    ]
