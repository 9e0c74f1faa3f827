# /// script
# dependencies = ["x"]
print(1)
