module "m" {
  source = "./m"
  count  = 2
  providers = {
    terraform = terraform
  }
}
module "n" {
  source     = "./m"
  depends_on = [module.m]
}
