"""The risk register: probability x impact on 1-5 scales, escalation to the RGU."""
from dataclasses import dataclass
from datetime import date

from kelisim.errors import Invalid
from kelisim.i18n import _

ESCALATION_SCORE = 15  # 15..25 is the red zone of the 5x5 matrix
SCALE = range(1, 6)


@dataclass
class Risk:
    project_code: str
    title: str
    probability: int
    impact: int
    plan_id: int | None = None
    region_code: str | None = None
    description: str = ""
    category: str = "other"
    owner: str | None = None
    mitigation: str = ""
    corrective_actions: str = ""
    status: str = "identified"
    residual_probability: int | None = None
    residual_impact: int | None = None
    next_review: date | None = None
    escalated: bool = False
    id: int | None = None
    version: int = 1

    @property
    def score(self):
        return self.probability * self.impact

    @property
    def residual_score(self):
        if self.residual_probability is None or self.residual_impact is None:
            return None
        return self.residual_probability * self.residual_impact

    def check(self):
        errors = {}
        for name in ("probability", "impact", "residual_probability", "residual_impact"):
            value = getattr(self, name)
            if value is not None and value not in SCALE:
                errors[name] = _("from 1 to 5")
        if errors:
            raise Invalid(_("the risk is not consistent"), errors)

    def needs_escalation(self):
        """True once when the score reaches the red zone of an open risk; re-arms below it."""
        red = self.score >= ESCALATION_SCORE and self.status not in ("closed",)
        if red and not self.escalated:
            self.escalated = True
            return True
        if not red:
            self.escalated = False
        return False


def heat_map(risks):
    """``{"p,i": count}`` of open risks, plus the 5x5 matrix rows (impact 5 on top)."""
    cells = {}
    for risk in risks:
        if risk.status == "closed":
            continue
        key = f"{risk.probability},{risk.impact}"
        cells[key] = cells.get(key, 0) + 1
    matrix = [[cells.get(f"{p},{i}", 0) for p in SCALE] for i in reversed(SCALE)]
    return {"cells": cells, "matrix": matrix}
