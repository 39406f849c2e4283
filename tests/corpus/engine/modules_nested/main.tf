module "env" {
  source = "./modules/env"
  count  = 2
  name   = "env${count.index}"
  apps   = ["api", "web"]
}

module "single" {
  source = "./modules/env"
  name   = "solo"
  apps   = []
}

output "envs" {
  value = module.env[*].summary
}

output "single" {
  value = module.single.summary
}
