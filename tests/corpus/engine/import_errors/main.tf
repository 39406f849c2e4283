import {
  to = terraform_data.missing
  id = "abc"
}

resource "terraform_data" "present" {
  input = "present"
}
