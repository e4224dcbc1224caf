"""The demo training's video: the short SOP video committed in kaderasi/demo/media (made by
scripts/make_training_video.py from the SOP illustrations; its licence beside it), attached as a
trainer would upload it, so the demo shows the video path: range-served playback and the copy a
cadre's phone keeps for offline use."""

from pathlib import Path

from django.core.files import File

from kaderasi.training import services as training_services
from kaderasi.training.models import Training

VIDEO = Path(__file__).resolve().parent / "media" / "pijat-oksitosin-sop.mp4"


def demo_video_attach(training: Training) -> Training:
    with VIDEO.open("rb") as file:
        return training_services.training_video_attach(
            training=training, video=File(file, name=VIDEO.name)
        )
