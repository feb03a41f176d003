"""Recovery predictions after stroke: PREP2 (upper limb at 3 months) and TWIST (independent walking).

Pure functions over recorded results with their dates (clinical reference §13.7–13.8). Each returns a
``Prediction``: the published category, the decision path that led to it, the tool's published accuracy and
validation caveats with their sources, or a refusal that names each missing or out-of-window input. A
prediction is never a guarantee, and every text here says so.
"""

from rehab.domain.prognosis.common import Dated, Finding, Prediction, Refusal, Tool
from rehab.domain.prognosis.prep2 import Prep2Category, Prep2Inputs, prep2
from rehab.domain.prognosis.twist import TwistCategory, TwistInputs, twist

__all__ = [
    "Dated",
    "Finding",
    "Prediction",
    "Prep2Category",
    "Prep2Inputs",
    "Refusal",
    "Tool",
    "TwistCategory",
    "TwistInputs",
    "prep2",
    "twist",
]
