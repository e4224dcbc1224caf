"""Sends reminders by e-mail with Django's mail settings (to users and cadres with an address)."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from kaderasi.reminders.channels import (
    ChannelError,
    MessageChannel,
    OutgoingMessage,
    Receipt,
    Recovery,
)


class EmailChannel(MessageChannel):
    name = "email"
    address = "email"
    # SMTP has no idempotency: an interrupted send is not repeated.
    recovery = Recovery.NONE

    def send(self, message: OutgoingMessage) -> Receipt:
        message_id = f"<{message.reminder_id}@kaderasi.reminders>"
        email = EmailMessage(
            subject=message.subject or "kaderasi",
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.email],
            headers={"Message-ID": message_id},
        )
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as error:
            raise ChannelError("The mail server refused the address.", permanent=True) from error
        except (smtplib.SMTPException, OSError) as error:
            raise ChannelError(f"Mail server error: {type(error).__name__}") from error
        return Receipt(provider_message_id=message_id)
