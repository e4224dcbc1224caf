"""Registry edits and conflicts move from the api app to the sync app (docs/decisions/0071).

The tables stay where they are (`api_registryedit`, `api_conflict`): the models are created here
in Django's state only, and api 0002 removes them from the api app's state. Their content types
move from app label "api" to "sync", so the audit log's entries and the permissions follow them.
"""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

MOVED = ("conflict", "registryedit")


def move_content_types(apps, schema_editor, *, source="api", target="sync"):
    """Relabel the moved models' content types, unless the target already has its own."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(
        ContentType.objects.using(db)
        .filter(app_label=target, model__in=MOVED)
        .values_list("model", flat=True)
    )
    ContentType.objects.using(db).filter(app_label=source, model__in=MOVED).exclude(
        model__in=taken
    ).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="sync", target="api")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('api', '0001_device_tokens_snapshots_conflicts'),
        ('care', '0003_sessions_consent_flags_referrals'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Conflict',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='public id')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('client_record_id', models.UUIDField(verbose_name='id of the pushed record')),
                        ('record', models.CharField(choices=[('mother', 'Mother'), ('delivery', 'Delivery'), ('infant', 'Infant')], max_length=10, verbose_name='record')),
                        ('record_public_id', models.UUIDField(verbose_name='public id of the edited row')),
                        ('field', models.CharField(max_length=40, verbose_name='field')),
                        ('base_version', models.DateTimeField(verbose_name='version the phone had')),
                        ('server_version', models.DateTimeField(verbose_name='version on the server')),
                        ('device_value', models.JSONField(blank=True, null=True, verbose_name='value from the phone')),
                        ('server_value', models.JSONField(blank=True, null=True, verbose_name='value on the server')),
                        ('submitted_at', models.DateTimeField(verbose_name='submitted at')),
                        ('status', models.CharField(choices=[('open', 'Waiting for the midwife'), ('resolved', 'Resolved')], default='open', max_length=10, verbose_name='status')),
                        ('resolution', models.CharField(blank=True, choices=[('kept_server', 'Kept the value on the server'), ('took_device', 'Took the value from the phone'), ('edited', 'Entered another value')], max_length=12, verbose_name='resolution')),
                        ('resolved_value', models.JSONField(blank=True, null=True, verbose_name='value kept')),
                        ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved at')),
                        ('mother', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='care.mother', verbose_name='mother')),
                        ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='resolved by')),
                        ('submitted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
                    ],
                    options={
                        'db_table': 'api_conflict',
                        'verbose_name': 'conflict',
                        'verbose_name_plural': 'conflicts',
                        'ordering': ['-submitted_at'],
                        'indexes': [models.Index(fields=['status', 'submitted_at'], name='api_conflic_status_bf9b65_idx')],
                        'constraints': [models.UniqueConstraint(fields=('client_record_id', 'field'), name='conflict_one_per_pushed_field'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'open'), ('resolution', ''), ('resolved_at__isnull', True), ('resolved_by__isnull', True)), models.Q(('status', 'resolved'), models.Q(('resolution', ''), _negated=True), ('resolved_at__isnull', False), ('resolved_by__isnull', False)), _connector='OR'), name='conflict_resolved_with_resolution_time_and_author', violation_error_message='A resolved conflict needs its resolution and author.'), models.CheckConstraint(condition=models.Q(('record__in', ['mother', 'delivery', 'infant'])), name='conflict_record_is_known')],
                    },
                ),
                migrations.CreateModel(
                    name='RegistryEdit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='public id')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('client_record_id', models.UUIDField(unique=True, verbose_name='id of the pushed record')),
                        ('record', models.CharField(choices=[('mother', 'Mother'), ('delivery', 'Delivery'), ('infant', 'Infant')], max_length=10, verbose_name='record')),
                        ('received_at', models.DateTimeField(verbose_name='received at')),
                        ('applied_fields', models.JSONField(blank=True, default=list, verbose_name='fields applied')),
                        ('conflict_fields', models.JSONField(blank=True, default=list, verbose_name='fields kept for the midwife')),
                        ('mother', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='care.mother', verbose_name='mother')),
                        ('submitted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
                    ],
                    options={
                        'db_table': 'api_registryedit',
                        'verbose_name': 'registry edit',
                        'verbose_name_plural': 'registry edits',
                        'ordering': ['-received_at'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('record__in', ['mother', 'delivery', 'infant'])), name='registry_edit_record_is_known')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
