import {
  to = terraform_data.z
  id = "c"
}
resource "terraform_data" "z" {}
