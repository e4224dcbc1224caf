"""NIK and phone numbers encrypted at rest, found through a keyed hash (core.field_crypto);
the rows and the audit log's copies of them rewritten (issue 14)."""

import django.core.validators
import kaderasi.core.field_crypto
import kaderasi.core.phones
from django.db import migrations

from kaderasi.core.identifier_migrations import encrypt_columns, mask_audit_log


class Migration(migrations.Migration):
    dependencies = [
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("care", "0012_latch_observation_and_skip_record_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="mother",
            name="nik_hash",
            field=kaderasi.core.field_crypto.LookupHashField(kind="nik", source="nik"),
        ),
        migrations.AddField(
            model_name="mother",
            name="phone_hash",
            field=kaderasi.core.field_crypto.LookupHashField(kind="phone", source="phone"),
        ),
        migrations.AlterField(
            model_name="mother",
            name="nik",
            field=kaderasi.core.field_crypto.EncryptedTextField(
                blank=True,
                help_text="Optional. 16-digit national identity number; shown masked.",
                plain_max_length=16,
                validators=[
                    django.core.validators.RegexValidator(
                        "^\\d{16}$", "A NIK has exactly 16 digits.", code="invalid_nik"
                    )
                ],
                verbose_name="NIK",
            ),
        ),
        migrations.AlterField(
            model_name="mother",
            name="phone",
            field=kaderasi.core.phones.PhoneNumberField(
                blank=True, plain_max_length=20, verbose_name="phone number"
            ),
        ),
        encrypt_columns(
            "care_mother", {"nik": ("nik_hash", "nik"), "phone": ("phone_hash", "phone")}
        ),
        mask_audit_log({("care", "mother"): ["nik", "phone"]}),
    ]
