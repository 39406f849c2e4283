locals {
  a = var . x
  b = foo (1)
  c = var.list [ 0 ]
  d = var.map [ "k" ] . attr
  e = [ for x in var.l : x ] [ 0 ]
  f = ( 1 + 2 ) [ 0 ]
  g = ! var.b
  h = var.a . * . b
  i = aws_instance.x [ * ] . id
}
