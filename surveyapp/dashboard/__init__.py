"""What signed-in staff see first: their campaigns and the pages they may use."""
