"""The demo's training video (issue 18, item 5): small, made for phones (its index at the front so
playback starts before the download ends), attached to the demo trainings, and served in the
ranges a player asks for."""

import pytest
from django.urls import reverse

from kaderasi.accounts.models import User
from kaderasi.demo.seeding import seed_demo
from kaderasi.demo.training_video import VIDEO
from kaderasi.training.models import Training

MOST_BYTES = 3 * 1024 * 1024


def _boxes(data: bytes) -> list[bytes]:
    """The top-level MP4 boxes in file order."""
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        boxes.append(data[offset + 4 : offset + 8])
        if size < 8:
            break
        offset += size
    return boxes


def test_the_demo_video_is_a_small_mp4_with_its_index_before_its_frames():
    data = VIDEO.read_bytes()

    assert len(data) < MOST_BYTES
    boxes = _boxes(data)
    assert boxes[0] == b"ftyp"
    assert boxes.index(b"moov") < boxes.index(b"mdat")


def test_its_source_and_licence_are_committed_beside_it():
    licence = (VIDEO.parent / "LICENSE.md").read_text()

    assert "scripts/make_training_video.py" in licence
    assert "Apache License 2.0" in licence


@pytest.mark.django_db
def test_the_demo_trainings_show_the_video_and_a_player_gets_the_range_it_asks_for(
    client, now, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    seed_demo(now=now)
    data = VIDEO.read_bytes()
    client.force_login(User.objects.get(username="kader"))

    training = Training.objects.exclude(video_file="").get()
    assert training.programme.slug == "demo-live"
    url = reverse("training:training-video", args=[training.public_id])
    assert url in client.get(reverse("training:materials")).content.decode()

    middle = client.get(url, headers={"Range": "bytes=500000-500999"})
    assert middle.status_code == 206
    assert middle["Content-Range"] == f"bytes 500000-500999/{len(data)}"
    assert b"".join(middle.streaming_content) == data[500000:501000]
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
