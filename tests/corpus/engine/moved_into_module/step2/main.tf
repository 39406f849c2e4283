module "storage" {
  source = "./storage"
}

moved {
  from = terraform_data.db
  to   = module.storage.terraform_data.db
}

moved {
  from = terraform_data.cache
  to   = module.storage.terraform_data.cache
}
