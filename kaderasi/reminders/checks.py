"""System checks: a message backend that cannot send is reported by `kaderasi check --deploy`,
not discovered by a failing sweep every minute; so is the console backend in production."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.compatibility, deploy=True)
def check_message_backend(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from kaderasi.reminders.channels import channel_named

    backend = settings.KADERASI_MESSAGE_BACKEND
    try:
        channel = channel_named(backend)
    except (ImproperlyConfigured, ImportError) as error:
        return [checks.Error(str(error), id="reminders.E001", obj="KADERASI_MESSAGE_BACKEND")]
    missing = {
        "sms-http": ["KADERASI_SMS_HTTP_URL"],
        "whatsapp": ["KADERASI_WHATSAPP_PHONE_NUMBER_ID", "KADERASI_WHATSAPP_TOKEN"],
    }.get(channel.name, [])
    unset = [name for name in missing if not getattr(settings, name)]
    if unset:
        return [
            checks.Warning(
                f"KADERASI_MESSAGE_BACKEND is {backend!r} but {', '.join(unset)} is not set: "
                "every reminder would fail.",
                id="reminders.W001",
                obj="KADERASI_MESSAGE_BACKEND",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_console_backend_in_production(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The console channel is for development: with DEBUG off it delivers nothing (and prints
    only ids, since its output ends up in logs and a message's text names people)."""
    if settings.DEBUG or settings.KADERASI_MESSAGE_BACKEND != "console":
        return []
    return [
        checks.Warning(
            "KADERASI_MESSAGE_BACKEND is 'console' while DEBUG is off: reminders are marked sent "
            "but only their ids are printed; nobody receives them.",
            hint="Choose sms-http, whatsapp, email or file (the default when DEBUG is off).",
            id="reminders.W002",
            obj="KADERASI_MESSAGE_BACKEND",
        )
    ]
