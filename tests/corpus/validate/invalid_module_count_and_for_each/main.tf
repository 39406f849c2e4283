module "m" {
  source   = "git::https://example.com/m.git"
  count    = 1
  for_each = {}
}
