import sys

# /// not a block: the type holds a blank
print(sys.version)
