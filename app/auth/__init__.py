"""Sign-up, sign-in and tokens."""
