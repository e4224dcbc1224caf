"""The guided session's words a cadre may misread (issue 19), in existing installs: step 7 goes
"down to the lower tip of the shoulder blades, the bra-strap line" (not "to shoulder-blade
level"), and step 3 names the positions after a caesarean (a pillow on her lap over the belly, or
lying on her side). Only a row still holding the shipped wording is changed: a coordinator's
edit stays. Reversible."""

from django.db import migrations

STEP_3 = {
    "before": {
        "instruction_id": "Ibu melepas baju atas dan bra, duduk condong ke depan, tangan "
        "dilipat di atas meja atau bantal, kepala di atas lengan. Payudara menggantung bebas. "
        "Tutup dengan handuk. Setelah operasi sesar, pilih posisi yang tidak menekan luka.",
        "instruction_en": "The mother takes off her top and bra and sits leaning forward, arms "
        "folded on the table or a pillow, head resting on them. Her breasts hang free. Drape a "
        "towel. After a caesarean, choose a position that does not strain the wound.",
    },
    "after": {
        "instruction_id": "Ibu melepas baju atas dan bra, duduk condong ke depan, tangan "
        "dilipat di atas meja atau bantal, kepala di atas lengan. Payudara menggantung bebas. "
        "Tutup dengan handuk. Setelah operasi sesar: ibu memeluk bantal di pangkuan yang "
        "menahan perut, atau berbaring miring dengan bantal di antara lutut dan di depan perut.",
        "instruction_en": "The mother takes off her top and bra and sits leaning forward, arms "
        "folded on the table or a pillow, head resting on them. Her breasts hang free. Drape a "
        "towel. After a caesarean: she hugs a pillow on her lap that supports her belly, or lies "
        "on her side with a pillow between her knees and one in front of her belly.",
    },
}
STEP_7 = {
    "before": {
        "title_id": "Turun sampai tulang belikat",
        "title_en": "Move down to the shoulder blades",
        "instruction_id": "Pijat pelan-pelan turun sampai setinggi tulang belikat (garis bra). "
        "Ulangi 3-5 kali dari atas ke bawah. Tanyakan kenyamanan ibu; hentikan bila ibu nyeri "
        "atau pusing.",
        "instruction_en": "Work slowly down to the level of the shoulder blades (the bra line). "
        "Repeat 3-5 times from top to bottom. Ask how she feels; stop if she has pain or feels "
        "dizzy.",
    },
    "after": {
        "title_id": "Turun sampai ujung tulang belikat",
        "title_en": "Move down to the tip of the shoulder blades",
        "instruction_id": "Pijat pelan-pelan turun sampai ujung bawah tulang belikat, garis tali "
        "bra. Ulangi 3-5 kali dari atas ke bawah. Tanyakan kenyamanan ibu; hentikan bila ibu "
        "nyeri atau pusing.",
        "instruction_en": "Work slowly down to the lower tip of the shoulder blades, the "
        "bra-strap line. Repeat 3-5 times from top to bottom. Ask how she feels; stop if she has "
        "pain or feels dizzy.",
    },
}
STEPS = {3: STEP_3, 7: STEP_7}


def _change(apps, old: str, new: str) -> None:
    massage_step = apps.get_model("care", "MassageStep")
    for number, wording in STEPS.items():
        for step in massage_step.objects.filter(number=number):
            if all(getattr(step, field) == text for field, text in wording[old].items()):
                for field, text in wording[new].items():
                    setattr(step, field, text)
                step.save()


def plain_wording(apps, schema_editor):
    _change(apps, "before", "after")


def shipped_wording(apps, schema_editor):
    _change(apps, "after", "before")


class Migration(migrations.Migration):
    dependencies = [("care", "0009_protocol_safety")]

    operations = [migrations.RunPython(plain_wording, shipped_wording)]
