"""Total scores typed the Indonesian way: "62,5" is 62.5 (a number input sent 625, refused, and
"6,5" as 65, stored); "62.500" or "1.000" is refused, never read as a decimal or a thousand."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kaderasi.training.models import TestAttempt
from kaderasi.training.tests.answering import english_url

pytestmark = pytest.mark.django_db


def test_a_total_score_with_a_decimal_comma_is_saved_as_typed(client, training, coordinator, wati):
    client.force_login(coordinator)

    response = client.post(
        reverse("training:total-scores", args=[training.public_id, "pre"]),
        {f"s_{wati.public_id.hex}": "62,5"},
    )

    assert response.status_code == 302
    assert TestAttempt.objects.get().score == Decimal("62.50")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "62.500",
            "“62.500” could be a decimal or a thousand. Write a decimal with a comma (12,5) and a "
            "whole number without a dot (1200).",
        ),
        ("62,5555", "At most 2 digit(s) after the comma; “62,5555” has more."),
        ("enam puluh", "“enam puluh” is not a number. Write it like 12,5."),
    ],
)
def test_a_total_score_that_is_not_one_clear_number_is_refused(
    client, training, coordinator, wati, typed, message
):
    client.force_login(coordinator)

    response = client.post(
        english_url("training:total-scores", training.public_id, "pre"),
        {f"s_{wati.public_id.hex}": typed},
    )

    assert response.status_code == 200
    assert response.context["form"].errors[f"s_{wati.public_id.hex}"] == [message]
    assert f'value="{typed}"' in response.content.decode()
    assert 'type="number"' not in response.content.decode()
    assert not TestAttempt.objects.exists()
