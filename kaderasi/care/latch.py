"""What the LATCH score asks, item by item, in the words of its authors (Jensen D, Wallace S,
Kelsay P. LATCH: a breastfeeding charting system and documentation tool. J Obstet Gynecol
Neonatal Nurs 1994;23(1):27-32), with "the cadre" where they wrote "staff". Each item is scored
0, 1 or 2; the total runs from 0 to 10. Shown by the record form; the rules are the write
path's (`care.services.care_records_write`) and the flag rule `latch_score_low` (data)."""

from django.utils.translation import gettext_lazy as _

# (field, the item's name, what each score 0, 1, 2 looks like), in the order of the acronym.
LATCH_QUESTIONS = (
    (
        "latch",
        _("L · Latch"),
        (
            _("Too sleepy or reluctant; no latch achieved"),
            _("Repeated attempts; holds the nipple in the mouth; has to be stimulated to suck"),
            _("Grasps the breast; tongue down; lips flanged; rhythmic sucking"),
        ),
    ),
    (
        "audible_swallowing",
        _("A · Audible swallowing"),
        (
            _("None"),
            _("A few, with stimulation"),
            _("Spontaneous and intermittent (first 24 hours); spontaneous and frequent (later)"),
        ),
    ),
    (
        "nipple_type",
        _("T · Type of nipple"),
        (
            _("Inverted"),
            _("Flat"),
            _("Everted (after stimulation)"),
        ),
    ),
    (
        "comfort",
        _("C · Comfort (breast and nipple)"),
        (
            _("Engorged; cracked, bleeding, large blisters or bruises; severe discomfort"),
            _("Filling; reddened, small blisters or bruises; mild or moderate discomfort"),
            _("Soft; not tender"),
        ),
    ),
    (
        "hold",
        _("H · Hold (positioning)"),
        (
            _("Full help: the cadre holds the baby at the breast"),
            _("Some help: pillows, teaching one side, then the mother takes over"),
            _("No help: the mother positions and holds the baby herself"),
        ),
    ),
)


# The items' fields, in the order of the acronym (the record's and the form's).
LATCH_ITEMS = tuple(field for field, _name, _looks in LATCH_QUESTIONS)
