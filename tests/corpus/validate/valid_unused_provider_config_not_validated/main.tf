provider "terraform" {
  foo = 1
}
provider "terraform" {
  alias = "x"
}
resource "terraform_data" "a" {
  provider = terraform.x
}
