#!/usr/bin/env python3
# /// script
# dependencies = ["openpyxl==3.1.2"]
#
# ///
print("hi")
