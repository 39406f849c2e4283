resource "terraform_data" "new" {}
moved {
  from = terraform_data.old
  to   = terraform_data.new
}
resource "terraform_data" "many" {
  count = 2
}
moved {
  from = terraform_data.single
  to   = terraform_data.many[0]
}
moved {
  from = module.a
  to   = module.b
}
