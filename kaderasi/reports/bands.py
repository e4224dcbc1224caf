"""The knowledge bands a programme report sorts cadres into (good / fair / poor), read from the
programme's training policy (decision 0012), never stored again by the report. The bands are the
training's own `training.scoring.Bands`, banded by `training.scoring.knowledge_band`, the one
definition the trainer's summary and the cadre's result use too; this module only adds where the
thresholds come from, in words."""

from django.utils.translation import gettext as _

from kaderasi.programmes.models import Programme
from kaderasi.training.models.policies import DEFAULT_POLICY_SOURCE
from kaderasi.training.scoring import Bands
from kaderasi.training.selectors import training_policy_for
from kaderasi.training.summaries import bands_of

CONVENTIONAL_GOOD_FROM = 76
CONVENTIONAL_FAIR_FROM = 56


def knowledge_bands_for(programme: Programme) -> tuple[Bands, str]:
    """The bands of the programme's training policy (the defaults without one), and their source.
    The shipped default source is kaderasi's own (English) text: the report states it in the
    active language instead; a source a coordinator wrote is shown as written."""
    policy = training_policy_for(programme)
    good, fair = policy.good_band_minimum, policy.fair_band_minimum
    source = (policy.source or "").strip()
    if not source or source == DEFAULT_POLICY_SOURCE.strip():
        values = {"good": good, "fair": fair, "fair_to": good - 1}
        if (good, fair) == (CONVENTIONAL_GOOD_FROM, CONVENTIONAL_FAIR_FROM):
            source = (
                _(
                    "the Arikunto-style convention of Indonesian studies of cadre knowledge (good "
                    "≥ %(good)s, fair %(fair)s–%(fair_to)s, poor < %(fair)s), the default of the "
                    "programme's training policy, to be confirmed by the programme"
                )
                % values
            )
        else:
            source = (
                _(
                    "the programme's training policy (good ≥ %(good)s, fair %(fair)s–%(fair_to)s, "
                    "poor < %(fair)s)"
                )
                % values
            )
    return bands_of(policy), source
