resource "terraform_data" "a" {
  provider = terraform.nope
}
resource "terraform_data" "b" {
  provider = terraform
}
