module "child" {
  source = "./child"
  name   = "x"
}
module "many" {
  source   = "./child"
  for_each = toset(["a", "b"])
  name     = each.key
}
output "greeting" {
  value = module.child.greeting
}
