"""Legal services: union lawyers' arbitration and litigation cases (诉、裁、调), their stages and
results, and the conversion of a failed mediation into one."""
