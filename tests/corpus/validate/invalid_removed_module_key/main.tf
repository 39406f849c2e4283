removed {
  from = module.a[0]
}
