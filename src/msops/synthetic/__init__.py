"""The demo data generator: a synthetic national history calibrated to the published figures.

`generate_history` yields the monthly returns each organisation would submit (values as a force
types them, ready for the same validation as a real file); `ground_truth` says which nominal
records are the same person, for linkage evaluation.
"""

from msops.synthetic.history import generate_history, ground_truth
from msops.synthetic.model import MonthlyReturn

__all__ = ["MonthlyReturn", "generate_history", "ground_truth"]
