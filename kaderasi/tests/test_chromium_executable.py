"""Which Chromium the browser tests drive (decision 0325): Debian's headless shell when it is
installed, else Debian's full browser, else none (the browser tests skip)."""

from kaderasi.conftest import chromium_executable


def executable(path):
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_the_headless_shell_is_preferred_to_the_full_browser(tmp_path):
    shell = executable(tmp_path / "chromium-headless-shell")
    full = executable(tmp_path / "chromium")

    assert chromium_executable((shell, full)) == shell


def test_the_full_browser_is_driven_where_the_shell_is_missing(tmp_path):
    full = executable(tmp_path / "chromium")

    assert chromium_executable((str(tmp_path / "chromium-headless-shell"), full)) == full


def test_a_file_that_cannot_be_run_is_passed_over(tmp_path):
    shell = tmp_path / "chromium-headless-shell"
    shell.write_text("")
    full = executable(tmp_path / "chromium")

    assert chromium_executable((str(shell), full)) == full


def test_without_either_no_chromium_is_driven(tmp_path):
    assert chromium_executable((str(tmp_path / "a"), str(tmp_path / "b"))) is None
