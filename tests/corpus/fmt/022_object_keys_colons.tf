locals {
  obj = {
    a: 1,
    "b": 2,
    c = 3
    (var.key): 4
    "with space" = 5
  }
  oneline = {a:1,b:2}
}
