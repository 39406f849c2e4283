module "m" {
  source = "./m"
  count  = 2
  n      = count.index
}
output "a" {
  value = module.m[0].out
}
output "b" {
  value = module.m.out
}
output "c" {
  value = module.m[0].nope
}
resource "terraform_data" "x" {
  depends_on = [module.m[0].out]
}
