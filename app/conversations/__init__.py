"""Direct conversations started by chat code."""
