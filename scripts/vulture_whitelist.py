"""Names Django (or a library) calls by name, which the dead-code check (scripts/dead_code.py)
cannot see being used. Not imported by anything: vulture reads it as code that uses each name.
Add a name here only when a framework calls it; remove what is dead instead."""

# ruff: noqa: B018
_ = object()

# Apps: Django finds an app's AppConfig subclass in its apps.py (INSTALLED_APPS names the app)
# and calls ready().
_.AccountsConfig, _.ApiConfig, _.CadresConfig, _.CareConfig, _.CoreConfig, _.DemoConfig
(
    _.EvaluationConfig,
    _.InteropConfig,
    _.OfflineConfig,
    _.PrivacyConfig,
    _.ProgrammesConfig,
    _.RegionsConfig,
)
_.RemindersConfig, _.ReportsConfig, _.SyncConfig, _.TrainingConfig, _.WebConfig, _.WorkerConfig

# Management commands: Django calls Command.add_arguments and handle.
_.add_arguments

# Admin: the ModelAdmin hooks, and has_<name>_permission for an action's permissions=[<name>].
_.get_queryset, _.get_readonly_fields, _.save_model
_.has_module_permission, _.has_view_permission, _.has_add_permission, _.has_retry_permission

# Forms and widgets: clean_<field>, a choice field's labels, a widget's value.
_.clean_steps_done, _.clean_cadre, _.label_from_instance, _.format_value

# Python-Markdown calls an Extension's extendMarkdown.
_.extendMarkdown

# Imported in AppConfig.ready() for what importing it does (registers the task queue).
_.huey_queue

# Django's session check calls AbstractBaseUser._get_session_auth_hash; django-axes calls its
# handler's clean_expired_user_attempts.
_._get_session_auth_hash, _.clean_expired_user_attempts

# Django calls a model field's from_db_value and get_lookup (core.field_crypto).
_.from_db_value, _.get_lookup

# The admin calls has_<name>_permission for an action declared with permissions=["<name>"].
_.has_requeue_permission

# Django's list filter calls field_choices (ScopedRelatedFilter, kaderasi/core/admin_site.py).
_.field_choices
