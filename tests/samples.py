"""The plans kept in the repository (samples/): the demo's five seed plans and the real plans as found."""
import pathlib

SAMPLES = pathlib.Path(__file__).resolve().parents[1] / "samples"
SEED_PLANS = SAMPLES / "plans"
REAL_PLANS = SAMPLES / "plans-real"
