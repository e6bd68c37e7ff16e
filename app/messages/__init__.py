"""Message history, sending, editing, deleting and read markers."""
