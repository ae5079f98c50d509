"""Exercise checks, one module per lab (lab00, lab01, ...)."""
