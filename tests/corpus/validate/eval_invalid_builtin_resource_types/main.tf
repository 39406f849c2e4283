resource "terraform_nope" "z" {}
resource "terraform_dat" "y" {}
data "terraform_remote_stat" "x" {}
data "terraform_data" "w" {}
resource "terraform_remote_state" "v" {}
ephemeral "terraform_e" "u" {}
resource "terraform_data" "g" {
  input = 1 + "x"
}
