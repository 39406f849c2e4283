moved {
  from = module.a[each.key]
  to   = module.b
}
