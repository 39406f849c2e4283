module "m" {
  source = "./m"
  a      = local.bad
  b      = 1 + "x"
}
locals {
  bad = var.nope
}
output "o" {
  value = module.m.out
}
output "p" {
  value = module.m.other
}
resource "terraform_data" "r" {
  input = module.m.out2
}
