"""The analysis stages: one module per stage."""
