module "m" {
  source = "./m"
  count  = 2
  providers = {
    terraform = terraform
  }
}
module "n" {
  source     = "./n"
  depends_on = [module.m]
}
