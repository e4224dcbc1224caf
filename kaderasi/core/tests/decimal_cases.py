"""One table of typed numbers and how they read, run through the Python parser
(test_decimals.py) and the offline app's mirror in the browser (offline/tests/test_numbers.py):
the phone and the server must read every one of them the same way.

Each case: what a person typed, and the number it is (as a string) or the reason it is refused."""

CASES: list[tuple[str, str]] = [
    # The Indonesian decimal comma, and the dot people used to other phones type.
    ("12,5", "12.5"),
    ("12.5", "12.5"),
    ("12,50", "12.50"),
    ("0,750", "0.750"),
    ("0.5", "0.5"),
    (",5", "0.5"),
    (" 35 ", "35"),
    ("35", "35"),
    ("007", "7"),
    ("1200", "1200"),
    ("1234,567", "1234.567"),
    ("12,3456", "12.3456"),
    ("1,2", "1.2"),
    ("-5", "-5"),
    ("\u22125", "-5"),
    ("+5", "5"),
    ("-0,5", "-0.5"),
    ("-0", "0"),
    ("5000", "5000"),
    # One separator before exactly three digits: a decimal or a thousand? Never guessed.
    ("1.200", "number_ambiguous_separator"),
    ("1,200", "number_ambiguous_separator"),
    ("12.500", "number_ambiguous_separator"),
    ("125,000", "number_ambiguous_separator"),
    ("-1.500", "number_ambiguous_separator"),
    # Thousands separators: refused with a message saying how to write the number.
    ("1.200.000", "number_thousands_separator"),
    ("1,200,000", "number_thousands_separator"),
    ("1.200,5", "number_thousands_separator"),
    ("1,200.5", "number_thousands_separator"),
    ("1 200", "number_thousands_separator"),
    # Not numbers at all.
    ("", "number_empty"),
    ("   ", "number_empty"),
    ("12,", "number_invalid"),
    (".", "number_invalid"),
    ("-", "number_invalid"),
    ("1e3", "number_invalid"),
    ("12 ml", "number_invalid"),
    ("abc", "number_invalid"),
    ("NaN", "number_invalid"),
    ("Infinity", "number_invalid"),
    ("1,2,3", "number_invalid"),
    ("1..2", "number_invalid"),
    ("٣٥", "number_invalid"),
    ("0x10", "number_invalid"),
    ("1\n,5", "number_invalid"),
    ("12\n", "12"),
]
