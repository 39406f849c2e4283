import {
  to = terraform_data.a
  id = [1]
}

resource "terraform_data" "a" {}
