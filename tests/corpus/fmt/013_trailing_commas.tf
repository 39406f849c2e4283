locals {
  list = ["a", "b", "c",]
  obj = { a = 1, b = 2, }
  call = merge(
    var.a,
    var.b,
  )
  multi = [
    "x",
    "y",
  ]
  tuple_in_obj = {
    k = [1, 2,],
  }
}
