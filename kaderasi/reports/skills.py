"""Skill pass rates per SOP step for the programme report, from the training app's assessments."""

from kaderasi.programmes.models import Programme
from kaderasi.reports.report_document import SkillStep
from kaderasi.training.summaries import skill_overview


def programme_skill_steps(programme: Programme, *, language: str) -> list[SkillStep]:
    """For each checklist step, how many re-demonstrations were scored and how many did it
    correctly, over every training of `programme` (all attempts). Empty when none was scored."""
    totals: dict[int, list] = {}
    for training in programme.trainings.select_related("skill_checklist").order_by("starts_at"):
        overview = skill_overview(training, cadres=programme.cadres.all())
        for step_misses in overview.steps:
            step = step_misses.step
            entry = totals.setdefault(
                step.number, [step.localized("text", language), step.is_critical, 0, 0]
            )
            entry[2] += step_misses.assessed_total
            entry[3] += step_misses.assessed_total - step_misses.missed_total
    return [
        SkillStep(number=number, title=title, critical=critical, assessed=assessed, passed=passed)
        for number, (title, critical, assessed, passed) in sorted(totals.items())
        if assessed
    ]
