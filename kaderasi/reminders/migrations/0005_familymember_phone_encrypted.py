"""NIK and phone numbers encrypted at rest, found through a keyed hash (core.field_crypto);
the rows and the audit log's copies of them rewritten (issue 14)."""

import kaderasi.core.field_crypto
import kaderasi.core.phones
from django.db import migrations

from kaderasi.core.identifier_migrations import encrypt_columns, mask_audit_log


class Migration(migrations.Migration):
    dependencies = [
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reminders", "0004_danger_sign_with_no_midwife"),
    ]

    operations = [
        migrations.AddField(
            model_name="familymember",
            name="phone_hash",
            field=kaderasi.core.field_crypto.LookupHashField(kind="phone", source="phone"),
        ),
        migrations.AlterField(
            model_name="familymember",
            name="phone",
            field=kaderasi.core.phones.PhoneNumberField(
                blank=True, plain_max_length=20, verbose_name="phone number"
            ),
        ),
        encrypt_columns("reminders_familymember", {"phone": ("phone_hash", "phone")}),
        mask_audit_log({("reminders", "familymember"): ["phone"]}),
    ]
