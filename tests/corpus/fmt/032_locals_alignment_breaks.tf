locals {
  a = 1
  bbb = 2
  # comment breaks alignment chain
  cc = 3
  dddddd = 4

  e = 5
  ffff = {
    x = 1
  }
  g = 6
  hh = [
    1,
  ]
  iii = 7
}
