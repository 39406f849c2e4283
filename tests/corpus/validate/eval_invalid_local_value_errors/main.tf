locals {
  m = { a = 1 }
  l = [1, 2]
  bad1 = local.m.b
  bad2 = local.l[5]
  bad3 = local.l["x"]
  ok   = try(local.m.b, 0)
  bad4 = "${local.m}"
  bad5 = tostring([1])
  bad6 = can(local.m.b) ? 1 : "x"
}
