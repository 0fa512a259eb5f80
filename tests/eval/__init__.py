"""Tests of the vignette evaluator (scripts/eval_vignettes.py) and of the vignette files."""
