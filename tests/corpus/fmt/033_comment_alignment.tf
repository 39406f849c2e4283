locals {
  a = 1 # one
  bbbbbb = 2 # two
  cc = "three" # three
  d = 4
  ee = 5 // five
  f = 6 /* block not aligned */
  gg = 7 # seven
}
