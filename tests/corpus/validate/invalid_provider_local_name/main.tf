provider "TERRAFORM" {
}
resource "terraform_data" "a" {
  provider = TERRAFORM
}
