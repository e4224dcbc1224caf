"""What the admin's mother form posts, for tests that drive the admin as a coordinator would."""

PREGNANCY_INLINE = "pregnancies"


def mother_admin_form(*, programme, posyandu, mother=None, **changes) -> dict:
    """A complete, valid add form (no `mother`) or change form for `mother`, her pregnancy
    inline included; `changes` override any field."""
    data = {
        "programme": programme.pk,
        "posyandu": posyandu.pk,
        "code": mother.code if mother else "M50",
        "name": mother.name if mother else "Ny. Wulan",
        "nik": mother.nik if mother else "",
        "phone": mother.phone if mother else "0812-3456-7890",
        "birth_date": "",
        "group": mother.group if mother else "intervention",
        f"{PREGNANCY_INLINE}-TOTAL_FORMS": "0",
        f"{PREGNANCY_INLINE}-INITIAL_FORMS": "0",
        f"{PREGNANCY_INLINE}-MIN_NUM_FORMS": "0",
        f"{PREGNANCY_INLINE}-MAX_NUM_FORMS": "1000",
    }
    pregnancy = mother.pregnancies.first() if mother else None
    if pregnancy is not None:
        data |= {
            f"{PREGNANCY_INLINE}-TOTAL_FORMS": "1",
            f"{PREGNANCY_INLINE}-INITIAL_FORMS": "1",
            f"{PREGNANCY_INLINE}-0-id": pregnancy.pk,
            f"{PREGNANCY_INLINE}-0-mother": mother.pk,
            f"{PREGNANCY_INLINE}-0-last_menstrual_period": (
                pregnancy.last_menstrual_period.isoformat()
                if pregnancy.last_menstrual_period
                else ""
            ),
            f"{PREGNANCY_INLINE}-0-estimated_delivery_date": "",
        }
    return {**data, **changes}
