# variables
name = "app"   # the name
very_long_variable_name = "x"
x = 1

// other
ports = [
  80,
    443,
]
