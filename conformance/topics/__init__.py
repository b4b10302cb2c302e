"""One module per vector file: each defines the cases of its topic."""
