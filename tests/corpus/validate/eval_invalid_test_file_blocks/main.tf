resource "terraform_data" "a" {}
data "terraform_remote_state" "s" {
  backend = "local"
}
