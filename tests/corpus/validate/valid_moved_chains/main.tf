resource "terraform_data" "b" {}
resource "terraform_data" "c" {}
moved {
  from = terraform_data.a
  to   = terraform_data.b
}
moved {
  from = terraform_data.a
  to   = terraform_data.c
}
moved {
  from = terraform_data.c
  to   = terraform_data.c
}
moved {
  from = terraform_data.b
  to   = terraform_data.a
}
moved {
  from = data.terraform_remote_state.x
  to   = data.terraform_remote_state.y
}
