module "tier" {
  source = "./storage"
  for_each = toset(["primary"])
}

moved {
  from = module.storage
  to   = module.tier["primary"]
}
