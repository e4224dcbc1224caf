"""The text of each reminder (it names the mother and her cadre) encrypted at rest, as NIK and
phone numbers are (core.field_crypto; issue 14: "sent reminder texts are stored in plaintext")."""

import kaderasi.core.field_crypto
from django.db import migrations

from kaderasi.core.identifier_migrations import encrypt_texts


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0005_familymember_phone_encrypted"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reminder",
            name="body",
            field=kaderasi.core.field_crypto.EncryptedTextField(
                blank=True, plain_max_length=10000, verbose_name="text sent"
            ),
        ),
        encrypt_texts("reminders_reminder", ["body"]),
    ]
