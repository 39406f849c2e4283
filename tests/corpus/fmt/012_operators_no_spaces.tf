locals {
  a = 1+2*3-4/2%3
  b = (1+2)*3
  c = -var.x
  d = 5- -3
  e = var.a==var.b
  f = var.a!=var.b&&!var.c
  g = var.x<var.y||var.x>var.z
  h = [-1,-2, - 3]
  i = {a=-1}
  j = var.cond ? -1 : 1
  k = foo(-1)
  l = 10 * -var.n
}
