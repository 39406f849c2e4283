b = "auto-b"
c = "auto-c"
