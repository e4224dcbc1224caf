"""Training videos: uploaded by a trainer, streamed to phones with HTTP range requests so that
they start at once and can be skipped through; or a link."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaderasi.core.errors import DomainError
from kaderasi.training import services
from kaderasi.training.errors import TrainingErrorCode
from kaderasi.training.ranges import ByteRange, RangeNotSatisfiable, parse_range

VIDEO = bytes(range(256)) * 40  # 10,240 bytes standing in for an MP4


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("bytes=0-9", ByteRange(0, 9)),
        ("bytes=100-", ByteRange(100, 999)),
        ("bytes=-100", ByteRange(900, 999)),
        ("bytes=-5000", ByteRange(0, 999)),
        ("bytes=990-5000", ByteRange(990, 999)),
        ("bytes=0-9,20-29", None),  # several ranges: send the whole file
        ("items=0-9", None),
        ("bytes=9-0", None),
        ("bytes=abc", None),
    ],
)
def test_a_range_header_is_read_as_one_range_clamped_to_the_file(header, expected):
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_a_range_outside_the_file_cannot_be_satisfied(header):
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 1000)


@pytest.fixture
def video_training(training, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.training_video_attach(
        training=training, video=SimpleUploadedFile("Video Pijat.MP4", VIDEO, "video/mp4")
    )


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_a_phone_gets_the_part_of_the_video_it_asks_for(client, video_training, cadre_user):
    client.force_login(cadre_user)
    url = reverse("training:training-video", args=[video_training.public_id])
    response = client.get(url, headers={"Range": "bytes=1000-1999"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-1999/{len(VIDEO)}"
    assert response["Content-Length"] == "1000"
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert _content(response) == VIDEO[1000:2000]


@pytest.mark.django_db
def test_seeking_to_the_end_and_resuming_work_with_open_and_suffix_ranges(
    client, video_training, cadre_user
):
    client.force_login(cadre_user)
    url = reverse("training:training-video", args=[video_training.public_id])
    tail = client.get(url, headers={"Range": "bytes=-240"})
    assert (tail.status_code, _content(tail)) == (206, VIDEO[-240:])
    resumed = client.get(url, headers={"Range": "bytes=10000-"})
    assert resumed["Content-Range"] == f"bytes 10000-10239/{len(VIDEO)}"
    assert _content(resumed) == VIDEO[10000:]


@pytest.mark.django_db
def test_without_a_range_the_whole_video_is_sent_and_ranges_are_advertised(
    client, video_training, coordinator
):
    client.force_login(coordinator)
    response = client.get(reverse("training:training-video", args=[video_training.public_id]))
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(VIDEO))
    assert _content(response) == VIDEO


@pytest.mark.django_db
def test_a_range_beyond_the_end_is_answered_416(client, video_training, coordinator):
    client.force_login(coordinator)
    response = client.get(
        reverse("training:training-video", args=[video_training.public_id]),
        headers={"Range": "bytes=20000-"},
    )
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(VIDEO)}"


@pytest.mark.django_db
def test_the_video_of_another_area_is_not_found(client, video_training, world):
    from kaderasi.accounts.models import Role
    from kaderasi.tests import factories as f

    user = f.UserFactory(role=Role.CADRE)
    f.CadreFactory(programme=world.other_programme, posyandu=world.sakura, user=user)
    client.force_login(user)
    response = client.get(reverse("training:training-video", args=[video_training.public_id]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_video_needs_a_login(client, video_training):
    response = client.get(reverse("training:training-video", args=[video_training.public_id]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_trainer_uploads_a_video_from_the_training_page(
    client, training, coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(coordinator)
    response = client.post(
        reverse("training:training-video-upload", args=[training.public_id]),
        {"video_file": SimpleUploadedFile("pijat.webm", VIDEO, "video/webm")},
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.video_file.name == f"training/videos/{training.public_id}/video.webm"
    assert training.video_file.size == len(VIDEO)


@pytest.mark.django_db
def test_a_format_phones_cannot_play_is_refused(training, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(DomainError) as error:
        services.training_video_attach(
            training=training, video=SimpleUploadedFile("pijat.avi", VIDEO, "video/x-msvideo")
        )
    assert (error.value.code, error.value.field) == (TrainingErrorCode.VIDEO_TYPE, "video_file")
    training.refresh_from_db()
    assert not training.video_file


@pytest.mark.django_db
def test_a_video_above_the_size_limit_is_refused(training, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KADERASI_TRAINING_VIDEO_MAX_MB = 0
    with pytest.raises(DomainError) as error:
        services.training_video_attach(
            training=training, video=SimpleUploadedFile("pijat.mp4", VIDEO, "video/mp4")
        )
    assert error.value.code == TrainingErrorCode.VIDEO_TOO_LARGE


@pytest.mark.django_db
def test_a_replaced_video_file_is_deleted(
    training, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        services.training_video_attach(
            training=training, video=SimpleUploadedFile("a.mp4", VIDEO, "video/mp4")
        )
    first = tmp_path / training.video_file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.training_video_attach(
            training=training, video=SimpleUploadedFile("b.mp4", VIDEO[:10], "video/mp4")
        )
    assert not first.exists()
    assert (tmp_path / training.video_file.name).read_bytes() == VIDEO[:10]
