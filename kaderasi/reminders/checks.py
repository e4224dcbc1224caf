"""System checks: a message backend that cannot send is reported by `kaderasi check --deploy`,
not discovered by a failing sweep every minute."""

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
