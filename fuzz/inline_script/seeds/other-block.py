"""A task with a block of another type first."""
# /// pyproject
# [tool.ruff]
# line-length = 100
# ///
# /// script
# dependencies = []
# ///
print("done")
