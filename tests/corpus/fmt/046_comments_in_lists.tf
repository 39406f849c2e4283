locals {
  list = [
    "a", # first
    "b", // second
    /* third */ "c",
    # standalone
    "d"
  ]
  obj = {
    a = 1 # one
    /* lead */ b = 2
  }
  call = foo(
    1, # arg one
    2
  )
}
